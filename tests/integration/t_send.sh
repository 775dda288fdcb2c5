# relaymail: one message end to end through the test smart host.
. "$TOP/tests/integration/lib.sh"
t_setup
start_host
write_conf

msg="Subject: hello
From: Alice <alice@example.org>

Hello, world.
"

printf '%s' "$msg" | send -f alice@example.org bob@example.net
check starttls_exit_0 rc_is 0
check starttls_silent silent
check starttls_delivered [ "$(delivered)" -eq 1 ]
check starttls_used grep -qx starttls "$T/sh/conn-1/tls"
check auth_plain_used grep -qx 'PLAIN alice' "$T/sh/conn-1/auth"
check envelope_sender grep -q '^<alice@example.org>' "$(last_msg)/mail_from"
check envelope_rcpt grep -qx '<bob@example.net>' "$(last_msg)/rcpt"
check body_arrives_crlf grep -q "$(printf 'Hello, world.\r')" "$(last_msg)/data"
check date_added grep -q '^Date: ' "$(last_msg)/data"
check msgid_added grep -q '^Message-ID: <' "$(last_msg)/data"
check queue_empty_after [ "$(queued)" -eq 0 ]
check sni_sent grep -qx localhost "$T/sh/conn-1/sni"
check ehlo_twice [ "$(wc -l <"$T/sh/conn-1/ehlo")" -eq 2 ]

# -t: recipients from To/Cc/Bcc, united with argv, Bcc removed.
printf 'To: a@example.net\nCc: B <b@example.net>\nBcc: c@example.net\nSubject: t\n\nbody\n' |
    send -t -i d@example.net
check t_exit_0 rc_is 0
check t_all_rcpts [ "$(wc -l <"$(last_msg)/rcpt")" -eq 4 ]
check t_bcc_rcpt grep -qx '<c@example.net>' "$(last_msg)/rcpt"
check t_bcc_removed lacks -i "$(last_msg)/data" '^bcc:'

# Without -i a lone dot ends the message; with -i it is content.
printf 'Subject: d\n\nbefore\n.\nafter\n' | send x@example.net
check dot_ends_message lacks "$(last_msg)/data" after
check dot_before_kept grep -q before "$(last_msg)/data"
printf 'Subject: d\n\nbefore\n.\n..x\nafter\n' | send -i x@example.net
check dot_i_content grep -q after "$(last_msg)/data"
check dot_i_stuffed grep -q "^\.\.$(printf '\r')\$" "$(last_msg)/data.raw"
check dot_i_unstuffed grep -q "^\.$(printf '\r')\$" "$(last_msg)/data"
check dotdot_not_unstuffed grep -q "^\.\.x$(printf '\r')\$" "$(last_msg)/data"

printf 'Subject: none\n\nx\n' | send
check no_rcpt_64 rc_is 64
check no_rcpt_says_why stderr_has 'no recipients'
check no_rcpt_not_queued [ "$(queued)" -eq 0 ]

printf 'x\n' | send -z a@b
check unknown_flag_64 rc_is 64

# AUTH LOGIN when it is the only mechanism offered.
echo 'auth-mechs LOGIN' >"$T/script"
start_host -s "$T/script"
write_conf
printf 'Subject: l\n\nx\n' | send a@example.net
check auth_login_exit_0 rc_is 0
check auth_login_used grep -qx 'LOGIN alice' "$T/sh/conn-1/auth"

# Implicit TLS to an IP literal: the IP SAN is checked, no SNI is sent.
start_host -m tls
write_conf tls=tls host=127.0.0.1
printf 'Subject: i\n\nx\n' | send a@example.net
check implicit_exit_0 rc_is 0
check implicit_delivered [ "$(delivered)" -eq 1 ]
check implicit_used grep -qx implicit "$T/sh/conn-1/tls"
check implicit_no_ip_sni lacks "$T/sh/conn-1/sni" 127

# [message] rewrite_from = always: From: forced, the display name kept.
start_host
EXTRA='[message]
from = relay@example.org
rewrite_from = always'
write_conf
printf 'From: Alice <alice@elsewhere.example>\nSubject: r\n\nx\n' | send a@example.net
check rewrite_from_header grep -q '^From: "Alice" <relay@example.org>' "$(last_msg)/data"
check rewrite_from_envelope grep -q '^<relay@example.org>' "$(last_msg)/mail_from"
EXTRA=""

# A non-ASCII address needs SMTPUTF8: sent with it, refused without it.
write_conf
printf 'Subject: u\n\nx\n' | send "j$(printf '\303\266')rg@example.net"
check smtputf8_used grep -q 'SMTPUTF8' "$(last_msg)/mail_from"
echo 'ext -SMTPUTF8' >"$T/script"
start_host -s "$T/script"
write_conf
printf 'Subject: u\n\nx\n' | send "j$(printf '\303\266')rg@example.net"
check smtputf8_missing_65 rc_is 65
check smtputf8_missing_says_why stderr_has 'SMTPUTF8'
