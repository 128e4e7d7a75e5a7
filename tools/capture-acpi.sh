#!/bin/sh
# capture-acpi.sh: capture the ACPI tables that QEMU's firmware (SeaBIOS)
# builds for "-M pc" and "-M q35" with 4 CPUs, so the host unit tests of the
# ACPI table parser run on real tables. A developer tool: `make check` does
# not run it; its output, tests/host/data/acpi/{pc,q35}/, is checked in.
#
# How it works: Debian's own Linux kernel boots in QEMU (TCG) with a tiny
# initramfs made of busybox-static whose /init mounts sysfs, writes every
# /sys/firmware/acpi/tables/* file as hex lines to the second serial port,
# adds Linux's own "ACPI:" boot log lines (the table list, used to check our
# log format), then powers off. This script decodes the serial output into
# one binary file per table: NAME.dat (e.g. APIC.dat, FACP.dat, DSDT.dat,
# SSDT1.dat for numbered ones) and linux-log.txt.
#
# Needs: qemu-system-x86, busybox-static, cpio, python3 and a Debian kernel:
#	apt-get update
#	apt-get install -y qemu-system-x86 busybox-static cpio python3 linux-image-amd64
# Run from anywhere:
#	tools/capture-acpi.sh            # both machines
#	tools/capture-acpi.sh q35        # one machine
# Each QEMU run is under `timeout 120` and takes about 20-60 s under TCG.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/tests/host/data/acpi
# shellcheck disable=SC2012
KERNEL=${KERNEL:-$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)}
BUSYBOX=${BUSYBOX:-/bin/busybox}
MACHINES=${*:-pc q35}

if [ -z "$KERNEL" ] || [ ! -r "$KERNEL" ]; then
	echo "capture-acpi: no readable /boot/vmlinuz-*; apt-get install linux-image-amd64" >&2
	exit 1
fi
if [ ! -x "$BUSYBOX" ] || readelf -l "$BUSYBOX" | grep -q INTERP; then
	echo "capture-acpi: $BUSYBOX is missing or not static; apt-get install busybox-static" >&2
	exit 1
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# The initramfs: busybox and an /init that dumps the tables to ttyS1.
mkdir -p "$TMP/rootfs/bin" "$TMP/rootfs/sys" "$TMP/rootfs/proc" "$TMP/rootfs/dev"
cp "$BUSYBOX" "$TMP/rootfs/bin/busybox"
cat > "$TMP/rootfs/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t sysfs sysfs /sys
mount -t proc proc /proc
mount -t devtmpfs devtmpfs /dev
out=/dev/ttyS1
for t in /sys/firmware/acpi/tables/*; do
	[ -f "$t" ] || continue
	n=$(basename "$t")
	echo "ACPI-BEGIN $n" > $out
	od -An -v -tx1 "$t" > $out
	echo "ACPI-END $n" > $out
done
dmesg | grep 'ACPI: [A-Z0-9]\{4\} 0x' | sed 's/^\[[^]]*\] //; s/^/ACPI-LOG /' > $out
echo "ACPI-DONE" > $out
poweroff -f
EOF
chmod +x "$TMP/rootfs/init"
(cd "$TMP/rootfs" && find . | cpio -o -H newc --quiet) > "$TMP/initrd.cpio"

# decode FILE DIR: turn the hex dump on the serial log into DIR/NAME.dat.
decode() {
	awk -v dir="$2" '
	function hexval(c) { return index("0123456789abcdef", c) - 1 }
	/^ACPI-BEGIN / { name = $2; hex = ""; next }
	/^ACPI-END /   {
		f = dir "/" name ".hex"
		printf "%s", hex > f
		close(f)
		name = ""
		next
	}
	/^ACPI-LOG /   { sub(/^ACPI-LOG /, ""); print > (dir "/linux-log.txt"); next }
	name != ""     { for (i = 1; i <= NF; i++) hex = hex $i }
	' "$1"
	for h in "$2"/*.hex; do
		[ -e "$h" ] || continue
		# Hex text to bytes (python3 is part of the project's set-up).
		python3 -c 'import sys; open(sys.argv[2], "wb").write(bytes.fromhex(open(sys.argv[1]).read()))' \
			"$h" "${h%.hex}.dat"
		rm -f "$h"
	done
}

for m in $MACHINES; do
	echo "capture-acpi: booting $KERNEL on -M $m"
	rm -f "$TMP/serial1.txt"
	timeout 120 qemu-system-x86_64 -accel tcg -M "$m" -smp 4 -m 256M \
		-display none -no-reboot -monitor none \
		-serial file:"$TMP/console.txt" -serial file:"$TMP/serial1.txt" \
		-kernel "$KERNEL" -initrd "$TMP/initrd.cpio" \
		-append "console=ttyS0 quiet panic=-1 rdinit=/init" || true
	tr -d '\r' < "$TMP/serial1.txt" > "$TMP/serial1.clean"
	grep -q '^ACPI-DONE' "$TMP/serial1.clean" || {
		echo "capture-acpi: -M $m: no complete dump; console said:" >&2
		tail -n 20 "$TMP/console.txt" >&2
		exit 1
	}
	rm -rf "${OUT:?}/$m"
	mkdir -p "$OUT/$m"
	decode "$TMP/serial1.clean" "$OUT/$m"
	echo "capture-acpi: $m:" "$OUT/$m"/*
done
