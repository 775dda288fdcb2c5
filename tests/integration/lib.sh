# relaymail: shared helpers for the integration tests (POSIX sh, sourced).
# A test calls t_setup, starts the smart host, writes a config, sends, and
# reports each scenario with ok/fail. Everything it starts is stopped and
# its temporary directory removed on exit.
: "${TOP:=$(pwd)}" "${BUILD:=build}"
: "${SENDMAIL:=$TOP/$BUILD/sendmail}" "${SMARTHOST:=$TOP/$BUILD/smarthost}"
PKI=$TOP/build/pki
TNAME=$(basename "$0" .sh)
. "$TOP/tests/smarthost/ctl.sh"

t_setup() {
	# RMTEST_RUN (set by run.sh) names this run, so that its leftover
	# check finds this run's directories and no one else's.
	T=$(mktemp -d "${TMPDIR:-/tmp}/relaymail-test.${RMTEST_RUN:+$RMTEST_RUN.}XXXXXX") || exit 1
	trap t_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	sh "$TOP/tests/pki/mkcerts.sh" "$PKI" || { echo "FAIL $TNAME: mkcerts"; exit 1; }
	mkdir -p "$T/sh" "$T/queue"
}

# Every process a test starts in the background is recorded, by PID, with
# bg (after `cmd &`: bg $!) or by smarthost_start; t_cleanup, on EXIT (and
# so on INT, TERM, HUP), stops each and waits for it.
BG_PIDS=""
bg() { BG_PIDS="$BG_PIDS $1"; }

# bg_stop PID: TERM, wait up to 5 s, then KILL; reaps it. A PID already
# reaped by the test (and perhaps reused since) is left alone.
bg_stop() {
	_rest=
	for _q in $BG_PIDS; do [ "$_q" = "$1" ] || _rest="$_rest $_q"; done
	BG_PIDS=$_rest
	our_child "$1" || return 0
	kill "$1" 2>/dev/null
	_i=0
	while pid_alive "$1" && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
	pid_alive "$1" && kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# bg_wait PID: waits for it (its status is bg_wait's) and forgets it.
bg_wait() {
	wait "$1"
	_rc=$?
	_rest=
	for _q in $BG_PIDS; do [ "$_q" = "$1" ] || _rest="$_rest $_q"; done
	BG_PIDS=$_rest
	return $_rc
}

t_cleanup() {
	for _p in $BG_PIDS; do bg_stop "$_p"; done
	smarthost_stop_all
	# A send's worker still at work, a queue runner (workers).
	stop_holders "$T"
	# A tmpfs t_robust mounted, if it stopped before unmounting it.
	mountpoint -q "$T/small" 2>/dev/null && umount "$T/small"
	rm -rf "$T"
}

ok() { echo "ok $TNAME: $1"; }
fail() { echo "FAIL $TNAME: $1: $2"; }

# check NAME CMD...: one scenario, passing when CMD succeeds.
check() {
	_check=$1
	shift
	if "$@"; then ok "$_check"; else fail "$_check" "$*"; fi
}

# start_host [smarthost args]: RSA cert for localhost, AUTH alice:secret.
start_host() {
	[ -n "${SMARTHOST_PID:-}" ] && smarthost_stop
	rm -rf "$T/sh"
	mkdir -p "$T/sh"
	smarthost_start "$T/sh" -c "$PKI/server.pem" -k "$PKI/server.key" \
	    -u alice:secret "$@" || { echo "FAIL $TNAME: smart host did not start"; exit 1; }
}

# write_conf [key=value ...]: [relay] keys override the defaults;
# $EXTRA (other sections) is appended.
write_conf() {
	c_host=localhost c_port=$SMARTHOST_PORT c_tls=starttls
	c_ca=$PKI/ca.pem c_user=alice c_pass=secret c_more="" c_timeout=5
	for kv in "$@"; do
		k=${kv%%=*} v=${kv#*=}
		case $k in
		host) c_host=$v ;; port) c_port=$v ;; tls) c_tls=$v ;;
		tls_ca_file) c_ca=$v ;; user) c_user=$v ;; password) c_pass=$v ;;
		timeout) c_timeout=$v ;;
		*) c_more="$c_more
$k = $v" ;;
		esac
	done
	{
		echo "[relay]"
		echo "host = $c_host"
		[ -n "$c_port" ] && echo "port = $c_port"
		echo "tls = $c_tls"
		echo "tls_ca_file = $c_ca"
		[ -n "$c_user" ] && echo "user = $c_user"
		[ -n "$c_user" ] && [ -n "$c_pass" ] && echo "password = $c_pass"
		echo "timeout = $c_timeout$c_more"
		echo "[queue]"
		echo "dir = $T/queue"
		[ -n "${EXTRA:-}" ] && printf '%s\n' "$EXTRA"
	} >"$T/conf"
	chmod 600 "$T/conf"	# it holds a password: the warning is for real files
}

# send ARGS... < message: runs sendmail with the test config. Leaves
# stdout/stderr in $T/out and $T/err and the exit status in $T/rc (a
# pipe into send runs it in a subshell, so no variable would survive).
send() {
	"$SENDMAIL" -C "$T/conf" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	echo $RC >"$T/rc"
}

