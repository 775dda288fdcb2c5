# relaymail: the local health check (--health[=AGE]): one line on
# stdout, exit 0 (healthy) or 1, and never a byte on the network; and
# the queue verbs that work before a smart host is configured.
. "$TOP/tests/integration/lib.sh"
t_setup

msg() { printf 'Subject: h\n\nbody\n'; }
health() { "$SENDMAIL" -C "$T/conf" --health "$@" >"$T/out" 2>"$T/err"; echo $? >"$T/rc"; }
line_is() { [ "$(wc -l <"$T/out")" -eq 1 ] && grep -qxF -e "$1" "$T/out"; }
start_host
write_conf

# An empty queue: healthy.
health
check empty_ok rc_is 0
check empty_line line_is "ok: queue $T/queue: none queued; 0 in failed/"
check empty_quiet empty "$T/err"
check no_connection [ "$(connections)" -eq 0 ]

# The smart host is down: mail waits; young, it is still healthy, and the
# check itself connects to nothing.
smarthost_stop
msg | send a@example.net
msg | send b@example.net
health
check waiting_ok rc_is 0
check waiting_line grep -qx "ok: queue $T/queue: 2 queued, the oldest [0-9]*s old; 0 in failed/" "$T/out"
# Older than the bound (--health=AGE): unhealthy.
sleep 2
"$SENDMAIL" -C "$T/conf" --health=1s >"$T/out" 2>"$T/err"; echo $? >"$T/rc"
check old_unhealthy rc_is 1
check old_line grep -qx "unhealthy: queue $T/queue: 2 queued, the oldest [0-9]*s old (over 1s; mailq says why); 0 in failed/" "$T/out"
"$SENDMAIL" -C "$T/conf" --health=2x >"$T/out" 2>"$T/err"
check bad_age_64 [ $? -eq 64 ]

# failed/ is counted, not a reason to be unhealthy.
printf 'rcpt 550 5.1.1 no such user\n' >"$T/script"
start_host -s "$T/script"
write_conf
rm -rf "$T/queue"
msg | send c@example.net
health
check failed_ok rc_is 0
check failed_counted line_is "ok: queue $T/queue: none queued; 1 in failed/"

# A queue that cannot be written, a missing queue, settings that do not
# parse: unhealthy, one line each.
if [ "$(id -u)" != 0 ]; then
	chmod 500 "$T/queue/q"
	health
	chmod 700 "$T/queue/q"
	check readonly_unhealthy rc_is 1
	check readonly_line line_is "unhealthy: queue: $T/queue: not writable"
fi
mv "$T/queue" "$T/queue.away"
health
check missing_unhealthy rc_is 1
check missing_line line_is "unhealthy: queue: $T/queue: No such file or directory"
mv "$T/queue.away" "$T/queue"
echo "bogus line" >>"$T/conf"
health
check settings_unhealthy rc_is 1
check settings_line grep -qx "unhealthy: $T/conf:[0-9]*: \"bogus line\": expected \"key = value\" or \[section\]" "$T/out"
check settings_stdout_only empty "$T/err"

# No smart host yet (the installed file's host line is commented): the
# health check says so; mailq, -bpc and --journal work.
printf '[relay]\n;host = smtp.example.com\n[queue]\ndir = %s\n' "$T/queue" >"$T/conf"
health
check nohost_unhealthy rc_is 1
check nohost_line line_is "unhealthy: no smart host configured: edit $T/conf ([relay] host)"
"$SENDMAIL" -C "$T/conf" -bp >"$T/out" 2>"$T/err"
check nohost_mailq_0 [ $? -eq 0 ]
check nohost_mailq_lists grep -q 'c@example.net' "$T/out"
ln -s "$SENDMAIL" "$T/mailq"
"$T/mailq" -C "$T/conf" >"$T/out" 2>"$T/err"
check nohost_mailq_name_0 [ $? -eq 0 ] && grep -q 'Total requests: 1' "$T/out"
"$SENDMAIL" -C "$T/conf" -bpc >"$T/out" 2>"$T/err"
check nohost_count [ "$(cat "$T/out")" = 1 ]
"$SENDMAIL" -C "$T/conf" --journal >"$T/out" 2>"$T/err"
check nohost_journal grep -q 'status=failed' "$T/out"
# Sending still needs one: 78, nothing kept.
msg | send d@example.net
check nohost_send_78 rc_is 78
check nohost_send_says stderr_has "no smart host configured: edit $T/conf (\[relay\] host)"
