# relaymail: start and stop the test smart host from a test (POSIX sh,
# sourced). smarthost_start DIR [args] sets SMARTHOST_PORT, SMARTHOST_PID.
smarthost_start() {
	_d=$1
	shift
	mkdir -p "$_d"
	rm -f "$_d/port"
	"${SMARTHOST:-build/smarthost}" -d "$_d" -P "$_d/port" "$@" \
	    >"$_d/stderr" 2>&1 &
	SMARTHOST_PID=$!
	_i=0
	while [ ! -s "$_d/port" ]; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! kill -0 "$SMARTHOST_PID" 2>/dev/null; then
			cat "$_d/stderr" >&2
			SMARTHOST_PID=
			return 1
		fi
		sleep 0.05
	done
	SMARTHOST_PORT=$(cat "$_d/port")
}

smarthost_stop() {
	if [ -n "${SMARTHOST_PID:-}" ]; then
		kill "$SMARTHOST_PID" 2>/dev/null
		wait "$SMARTHOST_PID" 2>/dev/null
	fi
	SMARTHOST_PID=
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
