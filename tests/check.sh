#!/bin/sh
# relaymail: the whole suite, as `make check` runs it. usage: check.sh
# The plain build (build/) and the ASan+UBSan build (build-san/) are run
# at the same time: most of a test's time is spent waiting (timeouts,
# retries, the smart host's scripted stalls), so two runs side by side
# take little more than one. The plain run prints as it goes; the
# sanitizer run's output follows it. The last line is the total.
# Each run.sh has its own RMTEST_RUN, temporary directories and ports;
# the test certificates (build/pki) are shared and made here, once.
set -u
sh tests/pki/mkcerts.sh build/pki || exit 1
rm -f build/.counts build-san/.counts
san_log=build-san/.log
# In its own process group (setsid), so that it can be stopped whole:
# an interrupt stops the sanitizer run's tests too, whose traps stop what
# they started. (A background job ignores SIGINT; TERM it is.)
setsid sh tests/run.sh build-san >"$san_log" 2>&1 &
san=$!
trap 'kill -TERM -- "-$san" 2>/dev/null; wait "$san"; exit 130' INT TERM HUP
sh tests/run.sh build
echo "== ASan+UBSan (build-san/)"
wait "$san"
trap - INT TERM HUP
cat "$san_log"
cat build/.counts build-san/.counts 2>/dev/null | awk '
	{ p += $1; f += $2 }
	END { print "total: " p " passed, " f " failed"; exit (f > 0 || NR < 2) }'
