#!/bin/sh
# s_forkexec - many processes: 300+ fork+exec of external programs (full
# paths, so busybox really execs), command substitutions, pipelines.
. "$(dirname "$0")/lib.sh"
cd "$W" || exit 2

n=0
i=0
while [ $i -lt 300 ]; do
	/bin/true && n=$((n + 1))
	i=$((i + 1))
done
t_eq "300 fork+exec of /bin/true" "$n" "300"
n=0
for i in $(seq 1 100); do
	v=$(/bin/echo $i)
	[ "$v" = "$i" ] && n=$((n + 1))
done
t_eq "100 command substitutions of /bin/echo" "$n" "100"
n=0
for i in $(seq 1 50); do
	r=$(/bin/echo "x$i" | /bin/sed 's/x//' | /usr/bin/tr -d '\n')
	[ "$r" = "$i" ] && n=$((n + 1))
done
t_eq "50 three-process pipelines" "$n" "50"
/bin/false
t_eq "an external command's failure status" "$?" "1"
t_eq "exec replaces a subshell" "$(sh -c 'exec /bin/echo replaced; echo not-here')" "replaced"
t_eq "a missing program: status 127" "$(sh -c '/nonexistent/cmd 2>/dev/null'; echo $?)" "127"
printf '#!/bin/sh\necho script-ran "$@"\n' > s.sh
chmod +x s.sh
t_eq "exec of a #! script" "$(./s.sh a b)" "script-ran a b"
chmod -x s.sh
t_eq "a non-executable file: status 126" "$(sh -c './s.sh 2>/dev/null'; echo $?)" "126"
t_done
