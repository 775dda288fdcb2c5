#!/bin/sh
# relaymail: user-space instructions of one 2 KB send (STARTTLS, AUTH
# PLAIN, the test CA as the trust store), counted by valgrind's callgrind:
# a figure that does not depend on how busy the machine is.
# usage: callgrind.sh [BUILD]; prints "instructions: N".
# CG_CURVE=p256: the smart host does ECDHE on P-256 alone (-e p256), as
# Postfix and Exim do with us; by default it picks X25519.
set -u
B=${1:-build}
TOP=$(pwd)
SMARTHOST=$TOP/$B/smarthost
. "$TOP/tests/smarthost/ctl.sh"
command -v valgrind >/dev/null || { echo "callgrind: no valgrind"; exit 0; }
W=$(mktemp -d /tmp/relaymail-cg.XXXXXX)
trap 'smarthost_stop; rm -rf "$W"' EXIT
sh tests/pki/mkcerts.sh "$TOP/build/pki"
smarthost_start "$W/sh" -c build/pki/server.pem -k build/pki/server.key \
    -u alice:secret ${CG_CURVE:+-e "$CG_CURVE"} || exit 1
cat >"$W/conf" <<CONF
[relay]
host = localhost
port = $SMARTHOST_PORT
tls_ca_file = ${CG_TRUST:-$TOP/build/pki/ca.pem}
user = alice
password = secret
[queue]
dir = $W/queue
CONF
{ printf 'From: a@example.org\nTo: b@example.net\nSubject: bench\n\n'
  head -c 1500 /dev/zero | tr '\0' 'x' | fold -w 70; echo; } >"$W/small"
# --dump-before='*fork': each process writes its counts and starts from
# zero before every fork, so a forked child's counts are its own (not its
# parent's too) and the sum over every file is the send's total.
valgrind --tool=callgrind --compress-strings=no --compress-pos=no \
    --dump-before='*fork' --callgrind-out-file="$W/out.%p" \
    "${CG_BIN:-$TOP/$B/sendmail}" -C "$W/conf" -f a@example.org b@example.net \
    <"$W/small" 2>"$W/vg" || { cat "$W/vg"; exit 1; }
# The send ends in a detached worker that outlives the caller: wait for
# every traced process of this run to write its file.
i=0
while pgrep -f "callgrind-out-file=$W/" >/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "instructions: $(cat "$W"/out.* | sed -n 's/^summary: //p' |
    awk '{ n += $1 } END { print n }')"
cat "$W"/out.* >/tmp/cg.all 2>/dev/null
[ -n "${CG_TOP:-}" ] && for f in "$W"/out.*; do callgrind_annotate "$f"; done 2>/dev/null |
    sed -n '1,40p' | grep -v '^--'
exit 0
