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
export TOP BUILD SENDMAIL SMARTHOST
pass=0 fail=0 skip=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

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
echo "$pass $fail $skip" >"$B/.counts"
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
