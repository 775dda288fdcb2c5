# relaymail: the SMTP and TLS client against a hostile or unusual server:
# every AUTH mechanism, pins, an IP literal, STARTTLS injection and
# stripping, drip-feeding, endless and over-long replies, -bt.
. "$TOP/tests/integration/lib.sh"
t_setup

msg() { printf 'Subject: c\n\nbody\n'; }

for mech in CRAM-MD5 LOGIN PLAIN; do
	echo "auth-mechs $mech" >"$T/script"
	start_host -s "$T/script"
	write_conf
	msg | send a@example.net
	check "auth_${mech}_delivered" [ "$(delivered)" -eq 1 ]
	check "auth_${mech}_used" grep -qx "$mech alice" "$T/sh/conn-1/auth"
done

start_host
write_conf auth=xoauth2
msg | send a@example.net
check auth_xoauth2 grep -qx 'XOAUTH2 alice' "$T/sh/conn-1/auth"
write_conf auth=oauthbearer
msg | send a@example.net
check auth_oauthbearer grep -qx 'OAUTHBEARER alice' "$T/sh/conn-2/auth"
write_conf "password_command=echo secret" password=
msg | send a@example.net
check password_command_used [ "$(delivered)" -eq 3 ]

# AUTH offered only before TLS is never used before TLS.
echo 'auth-before-tls' >"$T/script"
start_host -s "$T/script"
write_conf
msg | send a@example.net
# The session up to STARTTLS (which must be there) has no AUTH command;
# AUTH does come after it.
sed -n '1,/^C: STARTTLS/p' "$T/sh/conn-1/session" >"$T/before_tls"
check auth_offered_before_tls grep -q '^250-AUTH' "$T/before_tls"
check starttls_sent grep -q '^C: STARTTLS' "$T/before_tls"
check no_auth_before_tls lacks "$T/before_tls" '^C: AUTH'
check auth_after_tls grep -q '^C: AUTH' "$T/sh/conn-1/session"
check auth_after_tls_ok [ "$(delivered)" -eq 1 ]

# STARTTLS response injection, in the same segment and in a later one.
for how in inject inject-later; do
	echo "starttls $how 250 2.0.0 injected" >"$T/script"
	rm -rf "$T/queue"
	start_host -s "$T/script"
	write_conf
	msg | send -v a@example.net
	check "${how}_refused" [ "$(delivered)" -eq 0 ]
	check "${how}_queued" [ "$(queued)" -eq 1 ]
	check "${how}_no_auth" no_auth "$T/sh/conn-1"
done
check inject_says_why grep -qi 'tls' "$T/err"

# Pins: the right one works even with tls_verify = no and a wrong name;
# a wrong one is refused, showing the server's pin.
start_host
write_conf
"$SENDMAIL" -C "$T/conf" -bt >"$T/bt" 2>&1
echo $? >"$T/rc"
check bt_exit_0 rc_is 0
check bt_shows_pin grep -q 'tls_pin = sha256/' "$T/bt"
check bt_shows_chain grep -q 'certificate 0: CN=localhost' "$T/bt"
check bt_shows_auth grep -q 'AUTH: accepted' "$T/bt"
check bt_sends_nothing [ "$(delivered)" -eq 0 ]
pin=$(grep -o 'sha256/[A-Za-z0-9+/=]*' "$T/bt" | head -n 1)
write_conf host=127.0.0.1 tls_verify=no "tls_pin=$pin"
msg | send a@example.net
check pin_right_delivered [ "$(delivered)" -eq 1 ]
rm -rf "$T/queue"
write_conf "tls_pin=sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
msg | send -v a@example.net
check pin_wrong_refused [ "$(delivered)" -eq 1 ]
check pin_wrong_shows_pin stderr_has "$pin"

# An IP literal needs an iPAddress SAN: a DNS-only certificate fails.
rm -rf "$T/queue"
smarthost_stop; rm -rf "$T/sh"; mkdir -p "$T/sh"
smarthost_start "$T/sh" -c "$PKI/wrongname.pem" -k "$PKI/wrongname.key" -u alice:secret
write_conf host=127.0.0.1
msg | send -v a@example.net
check ip_literal_checked [ "$(delivered)" -eq 0 ]
check ip_literal_says_name stderr_has 'not 127.0.0.1'
write_conf host=127.0.0.1 tls_host=wrong.example
msg | send a@example.net
check tls_host_override [ "$(delivered)" -eq 1 ]

# ECDSA server certificate.
smarthost_stop; rm -rf "$T/sh"; mkdir -p "$T/sh"
smarthost_start "$T/sh" -c "$PKI/server-ec.pem" -k "$PKI/server-ec.key" -u alice:secret
write_conf
msg | send a@example.net
check ecdsa_server [ "$(delivered)" -eq 1 ]

