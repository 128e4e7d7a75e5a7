#!/bin/sh
# s_files - file utilities: mkdir -p, cp -r, mv, rm -r, ln, ls -l, chmod,
# touch, stat, df, du, truncate, mkfifo.
. "$(dirname "$0")/lib.sh"
cd "$W" || exit 2

t_ok "mkdir -p" mkdir -p a/b/c/d
t_ok "directories exist" [ -d a/b/c/d ]
seq 1 1000 > a/b/file
t_ok "cp -r" cp -r a copy
t_ok "cp -r copied the content" cmp a/b/file copy/b/file
t_ok "mv renames" mv copy moved
t_ok "mv: old gone, new there" sh -c '[ ! -e copy ] && [ -f moved/b/file ]'
t_ok "rm -r" rm -r moved
t_ok "rm -r removed it" [ ! -e moved ]
t_ok "ln -s" ln -s a/b/file sym
t_eq "readlink" "$(readlink sym)" "a/b/file"
t_ok "ln (hard)" ln a/b/file hard
t_eq "stat link count" "$(stat -c %h a/b/file)" "2"
touch -d '2001-02-03 04:05:06' a/b/file 2>/dev/null || touch -t 200102030405.06 a/b/file
t_eq "touch sets the time" "$(stat -c %Y a/b/file)" "$(date -d '2001-02-03 04:05:06' +%s 2>/dev/null || date -d 200102030405.06 +%s)"
chmod 640 a/b/file
t_match "ls -l shows the mode" "$(ls -l a/b/file)" "^-rw-r----- +2 "
t_eq "stat -c %s" "$(stat -c %s a/b/file)" "3893"
t_match "ls -la lists . and .." "$(ls -la a | head -n 3 | tr '\n' ' ')" "\.\. "
t_ok "truncate -s" truncate -s 10000 a/b/file
t_eq "size after truncate" "$(wc -c < a/b/file | tr -d ' ')" "10000"
t_match "df /tmp" "$(df /tmp | tail -n 1)" "[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+% +/"
t_match "du -s" "$(du -s a)" "^[0-9]+[[:space:]]+a$"
t_ok "mkfifo" mkfifo fifo
(echo through-fifo > fifo) &
t_eq "a fifo carries data" "$(cat fifo)" "through-fifo"
wait
t_ok "rm a fifo" rm fifo
t_eq "basename/dirname" "$(basename /x/y/z.c .c) $(dirname /x/y/z.c)" "z /x/y"
t_eq "realpath" "$(cd a/b && realpath ../../sym)" "$W/a/b/file"
t_done
