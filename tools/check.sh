#!/bin/sh
# `make check`: every test layer, one tally.
#   1. host unit tests (ASan/UBSan)             tools/host-tests.sh
#   2. in-kernel tests (TAP over serial)         "ktest" on q35, 4 CPUs
#   3. boot tests: both boot paths (QEMU Multiboot, GRUB Multiboot2 BIOS and
#      UEFI) on pc/q35, qemu64/max, 1/4 CPUs, 128 MiB/4 GiB
#   4. fault reports and bad input at boot
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

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
