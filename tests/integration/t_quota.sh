# relaymail: providers as they are: quota and throttling replies defer
# (never fail or bounce), SendAsDenied names its fix, max_per_minute paces
# a queue run, max_recipients splits a transaction, data_timeout bounds
# the wait for the final dot's reply.
. "$TOP/tests/integration/lib.sh"
t_setup

# quota NAME "script line" TEXT: deferred, exit 0, silent, still queued,
# nothing in failed/ and no bounce queued; mailq keeps the provider's text.
quota() {
	name=$1 line=$2 text=$3
	printf '%s\n' "$line" >"$T/script"
	rm -rf "$T/queue"
	start_host -s "$T/script"
	write_conf
	printf 'Subject: q\n\nbody\n' | send -f a@example.org b@example.net
	check "${name}_exit_0" rc_is 0
	check "${name}_silent" silent
	check "${name}_queued" [ "$(queued)" -eq 1 ]
	check "${name}_not_failed" [ "$(failed)" -eq 0 ]
	# The worker or the runner may be at it again (a refusal over the
	# provider's cap is retried at once): stopped, mailq shows it.
	stop_holders "$T/queue"
	"$SENDMAIL" -C "$T/conf" -bp >"$T/mailq" 2>&1
	check "${name}_text_kept" grep -q -e "$text" "$T/mailq"
}

# queue_down N: N messages queued while nothing listens.
queue_down() {
	rm -rf "$T/queue"
	write_conf port=1
	_i=0
	while [ $_i -lt "$1" ]; do
		printf 'Subject: q%s\n\nbody\n' $_i |
		    send -f a@example.org b@example.net
		_i=$((_i + 1))
	done
}

# queue_run: one `sendmail -q`, its status in $T/rc.
queue_run() {
	"$SENDMAIL" -C "$T/conf" -q >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}

quota gmail_daily_mail 'mail 550 5.4.5 Daily user sending limit exceeded.' \
    'Daily user sending limit'
quota gmail_daily_rcpt 'rcpt 550 5.4.5 Daily user sending limit exceeded.' \
    'Daily user sending limit'
quota ms_submission_quota 'eom 554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message' \
    'SubmissionQuotaExceeded'
quota ms_concurrency 'mail 432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded' \
    'sender thread limit'
quota ms_throttled_251 'mail 550 5.2.251 Sender throttled due to continuous errors' \
    'Sender throttled'
quota ms_throttled_253 'rcpt 550 5.2.253 Sender throttled due to continuous errors' \
    'Sender throttled'
quota ms_throttled_255 'eom 550 5.2.255 Sender throttled due to continuous errors' \
    'Sender throttled'
quota ses_rate 'eom 454 Throttling failure: Maximum sending rate exceeded.' \
    'Maximum sending rate'
quota ses_daily 'mail 454 Throttling failure: Daily message quota exceeded.' \
    'Daily message quota'
quota any_4xx 'rcpt 451 4.7.1 try later' 'try later'

# The same 5.4.5 in a queue run: deferred, no bounce to the sender, and
# the run stops there (the next messages would meet the same limit).
printf 'mail 550 5.4.5 Daily user sending limit exceeded.\n' >"$T/script"
queue_down 3
start_host -s "$T/script"
write_conf
queue_run
check quota_run_exit_0 rc_is 0
check quota_run_all_queued [ "$(queued)" -eq 3 ]
check quota_run_no_bounce [ "$(failed)" -eq 0 ]
check quota_run_stops [ "$(grep -c '^C: MAIL' "$T"/sh/conn-*/session)" -eq 1 ]

# Microsoft's SendAsDenied stays permanent, and says what to change.
printf 'eom 554 5.2.252 SendAsDenied; alice@example.org not allowed to send as a@example.org\n' >"$T/script"
rm -rf "$T/queue"
start_host -s "$T/script"
write_conf
printf 'Subject: q\n\nbody\n' | send -f a@example.org b@example.net
check sendas_exit_69 rc_is 69
check sendas_failed [ "$(failed)" -eq 1 ]
check sendas_names_fix stderr_has 'add to \[message\] the lines "from = YOUR-MAILBOX" and "rewrite_from = always"'
check sendas_keeps_reply stderr_has '5.2.252 SendAsDenied'

# max_per_minute = 5: one -q run hands off exactly 5 of 8 queued.
queue_down 8
start_host
write_conf max_per_minute=5
queue_run
check pace_exit_0 rc_is 0
check pace_silent silent
check pace_five_sent [ "$(delivered)" -eq 5 ]
check pace_three_left [ "$(queued)" -eq 3 ]
check pace_record_private [ "$(stat -c %a "$T/queue/pace")" = 600 ]
# A new message over the limit stays queued too: exit 0, silent.
printf 'Subject: p9\n\nbody\n' | send -f a@example.org b@example.net
check pace_send_exit_0 rc_is 0
check pace_send_silent silent
check pace_send_queued [ "$(queued)" -eq 4 ]
check pace_send_not_sent [ "$(delivered)" -eq 5 ]
printf 'Subject: p10\n\nbody\n' | send -v -f a@example.org b@example.net
check pace_verbose_says stderr_has 'max_per_minute = 5 reached'

# max_recipients = 100: 150 recipients go as two transactions (100, 50)
# on one session, and the message is done.
rm -rf "$T/queue"
start_host
write_conf max_recipients=100
set --
i=0
while [ $i -lt 150 ]; do set -- "$@" "r$i@example.net"; i=$((i + 1)); done
printf 'Subject: many\n\nbody\n' | send -f a@example.org "$@"
check split_exit_0 rc_is 0
check split_two_transactions [ "$(ls -d "$T"/sh/conn-*/msg-* | wc -l)" -eq 2 ]
check split_one_connection [ "$(connections)" -eq 1 ]
check split_sizes [ "$(cat "$T"/sh/conn-*/msg-*/rcpt | wc -l)" -eq 150 ]
first=$(ls -d "$T"/sh/conn-*/msg-* | sort -t- -k3,3n | head -n 1)
check split_first_100 [ "$(wc -l <"$first/rcpt")" -eq 100 ]
check split_delivered [ "$(delivered)" -eq 2 ]
check split_queue_empty [ "$(queued)" -eq 0 ]
set --

# data_timeout bounds the wait for the reply to the final dot.
echo 'eom stall 3' >"$T/script"
rm -rf "$T/queue"
start_host -s "$T/script"
write_conf data_timeout=1
printf 'Subject: d\n\nbody\n' | send -f a@example.org b@example.net
check data_timeout_1_defers [ "$(queued)" -eq 1 ]
check data_timeout_1_exit_0 rc_is 0
rm -rf "$T/queue"
start_host -s "$T/script"
write_conf data_timeout=5 timeout=2
printf 'Subject: d\n\nbody\n' | send -f a@example.org b@example.net
check data_timeout_5_sends [ "$(queued)" -eq 0 ]
check data_timeout_5_delivered [ "$(delivered)" -eq 1 ]
