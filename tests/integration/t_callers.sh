# relaymail: every caller of shared/callers.md, one scenario each: its
# exact argv and the shape of what it writes on stdin, against the test
# smart host. Each checks exit status, silence, envelope and headers.
. "$TOP/tests/integration/lib.sh"
t_setup
start_host
EXTRA='[message]
domain = example.org
[aliases]
root = ops@example.net'
write_conf

n=0
# row NAME ARGS... < message: sends, and checks exit 0, silence and one
# more delivered message; later checks look at the new message.
row() {
	name=$1
	shift
	before=$(delivered)
	send "$@"
	# -odb delivers after we return (t_wait): give it up to 5 s.
	if [ "$name" = emacs_background ]; then
		_i=0
		while [ "$(delivered)" -le "$before" ] && [ $_i -lt 50 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
	fi
	if ! rc_is 0 || ! silent || [ "$(delivered)" -ne $((before + 1)) ]; then
		fail "$name" "exit $(cat "$T/rc"), delivered $before -> $(delivered), stderr: $(head -c 300 "$T/err")"
		return 1
	fi
	ok "$name"
}
# (row runs in a pipeline's subshell: each check finds the message anew.)
has() { M=$(last_msg); grep -q -e "$2" "$M/$1"; }
hasnt() { M=$(last_msg); lacks -i "$M/$1" "$2"; }
rcpt_is() { M=$(last_msg); [ "$(cut -d' ' -f1 "$M/rcpt" | sort | tr '\n' ' ')" = "$1" ]; }
from_is() { M=$(last_msg); [ "$(cut -d' ' -f1 "$M/mail_from")" = "$1" ]; }
# No bare CR or LF anywhere in what went over the wire.
clean_crlf() {
	M=$(last_msg)
	cr=$(printf '\r')
	lacks "$M/data.raw" "$cr." &&
	    [ "$(grep -c "$cr\$" "$M/data.raw")" -eq "$(wc -l <"$M/data.raw")" ]
}

printf 'From: "(Cron Daemon)" <root>\nTo: alice@example.net\nSubject: Cron <root@h> ls\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\nAuto-Submitted: auto-generated\nPrecedence: bulk\nX-Cron-Env: <SHELL=/bin/sh>\n\noutput\n' |
    row cronie -FCronDaemon -i -odi -oem -oi -t -f root &&
    check cronie_envelope from_is '<root@example.org>' &&
    check cronie_rcpt rcpt_is '<alice@example.net> ' &&
    check cronie_date_added has data '^Date: ' &&
    check cronie_msgid_added has data '^Message-ID: ' &&
    check cronie_crlf clean_crlf &&
    check cronie_from_qualified has data '^From: "(Cron Daemon)" <root@example.org>'

printf 'From: root (Cron Daemon)\nTo: a@example.net, b@example.net\nSubject: Cron <u@h> job\n\ncaf\303\251\n' |
    row debian_cron -FCronDaemon -i -B8BITMIME -oem a@example.net, b@example.net &&
    check debian_cron_rcpts rcpt_is '<a@example.net> <b@example.net> ' &&
    check debian_cron_8bit has mail_from 'BODY=8BITMIME'

printf 'To: admin@example.net\nSubject: cron: backup\n\ndone\n' >"$T/busybox"
row busybox_crond -ti <"$T/busybox" &&
    check busybox_from_added has data '^From: ' &&
    check busybox_rcpt rcpt_is '<admin@example.net> '

printf 'Content-Type: text/plain; charset="utf-8"\nMIME-Version: 1.0\nContent-Transfer-Encoding: binary\nDate: Tue, 24 Nov 2026 10:00:00 +0000\nFrom: root (systemd-cron)\nTo: root\nSubject: [h] Failure: x.service\n\nlog\n' |
    row systemd_cron -i -B 8BITMIME root &&
    check systemd_cron_alias rcpt_is '<ops@example.net> ' &&
    check systemd_cron_alias_header has data '^To: ops@example.net' &&
    check systemd_cron_date_kept has data '^Date: Tue, 24 Nov 2026'

printf 'From: Anacron <root>\nTo: root\nSubject: Anacron job\n\nline\n.\nlost after the dot\n' |
    row anacron -FAnacron -odi root &&
    check anacron_dot_ends hasnt data 'lost after'

printf 'Subject: Output from your job 7\nTo: alice\n\nout\n' >"$T/at"
row atd -i alice <"$T/at" &&
    check atd_qualified rcpt_is '<alice@example.org> '

printf 'To: bob@example.net\r\nSubject: php\r\nX-PHP-Originating-Script: 33:x.php\r\nBcc: hidden@example.net\r\nFrom: app@example.org\r\n\r\nline one\nline two\r\n' |
    row php_mail -t -i -fbounce@example.org &&
    check php_envelope from_is '<bounce@example.org>' &&
    check php_bcc_rcpt rcpt_is '<bob@example.net> <hidden@example.net> ' &&
    check php_bcc_removed hasnt data '^Bcc:' &&
    check php_mixed_eol clean_crlf

printf 'Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nTo: undisclosed-recipients:;\r\nFrom: Site <site@example.org>\r\nBcc: x@example.net, y@example.net\r\nSubject: s\r\nMessage-ID: <m1@example.org>\r\n\r\nbody\r\n' |
    row phpmailer -fsite@example.org -i -t &&
    check phpmailer_rcpts rcpt_is '<x@example.net> <y@example.net> ' &&
    check phpmailer_msgid_kept has data '^Message-ID: <m1@example.org>'

printf 'To: a@example.net\nSubject: pear\n\nb\n' |
    row pear_mail -i -fsender@example.org -- a@example.net b@example.net &&
    check pear_rcpts rcpt_is '<a@example.net> <b@example.net> '

printf 'Subject: symfony\r\nFrom: app@example.org\r\nTo: a@example.net\r\n\r\n..stuffed by symfony\r\n' |
    row symfony_pipe -i -fapp@example.org a@example.net &&
    check symfony_no_unstuffing has data '^\.\.stuffed'

printf 'Date: x\nFrom: f@example.org\nTo: t@example.net\nMessage-ID: <r@x>\nSubject: ruby\n\nbody\n' |
    row ruby_mail -i -f f@example.org -- t@example.net &&
    check ruby_rcpt rcpt_is '<t@example.net> '

printf 'From: f@example.org\nTo: header@example.net\nSubject: rails4\n\nbody\n' |
    row rails4_union -i -t -f f@example.org argv@example.net &&
    check rails4_union_rcpts rcpt_is '<argv@example.net> <header@example.net> '

printf 'From: n@example.org\r\nTo: t@example.net\r\nBcc: b@example.net\r\nSubject: node\r\n\r\nbody\r\n' |
    row nodemailer -i -f n@example.org t@example.net b@example.net &&
    check nodemailer_bcc_removed hasnt data '^Bcc:'

printf 'From: p@example.org\nTo: t@example.net\nSubject: perl\n\nb\n' |
    row email_sender -i -f p@example.org -- t@example.net

printf 'From: First <first@example.org>\nTo: t@example.net\nSubject: mime-lite\n\nb\n' |
    row mime_lite -t -oi -oem -ffirst@example.org &&
    check mime_lite_sender from_is '<first@example.org>'

printf 'From: Dev <dev@example.org>\nTo: a@example.net,\n\tb@example.net\nCc: c@example.net\nSubject: [PATCH] x\nDate: Tue, 24 Nov 2026 10:00:00 +0000\nMessage-ID: <p@x>\n\ndiff\n' |
    row git_send_email -f dev@example.org -i a@example.net b@example.net c@example.net &&
    check git_rcpts rcpt_is '<a@example.net> <b@example.net> <c@example.net> '

printf 'Date: x\nFrom: me@example.org\nTo: a@example.net\nSubject: mutt\nMessage-ID: <m@x>\n\nb\n' >"$T/mutt"
row mutt -oem -oi -B8BITMIME -f me@example.org -N success,failure -R hdrs -- a@example.net <"$T/mutt" &&
    check mutt_dsn_notify has rcpt 'NOTIFY=success,failure' &&
    check mutt_dsn_ret has mail_from 'RET=HDRS'

printf 'Date: x\nFrom: me@example.org\nTo: a@example.net\nSubject: s-nail\n\nb\n' |
    row s_nail -i -- a@example.net

# (These three run sendmail by hand: $T/rc is removed first, so that a
# run that never happens cannot pass on the last one's status. dash has
# no `exec -a`: the name send-mail comes from a link.)
ln -s "$SENDMAIL" "$T/send-mail"
rm -f "$T/rc"
printf 'To: a@example.net\nSubject: mailx\nBcc: secret@example.net\n\nb\n' |
    ("$T/send-mail" -C "$T/conf" -i -- a@example.net secret@example.net >"$T/out" 2>"$T/err"; echo $? >"$T/rc")
M=$(last_msg)
check bsd_mailx_send_mail_name rc_is 0
check bsd_mailx_delivered has data '^Subject: mailx'
check bsd_mailx_bcc_removed hasnt data '^Bcc:'

rm -f "$T/rc"
printf 'To: a@example.net\nSubject: mailutils\n\nb\n' |
    ("$SENDMAIL" -C "$T/conf" -oi -f r@example.org -t >&- 2>&-; echo $? >"$T/rc")
M=$(last_msg)
check mailutils_closed_fds rc_is 0
check mailutils_delivered has data 'Subject: mailutils'
check mailutils_not_in_queue [ "$(queued)" -eq 0 ]

printf 'To: a@example.net\nSubject: emacs\n\nb\n' |
    row emacs -oi -t -oep -odi
printf 'To: a@example.net\nSubject: emacs2\n\nb\n' |
    row emacs_background -oi -t -oem -odb

rm -f "$T/rc"
printf 'To: root\nFrom: alice\nAuto-Submitted: auto-generated\nSubject: *** SECURITY information for h ***\n\nh : t : alice : 3 incorrect password attempts\n\n' |
    (env -i HOME=/ PATH=/usr/bin:/bin LOGNAME=root USER=root "$SENDMAIL" -C "$T/conf" -t >"$T/out" 2>"$T/err"; echo $? >"$T/rc")
M=$(last_msg)
check sudo_minimal_env rc_is 0
check sudo_alias rcpt_is '<ops@example.net> '

printf 'From: mdadm monitoring <root>\nTo: root\nSubject: Fail event on /dev/md0:h\n\nmdstat\n' |
    row mdadm -t -froot@example.org &&
    check mdadm_header_qualified has data '^From: mdadm monitoring <root@example.org>' &&
    check mdadm_to_aliased has data '^To: ops@example.net'
printf 'From: mdadm monitoring <root>\nTo: admin@example.net\nSubject: Fail event\n\nmdstat\n' |
    row mdadm_no_from -t

printf 'Subject: unattended-upgrades result\nFrom: root\nTo: admin@example.net\nAuto-Submitted: auto-generated\nMIME-Version: 1.0\nContent-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: quoted-printable\n\nok=20\n' |
    row unattended_upgrades -oi -t

printf 'Auto-Submitted: auto-generated\nSubject: apt-listchanges\nTo: root\n\nnews\n' |
    row apt_listchanges -oi -t &&
    check apt_listchanges_from_added has data '^From: '

printf 'To: a@example.net\nTo: b@example.net\nFrom: Logwatch\nSubject: Logwatch for h\nAuto-Submitted: auto-generated\nPrecedence: bulk\n\nreport\n' |
    row logwatch -t &&
    check logwatch_two_to_lines rcpt_is '<a@example.net> <b@example.net> ' &&
    check logwatch_from_qualified has data '^From: Logwatch@example.org'

printf 'Subject: [Fail2Ban] sshd: banned 1.2.3.4\nDate: Tue, 24 Nov 2026 10:00:00 +0000\nFrom: Fail2Ban <fail2ban>\nTo: a@example.net,b@example.net\n\nbanned\n' |
    row fail2ban -f fail2ban "a@example.net,b@example.net" &&
    check fail2ban_sender from_is '<fail2ban@example.org>' &&
    check fail2ban_rcpts rcpt_is '<a@example.net> <b@example.net> '

printf 'To: a@example.net\nSubject: netdata alarm\n\nb\n' |
    row netdata -t -f netdata@example.org -F "Netdata " &&
    check netdata_fullname has data '^From: "Netdata " <netdata@example.org>'

printf 'MIME-Version: 1.0\nFrom: PVE <root>\nTo: a@example.net\nDate: x\nSubject: vzdump\n\nb\n' |
    row proxmox -B 8BITMIME -f root -- a@example.net

printf 'From: gitea@example.org\nTo: a@example.net\nSubject: gitea\n\nb\n' |
    row gitea_null_sender -f "" -i a@example.net &&
    check gitea_null from_is '<>'

printf 'Return-Path: <old@example.org>\r\nReceived: from x\r\nFrom: v@example.org\r\nTo: a@example.net\r\nSubject: sieve\r\n\r\nb\r\n' |
    row dovecot -i -f "<>" -- a@example.net &&
    check dovecot_return_path_removed hasnt data '^Return-Path:'

printf 'From: rt@example.org\nTo: a@example.net\nSubject: [rt #1]\n\nb\n' |
    row request_tracker -oi -f "<>" -t

printf 'From: z@example.org\nTo: a@example.net\nSubject: znuny\n\nb\n' |
    row znuny -i -f '' a@example.net

printf 'Date: x\nFrom: Asterisk PBX <asterisk@example.org>\nTo: a@example.net\nSubject: voicemail\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain\n\nnew message\n\n--b1--\n.\n' |
    row asterisk -t &&
    check asterisk_ends_at_dot has data '^--b1--'

printf 'To: a@example.net\r\nSubject: wp\r\nFrom: WordPress <wordpress@example.org>\r\nMessage-ID: <w@x>\r\nX-Mailer: PHPMailer\r\n\r\nhi\r\n' |
    row wordpress -t -i

printf 'From: nc@example.org\nTo: a@example.net\nSubject: nextcloud pipe\n\nb\n' |
    row nextcloud_pipe -t -i
