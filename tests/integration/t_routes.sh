# relaymail: routes, a smart host for each sender (issue 24). Two test
# smart hosts, each accepting only its own credentials: A (alice) is
# [relay], B (bob) is [route b]. Each message goes the way its sender
# says, keeps that way for every retry, and each route has its own
# connections and pacing budget; -bt, -bP and mailq say the route.
. "$TOP/tests/integration/lib.sh"
t_setup

mkdir -p "$T/a" "$T/b"
smarthost_start "$T/a" -c "$PKI/server.pem" -k "$PKI/server.key" \
    -u alice:secret || { echo "FAIL $TNAME: host A"; exit 1; }
A_PORT=$SMARTHOST_PORT
smarthost_start "$T/b" -c "$PKI/server.pem" -k "$PKI/server.key" \
    -u bob:hunter2 || { echo "FAIL $TNAME: host B"; exit 1; }
B_PORT=$SMARTHOST_PORT
B_PID=$SMARTHOST_PID

at() { smarthost_msgs "$T/$1"; }
# rconf [route b's extra lines...]: [relay] is A, [route b] is B.
rconf() {
	{
		echo "[relay]"
		echo "host = localhost"
		echo "port = $A_PORT"
		echo "tls_ca_file = $PKI/ca.pem"
		echo "user = alice"
		echo "password = secret"
		echo "timeout = 5"
		echo "[queue]"
		echo "dir = $T/queue"
		[ -n "${FRONT:-}" ] && printf '%s\n' "$FRONT"
		echo "[route b]"
		echo "senders = *@b.example, carol@c.example, root"
		echo "host = localhost"
		echo "port = $B_PORT"
		echo "tls_ca_file = $PKI/ca.pem"
		echo "user = bob"
		echo "password = hunter2"
		echo "timeout = 5"
		for kv in "$@"; do echo "$kv"; done
	} >"$T/conf"
	chmod 600 "$T/conf"
}
msg() { printf 'Subject: %s\n\nbody\n' "$1"; }

# --- Each sender its way, checked at each host.
rconf
msg to-a | send -f x@a.example z@example.net
check relay_sender_exit_0 rc_is 0
check relay_sender_at_a [ "$(at a)" -eq 1 ]
check relay_sender_not_at_b [ "$(at b)" -eq 0 ]
msg to-b | send -f y@b.example z@example.net
check domain_sender_at_b [ "$(at b)" -eq 1 ]
msg to-b2 | send -f Carol@C.example z@example.net
check address_sender_at_b [ "$(at b)" -eq 2 ]
# No -f: the test runs as root, a bare local sender: "root" takes it.
msg root-b | send z@example.net
check local_user_at_b [ "$(at b)" -eq 3 ]
check others_stay_at_a [ "$(at a)" -eq 1 ]
check routes_silent silent
run --journal y@b.example
check journal_says_route grep -q 'status=sent route=b relay=' "$T/out"

# --- A route that is down defers only its own messages.
smarthost_kill "$B_PID"
msg waits | send -f y@b.example z@example.net
check down_route_exit_0 rc_is 0
check down_route_queued [ "$(queued)" -eq 1 ]
msg goes | send -f x@a.example z@example.net
check other_route_delivers [ "$(at a)" -eq 2 ]
check other_route_leaves_it [ "$(queued)" -eq 1 ]
stop_holders "$T/queue"
run -bp
check mailq_says_route grep -q '(route b; attempts 1;' "$T/out"
check queue_file_route grep -qx 'route b' "$T"/queue/q/[0-9A-F]*

# --- A retry keeps its route after the settings put another in front
# that takes the same sender (to A): it still goes to B.
FRONT='[route first]
senders = *@b.example
host = localhost
port = '"$A_PORT"'
tls_ca_file = '"$PKI/ca.pem"'
user = alice
password = secret'
rconf
FRONT=
smarthost_start "$T/b" -p "$B_PORT" -c "$PKI/server.pem" -k "$PKI/server.key" \
    -u bob:hunter2 || { echo "FAIL $TNAME: host B again"; exit 1; }
B_PID=$SMARTHOST_PID
run -q
check retry_keeps_route [ "$(at b)" -eq 4 ]
check retry_not_to_front [ "$(at a)" -eq 2 ]
check retry_dequeued [ "$(queued)" -eq 0 ]
# ...while a new message from that sender takes the route in front.
msg new-front | send -f y@b.example z@example.net
check new_takes_front [ "$(at a)" -eq 3 ]

