# relaymail: local users cannot hurt each other (issue 13): the
# set-group-ID install of tests/integration/sgid.sh, run as test users.
. "$TOP/tests/integration/lib.sh"
SG_CHECKS="log_symlink C_drops_groups password_command_group queue_own_only
    root_delivers_all received_trace token_shared journal_own_lines"
. "$TOP/tests/integration/sgid.sh"

# --- password_command reads a group-only file; the trace names the user.
sgconf
check user_cannot_read_secret sh -c "! setpriv --reuid=$UA --regid=$GN --clear-groups cat '$T/secret' 2>/dev/null"
msg trace | as "$UA" a@example.net
check password_command_group_exit_0 rc_is 0
check password_command_group_sent sent 1
check password_command_group_ids gids "$T/probe/$UA" "$GQ"
check password_command_clean_env lacks "$T/probe/$UA" CALLER_SECRET
check received_trace_first sh -c "head -n 1 '$(last_msg)/data' | grep -q '^Received: by .* (relaymail, from userid $UA $A); '"

# --- -C: every group id is the user's before the file is read.
mkdir "$T/ua" && chown "$UA" "$T/ua"
sed "s|^password_command = .*|password_command = $T/pw|" /etc/sendmail.conf >"$T/ua/conf"
chown "$UA" "$T/ua/conf" && chmod 600 "$T/ua/conf"
rm -f "$T/probe/$UA"
msg dropped | as "$UA" -C "$T/ua/conf" a@example.net
check C_drops_groups gids "$T/probe/$UA" "$GN"
check C_not_sent sent 1
rm -rf "$T/queue/q/"* "$T/queue/failed/"*

# --- -bP: a user outside the group sees password_command masked.
as "$UA" -bP
check bP_masks_command sh -c "grep -q '^password_command = \*\*\*\*\*\*\*\*\$' '$T/out' && ! grep -q '$T/pw' '$T/out'"
"$SM" -bP >"$T/out" 2>&1
check bP_root_sees_command grep -q "^password_command = $T/pw\$" "$T/out"

# --- each user's -q delivers only its own messages; root's all of them.
SGPORT=1 sgconf
msg from-a | as "$UA" a@example.net
check queue_a_queued rc_is 0
msg from-b | as "$UB" b@example.net
check queue_b_queued rc_is 0
check queue_envelope_uid_a queued_for "$UA"
check queue_envelope_uid_b queued_for "$UB"
n0=$(smarthost_msgs "$T/sh")
sgconf
as "$UA" -q
check queue_own_only_sent sent $((n0 + 1))
check queue_own_only_a_gone sh -c "! grep -qs '^uid $UA\$' '$T'/queue/q/*"
check queue_own_only queued_for "$UB"
check queue_own_only_data grep -q 'Subject: from-a' "$(last_msg)/data"
# A run that holds B's message (a stopped one, say) does not block root.
# The lock is held by the sleep itself, so stopping it releases it.
sh -c 'exec 9<"$1" && flock 9 && exec sleep 30' sh "$(qfile_of "$UB")" &
FL=$!
bg $FL
sleep 0.3
timeout 20 "$SM" -q >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check root_skips_locked_exit_0 rc_is 0
check root_skips_locked queued_for "$UB"
bg_stop "$FL"
"$SM" -q >"$T/out" 2>"$T/err"
check root_delivers_all sh -c "! grep -qs '^uid $UB\$' '$T'/queue/q/*"
check root_delivers_all_data grep -q 'Subject: from-b' "$(last_msg)/data"
check received_names_b grep -q "^Received: by .* (relaymail, from userid $UB $B); " "$(last_msg)/data"

# --- the token cache: shared by the group, used by a second user.
: >"$T/probe/runs"
sgconf "auth = xoauth2"
n0=$(smarthost_msgs "$T/sh")
msg tok-a | as "$UA" a@example.net
msg tok-b | as "$UB" b@example.net
check token_shared_sent sent $((n0 + 2))
check token_shared [ "$(wc -l <"$T/probe/runs")" -eq 1 ]
check token_mode_group [ "$(stat -c '%a %G' "$T/queue/oauth-token")" = "660 $G" ]
check token_not_for_users sh -c "! setpriv --reuid=$UB --regid=$GN --clear-groups cat '$T/queue/oauth-token' 2>/dev/null"

# --- the log file: a link planted by a user changes nothing.
mkdir "$T/alog" && chown "$UA" "$T/alog"
: >"$T/victim" && chgrp "$G" "$T/victim" && chmod 660 "$T/victim"
setpriv --reuid="$UA" --regid="$GN" --clear-groups ln -s "$T/victim" "$T/alog/relaymail.log"
SGEXTRA="[log]
file = $T/alog/relaymail.log" sgconf
msg log | as "$UA" a@example.net
check log_symlink_sent rc_is 0
check log_symlink sh -c "[ ! -s '$T/victim' ] && [ -L '$T/alog/relaymail.log' ]"
: >"$T/rootlog" && chgrp "$G" "$T/rootlog" && chmod 620 "$T/rootlog"
SGEXTRA="[log]
file = $T/rootlog" sgconf
msg log2 | as "$UA" a@example.net
check log_root_file grep -q "queued from uid=$UA " "$T/rootlog"
check log_command_stderr grep -q "password_command: stderr: pw: a note" "$T/rootlog"
SGEXTRA="[log]
file = relaymail.log" sgconf
msg rel | as "$UA" a@example.net
check log_relative_78 rc_is 78
check log_relative_refused stderr_has '^sendmail: /etc/sendmail.conf:[0-9]*: \[log\] file: must be an absolute path$'


# --- [queue] max_size: a larger message is refused, nothing kept.
SGEXTRA="max_size = 1K" sgconf
before=$(find "$T/queue" -type f | wc -l)
{ printf 'Subject: big\n\n'; head -c 3000 /dev/zero | tr '\0' x; echo; } | as "$UA" a@example.net
check max_size_73 rc_is 73
check max_size_one_line sh -c "[ \$(wc -l <'$T/err') -eq 1 ] && grep -q 'max_size' '$T/err'"
check max_size_nothing_kept [ "$(find "$T/queue" -type f | wc -l)" -eq "$before" ]

# --- the delivery journal: written by every user's send, the group's
# (0660), unreadable to users directly; mailq --journal shows a user its
# own lines only, root every line.
sgconf
msg j-a | as "$UA" ja@example.net
msg j-b | as "$UB" jb@example.net
check journal_group_file [ "$(stat -c '%a %G' "$T/queue/journal")" = "660 $G" ]
check journal_both_users sh -c "grep -q 'uid=$UA .*to=<ja@example.net> status=sent' '$T/queue/journal' && grep -q 'uid=$UB .*to=<jb@example.net> status=sent' '$T/queue/journal'"
check journal_not_for_users sh -c "! setpriv --reuid=$UB --regid=$GN --clear-groups cat '$T/queue/journal' 2>/dev/null"
as "$UB" --journal
check journal_own_lines sh -c "grep -q 'to=<jb@example.net>' '$T/out' && ! grep -q 'uid=$UA ' '$T/out'"
"$SM" --journal >"$T/out" 2>&1
check journal_root_all grep -q "uid=$UA .*to=<ja@example.net>" "$T/out"
