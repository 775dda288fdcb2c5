# relaymail: set up right the first time. Each settings mistake a new
# administrator makes is named at once, at the right line, with the fix:
# the exact line on stderr and the exit status (78 for a file the program
# cannot use; 0 and a warning for a message it keeps).
. "$TOP/tests/integration/lib.sh"
t_setup

msg() { printf 'Subject: s\n\nbody\n'; }
# conf_error NAME TEXT LINE: a file holding TEXT is refused with exit 78
# and exactly "sendmail: $T/bad.conf:LINE" on stderr, nothing kept.
conf_error() {
	printf '%s\n' "$2" >"$T/bad.conf"
	msg | "$SENDMAIL" -C "$T/bad.conf" a@example.net >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
	check "$1_exit_78" rc_is 78
	check "$1_said" grep -qxF "sendmail: $T/bad.conf:$3" "$T/err"
	check "$1_one_line" [ "$(wc -l <"$T/err")" -eq 1 ]
}

# --- the configuration file's mistakes, each at its own line.
conf_error no_equals "[relay]
host = smtp.example.com
password_file /etc/relaymail/password
port = 587
" "3: \"password_file /etc/relaymail/password\": expected \"key = value\" or [section]"
conf_error unclosed_section "[relay]
host = smtp.example.com
[queue
dir = $T/queue" "3: \"[queue\": a section name needs its closing \"]\""
conf_error did_you_mean_key "[relay]
host = smtp.example.com
user = alice
pasword_file = /etc/relaymail/password" "4: [relay] pasword_file: unknown key; did you mean password_file?"
conf_error did_you_mean_section "[relay]
host = smtp.example.com
[mesage]
domain = example.com" "3: [mesage]: unknown section; did you mean [message]?"
conf_error other_section "[relay]
host = smtp.example.com
dir = $T/queue" "3: [relay] dir: unknown key; did you mean [queue] dir?"

# Keys and sections in any case; quotes around a value are not part of
# it (host = "smtp.gmail.com" is not a DNS failure): the send delivers.
start_host
cat >"$T/ok.conf" <<CONF
[Relay]
Host = "localhost"
Port = $SMARTHOST_PORT
User = 'alice'
tls_ca_file = "$PKI/ca.pem"
[QUEUE]
dir = "$T/queue"
CONF
msg | "$SENDMAIL" -C "$T/ok.conf" a@example.net >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check any_case_rule_named stderr_has "^sendmail: $T/ok.conf:4: \[relay\] user: set password, password_file or password_command$"
sed -i "/^User/a password = \"secret\"" "$T/ok.conf"
chmod 600 "$T/ok.conf"	# it holds a password now
msg | "$SENDMAIL" -C "$T/ok.conf" a@example.net >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check quoted_any_case_delivers [ "$(delivered)" -eq 1 ]
check quoted_any_case_silent silent
"$SENDMAIL" -C "$T/ok.conf" -bP >"$T/out" 2>"$T/err"
check quoted_host_bare grep -qx 'host = localhost' "$T/out"
check quoted_dir_bare grep -qx "dir = $T/queue" "$T/out"

# --- a TLS mode against the port's convention: one warning before any
# network wait (nothing listens at 127.0.0.1:465 here, or it is not a
# smart host of ours: the attempt defers), the message queued, exit 0.
mode_warning() {
	rm -rf "$T/queue"
	write_conf host=127.0.0.1 "port=$2" "tls=$3" wait=1 timeout=1
	msg | send a@example.net
	check "$1_exit_0" rc_is 0
	check "$1_queued" [ "$(queued)" -eq 1 ]
	check "$1_warned_first" sh -c "head -n 1 '$T/err' | grep -qxF 'sendmail: warning: $4'"
}
mode_warning starttls_on_465 465 starttls "[relay] port 465 with tls = starttls: port 465 expects TLS from the first byte (tls = tls); trying STARTTLS as written"
mode_warning tls_on_587 587 tls "[relay] port 587 with tls = tls: port 587 starts in plain text and expects STARTTLS (tls = starttls); trying TLS from the first byte as written"
mode_warning tls_on_25 25 tls "[relay] port 25 with tls = tls: port 25 starts in plain text and expects STARTTLS (tls = starttls); trying TLS from the first byte as written"
# A port on the host entry is named with it.
rm -rf "$T/queue"
write_conf host=127.0.0.1:465 port= wait=1 timeout=1
msg | send a@example.net
check host_port_warned stderr_has '^sendmail: warning: \[relay\] host 127.0.0.1:465 with tls = starttls: '
# The usual pairs say nothing (the smart host's port is neither).
rm -rf "$T/queue"
write_conf
msg | send a@example.net
check matching_mode_silent silent

# --- a host name that does not exist is the settings' mistake: queued,
# exit 0, and the warning at once (RFC 6761: names under .invalid never
# exist, without asking a resolver).
rm -rf "$T/queue"
write_conf host=smtp.example.invalid port=587
msg | send a@example.net
check nxdomain_exit_0 rc_is 0
check nxdomain_queued [ "$(queued)" -eq 1 ]
check nxdomain_warned grep -qx "sendmail: warning: queued, not sent ([0-9A-F]*): smtp.example.invalid:587: no such host (a name under .invalid never exists); check \[relay\] host; \"sendmail -bt\" tests the settings" "$T/err"
check nxdomain_shown_by_mailq sh -c "'$SENDMAIL' -C '$T/conf' -bp | grep -q 'no such host'"

# --- the same through a resolver the test controls (root: a private
# network and mount namespace whose resolv.conf names the test resolver):
# NXDOMAIN is the settings' mistake (warning, exit 0, queued); SERVFAIL
# is a resolver in trouble, which passes (silent, exit 0, queued).
if resolver_usable; then
	resolver_script "$T/ns.sh"
	cat >>"$T/ns.sh" <<NS
for name in nosuch servfail; do
	rm -rf "$T/queue"
	sed -i "s/^host = .*/host = \$name.example.com/" "$T/conf"
	printf 'Subject: s\n\nx\n' | "$SENDMAIL" -C "$T/conf" a@example.net \
	    >"$T/\$name.out" 2>"$T/\$name.err"
	echo \$? >"$T/\$name.rc"
	find "$T/queue/q" -type f ! -name '*.*' | wc -l >"$T/\$name.queued"
done
NS
	write_conf port=587
	resolver_run "$T/ns.sh"
	check resolver_asked grep -q '^nosuch.example.com$' "$T/dns/queries"
	check resolver_nxdomain_exit_0 [ "$(cat "$T/nosuch.rc")" -eq 0 ]
	check resolver_nxdomain_queued [ "$(cat "$T/nosuch.queued")" -eq 1 ]
	check resolver_nxdomain_warned grep -qx "sendmail: warning: queued, not sent ([0-9A-F]*): nosuch.example.com:587: no such host (the DNS says the name does not exist); check \[relay\] host; \"sendmail -bt\" tests the settings" "$T/nosuch.err"
	check resolver_servfail_exit_0 [ "$(cat "$T/servfail.rc")" -eq 0 ]
	check resolver_servfail_queued [ "$(cat "$T/servfail.queued")" -eq 1 ]
	check resolver_servfail_silent empty "$T/servfail.err"
else
	echo "skip $TNAME: resolver: needs root, ip and unshare -mn"
fi

# --- -bt against a server it cannot verify: the chain with each pin and
# the exact lines that would trust it; no AUTH on the wire (checked at
# the smart host); the summary on stdout, the dialogue only with -v.
spki_pin() {	# CERT.pem: its pin as openssl computes it
	printf 'sha256/%s' "$(openssl x509 -in "$1" -noout -pubkey |
	    openssl pkey -pubin -outform der | openssl dgst -sha256 -binary |
	    base64)"
}
bt() { "$SENDMAIL" -C "$T/conf" -bt "$@" >"$T/out" 2>"$T/err"; echo $? >"$T/rc"; }
out_has() { grep -qxF -e "$1" "$T/out"; }
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/self.key" \
    -out "$T/self.pem" -subj /CN=localhost -days 30 \
    -addext subjectAltName=DNS:localhost >/dev/null 2>&1
