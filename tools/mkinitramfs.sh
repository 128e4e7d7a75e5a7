#!/bin/sh
# Build a gzip'd cpio (newc) initramfs around Debian's busybox-static:
#   tools/mkinitramfs.sh [default|test|bench] [OUTPUT]
#     default  build/initramfs.cpio.gz        /init sets up and runs an
#              interactive shell on the console (what `make run` boots)
#     test     build/initramfs-test.cpio.gz   /init runs the user-space test
#              suite (tests/user/run.sh), prints a summary, powers off
#     bench    build/initramfs-bench.cpio.gz  /init runs the benchmark
#              (tests/bench) and powers off
# Contents: /bin/busybox with its applet links in /bin, /sbin, /usr/bin and
# /usr/sbin exactly as `busybox --list-full` gives them, /init, /etc (passwd,
# group, profile, hostname), empty /dev (the kernel provides devtmpfs; /init
# mounts it if /dev/null is missing), /proc, /sys, /tmp, /root. Every file
# is owned by root. The test and bench variants need tools/build-user.sh.
set -eu
cd "$(dirname "$0")/.."
variant=${1:-default}
case "$variant" in
default) out=${2:-build/initramfs.cpio.gz} ;;
test) out=${2:-build/initramfs-test.cpio.gz} ;;
bench) out=${2:-build/initramfs-bench.cpio.gz} ;;
*) echo "usage: $0 [default|test|bench] [OUTPUT]" >&2; exit 2 ;;
esac
BB=/bin/busybox
[ -x "$BB" ] || { echo "mkinitramfs: $BB missing (apt-get install busybox-static)" >&2; exit 1; }
root=build/initramfs-$variant.d
rm -rf "$root"
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/etc" \
	"$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/root"
chmod 1777 "$root/tmp"
chmod 700 "$root/root"
cp "$BB" "$root/bin/busybox"

# applet links, relative so they work in any root
for a in $("$BB" --list-full); do
	case "$a" in
	bin/*|sbin/*|usr/bin/*|usr/sbin/*) ;;
	*) continue ;;	# e.g. linuxrc: outside the four directories
	esac
	[ "$a" = bin/busybox ] && continue
	case "$a" in
	bin/*) rel=busybox ;;
	sbin/*) rel=../bin/busybox ;;
	usr/*) rel=../../bin/busybox ;;
	esac
	ln -sf "$rel" "$root/$a"
done

cat > "$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat > "$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
echo ferrite > "$root/etc/hostname"
cat > "$root/etc/profile" <<'EOF'
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root
export PS1='\u@\h:\w\$ '
EOF

# What every /init does first: devtmpfs if the kernel did not mount it,
# stdio on the console, proc, sysfs (if any), tmpfs on /tmp, the hostname.
cat > "$root/etc/init-common.sh" <<'EOF'
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TMPDIR=/tmp
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev
[ -e /dev/console ] && exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc || echo "init: cannot mount /proc"
mount -t sysfs sysfs /sys 2>/dev/null
mount -t tmpfs -o mode=1777 tmpfs /tmp || echo "init: no tmpfs, /tmp stays on the root"
hostname -F /etc/hostname 2>/dev/null
EOF

case "$variant" in
default)
	cat > "$root/init" <<'EOF'
#!/bin/sh
# Interactive: a login shell on the console as the controlling terminal
# (setsid -c), so ^C and ^Z reach the foreground job. Exit powers off.
. /etc/init-common.sh
echo "Ferrite initramfs: busybox $(busybox | head -n 1 | cut -d' ' -f2); 'exit' powers off"
setsid -c sh -l
echo "init: shell exited, powering off"
poweroff -f
EOF
	;;
test)
	U=build/user
	[ -d "$U/musl" ] || { echo "mkinitramfs: run tools/build-user.sh first" >&2; exit 1; }
	mkdir -p "$root/tests/musl" "$root/tests/glibc" "$root/tests/scripts"
	for f in "$U"/musl/t_*; do [ -x "$f" ] && cp "$f" "$root/tests/musl/"; done
	for f in "$U"/glibc/t_*; do [ -x "$f" ] && cp "$f" "$root/tests/glibc/"; done
	cp tests/user/scripts/*.sh "$root/tests/scripts/"
	cp tests/user/run.sh "$root/tests/run.sh"
	cat > "$root/init" <<'EOF'
#!/bin/sh
# The user-space test suite: results as TAP on the console, then power off.
# Kernel arguments seen as environment: T_FILTER=..., T_TIMEOUT=...
. /etc/init-common.sh
echo "# user-tests: init running"
T_BIN=/tests T_MEMCHECK=1 sh /tests/run.sh
echo "# user-tests: end (status $?)"
poweroff -f
EOF
	;;
bench)
	U=build/user
	[ -x "$U/musl/bench" ] || { echo "mkinitramfs: run tools/build-user.sh first" >&2; exit 1; }
	mkdir -p "$root/bench/musl" "$root/bench/glibc"
	for l in musl glibc; do
		cp "$U/$l/bench" "$U/$l/nop" "$root/bench/$l/"
	done
	cat > "$root/init" <<'EOF'
#!/bin/sh
# The benchmark: the musl build, then the glibc build, then power off.
. /etc/init-common.sh
echo "# bench: start ($(uname -sr), $(nproc) CPUs)"
for l in musl glibc; do
	echo "# bench: libc $l, $(grep MemFree /proc/meminfo)"
	BENCH_DIR=/tmp /bench/$l/bench /bench/$l/nop | sed "s/^bench /bench $l./"
done
echo "# bench: $(grep MemFree /proc/meminfo)"
echo "# bench: end"
poweroff -f
EOF
	;;
esac
chmod 755 "$root/init"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9n > "$out.tmp"
mv "$out.tmp" "$out"
echo "  INITRD  $out ($(du -k "$out" | cut -f1) KiB, $variant)"
