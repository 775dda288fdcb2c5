# relaymail: the queue: deferred mail is flushed by -q over one
# connection, failover to the next host, mailq, locking.
. "$TOP/tests/integration/lib.sh"
t_setup

# Five messages queue while nothing listens.
write_conf port=1
i=0
while [ $i -lt 5 ]; do
	printf 'Subject: q%s\n\nbody %s\n' $i $i | send -f a@example.org b@example.net
	i=$((i + 1))
done
check five_queued [ "$(queued)" -eq 5 ]
"$SENDMAIL" -C "$T/conf" -bp >"$T/mailq"
check mailq_lists_five [ "$(grep -c 'b@example.net' "$T/mailq")" -eq 5 ]
check mailq_summary grep -q 'in 5 Requests' "$T/mailq"

start_host
write_conf
"$SENDMAIL" -C "$T/conf" -q >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check flush_exit_0 rc_is 0
check flush_silent silent
check flush_delivered_all [ "$(delivered)" -eq 5 ]
check flush_one_connection [ "$(connections)" -eq 1 ]
check flush_queue_empty [ "$(queued)" -eq 0 ]
"$SENDMAIL" -C "$T/conf" -bp >"$T/mailq"
check mailq_empty grep -qx 'Mail queue is empty' "$T/mailq"

# Failover: the first host refuses connections, the second takes it.
write_conf "host=127.0.0.1:1, localhost:$SMARTHOST_PORT" port=
printf 'Subject: f\n\nbody\n' | send b@example.net
check failover_exit_0 rc_is 0
check failover_delivered [ "$(delivered)" -eq 6 ]

# Opportunistic flush: a queued message leaves with the next send.
write_conf port=1
printf 'Subject: late\n\nbody\n' | send b@example.net
check queued_again [ "$(queued)" -eq 1 ]
# Make it due now (its first retry would be a minute away).
sed -i 's/^next .*/next 0/' "$T"/queue/q/*.st
write_conf
printf 'Subject: now\n\nbody\n' | send b@example.net
check opportunistic_exit_0 rc_is 0
# The caller has its answer once its own message is sent; the worker then
# takes the queued one over the same connection.
workers_gone
check opportunistic_flush [ "$(queued)" -eq 0 ]
check opportunistic_both [ "$(delivered)" -eq 8 ]
check opportunistic_one_connection [ "$(ls -d "$(dirname "$(last_msg)")"/msg-* | wc -l)" -eq 2 ]

# A damaged queue file is set aside, never crashes a flush.
write_conf port=1
printf 'Subject: x\n\nbody\n' | send b@example.net
f=$(find "$T/queue/q" -type f ! -name '*.*' | head -n 1)
printf 'garbage' >"$f"
printf 'Subject: y\n\nbody\n' | send b@example.net
write_conf
"$SENDMAIL" -C "$T/conf" -q >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check damaged_flush_exit_0 rc_is 0
check damaged_set_aside [ "$(failed)" -eq 1 ]
check damaged_others_sent [ "$(delivered)" -eq 9 ]

# A symlink planted in the queue is not followed.
ln -s /etc/passwd "$T/queue/q/0000000000000000000"
"$SENDMAIL" -C "$T/conf" -q >"$T/out" 2>"$T/err"
check symlink_not_followed [ "$(delivered)" -eq 9 ]

# Unwritable queue directory: the send is still attempted.
write_conf
EXTRA="" 
sed -i "s|^dir = .*|dir = /proc/relaymail-nope|" "$T/conf"
printf 'Subject: ro\n\nbody\n' | send b@example.net
check no_queue_still_sends rc_is 0
check no_queue_delivered [ "$(delivered)" -eq 10 ]
sed -i "s|^port = .*|port = 1|" "$T/conf"
printf 'Subject: ro\n\nbody\n' | send b@example.net
check no_queue_no_delivery_73 rc_is 73
check no_queue_says_why stderr_has 'cannot queue'

# A flush of 200 queued messages uses one connection.
rm -rf "$T/queue"
start_host
write_conf port=1
i=0
while [ $i -lt 200 ]; do
	printf 'Subject: m%s\n\nbody\n' $i | send a@example.net
	i=$((i + 1))
done
check two_hundred_queued [ "$(queued)" -eq 200 ]
write_conf
"$SENDMAIL" -C "$T/conf" -q >/dev/null 2>&1
check two_hundred_delivered [ "$(delivered)" -eq 200 ]
check two_hundred_one_connection [ "$(connections)" -eq 1 ]

# A queue file whose message has a bare LF (damaged: msg.c writes CR LF
# lines only) is never sent as it is, nor repaired: it fails, kept in
# failed/ with the reason, and the smart host gets no message.
rm -rf "$T/queue"
start_host
write_conf port=1
printf 'Subject: damaged\n\nbefore\nBADLINE\nafter\n' | send a@example.net
check damaged_queued [ "$(queued)" -eq 1 ]
q=$(find "$T/queue/q" -type f ! -name '*.*')
# "BADLINE\r\n" becomes "BADLINE\n\n": the same length, the envelope
# offset still right.
sed -i 's/^BADLINE\r$/BADLINE\n/' "$q"
check damaged_made [ "$(grep -c '^BADLINE$' "$q")" -eq 1 ]
write_conf
"$SENDMAIL" -C "$T/conf" -q >"$T/out" 2>"$T/err"
check damaged_not_delivered [ "$(delivered)" -eq 0 ]
check damaged_failed [ "$(failed)" -eq 1 ]
# What is left in q/ is the report to the sender (a null sender).
check damaged_bounce_queued [ "$(queued)" -eq 1 ]
check damaged_bounce_is_report grep -q '^from <>$' $(find "$T/queue/q" -type f ! -name '*.*')
"$SENDMAIL" -C "$T/conf" -bp >"$T/out" 2>&1
check damaged_mailq_says grep -q 'damaged (a line not ended by CR LF)' "$T/out"
