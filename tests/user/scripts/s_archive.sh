#!/bin/sh
# s_archive - tar and cpio round trips compared with cmp, gzip, dd.
. "$(dirname "$0")/lib.sh"
cd "$W" || exit 2

mkdir -p src/sub/deeper
seq 1 5000 > src/numbers
dd if=/dev/zero of=src/zeros bs=1024 count=200 2>/dev/null
head -c 100000 /dev/urandom > src/sub/random 2>/dev/null || dd if=/dev/urandom of=src/sub/random bs=1000 count=100 2>/dev/null
echo small > src/sub/deeper/small
ln -s ../numbers src/sub/link
chmod 750 src/sub/deeper

t_ok "tar czf" tar czf a.tgz src
mkdir t && cd t
t_ok "tar xzf" tar xzf ../a.tgz
cd ..
t_ok "tar round trip: numbers" cmp src/numbers t/src/numbers
t_ok "tar round trip: zeros" cmp src/zeros t/src/zeros
t_ok "tar round trip: random" cmp src/sub/random t/src/sub/random
t_eq "tar keeps the symlink" "$(readlink t/src/sub/link)" "../numbers"
t_eq "tar keeps permissions" "$(stat -c %a t/src/sub/deeper)" "750"
t_eq "tar tzf lists everything" "$(tar tzf a.tgz | grep -c .)" "$(find src | wc -l | tr -d ' ')"

t_ok "cpio -o (newc)" sh -c 'find src | cpio -o -H newc > a.cpio 2>/dev/null'
mkdir c && cd c
t_ok "cpio -i" sh -c 'cpio -i -d < ../a.cpio 2>/dev/null'
cd ..
t_ok "cpio round trip: random" cmp src/sub/random c/src/sub/random
t_ok "cpio round trip: numbers" cmp src/numbers c/src/numbers
t_eq "cpio keeps the symlink" "$(readlink c/src/sub/link)" "../numbers"

t_ok "gzip" sh -c 'gzip -c src/sub/random > r.gz'
t_ok "gunzip round trip" sh -c 'gunzip -c r.gz | cmp - src/sub/random'
t_ok "gzip shrinks zeros" sh -c '[ $(gzip -c src/zeros | wc -c) -lt 2000 ]'
dd if=src/sub/random of=part bs=1000 skip=10 count=5 2>/dev/null
t_eq "dd skip/count size" "$(wc -c < part | tr -d ' ')" "5000"
t_ok "dd extracted the right bytes" sh -c 'tail -c +10001 src/sub/random | head -c 5000 | cmp - part'
t_done
