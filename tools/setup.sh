#!/bin/sh
# Install the Debian packages that building, running and testing Ferrite need,
# but only those that are missing. Called by `make run`, `make check` and
# `make bench`; safe to run again. Needs root (or sudo) only when something
# is missing.
set -eu

PKGS="gcc make binutils python3 qemu-system-x86 qemu-utils grub-common grub-pc-bin
grub-efi-amd64-bin xorriso mtools ovmf cpio gzip musl-tools busybox-static
e2fsprogs dosfstools gdb linux-libc-dev libc6-dev"
# libc6-dev: libc.a for the gcc -static user-space tests (tools/build-user.sh).
# tools/bench.sh also fetches Debian's linux-image package with apt-get
# download (not installed: unpacked under build/linux for the comparison).

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

echo "setup: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