# lacks [-i] FILE PATTERN: FILE exists and no line of it matches PATTERN.
# (`! grep -q PATTERN FILE` also succeeds when FILE is missing or
# unreadable; `grep -v` succeeds when any one line does not match.)
lacks() {
	_o=
	[ "$1" = -i ] && { _o=-i; shift; }
	if [ ! -f "$1" ]; then
		echo "lacks: $1: no such file" >&2
		return 1
	fi
	grep -q $_o -e "$2" "$1"
	case $? in
	1) return 0 ;;
	0) echo "lacks: $1 has: $(grep $_o -m 1 -e "$2" "$1")" >&2; return 1 ;;
	*) return 1 ;;
	esac
}
# empty FILE: FILE exists and is empty (`[ ! -s FILE ]` alone passes when
# FILE is missing).
empty() { [ -f "$1" ] && [ ! -s "$1" ]; }
silent() { empty "$T/out" && empty "$T/err"; }
# no_auth CONN_DIR: that connection was made, and no AUTH was sent on it.
no_auth() { [ -d "$1" ] && lacks "$1/session" '^C: AUTH' && [ ! -s "$1/auth" ]; }
rc_is() { [ "$(cat "$T/rc")" -eq "$1" ]; }
# run ARGS...: like send, without a message on stdin.
run() { send "$@" </dev/null; }
stderr_has() { grep -q -e "$1" "$T/err"; }
queued() { find "$T/queue/q" -type f ! -name '*.*' 2>/dev/null | wc -l; }
failed() { find "$T/queue/failed" -type f ! -name '*.*' 2>/dev/null | wc -l; }
delivered() { smarthost_msgs "$T/sh"; }
connections() { smarthost_conns "$T/sh"; }
# The last recorded transaction's directory.
last_msg() { ls -d "$T"/sh/conn-*/msg-* 2>/dev/null | sort -t- -k2,2n -k3,3n | tail -n 1; }
msg_file() { cat "$(last_msg)/$1"; }
# workers: the PIDs of this test's sendmail processes. A send's worker
# outlives the caller (after the caller's answer it takes the other due
# messages over the warm connection) and is not our child: its command
# line names this test's config.
workers() { { pgrep -f "$T/conf"; holders "$T/queue"; } 2>/dev/null | sort -u; }
# holders DIR: the PIDs of the processes with a file under DIR open: a
# send's worker, a queue runner (runner.c: it keeps the parent's command
# line, but a test may have given it another config or none).
holders() {
	find /proc/[0-9]*/fd -lname "$1/*" 2>/dev/null | cut -d/ -f3 |
	    sort -u | grep -vx "$$"
}
# stop_holders DIR: TERM to each, then KILL to what is left after 3 s
# (a queue file being written, a runner between two rounds).
stop_holders() {
	_h=$( { pgrep -f "$1/conf"; holders "$1"; } 2>/dev/null | sort -u)
	[ -z "$_h" ] && return 0
	kill $_h 2>/dev/null
	_i=0
	while [ $_i -lt 30 ] && [ -n "$(holders "$1")" ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	_h=$(holders "$1")
	[ -n "$_h" ] && kill -KILL $_h 2>/dev/null
	return 0
}
# workers_gone: waits up to 15 s until none runs; true when none is left.
workers_gone() {
	_i=0
	while [ -n "$(workers)" ] && [ $_i -lt 150 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -z "$(workers)" ]
}

# The test resolver (smarthost -m dns, tests/smarthost/dns.c), for root:
# resolver_usable says whether it can run here; resolver_script FILE
# writes the first lines of a script that, run by resolver_run FILE in a
# private network and mount namespace, brings lo up, binds a resolv.conf
# naming the resolver over /etc/resolv.conf and starts it (answering
# from $T/dns/records, logging to $T/dns/queries) until the script ends.
# The caller appends its commands to FILE.
resolver_usable() {
	[ "$(id -u)" = 0 ] && command -v ip >/dev/null 2>&1 &&
	    unshare -mn true 2>/dev/null
}
resolver_script() {
	mkdir -p "$T/dns"
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$T/resolv.conf"
	cat >"$1" <<NS
ip link set lo up || exit 1
mount --bind "$T/resolv.conf" /etc/resolv.conf || exit 1
"$SMARTHOST" -d "$T/dns" -P "$T/dns/port" -m dns -p 53 2>"$T/dns/stderr" &
pid=\$!
trap 'kill \$pid 2>/dev/null; wait \$pid 2>/dev/null' EXIT
i=0
while [ ! -s "$T/dns/port" ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done
NS
}
resolver_run() { unshare -mn --propagation private sh "$1"; }

# ossl_start OPTIONS...: openssl s_server as the peer on 127.0.0.1:$port,
# stopped on exit whatever happens (recorded with bg); ossl_stop.
OSRV=
# A random port may be taken (another test run goes on beside this one):
# the listener must be this s_server's own, or another port is tried.
ossl_start() {	# s_server options...
	for _try in 1 2 3 4 5; do
		port=$(( ($(od -An -N2 -tu2 /dev/urandom) % 20000) + 30000 ))
		openssl s_server -quiet -accept "127.0.0.1:$port" "$@" \
		    >/dev/null 2>&1 &
		OSRV=$!
		bg "$OSRV"
		i=0
		while pid_alive "$OSRV" && [ $i -lt 50 ]; do
			ss -ltnpH "sport = :$port" | grep -q "pid=$OSRV," &&
			    return 0
			sleep 0.1; i=$((i + 1))
		done
		bg_stop "$OSRV"
	done
	echo "ossl_start: openssl s_server did not listen" >&2
}
ossl_stop() {
	bg_stop "$OSRV"
	OSRV=
}
