#!/bin/sh
# relaymail: user-space instructions of one 2 KB send (STARTTLS, AUTH
# PLAIN, the test CA as the trust store), counted by valgrind's callgrind:
# a figure that does not depend on how busy the machine is.
# usage: callgrind.sh [BUILD]; prints "instructions: N".
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
    -u alice:secret || exit 1
cat >"$W/conf" <<CONF
[relay]
host = localhost
port = $SMARTHOST_PORT
tls_ca_file = $TOP/build/pki/ca.pem
user = alice
password = secret
[queue]
dir = $W/queue
CONF
{ printf 'From: a@example.org\nTo: b@example.net\nSubject: bench\n\n'
  head -c 1500 /dev/zero | tr '\0' 'x' | fold -w 70; echo; } >"$W/small"
valgrind --tool=callgrind --callgrind-out-file="$W/out" \
    "$TOP/$B/sendmail" -C "$W/conf" -f a@example.org b@example.net \
    <"$W/small" 2>"$W/vg" || { cat "$W/vg"; exit 1; }
cp "$W/out" /tmp/cg.out 2>/dev/null; echo "instructions: $(sed -n 's/^summary: //p' "$W/out")"
[ -n "${CG_TOP:-}" ] && callgrind_annotate "$W/out" 2>/dev/null |
    sed -n '1,40p' | grep -v '^--'
exit 0
