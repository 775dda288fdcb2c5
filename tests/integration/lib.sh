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
	T=$(mktemp -d "${TMPDIR:-/tmp}/relaymail-test.XXXXXX") || exit 1
	trap t_cleanup EXIT
	trap 'exit 1' INT TERM
	sh "$TOP/tests/pki/mkcerts.sh" "$PKI" || { echo "FAIL $TNAME: mkcerts"; exit 1; }
	mkdir -p "$T/sh" "$T/queue"
}

t_cleanup() {
	[ -n "${SMARTHOST_PID:-}" ] && smarthost_stop
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
}

# send ARGS... < message: runs sendmail with the test config. Leaves
# stdout/stderr in $T/out and $T/err and the exit status in $T/rc (a
# pipe into send runs it in a subshell, so no variable would survive).
send() {
	"$SENDMAIL" -C "$T/conf" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	echo $RC >"$T/rc"
}

silent() { [ ! -s "$T/out" ] && [ ! -s "$T/err" ]; }
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
