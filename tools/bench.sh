#!/bin/sh
# `make bench`: figures measured in the guest, never by timed tests.
# Boot time: guest time from kernel entry (TSC at kernel_main) to the end
# of initialisation, as the kernel reports it ("Kernel initialised in X ms"),
# on q35 with 1 and 4 CPUs, median of RUNS boots (default 3), under TCG.
set -u
cd "$(dirname "$0")/.."
L=build/bench
mkdir -p "$L"
RUNS=${RUNS:-3}
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
