#!/bin/sh
# s_procs - what the system tools show: ps lists this script, free and
# uptime print their usual output, mount shows / and /proc, /proc files
# have Linux's formats.
. "$(dirname "$0")/lib.sh"
cd "$W" || exit 2

ps > ps.out 2>&1
t_match "ps header" "$(head -n 1 ps.out)" "^ *PID +USER +(TIME +)?COMMAND"
t_ok "ps lists this script's pid" grep -qE "^ *$$ " ps.out
t_match "ps shows this script's command line" "$(grep -E "^ *$$ " ps.out)" "s_procs.sh"
sleep 5 &
sp=$!
t_match "ps shows a background sleep" "$(ps | grep -E "^ *$sp ")" "sleep 5"
kill $sp
wait $sp 2>/dev/null
free > free.out
t_match "free header" "$(head -n 1 free.out)" "total +used +free +shared +buff/cache +available"
t_match "free Mem: line" "$(grep '^Mem:' free.out)" "^Mem: +[0-9]+ +[0-9]+ +[0-9]+"
t_match "uptime output" "$(uptime)" "up .*load average: [0-9]+\.[0-9]+, [0-9]+\.[0-9]+, [0-9]+\.[0-9]+"
mount > mount.out
t_ok "mount shows the root" grep -qE ' on / type ' mount.out
t_ok "mount shows /proc" grep -qE '^proc on /proc type proc ' mount.out
t_match "/proc/meminfo MemTotal" "$(head -n 1 /proc/meminfo)" "^MemTotal: +[0-9]+ kB$"
t_match "/proc/self/stat names this shell" "$(cut -d' ' -f1-3 /proc/$$/stat)" "^$$ \((sh|ash|busybox)\) [RS]$"
t_match "/proc/uptime" "$(cat /proc/uptime)" "^[0-9]+\.[0-9]+ [0-9]+\.[0-9]+$"
t_match "/proc/loadavg" "$(cat /proc/loadavg)" "^[0-9]+\.[0-9]+ [0-9]+\.[0-9]+ [0-9]+\.[0-9]+ [0-9]+/[0-9]+ [0-9]+$"
t_ok "/proc/cpuinfo has a processor line" grep -q '^processor' /proc/cpuinfo
t_eq "nproc matches /proc/cpuinfo" "$(nproc)" "$(grep -c '^processor' /proc/cpuinfo)"
t_eq "id -u" "$(id -u)" "$(awk '/^Uid:/ { print $2 }' /proc/$$/status)"
t_match "uname -a" "$(uname -a)" "^Linux .* x86_64"
t_match "hostname" "$(hostname)" "."
t_match "date" "$(date +%Y)" "^20[0-9][0-9]$"
t_done
