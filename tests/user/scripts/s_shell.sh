#!/bin/sh
# s_shell - the shell itself: pipelines, redirections (>, >>, <, 2>&1,
# here-documents), sh -c loops, subshells, command substitution, exit
# statuses, functions, variables and arithmetic.
. "$(dirname "$0")/lib.sh"
cd "$W" || exit 2

t_eq "a three-stage pipeline" "$(echo 'b a c' | tr ' ' '\n' | sort | tr -d '\n')" "abc"
t_eq "pipeline exit status is the last command's" "$(false | true; echo $?)" "0"
echo one > f
echo two >> f
t_eq "> then >> appends" "$(cat f)" "one
two"
t_eq "< redirects stdin" "$(wc -l < f | tr -d ' ')" "2"
ls /nonexistent-dir > out 2>&1
t_match "2>&1 sends errors to the file" "$(cat out)" "nonexistent"
(echo to-stderr >&2) 2> err
t_eq "2> captures stderr of a subshell" "$(cat err)" "to-stderr"
cat > here <<END
line 1 $((1 + 2))
	tab kept
END
t_eq "here-document with expansion" "$(cat here)" "line 1 3
	tab kept"
cat > here2 <<'END'
no $expansion here
END
t_eq "quoted here-document" "$(cat here2)" 'no $expansion here'
x=$(sh -c 'i=0; while [ $i -lt 50 ]; do i=$((i + 1)); done; echo $i')
t_eq "sh -c while loop" "$x" "50"
t_eq "sh -c for loop over a list" "$(sh -c 'for w in a b c; do printf %s $w; done')" "abc"
t_eq "sh -c exit status" "$(sh -c 'exit 7'; echo $?)" "7"
t_eq "subshell does not change the parent" "$(v=1; (v=2); echo $v)" "1"
t_eq "nested command substitution" "$(echo $(echo $(echo deep)))" "deep"
f() { echo "args:$#:$1:$2"; return 3; }
t_eq "function arguments" "$(f x 'y z')" "args:2:x:y z"
f a > /dev/null
t_eq "function return status" "$?" "3"
t_eq "arithmetic" "$((7 * 6 - 2 / 2))" "41"
t_eq "parameter expansion" "$(p=/a/b/c.txt; echo ${p##*/} ${p%.txt} ${#p})" "c.txt /a/b/c 10"
case "hello.c" in *.c) r=c ;; *) r=other ;; esac
t_eq "case pattern" "$r" "c"
printf 'a 1\nb 2\nc 3\n' > pairs
sum=0
while read -r k v; do sum=$((sum + v)); done < pairs
t_eq "while read loop from a file" "$sum" "6"
t_eq "set -e stops at the first failure" "$(sh -c 'set -e; echo a; false; echo b')" "a"
t_eq "&& and ||" "$(true && echo y || echo n; false && echo y || echo n)" "y
n"
exec 3> fd3
echo via-fd3 >&3
exec 3>&-
t_eq "exec 3> opens a descriptor" "$(cat fd3)" "via-fd3"
t_eq "test and [ ]" "$([ -d . ] && [ ! -e nothing ] && test 3 -gt 2 && echo yes)" "yes"
t_eq "env passes variables" "$(FOO=bar env | grep '^FOO=')" "FOO=bar"
t_eq "large output through a pipe" "$(seq 1 20000 | tail -n 1)" "20000"
t_eq "xargs" "$(seq 1 5 | xargs echo)" "1 2 3 4 5"
t_done
