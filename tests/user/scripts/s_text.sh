#!/bin/sh
# s_text - text tools over files: sed, awk, grep, find, sort, uniq, wc,
# head, tail, cut, tr, diff, md5sum.
. "$(dirname "$0")/lib.sh"
cd "$W" || exit 2

i=0
while [ $i -lt 200 ]; do
	echo "$i name$((i % 7)) $((i * i % 101))"
	i=$((i + 1))
done > data
t_eq "wc -l" "$(wc -l < data | tr -d ' ')" "200"
t_eq "head and tail" "$(head -n 1 data) / $(tail -n 1 data)" "0 name0 0 / 199 name3 9"
t_eq "grep -c" "$(grep -c 'name3' data)" "29"
t_eq "grep -E alternation" "$(grep -E '^(5|50|150) ' data | cut -d' ' -f1 | tr '\n' ,)" "5,50,150,"
t_eq "grep -v" "$(grep -v name data | wc -l | tr -d ' ')" "0"
t_eq "sed substitution" "$(echo 'hello world' | sed 's/o/0/g')" "hell0 w0rld"
t_eq "sed -n with a range" "$(sed -n '10,12p' data | cut -d' ' -f1 | tr '\n' ' ')" "9 10 11 "
sed -i 's/^0 /zero /' data
t_eq "sed -i edits in place" "$(head -n 1 data | cut -d' ' -f1)" "zero"
t_eq "awk sum" "$(awk '{ s += $3 } END { print s }' data)" "$(awk 'BEGIN { for (i = 0; i < 200; i++) s += i * i % 101; print s }')"
t_eq "awk fields and printf" "$(echo 'a:b:c' | awk -F: '{ printf "%s-%s\n", $3, $1 }')" "c-a"
t_eq "awk associative arrays" "$(awk '{ c[$2]++ } END { print c["name0"], c["name6"] }' data)" "29 28"
t_eq "sort -n -r | head" "$(cut -d' ' -f3 data | sort -n -r | head -n 1)" "100"
t_eq "sort | uniq -c" "$(cut -d' ' -f2 data | sort | uniq -c | awk '{ print $1 }' | sort -n | uniq | tr '\n' ' ')" "28 29 "
t_eq "sort -u" "$(cut -d' ' -f2 data | sort -u | wc -l | tr -d ' ')" "7"
t_eq "sort -k2,2 -k1,1n" "$(sort -k2,2 -k1,1n data | head -n 2 | cut -d' ' -f1 | tr '\n' ' ')" "zero 7 "
t_eq "tr upper-case" "$(echo abc | tr a-z A-Z)" "ABC"
mkdir -p tree/a/b tree/c
touch tree/a/one.txt tree/a/b/two.txt tree/c/three.log tree/top.txt
t_eq "find -name" "$(find tree -name '*.txt' | sort | tr '\n' ' ')" "tree/a/b/two.txt tree/a/one.txt tree/top.txt "
t_eq "find -type d" "$(find tree -type d | wc -l | tr -d ' ')" "4"
t_eq "find -exec" "$(find tree -name '*.log' -exec basename {} \;)" "three.log"
cp data data2
t_ok "diff of equal files" diff data data2
echo extra >> data2
t_ok "diff notices a change" sh -c '! diff data data2 > /dev/null'
t_eq "md5sum of a known string" "$(printf 'abc' | md5sum | cut -d' ' -f1)" "900150983cd24fb0d6963f7d28e17f72"
t_eq "sha256sum of a known string" "$(printf 'abc' | sha256sum | cut -c1-16)" "ba7816bf8f01cfea"
t_done