# --- A route the settings no longer have: kept, said, never sent
# another way.
rconf
smarthost_kill "$B_PID"
msg orphan | send -f y@b.example z@example.net
stop_holders "$T/queue"
sed -i '/^\[route b\]/,$d' "$T/conf"
run -q
check gone_route_kept [ "$(queued)" -eq 1 ]
check gone_route_not_sent [ "$(at a)" -eq 3 ]
run -bp
check gone_route_said grep -q 'route b\] is not in the settings any more' "$T/out"
rm -rf "$T/queue"
smarthost_start "$T/b" -p "$B_PORT" -c "$PKI/server.pem" -k "$PKI/server.key" \
    -u bob:hunter2 || { echo "FAIL $TNAME: host B once more"; exit 1; }
B_PID=$SMARTHOST_PID

# --- -bP and -bt show every route; -bt NAME one.
rconf
run -bP
check bP_route grep -qx '\[route b\]' "$T/out"
check bP_senders grep -qx 'senders = \*@b.example, carol@c.example, root' "$T/out"
check bP_secret_masked sh -c "! grep -q hunter2 '$T/out'"
run -bt
check bt_all_exit_0 rc_is 0
check bt_both [ "$(grep -c 'ready to send' "$T/out")" -eq 2 ]
check bt_names_route grep -qx '\[route b\]' "$T/out"
run -bt b
check bt_one [ "$(grep -c 'ready to send' "$T/out")" -eq 1 ]
check bt_one_is_b grep -q "port $B_PORT: ready to send" "$T/out"
run -bt nosuch
check bt_unknown_64 rc_is 64

# --- Pacing is per route: max_per_minute = 1 on b stops b's second
# message only; [relay]'s go on.
rm -rf "$T/queue"
rconf "max_per_minute = 1"
na=$(at a) nb=$(at b)
for i in 1 2; do
	msg "pace-b-$i" | send -f y@b.example z@example.net
	msg "pace-a-$i" | send -f x@a.example z@example.net
done
workers_gone
check pace_route_one [ "$(at b)" -eq $((nb + 1)) ]
check pace_relay_all [ "$(at a)" -eq $((na + 2)) ]
check pace_route_waits [ "$(queued)" -eq 1 ]
check pace_files_apart [ -f "$T/queue/pace.b" ]
stop_holders "$T/queue"

# --- Pools are per route: one connection each, at the same moment.
rm -rf "$T/queue"
printf 'eom delay 1500\n' >"$T/slow"
smarthost_stop_all
smarthost_start "$T/a" -p "$A_PORT" -c "$PKI/server.pem" -k "$PKI/server.key" \
    -u alice:secret -s "$T/slow" || { echo "FAIL $TNAME: slow A"; exit 1; }
smarthost_start "$T/b" -p "$B_PORT" -c "$PKI/server.pem" -k "$PKI/server.key" \
    -u bob:hunter2 -s "$T/slow" || { echo "FAIL $TNAME: slow B"; exit 1; }
rconf
sed -i 's/^timeout = 5$/timeout = 5\nmax_connections = 1/' "$T/conf"
na=$(ls -d "$T"/a/conn-* 2>/dev/null | wc -l) nb=$(ls -d "$T"/b/conn-* 2>/dev/null | wc -l)
msg pool-a | "$SENDMAIL" -C "$T/conf" -f x@a.example z@example.net &
pa=$!
bg $pa
msg pool-b | "$SENDMAIL" -C "$T/conf" -f y@b.example z@example.net &
pb=$!
bg $pb
sleep 1
check pools_apart_a [ "$(ls -d "$T"/a/conn-* | wc -l)" -eq $((na + 1)) ]
check pools_apart_b [ "$(ls -d "$T"/b/conn-* | wc -l)" -eq $((nb + 1)) ]
bg_wait $pa
bg_wait $pb
check pools_slot_files sh -c "[ -e '$T/queue/pool/slot.0' ] && [ -e '$T/queue/pool/slot.b.0' ]"
workers_gone

# --- Routes from the environment alone (a container), a route's secret
# from a _FILE variable.
smarthost_stop_all
smarthost_start "$T/a" -p "$A_PORT" -c "$PKI/server.pem" -k "$PKI/server.key" \
    -u alice:secret || { echo "FAIL $TNAME: host A"; exit 1; }
smarthost_start "$T/b" -p "$B_PORT" -c "$PKI/server.pem" -k "$PKI/server.key" \
    -u bob:hunter2 || { echo "FAIL $TNAME: host B"; exit 1; }
