# relaymail: one submission path. The same message, sent on the command
# line and through -bs with the same settings, reaches the smart host as
# the same bytes ([message] rewrite_from, domain and [aliases] included).
. "$TOP/tests/integration/lib.sh"
t_setup
start_host
lacks_line() { [ -f "$2" ] && ! grep -q -e "$1" "$2"; }
EXTRA="[message]
domain = example.org
from = robot@example.org
rewrite_from = always
[aliases]
root = ops@example.net"
write_conf

# A message with bare LF, a local From, a bare name in Cc, a dot line,
# 8-bit text and a Bcc, as PHP and cron write them.
printf 'From: www-data\nTo: root\nCc: admin\nBcc: hidden@example.net\nDate: Mon, 30 Nov 2026 10:00:00 +0000\nMessage-ID: <fixed@example.org>\nSubject: same\n\nline one\n.. two dots\nl\303\244nger line\n' >"$T/msg"

send -i root <"$T/msg"
check plain_sent rc_is 0
# The trace field's date is the only byte allowed to differ.
undate() { sed 's/^\(Received: by .* (relaymail, from userid [^)]*);\) .*/\1 DATE/' "$1"; }
undate "$(last_msg)/data" >"$T/plain.data"
cp "$(last_msg)/mail_from" "$T/plain.from"
cp "$(last_msg)/rcpt" "$T/plain.rcpt"

# The same message in -bs: CRLF lines, dot-stuffed, as Symfony writes it.
{
	printf 'EHLO app\r\nMAIL FROM:<robot@example.org>\r\nRCPT TO:<root>\r\nDATA\r\n'
	sed -e 's/^\./../' -e 's/$/\r/' "$T/msg"
	printf '.\r\nQUIT\r\n'
} >"$T/bs.in"
"$SENDMAIL" -C "$T/conf" -bs -i <"$T/bs.in" >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check bs_sent rc_is 0
check bs_queued_reply grep -q '^250 2.0.0 Ok: queued as' "$T/out"
undate "$(last_msg)/data" >"$T/bs.data"
check bs_identical_data cmp -s "$T/plain.data" "$T/bs.data"
check bs_trace_first sh -c "head -n 1 '$T/bs.data' | grep -q '^Received: by .* (relaymail, from userid $(id -u) '"
check bs_identical_sender cmp -s "$T/plain.from" "$(last_msg)/mail_from"
check bs_identical_rcpt cmp -s "$T/plain.rcpt" "$(last_msg)/rcpt"
# What both must contain: the bug was -bs keeping the caller's From.
# (the original's local part kept as the display name).
check rewrite_from_applied grep -q '^From: "www-data" <robot@example.org>' "$(last_msg)/data"
check bcc_removed lacks_line '^Bcc:' "$(last_msg)/data"
check cc_qualified grep -q '^Cc: admin@example.org' "$(last_msg)/data"
check alias_in_to grep -q '^To: ops@example.net' "$(last_msg)/data"

# Without Date and Message-ID both add them: identical but for those.
printf 'To: a@example.net\nSubject: gen\n\nbody\n' >"$T/msg2"
send a@example.net <"$T/msg2"
undate "$(last_msg)/data" | grep -v -e '^Date: ' -e '^Message-ID: ' >"$T/plain2"
{
	printf 'EHLO app\r\nMAIL FROM:<robot@example.org>\r\nRCPT TO:<a@example.net>\r\nDATA\r\n'
	sed -e 's/$/\r/' "$T/msg2"
	printf '.\r\nQUIT\r\n'
} | "$SENDMAIL" -C "$T/conf" -bs >"$T/out" 2>"$T/err"
undate "$(last_msg)/data" | grep -v -e '^Date: ' -e '^Message-ID: ' >"$T/bs2"
check generated_headers_same_shape cmp -s "$T/plain2" "$T/bs2"
check generated_date grep -q '^Date: ' "$(last_msg)/data"
check generated_msgid grep -q '^Message-ID: <.*@example.org>' "$(last_msg)/data"
