#!/bin/sh
# The user-space test runner: runs every test program (t_* in $T_BIN/musl
# and $T_BIN/glibc) and every busybox script ($T_SCRIPTS/s_*.sh), each under
# a timeout, and prints one TAP line per program or script:
#     ok 3 - musl/t_pipe (39 checks)
#     not ok 4 - glibc/t_proc (exit 1; 2 of 71 checks failed)
# with the program's own output indented by four spaces under it, then
#     # user-tests: N passed, M failed
# The same script runs on the host (tools/user-tests.sh host, under
# busybox sh) and in the guest (/init of the test initramfs, with
# T_MEMCHECK=1: MemFree from /proc/meminfo before and after the whole suite
# must not drop by more than T_MEM_TOLERANCE_KB, default 4096 kB, after a
# settling pause). A program passes when it exits 0, prints a plan "1..N"
# matching the N results it printed, and prints no "not ok".
# Variables: T_BIN (default /tests), T_SCRIPTS (default $T_BIN/scripts),
# T_TIMEOUT seconds per program (default 300), T_FILTER (a grep -E pattern
# on names; default all).
T_BIN=${T_BIN:-/tests}
T_SCRIPTS=${T_SCRIPTS:-$T_BIN/scripts}
T_TIMEOUT=${T_TIMEOUT:-300}
T_FILTER=${T_FILTER:-.}
T_MEM_TOLERANCE_KB=${T_MEM_TOLERANCE_KB:-4096}
OUT=${TMPDIR:-/tmp}/run-out.$$
n=0
pass=0
fail=0

memfree() {
	sed -n 's/^MemFree: *\([0-9]*\) kB.*/\1/p' /proc/meminfo
}

# settle: let deferred frees happen, drop caches where Linux has the knob
settle() {
	sync
	[ -w /proc/sys/vm/drop_caches ] && echo 3 > /proc/sys/vm/drop_caches
	sleep 1
}

# judge NAME STATUS: one TAP line from the captured output in $OUT
judge() {
	name=$1 st=$2
	n=$((n + 1))
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$OUT" | tail -n 1)
	oks=$(grep -c '^ok ' "$OUT")
	nots=$(grep -c '^not ok ' "$OUT")
	why=""
	if [ "$st" -eq 137 ]; then
		why="killed after ${T_TIMEOUT}s timeout"
	elif [ "$st" -gt 128 ]; then
		why="killed by signal $((st - 128))"
	elif [ "$st" -ne 0 ]; then
		why="exit $st"
	fi
	[ "$nots" -eq 0 ] || why="${why:+$why; }$nots of $((oks + nots)) checks failed"
	if [ -z "$plan" ]; then
		why="${why:+$why; }no plan line"
	elif [ "$plan" -ne $((oks + nots)) ]; then
		why="${why:+$why; }plan $plan but $((oks + nots)) results"
	fi
	if [ -z "$why" ]; then
		pass=$((pass + 1))
		echo "ok $n - $name ($oks checks)"
	else
		fail=$((fail + 1))
		echo "not ok $n - $name ($why)"
	fi
	sed 's/^/    /' "$OUT"
}

run_prog() {
	name=$1
	shift
	echo "$name" | grep -qE "$T_FILTER" || return 0
	echo "# run $name"
	timeout -s KILL "$T_TIMEOUT" "$@" > "$OUT" 2>&1
	judge "$name" $?
}

echo "# user-tests: start ($(uname -sr), $(date))"
if [ "${T_MEMCHECK:-0}" = 1 ]; then
	settle
	mem0=$(memfree)
	echo "# user-tests: MemFree before: ${mem0} kB"
fi
for lib in musl glibc; do
	for t in "$T_BIN/$lib"/t_*; do
		[ -x "$t" ] || continue
		run_prog "$lib/${t##*/}" "$t"
	done
done
for s in "$T_SCRIPTS"/s_*.sh; do
	[ -f "$s" ] || continue
	run_prog "script/${s##*/}" sh "$s"
done
if [ "${T_MEMCHECK:-0}" = 1 ]; then
	settle
	mem1=$(memfree)
	n=$((n + 1))
	drop=$((mem0 - mem1))
	desc="MemFree before/after the suite: ${mem0} -> ${mem1} kB (drop ${drop} kB, tolerance ${T_MEM_TOLERANCE_KB} kB)"
	if [ -n "$mem0" ] && [ -n "$mem1" ] && [ "$drop" -le "$T_MEM_TOLERANCE_KB" ]; then
		pass=$((pass + 1))
		echo "ok $n - $desc"
	else
		fail=$((fail + 1))
		echo "not ok $n - $desc"
	fi
fi
rm -f "$OUT"
echo "1..$n"
echo "# user-tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
