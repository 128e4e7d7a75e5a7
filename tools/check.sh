#!/bin/sh
# `make check`: every test layer, one tally.
#   1. host unit tests (ASan/UBSan)             tools/host-tests.sh
#   2. in-kernel tests (TAP over serial)         "ktest" on q35, 4 CPUs
#   3. boot tests: both boot paths (QEMU Multiboot, GRUB Multiboot2 BIOS and
#      UEFI) on pc/q35, qemu64/max, 1/4 CPUs, 128 MiB/4 GiB
#   4. fault reports and bad input at boot
#   5. user-space ABI tests on the host Linux    tools/user-tests.sh host
#   6. the same tests in the guest, from the test initramfs on Ferrite
#      (tools/user-tests.sh guest): one line per program and script; a
#      kernel that cannot run them yet fails here, visibly, and the other
#      steps still run
#   7. an interactive busybox session over the serial console
#      (tools/serial-session.py: echo, line editing, ^C, ^Z/jobs/fg, exit)
# Each test is one TAP line; the last line is "N passed, N failed" and the
# exit status is non-zero when anything failed. Logs: build/test-logs/.
set -u
cd "$(dirname "$0")/.."
L=build/test-logs
rm -rf "$L"
mkdir -p "$L"
PASS=0
FAIL=0

ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
notok() { FAIL=$((FAIL + 1)); echo "not ok - $1"; }
check() { if [ "$2" -eq 0 ]; then ok "$1"; else notok "$1"; fi; }

# Count the TAP result lines of a log (after stripping printk timestamps)
# into the tally, echoing them.
tally_tap() {
	sed -e 's/\r$//' -e 's/^\[[ 0-9.]*\] //' "$1" | grep -E '^(not )?ok( [0-9]| -)' > "$1.tap" || true
	cat "$1.tap"
	p=$(grep -c '^ok' "$1.tap")
	f=$(grep -c '^not ok' "$1.tap")
	PASS=$((PASS + p))
	FAIL=$((FAIL + f))
}

qemu_boot() {	# LOG TIMEOUT qemu-args...
	sh tools/qemu-test.sh "$@"
}

# user_tests MODE: one ok/not ok per program into the tally, with the
# failing checks (indented "#" lines) shown below.
user_tests() {
	LOGDIR="$L" sh tools/user-tests.sh "$1" > "$L/user-$1.out" 2>&1
	st=$?
	tally_tap "$L/user-$1.out"
	grep -E '^#  ' "$L/user-$1.out" | head -n 60
	grep -E '^# user-tests' "$L/user-$1.out"
	[ $st -eq 0 ] || grep -q '^not ok' "$L/user-$1.out.tap" || notok "user tests ($1) exited with $st"
}

echo "# 1. host unit tests"
sh tools/host-tests.sh > "$L/host.log" 2>&1
host_status=$?
grep -E '^(# |not ok)' "$L/host.log" | grep -v '^# host test' | head -40
tally_tap "$L/host.log" > /dev/null
[ $host_status -eq 0 ] || grep -q '^not ok' "$L/host.log.tap" || notok "host tests exited with $host_status"
echo "# host: $(grep -c '^ok' "$L/host.log.tap") passed, $(grep -c '^not ok' "$L/host.log.tap") failed"

echo "# 2. in-kernel tests"
qemu_boot "$L/ktest.log" 600 -M q35 -cpu max -smp 4 -m 512M -kernel build/ferrite \
	-append "console=ttyS0 ktest panic=-1"
st=$?
tally_tap "$L/ktest.log"
[ $st -eq 1 ] || { notok "ktest run ended with status $st (see $L/ktest.log)"; tail -30 "$L/ktest.log"; }

echo "# 3. boot tests"
. tools/boot-tests.sh

echo "# 4. fault reports and bad input"
. tools/fault-tests.sh

echo "# 5. user-space ABI tests on the host"
user_tests host

echo "# 6. user-space ABI tests in the guest"
user_tests guest

echo "# 7. interactive session on the serial console"
sh tools/mkinitramfs.sh default > "$L/mkinitramfs-default.log" 2>&1
python3 tools/serial-session.py > "$L/serial-session.out" 2>&1
st=$?
tally_tap "$L/serial-session.out"
grep -E '^#   ' "$L/serial-session.out" | head -n 30
[ $st -eq 0 ] || grep -q '^not ok' "$L/serial-session.out.tap" || notok "serial session exited with $st"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
