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
