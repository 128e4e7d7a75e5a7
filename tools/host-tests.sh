#!/bin/sh
# Build and run every host unit test (tests/host/test_*.c). Each test file's
# first line names the kernel sources it links with:
#	// host-test-sources: mm/buddy.c lib/string.c
# Tests are built with AddressSanitizer and UBSan; their TAP output goes to
# stdout, and the exit status is non-zero when any test failed to build or run.
set -u
cd "$(dirname "$0")/.."
OUT=build/host
mkdir -p "$OUT"
CC=${HOSTCC:-gcc}
CFLAGS="-std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined
 -fno-sanitize-recover=all -fno-omit-frame-pointer -DHOST_TEST
 -Itests/host/include -Itests/host -Iinclude -Iarch/x86_64/include"
status=0
for t in ${1:-tests/host/test_*.c}; do
	name=$(basename "$t" .c)
	srcs=$(sed -n '1s,^// host-test-sources:,,p' "$t")
	echo "# host test $name"
	# shellcheck disable=SC2086
	if ! $CC $CFLAGS -o "$OUT/$name" "$t" $srcs 2> "$OUT/$name.build.log"; then
		cat "$OUT/$name.build.log"
		echo "not ok - $name (build failed)"
		status=1
		continue
	fi
	if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		timeout 120 "$OUT/$name"; then
		status=1
	fi
done
exit $status
