#!/bin/sh
# s_jobs - background jobs and wait, trap and kill, signals between
# processes, exit statuses of killed jobs.
. "$(dirname "$0")/lib.sh"
cd "$W" || exit 2

sleep 0.2 &
p=$!
t_ok "background job has a pid" [ "$p" -gt 0 ]
wait $p
t_eq "wait returns the job's status" "$?" "0"
(exit 5) &
wait $!
t_eq "wait returns a failing status" "$?" "5"
sleep 10 &
p=$!
kill $p
wait $p
t_eq "a job killed by SIGTERM: status 128+15" "$?" "143"
sleep 10 &
p=$!
kill -KILL $p
wait $p
t_eq "SIGKILL: status 128+9" "$?" "137"
for i in 1 2 3 4 5; do (sleep 0.1; echo $i > job$i) & done
wait
t_eq "wait without arguments waits for all jobs" "$(cat job1 job2 job3 job4 job5 | tr -d '\n')" "12345"

got=""
trap 'got=usr1' USR1
kill -USR1 $$
t_eq "trap runs on a signal sent to the shell" "$got" "usr1"
trap - USR1
r=$(sh -c 'trap "echo bye" EXIT; echo hi')
t_eq "trap EXIT" "$r" "hi
bye"
r=$(sh -c 'trap "echo caught; exit 3" TERM; kill -TERM $$; sleep 5; echo not-reached')
t_eq "a script traps TERM sent to itself" "$r" "caught"
sh -c 'trap "" INT; kill -INT $$; exit 4'
t_eq "an ignored signal does not kill" "$?" "4"
# a child signals its parent shell; it repeats the signal until the parent
# is gone, because a shell may miss one that lands between its check for
# pending traps and its wait (a race busybox sh has on Linux too). USR2, not
# HUP: a shell cannot trap a signal ignored when it started (nohup).
sh -c 'trap "echo got-usr2; exit 0" USR2; (while kill -USR2 $$ 2>/dev/null; do sleep 0.2; done) & while :; do sleep 1; done' > hup.out &
p=$!
wait $p
t_eq "a background child signals its parent" "$(cat hup.out)" "got-usr2"
sleep 5 &
p=$!
t_ok "kill -0 on a live job" kill -0 $p
kill $p
wait $p 2>/dev/null
t_ok "kill -0 on a reaped job fails" sh -c "! kill -0 $p 2>/dev/null"
t_eq "jobs are listed" "$(sh -c 'sleep 2 & jobs -p | wc -l; kill %1')" "1"
t_done
