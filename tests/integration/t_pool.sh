# relaymail: a burst shares a few connections, within the provider's cap,
# and the queue drains itself. The smart host refuses a connection over
# its cap (-L N: 421 at the greeting; -L N:432: Microsoft's 432 4.3.2 to
# MAIL), notes each refusal in sh/refused and the most sessions it saw at
# once in sh/maxconc. No test here runs `sendmail -q` unless it says so.
. "$TOP/tests/integration/lib.sh"
t_setup

ms() { echo $(( $(date +%s%N) / 1000000 )); }
# poll N SECS CMD...: up to SECS seconds until CMD prints N or more.
poll() {
	_want=$1 _secs=$2
	shift 2
	_i=0
	while [ "$("$@")" -lt "$_want" ] && [ $_i -lt $((_secs * 10)) ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ "$("$@")" -ge "$_want" ]
}
subjects() { cat "$T"/sh/conn-*/msg-*/data 2>/dev/null | grep -a '^Subject: ' | tr -d '\r'; }
unique() { subjects | sort -u | wc -l; }
total() { subjects | wc -l; }
maxconc() { cat "$T/sh/maxconc" 2>/dev/null || echo 0; }
refused() { [ -f "$T/sh/refused" ] && wc -l <"$T/sh/refused" || echo 0; }
# The PID holding the runner's election lock, if any.
runner_pid() {
	find /proc/[0-9]*/fd -lname "$T/queue/pool/runner" 2>/dev/null |
	    cut -d/ -f3 | head -n 1
}

# burst N NAME: N callers at once, each with its own subject; each
# caller's exit status and time (ms) in $T/burst/NAME-I.
burst() {
	_n=$1 _name=$2 _i=0 _pids=""
	mkdir -p "$T/burst"
	while [ $_i -lt "$_n" ]; do
		(
			_t0=$(ms)
			printf 'Subject: %s-%s\n\nbody\n' "$_name" "$_i" |
			    "$SENDMAIL" -C "$T/conf" a@example.net \
			    >"$T/burst/$_name-$_i.out" 2>&1
			echo "$? $(( $(ms) - _t0 ))" >"$T/burst/$_name-$_i"
		) &
		_pids="$_pids $!"
		bg $!
		_i=$((_i + 1))
	done
	for _p in $_pids; do bg_wait "$_p"; done
}
# heard: no caller stopped waiting before its outcome came ($T/log).
heard() { lacks "$T/log" 'left to the open connections\|detached after'; }
# burst_ok NAME MAXMS: every caller exited 0, said nothing, and was back
# within MAXMS.
burst_ok() {
	_bad=$(cat "$T/burst/$1"-[0-9]* | awk -v m="$2" '$1 != 0 || $2 > m' | wc -l)
	_said=$(cat "$T/burst/$1"-*.out | wc -c)
	echo "# $TNAME: $1: slowest caller $(cat "$T/burst/$1"-[0-9]* | sort -k2 -n | tail -n 1 | cut -d' ' -f2) ms"
	[ "$_bad" -eq 0 ] && [ "$_said" -eq 0 ]
}

# --- 200 callers at once behind a cap of 3, max_connections = 3: all
# delivered, once each, never more than 3 connections, none refused,
# every caller back within [relay] wait, and nothing left running.
start_host -L 3
EXTRA="[log]
file = $T/log"
: >"$T/log"
write_conf max_connections=3 wait=30
t0=$(ms)
burst 200 b
echo "# $TNAME: 200 callers done in $(( $(ms) - t0 )) ms, $(connections) connections"
check burst_callers_ok burst_ok b 30000
check burst_callers_heard heard
check burst_all_delivered poll 200 60 unique
check burst_exactly_once [ "$(total)" -eq 200 ]
check burst_within_cap [ "$(maxconc)" -le 3 ]
check burst_shared [ "$(connections)" -lt 200 ]
check burst_none_refused [ "$(refused)" -eq 0 ]
check burst_queue_empty [ "$(queued)" -eq 0 ]
check burst_nothing_left workers_gone

# --- A caller whose message goes over another's connection (the one slot
# busy) still hears its 5xx: exit 67 and the reply, and no bounce.
rm -rf "$T/queue"
printf 'rcpt:bad 550 5.1.1 no such user\neom delay 1500\n' >"$T/script"
start_host -s "$T/script"
write_conf max_connections=1 wait=20
printf 'Subject: slow\n\nbody\n' | "$SENDMAIL" -C "$T/conf" good@example.net \
    >"$T/slow.out" 2>&1 &
slow=$!
bg $slow
poll 1 5 connections
printf 'Subject: refused\n\nbody\n' | send -f a@example.org bad@example.net
bg_wait $slow
check heard_exit_67 rc_is 67
check heard_reply stderr_has '550 5.1.1 no such user'
check heard_one_connection [ "$(connections)" -eq 1 ]
check heard_went_over_it grep -q 'RCPT TO:<bad@example.net>' "$T/sh/conn-1/session"
check heard_kept [ "$(failed)" -eq 1 ]
workers_gone
check heard_no_bounce lacks "$T/sh/conn-1/session" 'RCPT TO:<a@example.org>'

