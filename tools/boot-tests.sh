# Sourced by tools/check.sh: boot Ferrite on every machine shape the issue
# names and check what a user would see: the banner first, every CPU up,
# the memory found, and the boot self-tests ("ktest=boot") passing.

# A test ISO whose GRUB entry runs the boot self-tests.
make_test_iso() {
	rm -rf build/isotest && mkdir -p build/isotest/boot/grub
	cp build/ferrite build/isotest/boot/ferrite
	sed 's|multiboot2 /boot/ferrite console=ttyS0|multiboot2 /boot/ferrite console=ttyS0 ktest=boot panic=-1|' \
		tools/grub.cfg > build/isotest/boot/grub/grub.cfg
	grub-mkrescue -o build/ferrite-test.iso build/isotest > "$L/grub-mkrescue.log" 2>&1
}

# boot_check NAME LOG STATUS CPUS MEM_MIB [PATTERN]: judge one boot's log;
# PATTERN, when given, must be in it too.
boot_check() {
	name=$1 log=$2 st=$3 cpus=$4 mem=$5 extra=${6:-}
	# the first kernel line (a boot loader may leave escape codes before it)
	first=$(sed -e 's/\r$//' "$log" | grep -m1 -E '\[ *[0-9]+\.[0-9]{6}\] ')
	case "$first" in
	*"[    0.000000] Ferrite 0."*) ;;
	*) notok "$name: first console line is the banner (got: $first)"; return ;;
	esac
	if ! grep -q "smp: Brought up 1 node, $cpus CPU" "$log"; then
		notok "$name: $cpus CPUs online ($(grep -m1 'smp: Brought' "$log"))"
		return
	fi
	# usable memory reported within [97% of mem - 24 MiB, mem]: firmware,
	# the kernel image and the page array (2.3% with holes) take the rest
	avail=$(sed -n 's/.*Memory: \([0-9]*\)K\/.*/\1/p' "$log" | head -n1)
	if [ -z "$avail" ] || [ "$avail" -gt $((mem * 1024)) ] ||
	   [ "$avail" -lt $((mem * 1024 * 97 / 100 - 24 * 1024)) ]; then
		notok "$name: memory available ${avail:-?}K for ${mem}M"
		return
	fi
	if [ -n "$extra" ] && ! grep -qF "$extra" "$log"; then
		notok "$name: missing \"$extra\""
		return
	fi
	if [ "$st" -ne 1 ] || ! grep -q '# ktest: [0-9]* passed, 0 failed' "$log"; then
		notok "$name: boot self-tests (status $st, see $log)"
		return
	fi
	ok "$name"
}

# boot_matrix PATH_NAME LOG_TAG EXTRA_PATTERN qemu-boot-arguments...: one boot
# per machine shape of the issue's matrix, judged by boot_check.
boot_matrix() {
	what=$1 tag=$2 extra=$3
	shift 3
	for mach in pc q35; do
		for cpu in qemu64 max; do
			for smp in 1 4; do
				for mem in 128 4096; do
					cfg="$mach-$cpu-smp$smp-${mem}M"
					log="$L/boot-$tag-$cfg.log"
					qemu_boot "$log" 300 -M "$mach" -cpu "$cpu" -smp "$smp" \
						-m "$mem" "$@"
					boot_check "boot $what $cfg" "$log" $? "$smp" "$mem" "$extra"
				done
			done
		done
	done
}

make_test_iso || notok "grub-mkrescue for the test ISO"
boot_matrix "multiboot (qemu -kernel)" mb1 "" \
	-kernel build/ferrite -append "console=ttyS0 ktest=boot panic=-1"
boot_matrix "multiboot2 (GRUB, BIOS)" grub-bios \
	"Console: switching to colour frame buffer device" -cdrom build/ferrite-test.iso
log="$L/boot-grub-uefi-q35.log"
qemu_boot "$log" 600 -M q35 -cpu max -smp 2 -m 512 -bios /usr/share/ovmf/OVMF.fd \
	-cdrom build/ferrite-test.iso
boot_check "boot multiboot2 (GRUB, UEFI/OVMF) q35-max-smp2-512M" "$log" $? 2 512 \
	"Console: switching to colour frame buffer device"