SELFPIN=$(spki_pin "$T/self.pem")
start_host -c "$T/self.pem" -k "$T/self.key"
write_conf
bt
check selfsigned_bt_69 rc_is 69
check selfsigned_failed grep -q "^FAILED: localhost:$SMARTHOST_PORT: STARTTLS: TLS: certificate for CN=localhost has an unknown issuer: CN=localhost" "$T/out"
check selfsigned_chain out_has "  certificate 0: CN=localhost"
check selfsigned_issuer out_has "    issuer:  CN=localhost"
check selfsigned_validity grep -q '^    valid:   20[0-9-]* [0-9:]* UTC to 20[0-9-]* [0-9:]* UTC$' "$T/out"
check selfsigned_pin out_has "    pin:     tls_pin = $SELFPIN"
check selfsigned_pin_line out_has "    tls_pin = $SELFPIN"
check selfsigned_verify_line out_has "    tls_verify = no"
check selfsigned_stopped out_has "  AUTH: not tried: the server was not verified; relaymail stopped before logging in"
check selfsigned_no_auth no_auth "$T/sh/conn-1"
check selfsigned_quiet_stderr empty "$T/err"
# The lines it printed work, AUTH included.
write_conf tls_verify=no "tls_pin=$SELFPIN"
bt
check pinned_bt_0 rc_is 0
check pinned_auth out_has "  AUTH: accepted"
check pinned_no_dialogue empty "$T/err"
bt -v
check pinned_dialogue_with_v grep -q '^-> EHLO ' "$T/err"
check pinned_auth_masked grep -q '^-> AUTH PLAIN \*\*\*\*\*\*\*\*$' "$T/err"
check pinned_summary_stdout out_has "  AUTH: accepted"

