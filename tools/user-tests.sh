#!/bin/sh
# User-space ABI tests (tests/user): build them, then run them
#   tools/user-tests.sh host            on this Linux, under busybox sh with
#                                       busybox's applets first in PATH
#   tools/user-tests.sh guest [linux]   in QEMU (TCG) on build/ferrite, or on
#                                       Debian's Linux kernel (build/linux,
#                                       fetched by tools/bench.sh) to check
#                                       the suite itself, from the test
#                                       initramfs; the log is in LOGDIR
# Prints one line per program or script, "ok - host: musl/t_proc (71
# checks)" or "not ok - ...", which tools/check.sh counts, plus the failing
# checks indented below each "not ok"; ends with "# user-tests ...: N
# passed, M failed"; exit status non-zero on any failure.
# Environment: LOGDIR (build/test-logs), GUEST_TIMEOUT seconds (1800),
# GUEST_IDLE seconds without serial output before giving up (420),
# T_FILTER (grep -E pattern on program names), T_TIMEOUT (per program).
set -u
cd "$(dirname "$0")/.."
mode=${1:-host}
LOGDIR=${LOGDIR:-build/test-logs}
mkdir -p "$LOGDIR"

# report LOG TAG: turn the runner's TAP in LOG into our lines; checks that
# the runner's own summary agrees with what was seen. Returns 1 on failure.
report() {
	log=$1 tag=$2
	sed -e 's/\r$//' -e 's/^\[[ 0-9.]*\] //' "$log" > "$log.clean"
	p=0 f=0
	# top-level results: "ok N - name" / "not ok N - name (why)"
	grep -E '^(not )?ok [0-9]+ - ' "$log.clean" > "$log.tap" || true
	while IFS= read -r line; do
		case "$line" in
		"not ok "*)
			f=$((f + 1))
			echo "not ok - $tag: ${line#not ok * - }"
			;;
		*)
			p=$((p + 1))
			echo "ok - $tag: ${line#ok * - }"
			;;
		esac
	done < "$log.tap"
	# the failing checks inside failing programs, for the reader
	awk '/^not ok [0-9]+ - /{bad=1; next} /^ok [0-9]+ - /{bad=0; next}
	     bad && /^    (not ok|#)/ {print "#  " $0}' "$log.clean" | head -n 200
	sum=$(sed -n 's/^# user-tests: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$log.clean" | tail -n 1)
	if [ -z "$sum" ]; then
		echo "not ok - $tag: the suite did not finish (no summary line; see $log)"
		f=$((f + 1))
	elif [ "$sum" != "$p $f" ]; then
		echo "not ok - $tag: runner says $sum passed/failed, the log shows $p $f (garbled output? see $log)"
		f=$((f + 1))
	fi
	echo "# user-tests $tag: $p passed, $f failed"
	[ "$f" -eq 0 ]
}

build() {
	if ! sh tools/build-user.sh > "$LOGDIR/build-user.log" 2>&1; then
		echo "not ok - user-tests: build (see $LOGDIR/build-user.log)"
		grep -E 'error|Error' "$LOGDIR/build-user.log" | head -n 20 | sed 's/^/#   /'
		# go on with what was built
	fi
}

host() {
	build
	bb=build/user/bb
	rm -rf "$bb"
	mkdir -p "$bb"
	for a in $(/bin/busybox --list); do
		ln -s /bin/busybox "$bb/$a"
	done
	log="$LOGDIR/user-host.log"
	PATH="$PWD/$bb:$PATH" T_BIN=build/user T_SCRIPTS=tests/user/scripts \
		/bin/busybox sh tests/user/run.sh < /dev/null > "$log" 2>&1
	report "$log" host
}

# qemu_watch LOG qemu-args...: one TCG boot, serial output to LOG, ended
# after GUEST_TIMEOUT seconds in all or GUEST_IDLE seconds (default 420:
# longer than the runner's 300 s per program) without new output.
qemu_watch() {
	log=$1
	shift
	total=${GUEST_TIMEOUT:-1800} idle=${GUEST_IDLE:-420}
	rm -f "$log"
	timeout -k 5 "$total" qemu-system-x86_64 -accel tcg -no-reboot -display none -monitor none \
		-serial "file:$log" "$@" < /dev/null > "$log.qemu" 2>&1 &
	qpid=$!
	last=0 quiet=0 t=0
	while kill -0 "$qpid" 2>/dev/null; do
		sleep 5
		t=$((t + 5))
		size=$(wc -c < "$log" 2>/dev/null || echo 0)
		if [ "$size" -ne "$last" ]; then
			last=$size quiet=0
		else
			quiet=$((quiet + 5))
		fi
		if [ "$quiet" -ge "$idle" ]; then
			echo "# guest: no serial output for ${idle}s after ${t}s; stopping QEMU"
			kill "$qpid" 2>/dev/null
			break
		fi
	done
	wait "$qpid"
	st=$?
	[ "$st" -eq 124 ] && echo "# guest: QEMU stopped by the ${total}s timeout"
	echo "# guest: QEMU ran ${t}s, status $st"
	return 0
}

guest() {
	kind=${1:-ferrite}
	build
	if ! sh tools/mkinitramfs.sh test > "$LOGDIR/mkinitramfs-test.log" 2>&1; then
		echo "not ok - guest: initramfs (see $LOGDIR/mkinitramfs-test.log)"
		return 1
	fi
	case "$kind" in
	linux)
		kernel=$(ls build/linux/x/boot/vmlinuz-* 2>/dev/null | head -n 1)
		append="console=ttyS0 quiet panic=-1"
		tag=guest-linux
		;;
	*)
		kernel=build/ferrite
		append="console=ttyS0 quiet panic=-1"
		tag=guest
		;;
	esac
	if [ -z "$kernel" ] || [ ! -f "$kernel" ]; then
		echo "not ok - $tag: no kernel (${kernel:-build/linux: run tools/bench.sh first})"
		return 1
	fi
	[ -n "${T_FILTER:-}" ] && append="$append T_FILTER=$T_FILTER"
	[ -n "${T_TIMEOUT:-}" ] && append="$append T_TIMEOUT=$T_TIMEOUT"
	log="$LOGDIR/user-$tag.log"
	qemu_watch "$log" -M q35 -cpu max -smp 2 -m 512M \
		-kernel "$kernel" -initrd build/initramfs-test.cpio.gz -append "$append"
	report "$log" "$tag"
}

case "$mode" in
host) host ;;
guest) guest "${2:-ferrite}" ;;
*) echo "usage: $0 host | guest [linux]" >&2; exit 2 ;;
esac
