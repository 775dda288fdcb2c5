# relaymail: the EHLO name is always fully qualified. In a UTS namespace
# whose host name has no dot: [relay] helo, else the name joined to
# [message] domain, else the address literal of our end of the socket.
. "$TOP/tests/integration/lib.sh"
t_setup
if [ "$(id -u)" != 0 ] || ! unshare -u true 2>/dev/null; then
	echo "skip $TNAME: needs root (unshare -u, to set a host name without a dot)"
	exit 0
fi
start_host
# ehlo_after [write_conf args]: sends one message from a host called
# "relaymailtest"; prints the first EHLO name the smart host saw.
ehlo_after() {
	write_conf host=127.0.0.1 "$@"
	printf 'Subject: x\n\nx\n' >"$T/msg"
	unshare -u sh -c 'hostname relaymailtest && exec "$@"' sh \
	    "$SENDMAIL" -C "$T/conf" a@example.net <"$T/msg" >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
	head -n 1 "$(ls -d "$T"/sh/conn-* | sort -t- -k2,2n | tail -n 1)/ehlo"
}
n=$(ehlo_after)
check literal_exit_0 rc_is 0
check literal_when_no_domain [ "$n" = "[127.0.0.1]" ]
EXTRA="[message]
domain = example.com"
n=$(ehlo_after)
check joined_to_domain [ "$n" = relaymailtest.example.com ]
n=$(ehlo_after helo=mx.example.org)
check helo_wins [ "$n" = mx.example.org ]
check all_delivered [ "$(delivered)" -eq 3 ]
