# relaymail: every outcome said where someone hears it. Silent on success
# and on a passing deferral unless stderr is a terminal; one warning when
# the settings keep mail from going or some recipients refused it; log
# lines to stderr with [log] stderr; a killed writer leaves nothing.
. "$TOP/tests/integration/lib.sh"
t_setup

# --- a passing deferral: silent to a pipe, one line to a terminal.
write_conf port=1
msg() { printf 'Subject: %s\n\nbody\n' "${1:-x}"; }
msg | send a@example.net
check deferral_silent silent
check deferral_queued [ "$(queued)" -eq 1 ]
if command -v script >/dev/null 2>&1; then
	printf 'Subject: tty\n\nbody\n' >"$T/m"
	script -qec "'$SENDMAIL' -C '$T/conf' a@example.net <'$T/m'" /dev/null \
	    >"$T/tty" 2>&1
	check tty_told grep -q '^sendmail: queued ([0-9A-F]*): localhost:1: ' "$T/tty"
else
	echo "skip t_saying: tty_told: no script(1)"
fi

# --- ok@ 250, bad@ 550: exit 0, one warning naming bad@, a report to
# the sender, the refusal kept in failed/.
rm -rf "$T/queue"
echo 'rcpt:bad 550 5.1.1 no such user' >"$T/script"
start_host -s "$T/script"
write_conf
msg partial | send -f sender@example.org ok@example.net bad@example.net
check partial_exit_0 rc_is 0
check partial_one_line [ "$(wc -l <"$T/err")" -eq 1 ]
check partial_warns grep -q '^sendmail: warning: sent, but refused for <bad@example.net>: 550 5.1.1 no such user; kept in failed/ as [0-9A-F]* and reported to the sender$' "$T/err"
check partial_kept [ "$(failed)" -eq 1 ]
check partial_delivered_ok grep -qx '<ok@example.net>' "$T/sh/conn-1/msg-1/rcpt"
check partial_bounce grep -qx '<sender@example.org>' "$T/sh/conn-1/msg-2/rcpt"
check partial_bounce_names_bad grep -q 'bad@example.net' "$T/sh/conn-1/msg-2/data"
check partial_bounce_not_ok lacks "$T/sh/conn-1/msg-2/data" 'Final-Recipient: rfc822; ok@example.net'

# --- ok@ 250, later@ 450, bad@ 550: exit 0 and silent now; when the
# queue run delivers later@, bad@'s 550 still ends in failed/ + a report.
rm -rf "$T/queue"
printf 'rcpt:bad 550 5.1.1 no such user\nrcpt:later 450 4.2.1 busy\n' >"$T/script"
start_host -s "$T/script"
write_conf
msg three | send -f sender@example.org ok@example.net later@example.net bad@example.net
check three_exit_0 rc_is 0
check three_silent silent
check three_queued [ "$(queued)" -eq 1 ]
start_host
write_conf
"$SENDMAIL" -C "$T/conf" -q >"$T/out" 2>"$T/err"
check three_later_delivered grep -qx '<later@example.net>' "$T/sh/conn-1/msg-1/rcpt"
check three_only_later [ "$(wc -l <"$T/sh/conn-1/msg-1/rcpt")" -eq 1 ]
check three_refusal_kept [ "$(failed)" -eq 1 ]
check three_not_queued [ "$(queued)" -eq 0 ]
check three_bounce grep -qx '<sender@example.org>' "$T/sh/conn-1/msg-2/rcpt"
check three_bounce_names_bad grep -q 'bad@example.net' "$T/sh/conn-1/msg-2/data"

# --- [log] stderr: log lines reach stderr (a container without syslog).
rm -rf "$T/queue"
start_host
EXTRA="[log]
stderr = yes" write_conf
msg | send a@example.net
check log_stderr_line grep -q '^sendmail: id=[0-9A-F]* from=<.*> to=<a@example.net> relay=localhost:[0-9]* .*status=sent' "$T/err"
check log_stderr_exit_0 rc_is 0

# --- a writer killed while reading its message leaves nothing behind.
rm -rf "$T/queue"
write_conf
before=$(delivered)
mkfifo "$T/fifo"
"$SENDMAIL" -C "$T/conf" a@example.net <"$T/fifo" >/dev/null 2>&1 &
bg $!
KPID=$!
exec 7>"$T/fifo"
printf 'Subject: half\n\nfirst part of the body\n' >&7
sleep 0.3
kill -9 "$KPID"
exec 7>&-
wait "$KPID" 2>/dev/null
check killed_nothing_in_tmp [ "$(find "$T/queue/tmp" -type f | wc -l)" -eq 0 ]
check killed_nothing_in_q [ "$(find "$T/queue/q" -type f | wc -l)" -eq 0 ]
check killed_nothing_delivered [ "$(delivered)" -eq "$before" ]

# --- a server out of step: never a verdict, never counted as sent.
# 354 and a stray 250 in one packet: the body is never sent.
stepfault() {	# NAME "script line"
	printf '%s\n' "$2" >"$T/script"
	rm -rf "$T/queue"
	start_host -s "$T/script"
	write_conf
	msg "$1" | send a@example.net
	check "$1_exit_0" rc_is 0
	check "$1_silent" silent
	check "$1_queued" [ "$(queued)" -eq 1 ]
	check "$1_not_failed" [ "$(failed)" -eq 0 ]
}
stepfault stray_after_354 'data stray'
check stray_after_354_no_body [ "$(delivered)" -eq 0 ]
# a reply of the wrong class: DATA answered 250, MAIL answered 354
stepfault data_answered_250 'data 250 2.0.0 ok'
stepfault mail_answered_354 'mail 354 go ahead'
# two replies to the end of data: the message is not counted as sent,
# and a flush goes on with each next message on a new connection
stepfault double_reply_at_eom 'eom stray'
"$SENDMAIL" -C "$T/conf" -bp >"$T/mailq" 2>&1
check double_reply_mailq_says grep -q 'protocol error: the server sent more than its reply to end of data' "$T/mailq"
write_conf port=1
msg two | send b@example.net
msg three | send c@example.net
start_host -s "$T/script"
write_conf
"$SENDMAIL" -C "$T/conf" -q >"$T/out" 2>"$T/err"
check double_reply_flush_none_failed [ "$(failed)" -eq 0 ]
check double_reply_flush_all_queued [ "$(queued)" -eq 3 ]
check double_reply_flush_new_connections [ "$(connections)" -eq 3 ]
check double_reply_flush_tried_each [ "$(cat "$T"/sh/conn-*/msg-*/mail_from | wc -l)" -eq 3 ]
check double_reply_flush_no_bounce [ "$(cat "$T"/sh/conn-*/msg-*/mail_from | grep -c '^<>$')" -eq 0 ]