# Hostile replies end in a defined outcome, within the deadlines
# (timeout for each step, data_timeout for the final dot's reply; wait =
# 60: the session's own deadline, not the caller's bound, must end it).
hostile() {	# NAME "script line"
	printf '%s\n' "$2" >"$T/script"
	rm -rf "$T/queue"
	start_host -s "$T/script"
	write_conf timeout=2 data_timeout=2 wait=60
	start=$(date +%s)
	msg | send a@example.net
	took=$(( $(date +%s) - start ))
	check "$1_exit_0" rc_is 0
	check "$1_queued" [ "$(queued)" -eq 1 ]
	check "$1_bounded" [ "$took" -le 25 ]
}
hostile drip_greeting 'greeting drip'
hostile endless_ehlo 'ehlo endless'
hostile long_ehlo 'ehlo long'
# A reply ending in a bare LF is read leniently (no risk in a reply).
echo 'mail nocrlf' >"$T/script"
rm -rf "$T/queue"
start_host -s "$T/script"
write_conf
msg | send a@example.net
check nocrlf_reply_accepted [ "$(delivered)" -eq 1 ]
hostile badcode_rcpt 'rcpt badcode'
hostile noreply_eom 'eom noreply'
hostile reset_mid_data 'body reset 100'

# Replies split byte by byte are fine.
echo 'ehlo bytewise' >"$T/script"
start_host -s "$T/script"
write_conf
msg | send a@example.net
check bytewise_replies [ "$(delivered)" -eq 1 ]

# SMTP smuggling: no bare CR or LF reaches the wire, whatever the input.
printf 'Subject: s\n\nline\n.\r\nMAIL FROM:<x@y>\r\n\n.\nend\rhere\r\r\n' | send -i a@example.net
cr=$(printf '\r')
check smuggling_no_bare_lf [ "$(grep -c "$cr\$" "$(last_msg)/data.raw")" -eq "$(wc -l <"$(last_msg)/data.raw")" ]
check smuggling_no_bare_cr lacks "$(last_msg)/data.raw" "$cr."
check smuggling_one_message [ "$(delivered)" -eq 2 ]

# CR/LF in -f or a recipient never reaches the wire.
msg | send -f "$(printf 'a@x\r\nRCPT TO:<evil@x>')" a@example.net
check crlf_sender_refused [ "$(cat "$T/rc")" -ne 0 ]
msg | send "$(printf 'b@x\nRCPT TO:<evil@x>')"
check crlf_rcpt_refused [ "$(cat "$T/rc")" -ne 0 ]
sessions_lack() {	# PATTERN: there are sessions, and none has it
	set -- "$1" "$T"/sh/conn-*/session
	[ -f "$2" ] || return 1
	_pat=$1
	shift
	for _f; do lacks "$_f" "$_pat" || return 1; done
}
check crlf_never_on_wire sessions_lack evil

# An OAuth token from password_command is cached in the queue directory:
# the command runs once for two sends; a refused token is fetched anew.
rm -rf "$T/queue"
start_host
write_conf auth=xoauth2 "password_command=echo run >>$T/runs; echo secret" password=
msg | send a@example.net
msg | send a@example.net
check token_sends [ "$(delivered)" -eq 2 ]
check token_command_once [ "$(wc -l <"$T/runs")" -eq 1 ]
check token_file_private [ "$(stat -c %a "$T/queue/oauth-token")" = 600 ]
echo 'conn 1 auth 535 5.7.8 token expired' >"$T/script"
start_host -s "$T/script"
write_conf auth=xoauth2 "password_command=echo run >>$T/runs; echo secret" password=
msg | send a@example.net
check token_refused_refetched [ "$(wc -l <"$T/runs")" -eq 2 ]
check token_refused_then_sent [ "$(delivered)" -eq 1 ]

# Client certificates (RSA and EC) for a smart host that asks for one.
for kind in client client-ec; do
	smarthost_stop; rm -rf "$T/sh"; mkdir -p "$T/sh"
	smarthost_start "$T/sh" -c "$PKI/server.pem" -k "$PKI/server.key" \
	    -u alice:secret -A "$PKI/ca.pem"
	write_conf "tls_cert_file=$PKI/$kind.pem" "tls_key_file=$PKI/$kind.key"
	msg | send a@example.net
	check "${kind}_cert_sent" [ "$(delivered)" -eq 1 ]
	check "${kind}_cert_verified" grep -qx verified "$T/sh/conn-1/client_cert"
done
write_conf
msg | send a@example.net
# (The smart host asks for a certificate: the connection is made, and no
# certificate is recorded on it.)
check no_client_cert_when_unset sh -c "[ -d '$T/sh/conn-2' ] && [ ! -e '$T/sh/conn-2/client_cert' ]"

# tls_ca_file may be a directory of PEM files.
mkdir -p "$T/cadir"
cp "$PKI/ca2.pem" "$T/cadir/other.pem"
cp "$PKI/ca.pem" "$T/cadir/test.crt"
echo junk >"$T/cadir/README"
start_host
write_conf "tls_ca_file=$T/cadir"
msg | send a@example.net
check ca_directory [ "$(delivered)" -eq 1 ]
