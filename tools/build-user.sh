#!/bin/sh
# Build the user-space ABI tests and the benchmark as static binaries:
#   every tests/user/t_*.c with musl-gcc -static  -> build/user/musl/
#   the GLIBC_TESTS share with gcc -static        -> build/user/glibc/
#   tests/bench/bench.c and nop.c with both        -> build/user/{musl,glibc}/
# Rebuilds only what is older than its source or tests/user/t.h.
# Usage: tools/build-user.sh   (prints one line per binary built; exit
# status non-zero when any compilation failed)
set -u
cd "$(dirname "$0")/.."
OUT=build/user
CFLAGS="-std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-function -Wno-unused-parameter -static"
# The share also built against glibc: processes, exec, signals, files and
# descriptors (its static start-up code uses more of the ABI than musl's:
# IRELATIVE relocations, TLS set-up, rseq, set_robust_list, prlimit64).
GLIBC_TESTS="t_proc t_exec t_exec_elf t_signal t_sigframe t_fs_basic t_fs_dir t_fs_meta t_fd t_pipe t_mem t_procfs t_sysinfo"

mkdir -p "$OUT/musl" "$OUT/glibc"
fail=0

# build CC OUTDIR SRC [extra deps]: compile SRC to OUTDIR/<name> when stale
build() {
	cc=$1 dir=$2 src=$3
	shift 3
	name=$(basename "$src" .c)
	bin="$dir/$name"
	stale=0
	[ -f "$bin" ] || stale=1
	for dep in "$src" "$@"; do
		[ "$stale" -eq 1 ] || [ ! "$dep" -nt "$bin" ] || stale=1
	done
	[ "$stale" -eq 1 ] || return 0
	echo "  USERCC  $bin"
	# shellcheck disable=SC2086
	if ! $cc $CFLAGS -o "$bin" "$src"; then
		rm -f "$bin"
		fail=1
	fi
}

for src in tests/user/t_*.c; do
	build musl-gcc "$OUT/musl" "$src" tests/user/t.h tools/build-user.sh
done
for t in $GLIBC_TESTS; do
	build gcc "$OUT/glibc" "tests/user/$t.c" tests/user/t.h tools/build-user.sh
done
# (the loop variable must not be one of build's: sh has no locals)
for pair in musl-gcc:musl gcc:glibc; do
	for src in tests/bench/bench.c tests/bench/nop.c; do
		build "${pair%%:*}" "$OUT/${pair#*:}" "$src" tools/build-user.sh
	done
done
exit $fail
