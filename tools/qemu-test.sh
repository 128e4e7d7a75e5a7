#!/bin/sh
# Run one QEMU boot for a test, under a timeout, and record its serial log.
#   tools/qemu-test.sh LOG TIMEOUT_SECONDS qemu-arguments...
# Prints nothing; exit status is QEMU's (isa-debug-exit: 1 = tests passed,
# 3 = a test failed; 124 = timed out).
set -u
log=$1
secs=$2
shift 2
timeout --foreground -k 5 "$secs" qemu-system-x86_64 -accel tcg -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial "file:$log" -monitor none \
	-display none "$@" </dev/null >"$log.qemu" 2>&1
