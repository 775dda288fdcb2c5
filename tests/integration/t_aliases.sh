# relaymail: the aliases(5) file. Recipients through it (recursively,
# [aliases] winning), a loop and :include: refused with the file's line,
# newaliases (and -bi) checking the file with line numbers, even before a
# smart host is configured, and the file read only by what expands a
# local name.
. "$TOP/tests/integration/lib.sh"
t_setup
start_host
cat >"$T/aliases" <<'EOF'
# the machine's aliases
postmaster: root
root:	ops@example.com
team: a@example.com,
	b@example.com
www-data: nobody@example.com
EOF
EXTRA="[message]
domain = example.com
aliases_file = $T/aliases
[aliases]
www-data = web@example.org"
write_conf
rcpts() { cut -d' ' -f1 "$(last_msg)/rcpt" | sort | tr '\n' ' '; }

printf 'Subject: x\n\nx\n' | send postmaster team www-data
check recursive_exit_0 rc_is 0
check recursive_silent silent
check recursive_rcpts [ "$(rcpts)" = "<a@example.com> <b@example.com> <ops@example.com> <web@example.org> " ]

# A loop: nothing sent, nothing kept, the names in the error.
printf 'loopa: loopb\nloopb: team, loopa\n' >>"$T/aliases"
printf 'Subject: x\n\nx\n' | send loopa
check loop_refused sh -c "[ \$(cat '$T/rc') -ne 0 ]"
check loop_says stderr_has 'alias loop: loopa -> loopb -> loopa'
check loop_nothing_queued [ "$(queued)" -eq 0 ]
check loop_nothing_sent [ "$(delivered)" -eq 1 ]

# newaliases: every line left out, with its number; -v adds a summary;
# exit 0 (packages run newaliases from their scripts under set -e).
printf 'bad line without colon\ninc: :include:/etc/mail/list\n' >>"$T/aliases"
ln -s "$SENDMAIL" "$T/newaliases"
"$T/newaliases" -C "$T/conf" -v >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check newaliases_exit_0 rc_is 0
check newaliases_loop_line stderr_has "^sendmail: $T/aliases:7: loopa: alias loop: loopa -> loopb -> loopa"
check newaliases_syntax_line stderr_has "^sendmail: $T/aliases:9: no ':' after the name"
check newaliases_include_line stderr_has "^sendmail: $T/aliases:10: :include: is not supported"
check newaliases_summary grep -qx "$T/aliases: 7 aliases, 4 errors" "$T/out"
# Sending with lines the file cannot use: they are left out (syslog
# says so), mail to the other names goes; mail to a name whose line was
# left out is refused with that line's reason, nothing kept.
printf 'Subject: x\n\nx\n' | send root
check broken_file_others_sent rc_is 0
check broken_file_others_silent silent
check broken_file_others_delivered [ "$(rcpts)" = "<ops@example.com> " ]
printf 'Subject: x\n\nx\n' | send inc
check broken_line_refused rc_is 65
check broken_line_says stderr_has "alias inc: $T/aliases:10: :include: is not supported"
check broken_line_nothing_kept [ "$(queued)" -eq 0 ]
printf 'bad name: nobody\n' >>"$T/aliases"
"$T/newaliases" -C "$T/conf" >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check newaliases_still_0 rc_is 0
check newaliases_bad_name stderr_has "aliases:11: bad alias name \"bad name\""
# An aliases file that cannot be read is a configuration error.
EXTRA="[message]
aliases_file = $T/absent"
write_conf
"$SENDMAIL" -C "$T/conf" -bi >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check unreadable_78 rc_is 78
check unreadable_says stderr_has "$T/absent: No such file or directory"
# Only what expands a local name reads the file: -q and mailq work
# without it, and so does a send to full addresses; a local name that
# needs it is refused as a settings error, nothing kept.
run -q
check unreadable_q_0 rc_is 0
check unreadable_q_silent silent
run -bp
check unreadable_mailq_0 rc_is 0
before=$(delivered)
printf 'Subject: x\n\nx\n' | send a@example.org
check unreadable_full_address_0 rc_is 0
check unreadable_full_address_silent silent
check unreadable_full_address_sent [ "$(delivered)" -eq $((before + 1)) ]
printf 'Subject: x\n\nx\n' | send root
check unreadable_local_78 rc_is 78
check unreadable_local_says stderr_has "recipient \"root\": $T/absent: No such file or directory"
check unreadable_local_nothing_kept [ "$(queued)" -eq 0 ]

# A clean file, and no smart host yet: newaliases (-bi) still checks.
printf 'postmaster: root\nroot: ops@example.com\n' >"$T/aliases"
printf '[relay]\n;host = x\n[message]\naliases_file = %s\n' "$T/aliases" >"$T/unconf"
"$SENDMAIL" -C "$T/unconf" -bi >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check bi_exit_0 rc_is 0
check bi_silent silent
"$SENDMAIL" -C "$T/unconf" -bi -v >"$T/out" 2>"$T/err"
check bi_v_summary grep -qx "$T/aliases: 2 aliases, 0 errors" "$T/out"