# --- Over the cap: max_connections = 4 against a cap of 2. Refused
# connections put their message back untried; the pool lowers itself;
# everything is delivered without -q, once.
for how in 421 432; do
	rm -rf "$T/queue"
	if [ $how = 421 ]; then start_host -L 2; else start_host -L 2:432; fi
	: >"$T/log"
	write_conf max_connections=4 wait=30
	burst 20 "over$how"
	check "over${how}_callers_ok" burst_ok "over$how" 30000
	check "over${how}_callers_heard" heard
	check "over${how}_refused" [ "$(refused)" -ge 1 ]
	check "over${how}_all_delivered" poll 20 60 unique
	check "over${how}_exactly_once" [ "$(total)" -eq 20 ]
	check "over${how}_lowered" grep -qE '^[1-3] ' "$T/queue/pool/cap"
	check "over${how}_queue_empty" workers_gone
	check "over${how}_empty" [ "$(queued)" -eq 0 ]
done

EXTRA=

# --- -bs sessions and plain sends share the pool.
rm -rf "$T/queue"
printf 'eom delay 200\n' >"$T/script"
start_host -L 2 -s "$T/script"
write_conf max_connections=2 wait=30
bs_session() {
	{
		printf 'EHLO x\r\n'
		for _m in 1 2 3; do
			printf 'MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\nSubject: bs-%s-%s\r\n\r\nbody\r\n.\r\n' "$1" "$_m"
		done
		printf 'QUIT\r\n'
	} | "$SENDMAIL" -C "$T/conf" -bs >"$T/bs-$1.out" 2>&1
}
pids=""
for s in 1 2 3; do bs_session $s & pids="$pids $!"; bg $!; done
burst 6 plain &
pids="$pids $!"
bg $!
for p in $pids; do bg_wait "$p"; done
check shared_bs_replies [ "$(cat "$T"/bs-*.out | grep -c '^250 2.0.0 Ok: queued')" -eq 9 ]
check shared_all_delivered poll 15 30 unique
check shared_within_cap [ "$(maxconc)" -le 2 ]
check shared_none_refused [ "$(refused)" -eq 0 ]
workers_gone

# --- Two queues (another [queue] dir) do not share: one slot each, two
# connections at once.
rm -rf "$T/queue" "$T/queue2"
printf 'eom delay 1500\n' >"$T/script"
start_host -s "$T/script"
write_conf max_connections=1 wait=10
sed "s|^dir = .*|dir = $T/queue2|" "$T/conf" >"$T/conf2"
chmod 600 "$T/conf2"
printf 'Subject: q1\n\nbody\n' | "$SENDMAIL" -C "$T/conf" a@example.net &
p1=$!
bg $p1
printf 'Subject: q2\n\nbody\n' | "$SENDMAIL" -C "$T/conf2" a@example.net &
p2=$!
bg $p2
poll 2 5 connections
check two_queues_two_connections [ "$(connections)" -eq 2 ]
bg_wait $p1
bg_wait $p2
stop_holders "$T/queue2"

# --- The runner, killed with SIGKILL again and again while it works,
# loses nothing: what it did not deliver is still queued, whole. Twenty
# queued with -odq; each round starts a runner (-q -odb) and kills it
# at a random point.
rm -rf "$T/queue"
printf 'eom delay 150\n' >"$T/script"
start_host -s "$T/script"
write_conf max_connections=1
i=0
while [ $i -lt 20 ]; do
	printf 'Subject: kill-%s\n\nbody\n' $i | send -odq a@example.net
	i=$((i + 1))
done
kills=0 k=0
while [ $k -lt 15 ] && [ "$(unique)" -lt 20 ]; do
	run -odb -q
	sleep "0.$(od -An -N1 -tu1 /dev/urandom | tr -d ' ' | cut -c1)"
	r=$(runner_pid)
	[ -n "$r" ] && kill -KILL "$r" 2>/dev/null && kills=$((kills + 1))
	k=$((k + 1))
done
echo "# $TNAME: runner killed $kills times, $(unique) of 20 delivered by then"
check killed_runner_killed [ $kills -ge 3 ]
stop_holders "$T/queue"
check killed_runner_nothing_lost [ $(( $(unique) + $(queued) )) -ge 20 ]
run -q
check killed_runner_all_delivered poll 20 30 unique
check killed_runner_queue_empty [ "$(queued)" -eq 0 ]
dups=$(subjects | sort | uniq -d | wc -l)
echo "# $TNAME: after the kills: $(total) delivered, $dups duplicates"
complete=1
for d in "$T"/sh/conn-*/msg-*; do
	case $d in *.tmp) continue ;; esac
	[ -d "$d" ] || continue
	grep -aq '^body' "$d/data" || complete=0
done
check killed_runner_never_partial [ $complete -eq 1 ]
check killed_runner_nothing_left workers_gone

# --- The smart host down for 30 s, then up: everything is delivered at
# the next retry (within 75 s of the first attempt), by the runner.
rm -rf "$T/queue"
start_host
port=$SMARTHOST_PORT
smarthost_stop
write_conf port="$port" wait=2
burst 3 down
check down_callers_ok burst_ok down 3000
check down_queued [ "$(queued)" -eq 3 ]
check down_runner_waits [ -n "$(runner_pid)" ]
sleep 30
start_host -p "$port"
t0=$(ms)
check down_then_up_delivered poll 3 60 unique
echo "# $TNAME: delivered $(( $(ms) - t0 )) ms after the smart host came back"
check down_queue_empty [ "$(queued)" -eq 0 ]
check down_runner_gone workers_gone