# tls_verify = no and no pin: connected, not logged in, the pin to add.
start_host -c "$T/self.pem" -k "$T/self.key"
write_conf tls_verify=no
bt
check unverified_bt_69 rc_is 69
check unverified_connected out_has "localhost port $SMARTHOST_PORT: connected, not logged in"
check unverified_stopped out_has "  AUTH: not tried: the server is not verified (tls_verify = no, and no tls_pin): relaymail stopped before logging in, so that the password goes to no server nobody checked"
check unverified_pin_line out_has "    tls_pin = $SELFPIN"
check unverified_no_auth no_auth "$T/sh/conn-1"

# An expired certificate: its dates, its pin, no AUTH.
start_host -c "$PKI/expired.pem" -k "$PKI/expired.key"
write_conf
bt
check expired_bt_69 rc_is 69
check expired_failed grep -q "^FAILED: localhost:$SMARTHOST_PORT: STARTTLS: TLS: certificate expired on 2020-01-02" "$T/out"
check expired_validity out_has "    valid:   2020-01-01 00:00:00 UTC to 2020-01-02 00:00:00 UTC"
check expired_pin out_has "    tls_pin = $(spki_pin "$PKI/expired.pem")"
check expired_stopped out_has "  AUTH: not tried: the server was not verified; relaymail stopped before logging in"
check expired_no_auth no_auth "$T/sh/conn-1"

# --- a server whose only certificate is Ed25519 (openssl s_server): the
# handshake fails, and the sentence names the likely cause.
openssl req -x509 -newkey ed25519 -nodes -keyout "$T/ed.key" -out "$T/ed.pem" \
    -subj /CN=localhost -days 30 -addext subjectAltName=DNS:localhost \
    >/dev/null 2>&1
rm -rf "$T/queue"
ossl_start -tls1_2 -cert "$T/ed.pem" -key "$T/ed.key"
write_conf tls=tls "port=$port" user= "tls_ca_file=$T/ed.pem"
msg | send -v a@example.net
bt
ossl_stop
check ed25519_queued [ "$(queued)" -eq 1 ]
check ed25519_named grep -q "FAILED: localhost:$port: TLS: the server sent alert 40 (handshake failure): it found nothing in common with our hello; most likely its certificate's key is Ed25519 or Ed448, which BearSSL cannot check (ask for an RSA or ECDSA certificate), else it lacks TLS 1.2 with ECDHE or RSA and AES-GCM or ChaCha20$" "$T/out"

# --- Microsoft 365: the smart host refuses (554 5.2.252 SendAsDenied)
# any sender but the mailbox, in MAIL FROM and in From:. The preset sends
# local senders as the mailbox, the original kept as the display name.
printf 'sendas app@example.com\n' >"$T/script"
start_host -u app@example.com:secret -s "$T/script"
rm -rf "$T/queue"
write_conf user=app@example.com provider=microsoft365
printf 'From: "(Cron Daemon)" <root>\nTo: root\nSubject: cron\n\noutput\n' |
    send -i ops@example.net
check m365_cron_delivered [ "$(delivered)" -eq 1 ]
check m365_cron_silent silent
check m365_envelope_mailbox grep -q '^<app@example.com>' "$(last_msg)/mail_from"
check m365_from_mailbox grep -q '^From: "(Cron Daemon)" <app@example.com>' "$(last_msg)/data"
printf 'From: www-data@%s\nSubject: php\n\nx\n' "$(hostname)" |
    send -f "www-data@$(hostname)" ops@example.net
check m365_host_sender_delivered [ "$(delivered)" -eq 2 ]
check m365_host_from_name grep -q '^From: "www-data" <app@example.com>' "$(last_msg)/data"
# A sender of its own (not this host's) is kept, and refused: the reply
# names the exact lines to add.
printf 'From: noreply@example.org\nSubject: app\n\nx\n' |
    send -f noreply@example.org ops@example.net
check m365_foreign_69 rc_is 69
check m365_sendas_hint stderr_has '5.2.252 SendAsDenied.*(the provider lets this account send only as its own mailbox: add to \[message\] the lines "from = app@example.com" and "rewrite_from = always")$'
# Without the preset the same cron mail is refused; the lines it names
# make it go.
rm -rf "$T/queue"
write_conf user=app@example.com
printf 'Subject: cron\n\noutput\n' | send ops@example.net
check plain_host_refused rc_is 69
check plain_host_hint stderr_has '"from = app@example.com" and "rewrite_from = always"'
EXTRA='[message]
from = app@example.com
rewrite_from = always'
write_conf user=app@example.com
printf 'From: noreply@example.org\nSubject: app\n\nx\n' |
    send -f noreply@example.org ops@example.net
check hint_lines_deliver [ "$(delivered)" -eq 3 ]
check hint_lines_from grep -q '^From: "noreply" <app@example.com>' "$(last_msg)/data"
EXTRA=
