# relaymail: a caller never waits on the network longer than [relay] wait.
# The message is queued before the first byte goes out; past the bound the
# attempt goes on in a detached worker and the caller gets exit 0 at once,
# even when it reads our stderr through a pipe to its end. -odq makes no
# connection, -odb returns at once, and the opportunistic flush of other
# queued messages happens after the caller has its status.
. "$TOP/tests/integration/lib.sh"
t_setup

ms() { echo $(( $(date +%s%N) / 1000000 )); }
msg() { printf 'Subject: w\n\nbody\n'; }
# timed NAME CMD...: runs CMD, sets TOOK (ms) and prints it.
timed() {
	_n=$1
	shift
	_t0=$(ms)
	"$@"
	TOOK=$(( $(ms) - _t0 ))
	echo "# $TNAME: $_n returned in $TOOK ms"
}
# poll_delivered N: up to 20 s for N messages at the smart host.
poll_delivered() {
	_i=0
	while [ "$(delivered)" -lt "$1" ] && [ $_i -lt 200 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ "$(delivered)" -eq "$1" ]
}

# --- A smart host that accepts and never greets.
echo 'greeting stall 60' >"$T/script"
start_host -s "$T/script"
write_conf
msg >"$T/m"
timed default_wait send b@example.net <"$T/m"
check default_returns_within_wait [ "$TOOK" -lt 6500 ]
check default_exit_0 rc_is 0
check default_silent silent
check default_queued [ "$(queued)" -eq 1 ]

rm -rf "$T/queue"
EXTRA="[log]
file = $T/log"
write_conf wait=2
timed wait_2 send b@example.net <"$T/m"
check wait2_returns_within_wait [ "$TOOK" -lt 3500 ]
check wait2_bounded_below [ "$TOOK" -ge 1900 ]
check wait2_exit_0 rc_is 0
check wait2_queued [ "$(queued)" -eq 1 ]
check wait2_logged grep -q 'detached after 2s' "$T/log"

# The caller reads our stderr (and stdout) to their end: the worker must
# hold neither.
piped() { "$SENDMAIL" -C "$T/conf" b@example.net <"$T/m" 2>&1 | cat >"$T/piped"; }
timed stderr_pipe piped
check pipe_returns_within_wait [ "$TOOK" -lt 3500 ]
check pipe_nothing_said empty "$T/piped"
check pipe_queued [ "$(queued)" -eq 2 ]

# -bs: the reply to the end of DATA comes within wait.
bs() {
	printf 'EHLO x\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\nSubject: w\r\n\r\nbody\r\n.\r\nQUIT\r\n' |
	    "$SENDMAIL" -C "$T/conf" -bs >"$T/bs" 2>&1
}
timed bs_wait_2 bs
check bs_returns_within_wait [ "$TOOK" -lt 3500 ]
check bs_250_queued grep -q '^250 2.0.0 Ok: queued as' "$T/bs"
check bs_221 grep -q '^221' "$T/bs"
check bs_queued [ "$(queued)" -eq 3 ]

rm -rf "$T/queue"
c0=$(connections)
write_conf wait=0
timed wait_0 send b@example.net <"$T/m"
check wait0_returns_at_once [ "$TOOK" -lt 1000 ]
check wait0_exit_0 rc_is 0
# Its worker holds the message (stalled at the greeting): a queue run
# leaves it alone, so the only connection is the worker's.
timed queue_run_beside_worker run -q
sleep 0.5
check queue_run_skips_held [ "$(connections)" -eq $((c0 + 1)) ]
check still_queued [ "$(queued)" -eq 1 ]

# --- -odq: queued, no connection; the queue run delivers it.
rm -rf "$T/queue"
: >"$T/script"
start_host -s "$T/script"
write_conf
timed odq send -odq b@example.net <"$T/m"
check odq_exit_0 rc_is 0
check odq_queued [ "$(queued)" -eq 1 ]
sleep 0.5
check odq_no_connection [ "$(connections)" -eq 0 ]
run -q
check odq_queue_run_delivers [ "$(delivered)" -eq 1 ]

# --- -odb: returns before delivery (the greeting takes 1 s), then it
# arrives.
rm -rf "$T/queue"
echo 'greeting delay 1000' >"$T/script"
start_host -s "$T/script"
write_conf
timed odb send -odb b@example.net <"$T/m"
check odb_returns_before_delivery [ "$TOOK" -lt 900 ]
check odb_not_yet [ "$(delivered)" -eq 0 ]
check odb_exit_0 rc_is 0
check odb_arrives poll_delivered 1
check odb_dequeued [ "$(queued)" -eq 0 ]

# --- 50 queued behind a slow server (0.1 s per message, so that all of
# them fit in the 10 s opportunistic flush): the caller returns once its
# own message is accepted, then all 51 arrive.
rm -rf "$T/queue"
echo 'eom delay 100' >"$T/script"
start_host -s "$T/script"
write_conf wait=60
i=0
while [ $i -lt 50 ]; do send -odq b@example.net <"$T/m"; i=$((i + 1)); done
check fifty_queued [ "$(queued)" -eq 50 ]
timed own_message send c@example.net <"$T/m"
check own_returns_after_own [ "$TOOK" -lt 2500 ]
check own_exit_0 rc_is 0
check own_silent silent
check all_51_arrive poll_delivered 51
check own_delivered grep -rqs 'c@example.net' "$T"/sh/conn-*/msg-*/rcpt

# --- The key: shown by -bP, a bad value refused.
write_conf wait=2m
run -bP
check key_shown grep -q '^wait = 120$' "$T/out"
write_conf wait=soon
run -bP
check key_bad_refused rc_is 78

# --- No worker outlives its own deadlines (timeout = 5, the stalled
# greetings above): all gone within 15 s of the last one.
check workers_end_by_themselves workers_gone
