# Sourced by tools/check.sh: deliberate kernel faults must give Linux's
# style of report (what faulted, registers, a symbolized call trace) and a
# panic that ends the run, and bad boot input must not stop the boot.

# expect_in LOG NAME pattern...: ok when every fixed string is in LOG.
expect_in() {
	log=$1 name=$2
	shift 2
	for pat in "$@"; do
		if ! grep -qF -- "$pat" "$log"; then
			notok "$name: missing \"$pat\" (see $log)"
			return
		fi
	done
	ok "$name"
}

fault_boot() {	# NAME FAULT
	log="$L/fault-$2.log"
	qemu_boot "$log" 120 -M q35 -cpu max -smp 2 -m 256 -kernel build/ferrite \
		-append "console=ttyS0 ktest.fault=$2 panic=-1"
	st=$?
	if [ $st -eq 124 ]; then
		notok "$1: the kernel hung instead of panicking"
		return 1
	fi
	return 0
}

if fault_boot "kernel page fault report" pagefault; then
	expect_in "$log" "kernel page fault report" \
		"BUG: unable to handle page fault for address: ffffc7ffdead0000" \
		"#PF: supervisor write access in kernel mode" \
		"#PF: error_code(0x0002) - a not-present page" \
		"RIP: 0010:" "CR2: ffffc7ffdead0000" "Call Trace:" \
		"fault_page+0x" "ktest_fault+0x" "kernel_main+0x" \
		"Kernel panic - not syncing: Fatal exception"
fi
if fault_boot "NULL dereference report" nullderef; then
	expect_in "$log" "NULL dereference report" \
		"BUG: unable to handle page fault for address: 0000000000000000" \
		"fault_page+0x" "Kernel panic - not syncing"
fi
if fault_boot "invalid opcode report" ud; then
	expect_in "$log" "invalid opcode report" "Oops: invalid opcode (vector 6)" \
		"ktest_fault" "Kernel panic - not syncing"
fi
if fault_boot "divide error report" divide; then
	expect_in "$log" "divide error report" "Oops: divide error (vector 0)" \
		"fault_divide" "Kernel panic - not syncing"
fi
if fault_boot "kernel stack overflow hits the guard page" stackguard; then
	expect_in "$log" "kernel stack overflow hits the guard page" \
		"Oops: double fault (vector 8)" "Kernel panic - not syncing"
fi

# Bad input at boot: the kernel warns and carries on.
log="$L/bad-cmdline.log"
qemu_boot "$log" 120 -M q35 -smp 1 -m 128 -kernel build/ferrite \
	-append 'console=ttyS0 ktest=boot panic=-1 loglevel=abc foo.bar=1 =x "unterminated'
expect_in "$log" "unparsable command line: warned, boot completes" \
	"loglevel" "Kernel initialised in" " 0 failed"

log="$L/no-acpi.log"
qemu_boot "$log" 120 -M pc,acpi=off -smp 2 -m 128 -kernel build/ferrite \
	-append "console=ttyS0 ktest=boot panic=-1"
expect_in "$log" "no ACPI tables: warned, one CPU, boot completes" \
	"ACPI: no usable tables" "Kernel initialised in" "# ktest: " " 0 failed"

log="$L/empty-module.log"
: > build/empty.mod
qemu_boot "$log" 120 -M q35 -smp 1 -m 128 -kernel build/ferrite -initrd build/empty.mod \
	-append "console=ttyS0 ktest=boot panic=-1"
expect_in "$log" "empty boot module: boot completes" "Kernel initialised in" " 0 failed"

# Power: without isa-debug-exit, the end of a ktest run powers off through
# ACPI S5 and QEMU exits by itself; a panic with panic=-1 restarts through
# the FADT reset register (q35) or the 8042 (pc, whose FADT has none).
power_boot() {	# LOG MACHINE APPEND
	timeout --foreground -k 5 120 qemu-system-x86_64 -accel tcg -no-reboot -display none \
		-monitor none -M "$2" -smp 1 -m 128 -serial "file:$1" -kernel build/ferrite \
		-append "$3" </dev/null >"$1.qemu" 2>&1
}
# power_check NAME LOG MACHINE APPEND MESSAGE: QEMU must leave by itself
# (status 0, not the timeout) and the log must say why.
power_check() {
	power_boot "$2" "$3" "$4"
	st=$?
	if [ $st -eq 0 ]; then
		expect_in "$2" "$1" "$5"
	else
		notok "$1: QEMU still running (status $st)"
	fi
}
for mach in pc q35; do
	power_check "ACPI S5 power-off on $mach" "$L/poweroff-$mach.log" "$mach" \
		"console=ttyS0 ktest=boot_symbols" "reboot: Power down"
	power_check "restart after panic on $mach" "$L/restart-$mach.log" "$mach" \
		"console=ttyS0 ktest.fault=ud panic=-1" "reboot: Restarting system"
done
