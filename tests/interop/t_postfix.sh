# relaymail: interop with a real MTA nobody here wrote: a private Postfix
# on 127.0.0.1 with STARTTLS (RSA certificate) and implicit TLS (ECDSA),
# SASL AUTH, certificates verified against the test CA.
: "${TOP:=$(pwd)}" "${BUILD:=build}"
: "${SENDMAIL:=$TOP/$BUILD/sendmail}"
. "$TOP/tests/interop/postfix.sh"
TNAME=postfix
D=$(mktemp -d "/tmp/relaymail-postfix.${RMTEST_RUN:+$RMTEST_RUN.}XXXXXX")
chmod 755 "$D"
trap 'postfix_teardown "$D"' EXIT
trap 'exit 1' INT TERM HUP
postfix_setup "$D"
rc=$?
[ $rc -eq 2 ] && exit 0
[ $rc -ne 0 ] && exit 1
read PF_SUB PF_TLS <"$D/ports"

ok() { echo "ok postfix: $1"; }
fail() { echo "FAIL postfix: $1: $2"; }
check() { n=$1; shift; if "$@"; then ok "$n"; else fail "$n" "$*"; fi; }

conf() {	# host port tls
	cat >"$D/relay.conf" <<CONF
[relay]
host = $1
port = $2
tls = $3
tls_ca_file = $TOP/build/pki/ca.pem
user = relaytest
password_file = $D/password
timeout = 10
[queue]
dir = $D/queue
CONF
}

# Waits for the Maildir to hold n messages; prints the newest.
arrived() {
	i=0
	while [ "$(ls "$D/mail/all/new" 2>/dev/null | wc -l)" -lt "$1" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.1
	done
	ls -t "$D"/mail/all/new/* | head -n 1
}

send() { "$SENDMAIL" -C "$D/relay.conf" "$@" >"$D/out" 2>"$D/err"; echo $? >"$D/rc"; }
rc_is() { [ "$(cat "$D/rc")" -eq "$1" ]; }
# empty FILE: exists and is empty. lacks [-i] FILE PATTERN: exists and no
# line matches (`! grep -q` alone passes when FILE is missing). As in
# tests/integration/lib.sh.
empty() { [ -f "$1" ] && [ ! -s "$1" ]; }
silent() { empty "$D/out" && empty "$D/err"; }
lacks() {
	_o=
	[ "$1" = -i ] && { _o=-i; shift; }
	[ -f "$1" ] || { echo "lacks: $1: no such file" >&2; return 1; }
	grep -q $_o -e "$2" "$1"
	[ $? -eq 1 ]
}

conf localhost "$PF_SUB" starttls
printf 'From: Alice <alice@example.org>\nSubject: interop starttls\n\nover STARTTLS\n' |
    send -f alice@example.org bob@example.net
check starttls_exit_0 rc_is 0
check starttls_silent silent
m=$(arrived 1)
check starttls_arrived [ -n "$m" ]
check starttls_body grep -q 'over STARTTLS' "$m"
check starttls_esmtpsa grep -q 'with ESMTPSA' "$m"
check starttls_tls12 grep -q 'using TLSv1.2' "$m"

conf 127.0.0.1 "$PF_TLS" tls
printf 'Subject: interop implicit\n\nover implicit TLS\n' | send bob@example.net
check implicit_exit_0 rc_is 0
m=$(arrived 2)
check implicit_arrived grep -q 'over implicit TLS' "$m"
check implicit_ecdsa grep -q 'ECDHE-ECDSA' "$m"

# A 5 MB message arrives intact.
conf localhost "$PF_SUB" starttls
{ printf 'Subject: big\n\n'; head -c 3900000 /dev/urandom | base64; } >"$D/big"
send -i bob@example.net <"$D/big"
check big_exit_0 rc_is 0
m=$(arrived 3)
check big_intact sh -c "sed '1,/^\$/d' '$D/big' | md5sum >'$D/a'; sed '1,/^\$/d' '$m' | md5sum >'$D/b'; cmp -s '$D/a' '$D/b'"

# -t with Bcc: delivered to the Bcc recipient, no Bcc: in what arrives.
printf 'To: a@example.net\nBcc: hidden@example.net\nSubject: bcc\n\n.\nafter dot\n' |
    send -t -i
m=$(arrived 5)
check bcc_not_in_message lacks -i "$m" '^bcc:'
check bcc_delivered grep -q 'hidden@example.net' "$D/maillog"
check dot_line_kept grep -q '^after dot' "$m"

# A wrong password: not lost, not silent about it with -v.
echo wrong >"$D/password"
printf 'Subject: wrong\n\nx\n' | send -v bob@example.net
check wrong_password_queued [ "$(find "$D/queue/q" -type f ! -name '*.*' | wc -l)" -eq 1 ]
check wrong_password_says_535 grep -q '535' "$D/err"
