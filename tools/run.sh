#!/bin/sh
# Boot Ferrite in QEMU (TCG) with the serial console on this terminal.
# Quit with Ctrl-A X. `--gdb`: QEMU waits for gdb on port 1234
# (then: gdb -x tools/gdbinit). Extra kernel arguments: FERRITE_APPEND="...".
# The machine: MACHINE (q35), SMP (2), MEM (512M).
set -eu
cd "$(dirname "$0")/.."
gdb=""
[ "${1:-}" = "--gdb" ] && gdb="-s -S"
initrd=""
[ -f build/initramfs.cpio.gz ] && initrd="-initrd build/initramfs.cpio.gz"
echo "Booting Ferrite (Ctrl-A X quits QEMU)"
# shellcheck disable=SC2086
exec qemu-system-x86_64 -accel tcg -M "${MACHINE:-q35}" -cpu max -smp "${SMP:-2}" \
	-m "${MEM:-512M}" -nographic -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel build/ferrite $initrd -append "console=ttyS0 ${FERRITE_APPEND:-}" $gdb
