#!/bin/sh
# relaymail: make demo. Starts the project's test smart host on loopback
# with throwaway certificates, sends one message through ./sendmail -t,
# and shows what the smart host received.
set -eu
B=${1:-build}
TOP=$(pwd)
SMARTHOST=$TOP/$B/smarthost
. "$TOP/tests/smarthost/ctl.sh"
D=$(mktemp -d /tmp/relaymail-demo.XXXXXX)
# The smart host (and any connection child of it) is stopped by PID on
# every way out.
trap 'smarthost_stop_all 2>/dev/null; rm -rf "$D"' EXIT
trap 'exit 1' INT TERM HUP
sh tests/pki/mkcerts.sh "$TOP/build/pki"
mkdir -p "$D/host"
smarthost_start "$D/host" -c build/pki/server.pem -k build/pki/server.key \
    -u demo:demo-password
cat >"$D/sendmail.conf" <<CONF
[relay]
host = localhost
port = $SMARTHOST_PORT
tls = starttls
tls_ca_file = $TOP/build/pki/ca.pem
user = demo
password = demo-password
[queue]
dir = $D/queue
CONF
chmod 600 "$D/sendmail.conf"	# it holds a password
echo "== the configuration ($D/sendmail.conf)"
sed 's/^password = .*/password = ********/' "$D/sendmail.conf"
echo
# The command is written once: what is shown is what runs.
set -- ./sendmail -C "$D/sendmail.conf" -t -f alice@example.org
echo "== sending: $*"
rc=0
printf 'To: Bob <bob@example.net>\nBcc: carol@example.net\nSubject: Hello from relaymail\n\nIt works.\n' |
    "$@" || rc=$?
echo "exit status: $rc"
echo
m=$(ls -d "$D"/host/conn-*/msg-* | head -n 1)
echo "== the smart host received (over $(head -n 2 "$D/host/conn-1/tls" | tr '\n' ' '), AUTH $(cat "$D/host/conn-1/auth")):"
echo "MAIL FROM:$(cat "$m/mail_from")"
sed 's/^/RCPT TO:/' "$m/rcpt"
echo "--- message ---"
tr -d '\r' <"$m/data"
echo "--- end ---"
