# relaymail: start and stop the test smart host from a test (POSIX sh,
# sourced). smarthost_start DIR [args] sets SMARTHOST_PORT, SMARTHOST_PID;
# smarthost_stop stops the latest, smarthost_stop_all every one started.
#
# The smart host forks a child per connection, and a child told to stall
# sleeps for an hour: stopping the parent alone leaves such children
# behind. So the smart host is started as the leader of its own process
# group (setsid), and stopping it stops the whole group, by its PID.
SMARTHOST_ALL=""

# pid_alive PID: running (a zombie is not).
pid_alive() {
	_s=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case $_s in Z*|"") return 1 ;; esac
}
# our_child PID: a child of this shell (not a PID since reused by
# someone else's process after ours was reaped).
our_child() {
	[ "$(ps -o ppid= -p "$1" 2>/dev/null | tr -d ' ')" = "$$" ]
}
# group_alive PGID: some member of the process group is running.
group_alive() {
	ps -eo pgid=,stat= 2>/dev/null |
	    awk -v g="$1" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'
}

smarthost_start() {
	_d=$1
	shift
	mkdir -p "$_d"
	rm -f "$_d/port"
	_setsid=
	command -v setsid >/dev/null 2>&1 && _setsid=setsid
	$_setsid "${SMARTHOST:-build/smarthost}" -d "$_d" -P "$_d/port" "$@" \
	    >"$_d/stderr" 2>&1 &
	SMARTHOST_PID=$!
	SMARTHOST_ALL="$SMARTHOST_ALL $SMARTHOST_PID"
	_i=0
	while [ ! -s "$_d/port" ]; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! pid_alive "$SMARTHOST_PID"; then
			cat "$_d/stderr" >&2
			smarthost_stop
			return 1
		fi
		sleep 0.05
	done
	SMARTHOST_PORT=$(cat "$_d/port")
}

# smarthost_kill PID: TERM to its process group (when it leads one) and
# to it, then KILL after 5 s; returns once nothing of it runs.
smarthost_kill() {
	_rest=
	for _q in $SMARTHOST_ALL; do [ "$_q" = "$1" ] || _rest="$_rest $_q"; done
	SMARTHOST_ALL=$_rest
	our_child "$1" || return 0
	_pg=$(ps -o pgid= -p "$1" 2>/dev/null | tr -d ' ')
	[ "$_pg" = "$1" ] || _pg=
	if [ -n "$_pg" ]; then
		kill -TERM "-$_pg" 2>/dev/null
	else
		# No group of its own: its connection children, by parent PID.
		kill -STOP "$1" 2>/dev/null
		pkill -TERM -P "$1" 2>/dev/null
		kill -TERM "$1" 2>/dev/null
		kill -CONT "$1" 2>/dev/null
	fi
	_i=0
	while { pid_alive "$1" || { [ -n "$_pg" ] && group_alive "$_pg"; }; } &&
	    [ $_i -lt 100 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	[ -n "$_pg" ] && group_alive "$_pg" && kill -KILL "-$_pg" 2>/dev/null
	pid_alive "$1" && kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

smarthost_stop() {
	[ -n "${SMARTHOST_PID:-}" ] && smarthost_kill "$SMARTHOST_PID"
	SMARTHOST_PID=
	return 0
}

smarthost_stop_all() {
	for _p in $SMARTHOST_ALL; do smarthost_kill "$_p"; done
	SMARTHOST_ALL=""
	SMARTHOST_PID=
	return 0
}

# Messages accepted (250 after DATA) across all connections.
smarthost_msgs() {
	_n=0
	for _r in "$1"/conn-*/msg-*/result; do
		[ -f "$_r" ] && grep -q '^250' "$_r" && _n=$((_n + 1))
	done
	echo $_n
}

smarthost_conns() {
	ls -d "$1"/conn-* 2>/dev/null | wc -l
}