rm -rf "$T/queue"
echo hunter2 >"$T/bobpw"
na=$(at a) nb=$(at b)
envsend() {
	env RELAYMAIL_RELAY_HOST=localhost RELAYMAIL_RELAY_PORT="$A_PORT" \
	    RELAYMAIL_RELAY_TLS_CA_FILE="$PKI/ca.pem" RELAYMAIL_RELAY_USER=alice \
	    RELAYMAIL_RELAY_PASSWORD=secret RELAYMAIL_QUEUE_DIR="$T/queue" \
	    RELAYMAIL_ROUTE_APP_B_SENDERS='*@b.example' \
	    RELAYMAIL_ROUTE_APP_B_HOST="localhost:$B_PORT" \
	    RELAYMAIL_ROUTE_APP_B_TLS_CA_FILE="$PKI/ca.pem" \
	    RELAYMAIL_ROUTE_APP_B_USER=bob \
	    RELAYMAIL_ROUTE_APP_B_PASSWORD_FILE="$T/bobpw" \
	    "$SENDMAIL" "$@" >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
msg env-b | envsend -f y@b.example z@example.net
check env_route_exit_0 rc_is 0
check env_route_at_b [ "$(at b)" -eq $((nb + 1)) ]
msg env-a | envsend -f x@a.example z@example.net
check env_relay_at_a [ "$(at a)" -eq $((na + 1)) ]
envsend -bP </dev/null
check env_bP_route grep -qx '\[route app_b\]' "$T/out"
workers_gone

# --- A configuration error in a route names it.
printf '[relay]\nhost = x\n[route b]\nsenders = *@b.example\nhostt = y\n' >"$T/bad.conf"
"$SENDMAIL" -C "$T/bad.conf" -bP >"$T/out" 2>"$T/err"
check bad_key_exit_78 [ $? -eq 78 ]
check bad_key_named grep -q 'bad.conf:5: \[route b\] hostt: unknown key; did you mean host?' "$T/err"
printf '[relay]\nhost = x\n[route b]\nhost = y\n' >"$T/bad.conf"
"$SENDMAIL" -C "$T/bad.conf" -bP >"$T/out" 2>"$T/err"
check no_senders_named grep -q '\[route b\] senders: required' "$T/err"

# --- sendmail.conf(5)'s ROUTES example, as printed there: SES for the
# application's sender, Microsoft 365 for everyone else (root's cron
# mail goes out as the mailbox). Each host is pointed at a test smart
# host: A takes SES's credentials, B Microsoft's, and B refuses any
# sender but the mailbox (SendAsDenied), as Exchange Online does.
smarthost_stop_all
rm -rf "$T/queue" "$T/a" "$T/b"
printf 'sendas ops@example.com\n' >"$T/sendas"
smarthost_start "$T/a" -c "$PKI/server.pem" -k "$PKI/server.key" \
    -u AKIAIOSFODNN7EXAMPLE:ses-secret || { echo "FAIL $TNAME: SES host"; exit 1; }
SES_PORT=$SMARTHOST_PORT
smarthost_start "$T/b" -c "$PKI/server.pem" -k "$PKI/server.key" \
    -u ops@example.com:m365-secret -s "$T/sendas" || { echo "FAIL $TNAME: M365 host"; exit 1; }
M365_PORT=$SMARTHOST_PORT
echo ses-secret >"$T/ses" && echo m365-secret >"$T/m365"
chmod 600 "$T/ses" "$T/m365"
awk '/through Amazon SES, and cron/ { f = 1 } f && /^\.EX/ { p = 1; next }
    p && /^\.EE/ { exit } p' "$TOP/src/sendmail.conf.5" | sed 's/\\-/-/g' |
    sed -e "s|/etc/relaymail/m365|$T/m365|; s|/etc/relaymail/ses|$T/ses|" \
    -e "/^\[relay\]/a host = localhost:$M365_PORT\ntls_ca_file = $PKI/ca.pem\ntimeout = 5" \
    -e "/^\[route app\]/a host = localhost:$SES_PORT\ntls_ca_file = $PKI/ca.pem\ntimeout = 5" \
    >"$T/conf"
printf '[queue]\ndir = %s\n' "$T/queue" >>"$T/conf"
chmod 600 "$T/conf"
check example_extracted grep -q '^provider = ses$' "$T/conf"
msg app | send -f noreply@app.example z@example.net
check example_app_exit_0 rc_is 0
check example_app_at_ses [ "$(at a)" -eq 1 ]
check example_app_as_itself grep -q 'noreply@app.example' "$(ls -d "$T"/a/conn-*/msg-* | head -n 1)/mail_from"
msg cron | send z@example.net
check example_root_exit_0 rc_is 0
check example_root_at_m365 [ "$(at b)" -eq 1 ]
check example_root_as_mailbox grep -q 'ops@example.com' "$(ls -d "$T"/b/conn-*/msg-* | head -n 1)/mail_from"
check example_silent silent
