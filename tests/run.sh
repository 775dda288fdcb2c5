#!/bin/sh
# relaymail: runs every test and counts. usage: tests/run.sh BUILD_DIR
# Each test program or script prints "ok NAME" or "FAIL NAME: why" per
# scenario (and may print "skip NAME: why"); a program that exits non-zero
# without a FAIL line counts as one failure. The last line is exactly
# "N passed, N failed".
B=${1:-build}
TOP=$(pwd)
BUILD=$B
SENDMAIL=$TOP/$B/sendmail
SMARTHOST=$TOP/$B/smarthost
# MEMCHECK=1: every run of sendmail goes through valgrind's memcheck; an
# error makes it exit 99, which fails the test that ran it.
if [ "${MEMCHECK:-0}" = 1 ]; then
	printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite "%s" "$@"\n' \
	    "$SENDMAIL" >"$TOP/$B/sendmail-memcheck"
	chmod +x "$TOP/$B/sendmail-memcheck"
	SENDMAIL=$TOP/$B/sendmail-memcheck
fi
# RMTEST_RUN names this run: its temporary directories carry it
# (/tmp/relaymail-test.RUN.*, /tmp/relaymail-postfix.RUN.*) and every
# process it starts inherits it, so the leftover check below finds this
# run's processes and nobody else's (other trees run the suite too).
out=$(mktemp /tmp/relaymail-run.XXXXXX)
RMTEST_RUN=${out##*.}
export TOP BUILD SENDMAIL SMARTHOST RMTEST_RUN
pass=0 fail=0 skip=0
trap 'rm -f "$out" "$out.ps" "$out.env" "$out.any"' EXIT
trap 'exit 130' INT TERM HUP

run() {
	name=$1
	shift
	"$@" >"$out" 2>&1 </dev/null
	rc=$?
	p=$(grep -c '^ok ' "$out")
	f=$(grep -c '^FAIL ' "$out")
	s=$(grep -c '^skip ' "$out")
	grep -E '^(ok|FAIL|skip|    also) ' "$out"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $name: exited $rc"
		tail -n 20 "$out" | sed 's/^/    | /'
		f=1
	elif [ "$f" -gt 0 ]; then
		grep -v -E '^(ok|FAIL|skip|    also) ' "$out" | tail -n 20 |
		    sed 's/^/    | /'
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
}

for t in "$B"/t_*; do
	[ -x "$t" ] || continue
	run "$(basename "$t")" "$t"
done
for t in tests/integration/t_*.sh; do
	[ -f "$t" ] || continue
	run "$(basename "$t" .sh)" sh "$t"
done
# The interop test needs a real Postfix; it runs once, in the plain build.
if [ "$B" = build ] && [ -f tests/interop/t_postfix.sh ]; then
	run t_postfix sh tests/interop/t_postfix.sh
fi
# Leftovers: every test stops what it started. Anything of this run still
# running now is a failure, named here, and killed (by PID).
#   - a process whose command line names this build's smart host, this
#     tree's test certificates, or this run's temporary directories,
#     unless it belongs to another run (the other build's suite runs at
#     the same time, tests/check.sh, and uses the same certificates);
#   - a process that inherited RMTEST_RUN from this run;
#   - the private Postfix's processes (its master clears the environment
#     and shows only "master -w"; MAIL_CONFIG names the instance).
leftovers() {
	grep -lszxE -e "RMTEST_RUN=$RMTEST_RUN" \
	    -e "MAIL_CONFIG=/tmp/relaymail-postfix\.$RMTEST_RUN\..*" \
	    /proc/[0-9]*/environ | cut -d/ -f3 >"$out.env"
	grep -lszxE -e "RMTEST_RUN=.*" /proc/[0-9]*/environ |
	    cut -d/ -f3 >"$out.any"
	ps -eo pid=,ppid=,stat=,args= >"$out.ps"
	while read -r pid ppid stat args; do
		[ "$pid" = $$ ] || [ "$ppid" = $$ ] && continue
		case $stat in Z*) continue ;; esac
		if grep -qx "$pid" "$out.env"; then
			echo "$pid $args"
			continue
		fi
		case $args in
		*"relaymail-test.$RMTEST_RUN."*|*"relaymail-postfix.$RMTEST_RUN."*)
			echo "$pid $args" ;;
		*"$TOP/$B/smarthost"*|*"$TOP/build/pki/"*)
			grep -qx "$pid" "$out.any" || echo "$pid $args" ;;
		esac
	done <"$out.ps"
}
left=$(leftovers)
dirs=$(ls -d /tmp/relaymail-test."$RMTEST_RUN".* \
    /tmp/relaymail-postfix."$RMTEST_RUN".* 2>/dev/null)
if [ -n "$left" ] || [ -n "$dirs" ]; then
	echo "FAIL leftovers: still there after the tests:"
	printf '%s\n' "$left" $dirs | sed '/^$/d; s/^/    | /'
	for p in $(printf '%s\n' "$left" | cut -d' ' -f1); do
		kill -KILL "$p" 2>/dev/null
	done
	[ -n "$dirs" ] && rm -rf $dirs
	fail=$((fail + 1))
fi

echo "$pass $fail $skip" >"$B/.counts"
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
