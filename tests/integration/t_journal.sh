# relaymail: the delivery journal, a record of every send with no syslog:
# each message queued and each outcome (sent, deferred, failed), by a
# send and by a queue run, with time, id, uid, sender, recipients,
# status, relay and reply; shown by --journal (all, or one id or
# address); bounded and rotated, whoever writes at the same time.
. "$TOP/tests/integration/lib.sh"
t_setup

msg() { printf 'Subject: j\n\nbody\n'; }
J=$T/queue/journal
ME=$(id -u)
start_host
write_conf

# A send: queued, then sent, each one line.
msg | send -f app@example.org bob@example.net
ID=$(grep -o 'id=[0-9A-F]*' "$J" | head -n 1 | cut -d= -f2)
check send_silent silent
check journal_made [ -f "$J" ]
check queued_line grep -qE "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[-+][0-9]{4} id=$ID uid=$ME from=<app@example.org> to=<bob@example.net> status=queued$" "$J"
check sent_line grep -qE "^[0-9-]{10}T[0-9:]{8}[-+][0-9]{4} id=$ID uid=$ME from=<app@example.org> to=<bob@example.net> status=sent relay=localhost:$SMARTHOST_PORT reply=\"2.0.0 Ok: queued as 1-1\"$" "$J"
check two_lines [ "$(wc -l <"$J")" -eq 2 ]
check private_mode [ "$(stat -c %a "$J")" = 600 ]

# Deferred by the smart host, then sent by a queue run.
printf 'rcpt 451 4.3.0 try later\n' >"$T/script"
start_host -s "$T/script"
write_conf
msg | send carol@example.net
check deferred_line grep -q "to=<carol@example.net> status=deferred relay=localhost:$SMARTHOST_PORT reply=\"localhost: RCPT TO: 451 4.3.0 try later\"$" "$J"
start_host
write_conf
"$SENDMAIL" -C "$T/conf" -q >"$T/out" 2>"$T/err"
check queue_run_sent grep -q "to=<carol@example.net> status=sent relay=" "$J"

# Refused for good.
printf 'rcpt 550 5.1.1 no such user\n' >"$T/script"
start_host -s "$T/script"
write_conf
msg | send dave@example.net
check failed_exit_67 rc_is 67
check failed_line grep -q "to=<dave@example.net> status=failed relay=localhost:$SMARTHOST_PORT reply=\".*550 5.1.1 no such user\"$" "$J"

# Shown by --journal, all of it or one id or address (mailq --journal).
ln -s "$SENDMAIL" "$T/mailq"
"$T/mailq" -C "$T/conf" --journal >"$T/out" 2>"$T/err"
check show_all_exit_0 [ $? -eq 0 ]
check show_all cmp -s "$T/out" "$J"
"$T/mailq" -C "$T/conf" --journal "$ID" >"$T/out" 2>"$T/err"
check show_id [ "$(wc -l <"$T/out")" -eq 2 ] && lacks "$T/out" carol
"$SENDMAIL" -C "$T/conf" --journal CAROL@example.net >"$T/out" 2>"$T/err"
check show_address_any_case [ "$(grep -c 'to=<carol@example.net>' "$T/out")" -eq 3 ]
check show_address_only lacks "$T/out" bob@
"$SENDMAIL" -C "$T/conf" --journal nobody@example.net >"$T/out" 2>"$T/err"
check show_none_exit_1 [ $? -eq 1 ] && empty "$T/out"

# A group queue (2770, as installed): the journal is the group's, 0660.
rm -rf "$T/queue"
mkdir -p "$T/queue" && chmod 2770 "$T/queue"
msg | send -odq erin@example.net
check group_mode [ "$(stat -c %a "$J")" = 660 ]

# Bounded: journal_size = 2K, each file stays within it (plus at most a
# line a concurrent writer), the older lines in journal.1.
rm -rf "$T/queue"
write_conf
sed -i "s|^dir = .*|&\njournal_size = 2K|" "$T/conf"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	msg | send -odq "r$i@example.net"
done
check rotated [ -f "$J.1" ]
check bounded [ "$(stat -c %s "$J")" -le 2048 ] && [ "$(stat -c %s "$J.1")" -le 2048 ]
check newest_kept grep -q 'to=<r20@example.net> status=queued$' "$J"
check older_in_old grep -q 'status=queued$' "$J.1"
check no_third [ ! -e "$J.2" ]

# Concurrent writers: 40 senders at once; every line whole, the files
# bounded (a line more per writer at most), nothing but journal and
# journal.1.
rm -rf "$T/queue"
pids=
for i in $(seq 1 40); do
	msg | "$SENDMAIL" -C "$T/conf" -odq "c$i@example.net" >/dev/null 2>&1 &
	bg $!
	pids="$pids $!"
done
for p in $pids; do bg_wait "$p"; done
check concurrent_all_queued [ "$(queued)" -eq 40 ]
cat "$J.1" "$J" >"$T/all"
check concurrent_lines_whole sh -c "! grep -vE '^[0-9-]{10}T[0-9:]{8}[-+][0-9]{4} id=[0-9A-F]+ uid=$ME from=<[^>]*> to=<c[0-9]+@example.net> status=queued$' '$T/all'"
check concurrent_bounded [ "$(stat -c %s "$J")" -le $((2048 + 40 * 200)) ] && [ "$(stat -c %s "$J.1")" -le $((2048 + 40 * 200)) ]
check concurrent_two_files [ "$(ls "$T/queue" | grep -c '^journal')" -eq 2 ]
check concurrent_recent_kept [ "$(wc -l <"$T/all")" -ge 10 ]

# journal_size = 0: no journal.
rm -rf "$T/queue"
sed -i 's/^journal_size = .*/journal_size = 0/' "$T/conf"
msg | send -odq f@example.net
check off_no_file [ ! -e "$J" ]
"$SENDMAIL" -C "$T/conf" --journal >"$T/out" 2>"$T/err"
check off_show_66 [ $? -eq 66 ]
check off_show_says stderr_has 'no delivery journal yet'
