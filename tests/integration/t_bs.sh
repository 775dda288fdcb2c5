# relaymail: -bs, the SMTP dialogue on stdin/stdout (Symfony, Laravel).
. "$TOP/tests/integration/lib.sh"
t_setup
start_host
write_conf

printf 'HELO [127.0.0.1]\r\nMAIL FROM:<app@example.org>\r\nRCPT TO:<a@example.net>\r\nDATA\r\nSubject: one\r\n\r\n..stuffed\r\n.\r\nMAIL FROM:<app@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\nSubject: two\r\n\r\nx\r\n.\r\nQUIT\r\n' |
    "$SENDMAIL" -C "$T/conf" -bs -i >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check bs_exit_0 rc_is 0
check bs_no_stderr empty "$T/err"
check bs_greeting sh -c "head -n 1 '$T/out' | grep -q '^220 '"
check bs_two_queued_replies [ "$(grep -c '^250 2.0.0 Ok: queued as' "$T/out")" -eq 2 ]
check bs_bye grep -q '^221 ' "$T/out"
check bs_delivered_two [ "$(delivered)" -eq 2 ]
check bs_one_connection [ "$(connections)" -eq 1 ]
check bs_unstuffed grep -q "^\.stuffed" "$T"/sh/conn-1/msg-1/data
# The EHLO reply (it must be there) offers no STARTTLS.
printf 'EHLO x\r\nQUIT\r\n' | "$SENDMAIL" -C "$T/conf" -bs >"$T/ehlo" 2>&1
check bs_ehlo_answered grep -q '^250 ' "$T/ehlo"
check bs_no_starttls_offered lacks "$T/ehlo" STARTTLS

# A permanent refusal upstream is the reply to DATA.
echo 'rcpt 550 5.1.1 no such user' >"$T/script"
start_host -s "$T/script"
write_conf
printf 'EHLO x\r\nMAIL FROM:<app@example.org>\r\nRCPT TO:<a@example.net>\r\nDATA\r\nSubject: one\r\n\r\nx\r\n.\r\nQUIT\r\n' |
    "$SENDMAIL" -C "$T/conf" -bs >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check bs_refusal_reported grep -q '^554 .*550 5.1.1' "$T/out"
check bs_refusal_exit_0 rc_is 0
