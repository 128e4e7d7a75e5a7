# lib.sh - TAP helpers for the busybox sh test scripts (sourced, not run).
#   t_ok DESC CMD...      ok when CMD exits 0
#   t_eq DESC GOT WANT    ok when the strings are equal (shows both if not)
#   t_match DESC TEXT ERE ok when TEXT matches the extended regular expression
#   t_done                plan line, summary, exit status
# Each script works in its own scratch directory $W (removed by t_done).
t_n=0
t_failed=0
t_name=${0##*/}
W=${TMPDIR:-/tmp}/$t_name.$$
rm -rf "$W"
mkdir -p "$W" || exit 2
echo "# $t_name (pid $$)"

t_result() {	# STATUS DESC
	t_n=$((t_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $t_n - $2"
	else
		t_failed=$((t_failed + 1))
		echo "not ok $t_n - $2"
	fi
}

t_ok() {
	d=$1
	shift
	"$@" > "$W/.t_ok.out" 2>&1
	st=$?
	t_result $st "$d"
	[ $st -eq 0 ] || sed 's/^/#   /' "$W/.t_ok.out" | head -n 20
	return $st
}

t_eq() {
	if [ "$2" = "$3" ]; then
		t_result 0 "$1"
	else
		t_result 1 "$1"
		printf '#   got:  %s\n#   want: %s\n' "$2" "$3" | head -n 20
	fi
}

t_match() {
	if printf '%s\n' "$2" | grep -qE "$3"; then
		t_result 0 "$1"
	else
		t_result 1 "$1"
		printf '#   text: %s\n#   does not match: %s\n' "$2" "$3" | head -n 20
	fi
}

t_done() {
	cd /
	rm -rf "$W"
	echo "1..$t_n"
	echo "# $t_name: $((t_n - t_failed)) passed, $t_failed failed"
	[ $t_failed -eq 0 ]
	exit $?
}
