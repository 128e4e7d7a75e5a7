#!/bin/sh
# `make bench`: figures measured in the guest, never by timed tests.
#  1. Boot time: guest time from kernel entry (TSC at kernel_main) to the
#     end of initialisation, as the kernel reports it ("Kernel initialised
#     in X ms"), on q35 with 1 and 4 CPUs, median of RUNS boots (default 3).
#  2. Ferrite against Linux: the same static benchmark (tests/bench/bench.c,
#     built with musl and with glibc) from the same initramfs
#     (tools/mkinitramfs.sh bench) under the same QEMU (-accel tcg -M q35
#     -cpu max -m 512M -smp 2), once on Debian's kernel (the linux-image
#     package that linux-image-amd64 depends on, downloaded with apt-get
#     download into build/linux and unpacked there, never installed; booted
#     with "console=ttyS0 quiet") and once on build/ferrite. The table gives
#     each figure on both and the ratio as a speed ratio, Ferrite/Linux:
#     above 1 means Ferrite is faster. Written to build/bench.txt too.
# Everything runs under TCG, so the figures are emulated time and move
# between runs and with the host's load; compare ratios, not absolutes.
# SKIP_BOOT=1 skips part 1; BENCH_TIMEOUT (900) bounds each benchmark boot.
set -u
cd "$(dirname "$0")/.."
L=build/bench
mkdir -p "$L"
RUNS=${RUNS:-3}
QEMU_MACHINE="-M q35 -cpu max -m 512M -smp 2"

boot_times() {
	printf '%-28s %s\n' "figure" "guest ms (median of $RUNS)"
	for smp in 1 4; do
		vals=""
		for i in $(seq "$RUNS"); do
			log="$L/boot-smp$smp-$i.log"
			sh tools/qemu-test.sh "$log" 120 -M q35 -cpu max -smp "$smp" -m 512 \
				-kernel build/ferrite -append "console=ttyS0 ktest=boot_symbols panic=-1"
			v=$(sed -n 's/.*Kernel initialised in \([0-9.]*\) ms.*/\1/p' "$log")
			vals="$vals ${v:-nan}"
		done
		med=$(echo $vals | tr ' ' '\n' | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
		printf '%-28s %s   (runs:%s)\n' "boot to end of init, $smp CPU" "$med" "$vals"
	done
}

# linux_kernel: print the path of Debian's vmlinuz, fetching it if needed.
linux_kernel() {
	k=$(ls build/linux/x/boot/vmlinuz-* 2>/dev/null | head -n 1)
	if [ -z "$k" ]; then
		pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n 1)
		if [ -z "$pkg" ]; then
			apt-get update -q > /dev/null 2>&1
			pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n 1)
		fi
		[ -n "$pkg" ] || { echo "bench: cannot resolve linux-image-amd64" >&2; return 1; }
		mkdir -p build/linux
		(cd build/linux && rm -f ./*.deb && apt-get download "$pkg" > download.log 2>&1) ||
			{ echo "bench: apt-get download $pkg failed (build/linux/download.log)" >&2; return 1; }
		rm -rf build/linux/x
		dpkg-deb -x build/linux/"$pkg"_*.deb build/linux/x || return 1
		k=$(ls build/linux/x/boot/vmlinuz-* 2>/dev/null | head -n 1)
	fi
	[ -n "$k" ] && echo "$k"
}

# bench_boot NAME KERNEL APPEND: one boot of the bench initramfs; the
# "bench NAME VALUE UNIT" lines go to $L/NAME.txt.
bench_boot() {
	name=$1 kernel=$2 append=$3
	log="$L/$name.log"
	# shellcheck disable=SC2086
	timeout -k 5 "${BENCH_TIMEOUT:-900}" qemu-system-x86_64 -accel tcg $QEMU_MACHINE -no-reboot \
		-display none -monitor none -serial "file:$log" -kernel "$kernel" \
		-initrd build/initramfs-bench.cpio.gz -append "$append" < /dev/null > "$log.qemu" 2>&1
	st=$?
	sed -e 's/\r$//' -e 's/^\[[ 0-9.]*\] //' "$log" | grep -E '^bench [^ ]+ [0-9.]+ [^ ]+$' > "$L/$name.txt"
	echo "# $name: QEMU status $st, $(wc -l < "$L/$name.txt") figures ($log)"
}

compare() {
	sh tools/build-user.sh > "$L/build-user.log" 2>&1 || { cat "$L/build-user.log"; return 1; }
	sh tools/mkinitramfs.sh bench || return 1
	k=$(linux_kernel) || return 1
	echo "# Linux kernel: $k"
	bench_boot linux "$k" "console=ttyS0 quiet panic=-1"
	bench_boot ferrite build/ferrite "console=ttyS0 quiet panic=-1"
	{
		echo "Ferrite vs Linux ($(basename "$k")), same static benchmark and initramfs,"
		echo "QEMU -accel tcg $QEMU_MACHINE, $(date -u +%Y-%m-%d)."
		echo "ratio = Ferrite speed / Linux speed (>1: Ferrite faster)"
		echo
		awk '
			FNR == 1 { file++ }
			file == 1 { lin[$2] = $3; unit[$2] = $4; order[++n] = $2 }
			file == 2 { fer[$2] = $3; if (!($2 in unit)) { unit[$2] = $4; order[++n] = $2 } }
			END {
				printf "%-28s %-14s %14s %14s %8s\n", "figure", "unit", "Linux", "Ferrite", "ratio"
				for (i = 1; i <= n; i++) {
					f = order[i]; l = lin[f]; r = fer[f]
					ratio = "-"
					if (l != "" && r != "" && l > 0 && r > 0)
						ratio = sprintf("%.2f", unit[f] ~ /\/s$/ ? r / l : l / r)
					printf "%-28s %-14s %14s %14s %8s\n", f, unit[f], \
						(l == "" ? "-" : l), (r == "" ? "-" : r), ratio
				}
			}' "$L/linux.txt" "$L/ferrite.txt"
	} > build/bench.txt
	cat build/bench.txt
}

[ "${SKIP_BOOT:-0}" = 1 ] || boot_times
echo
compare
