# relaymail: every local user can send, none can touch another's mail
# (issue 25), on the set-group-ID install of tests/integration/sgid.sh:
# the queue verbs for a user outside the group, the refresh token and
# the pacing record shared by every user, the per-user queue cap, the
# clean start of password_command, the queue's directories, the log.
. "$TOP/tests/integration/lib.sh"
SG_CHECKS="queue_verbs no_oracle no_foreign_lock mailq_own_only
    mailq_no_exclusive_lock token_rotation oauth_login_refused pacing_host
    max_user_size password_command_start queue_dirs log_file_bt route
    shared_pool"
. "$TOP/tests/integration/sgid.sh"

sh_msgs() { smarthost_msgs "$T/$1"; }
in_q() { [ -f "$T/queue/q/$1" ]; }
nq() { find "$T/queue/q" -type f ! -name '*.*' | wc -l; }
# same_as_unknown: this answer and the one for an id that is not there
# are the same but for the id.
same_as_unknown() {
	sed "s/$1/ID/g" "$T/err" >"$T/err.other"
	_rc=$(cat "$T/rc")
	as "$UA" "$2" 0000000000NOSUCH
	sed "s/0000000000NOSUCH/ID/g" "$T/err" >"$T/err.none"
	[ "$_rc" = "$(cat "$T/rc")" ] && cmp -s "$T/err.other" "$T/err.none"
}

# --- The queue verbs: a user outside the group sees and touches only its
# own messages; another's id is answered as one that does not exist.
SGPORT=1 sgconf
msg from-a | as "$UA" a@example.net
msg from-b | as "$UB" bob-secret@example.net
IA=$(id_for "$UA") IB=$(id_for "$UB")
check queue_verbs_setup [ -n "$IA" ] && [ -n "$IB" ]
as "$UA" -bp
check mailq_own_only_lists_a grep -q "^$IA " "$T/out"
check mailq_own_only lacks "$T/out" "$IB"
check mailq_own_only_no_address lacks "$T/out" bob-secret
check mailq_own_only_total grep -qx ' *Total requests: 1' "$T/out"
as "$UA" -bpc
check mailq_own_only_count [ "$(cat "$T/out")" = 1 ]
"$SM" -bp >"$T/out" 2>&1
check mailq_root_sees_all sh -c "grep -q '^$IA ' '$T/out' && grep -q '^$IB ' '$T/out'"
n=$(nq)
for op in -Mrm -Mg -M; do
	as "$UA" $op "$IB"
	check "no_oracle_${op#-}_66" rc_is 66
	check "no_oracle_${op#-}_kept" in_q "$IB"
	check "no_oracle_${op#-}_same" same_as_unknown "$IB" "$op"
done
check queue_verbs_nothing_added [ "$(nq)" -eq "$n" ]
check queue_verbs_nothing_sent sent 0
as "$UA" -Mrm "$IA"
check queue_verbs_own_removed sh -c "rc_ok=\$(cat '$T/rc'); [ \$rc_ok -eq 0 ] && grep -q '^$IA: removed' '$T/out' && [ ! -e '$T/queue/q/$IA' ]"

# A user's -M stopped mid-run holds no other user's lock: against a smart
# host that stalls its greeting, today's run would sit on B's lock.
printf 'greeting stall 30\n' >"$T/stall"
smarthost_start "$T/stallsh" -c "$PKI/server.pem" -k "$PKI/server.key" \
    -u alice:secret -s "$T/stall" || { echo "FAIL $TNAME: stalling host"; exit 1; }
STALL_PORT=$SMARTHOST_PORT
SGPORT=1 sgconf
rm -f "$T/queue/q/"*
msg from-b-lock | as "$UB" b-lock@example.net
IB=$(id_for "$UB")
SGPORT=$STALL_PORT sgconf
( as "$UA" -M "$IB" ) &
P=$!
bg $P
sleep 1
S=$(pgrep -f "$SM -M $IB")
[ -n "$S" ] && kill -STOP $S
check no_foreign_lock flock -n "$T/queue/q/$IB" true
[ -n "$S" ] && kill -CONT $S
bg_stop $P
[ -n "$S" ] && kill -KILL $S 2>/dev/null
SMARTHOST_PORT=$(cat "$T/sh/port")
sgconf
"$SM" -q >"$T/out" 2>"$T/err"
check no_foreign_lock_root_delivers sh -c "[ ! -e '$T/queue/q/$IB' ]"

# mailq takes no exclusive lock: a message another reader holds shared
# is listed whole, not as "being delivered".
SGPORT=1 sgconf
msg from-b2 | as "$UB" bob2@example.net
IB=$(id_for "$UB")
sh -c 'exec 9<"$1" && flock -s 9 && exec sleep 30' sh "$T/queue/q/$IB" &
FL=$!
bg $FL
sleep 0.3
"$SM" -bp >"$T/out" 2>&1
check mailq_no_exclusive_lock grep -q "^$IB  .*@" "$T/out"
check mailq_no_exclusive_lock_rcpt grep -q 'bob2@example.net  (pending)' "$T/out"
bg_stop $FL
rm -f "$T/queue/q/"*

# --- One refresh token for every sender: the identity provider rotates
# it on every refresh (tokens live 1 s: each send refreshes), and two
# users sending in turn, -bt between, keep sending.
IDP=$T/idp
smarthost_start "$IDP" -m idp -c "$PKI/server.pem" -k "$PKI/server.key" ||
    { echo "FAIL $TNAME: identity provider did not start"; exit 1; }
IDP_PORT=$SMARTHOST_PORT
smarthost_start "$T/osh" -c "$PKI/server.pem" -k "$PKI/server.key" \
    -u alice:secret -T "$IDP/tokens" || { echo "FAIL $TNAME: oauth host"; exit 1; }
OSH_PORT=$SMARTHOST_PORT
SMARTHOST_PORT=$(cat "$T/sh/port")
echo rt-0 >"$IDP/refresh"
touch "$IDP/rotate"
echo 1 >"$IDP/expires_in"
RT=$T/queue/refresh-token
echo rt-0 >"$RT" && chgrp "$G" "$RT" && chmod 660 "$RT"
SGNOPW=1 SGPORT=$OSH_PORT SGEXTRA="[oauth]
token_url = https://localhost:$IDP_PORT/token
device_url = https://localhost:$IDP_PORT/device
client_id = relaymail-test
ca_file = $T/ca.pem
refresh_token_file = $RT" sgconf
for turn in a1:$UA b1:$UB a2:$UA b2:$UB; do
	msg "turn-${turn%%:*}" | as "${turn#*:}" t@example.net
	check "token_rotation_${turn%%:*}_exit_0" rc_is 0
	check "token_rotation_${turn%%:*}_silent" empty "$T/err"
done
as "$UA" -bt
check token_rotation_bt_ok grep -q '^oauth: token refresh: ok' "$T/out"
msg turn-b3 | as "$UB" t@example.net
check token_rotation_all_sent [ "$(sh_msgs osh)" -eq 5 ]
check token_rotation_saved [ "$(cat "$RT")" = "$(cat "$IDP/refresh")" ]
check token_rotation_rotated grep -q '^rt-rotated-' "$RT"
check token_rotation_group_file [ "$(stat -c '%a %G' "$RT")" = "660 $G" ]
check token_rotation_one_cache [ "$(ls -a "$T/queue" | grep -c 'oauth')" -eq 1 ]

# --- --oauth-login replaces every sender's refresh token: refused to a
# user outside the group, with who may run it.
before=$(grep -c device "$IDP/requests")
as "$UA" --oauth-login </dev/null
check oauth_login_refused_77 rc_is 77
check oauth_login_refused_says stderr_has "only root or a member of group $G may sign in"
check oauth_login_refused_no_request [ "$(grep -c device "$IDP/requests")" -eq "$before" ]
check oauth_login_refused_token_kept [ "$(cat "$RT")" = "$(cat "$IDP/refresh")" ]

# --- max_per_minute = 1 is one budget for the host: three users send,
# one message goes, and a queue run after them sends nothing more.
rm -f "$T/queue/pace"
n=$(smarthost_msgs "$T/sh")
sgconf "max_per_minute = 1"
for u in $UA $UB $UC; do msg "paced-$u" | as "$u" p@example.net; done
"$SM" -q >"$T/out" 2>"$T/err"
check pacing_host_one_sent [ "$(smarthost_msgs "$T/sh")" -eq $((n + 1)) ]
check pacing_host_two_wait [ "$(nq)" -eq 2 ]
check pacing_host_group_file [ "$(stat -c '%a %G' "$T/queue/pace")" = "660 $G" ]
rm -f "$T/queue/q/"* "$T/queue/pace"

# --- [queue] max_user_size: a user outside the group cannot queue past
# it; another user and root still can.
SGPORT=1 SGEXTRA="max_user_size = 3K" sgconf
big() { printf 'Subject: big\n\n'; head -c "$1" /dev/zero | tr '\0' x | fold -w 70; echo; }
big 1500 | as "$UA" q@example.net
check max_user_size_first_queued rc_is 0
big 1500 | as "$UA" q@example.net
check max_user_size_73 rc_is 73
check max_user_size_says sh -c "[ \$(wc -l <'$T/err') -eq 1 ] && grep -q '^sendmail: not queued: uid $UA may have \[queue\] max_user_size (3072 bytes) queued, and has [0-9]*$' '$T/err'"
check max_user_size_kept_one [ "$(grep -l "^uid $UA\$" "$T"/queue/q/* | wc -l)" -eq 1 ]
big 1500 | as "$UB" q@example.net
check max_user_size_other_user rc_is 0
big 4000 | "$SM" q@example.net >"$T/out" 2>"$T/err"
check max_user_size_root_not_capped [ $? -eq 0 ]
{
	printf 'HELO x\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<q@example.net>\r\n'
	printf 'DATA\r\n'
	big 1500 | sed 's/$/\r/'
	printf '.\r\nQUIT\r\n'
} >"$T/in"
as "$UA" -bs <"$T/in"
check max_user_size_bs_452 grep -q '^452 4.3.1 not queued: .*max_user_size' "$T/out"
rm -f "$T/queue/q/"*

# --- password_command starts clean whatever the caller set: signals at
# their defaults (the caller ignored INT, QUIT and TERM), none blocked,
# no core file (the caller allowed them), the file size at its hard limit
# (the caller lowered the soft one), descriptors 0-2 only.
cat >"$T/wrap" <<'EOF'
#!/bin/sh
trap '' INT QUIT TERM
ulimit -S -c unlimited 2>/dev/null || ulimit -S -c 1000
ulimit -S -f 1000
exec 5</dev/null
exec "$@"
EOF
chmod 755 "$T/wrap"
sgconf
rm -f "$T/probe/$UA"
msg start | SGWRAP=$T/wrap as "$UA" s@example.net
# probe_has LINE: the command's record has LINE (else it is shown).
probe_has() {
	grep -qx "$1" "$T/probe/$UA" && return 0
	sed 's/^/    probe: /' "$T/probe/$UA" | grep -v '=' >&2
	return 1
}
check password_command_start_sent rc_is 0
check password_command_start_no_ignored probe_has 'SigIgn:	0000000000000000'
check password_command_start_none_blocked probe_has 'SigBlk:	0000000000000000'
check password_command_start_no_core probe_has 'core 0'
check password_command_start_fsize probe_has 'fsize unlimited'
check password_command_start_fds probe_has '0 1 2 3 '


# --- q/, tmp/ and failed/ are made by root, for the group; a user's run
# never makes them as itself (it delivers without the queue).
rm -rf "$T/queue/q" "$T/queue/tmp" "$T/queue/failed"
n=$(smarthost_msgs "$T/sh")
msg nodirs | as "$UA" d@example.net
check queue_dirs_user_sends rc_is 0
check queue_dirs_user_delivered [ "$(smarthost_msgs "$T/sh")" -eq $((n + 1)) ]
check queue_dirs_not_made_by_user [ ! -e "$T/queue/q" ]
"$SM" -q >"$T/out" 2>"$T/err"
for d in q tmp failed; do
	check "queue_dirs_${d}_root_group_2770" [ "$(stat -c '%a %U:%G' "$T/queue/$d")" = "2770 root:$G" ]
done

# --- The [log] file: set-group-ID, a sender that cannot write it hears
# so once from -bt; made as make install makes it, it is written.
: >"$T/root.log" && chmod 644 "$T/root.log"
SGEXTRA="[log]
file = $T/root.log" sgconf
as "$UA" -bt
check log_file_bt_once [ "$(grep -c '^log: ' "$T/out")" -eq 1 ]
check log_file_bt_says grep -q "^log: \[log\] file $T/root.log: this sender (uid $UA) cannot write it: group $G may not write it" "$T/out"
chgrp "$G" "$T/root.log" && chmod 660 "$T/root.log"
as "$UA" -bt
check log_file_bt_writable lacks "$T/out" '^log: '
check log_file_written grep -q 'relaymail' "$T/root.log"

# --- Routes hold the same rules (issue 24): a route's secret is the
# group's (a user's send reads it through the group, -C cannot), and a
# user's message on a route is that user's alone.
rm -rf "$T/queue/q"/* "$T/queue/failed"/*
SGEXTRA="[route r]
senders = *@route.example
host = localhost
port = 1
tls_ca_file = $T/ca.pem
user = alice
password_file = $T/secret
timeout = 5" sgconf
msg on-route | as "$UA" -f a@route.example z@example.net
check route_user_queued_exit_0 rc_is 0
IR=$(id_for "$UA")
check route_user_message_on_route sh -c "[ -n '$IR' ] && grep -qx 'route r' '$T/queue/q/$IR'"
as "$UB" -bp
check route_other_user_cannot_see lacks "$T/out" "$IR"
as "$UB" -Mrm "$IR"
check route_other_user_cannot_remove rc_is 66
check route_message_kept [ -e "$T/queue/q/$IR" ]
# The route's secret through the group: the test host takes it.
SGEXTRA="[route r]
senders = *@route.example
host = localhost
port = $SMARTHOST_PORT
tls_ca_file = $T/ca.pem
user = alice
password_file = $T/secret
timeout = 5" sgconf
n=$(smarthost_msgs "$T/sh")
msg via-route | as "$UA" -f a@route.example z@example.net
check route_group_secret_read [ "$(smarthost_msgs "$T/sh")" -eq $((n + 1)) ]
# -C: the group is dropped whatever routes the file declares; the
# route's secret (0640 root:group) is then out of reach.
mkdir -p "$T/uc/q" && chown -R "$UA" "$T/uc"
sed "s|^dir = .*|dir = $T/uc|" /etc/sendmail.conf >"$T/uc/conf"
chown "$UA" "$T/uc/conf" && chmod 600 "$T/uc/conf"
msg via-C | as "$UA" -C "$T/uc/conf" -f a@route.example z@example.net
check route_C_no_secret grep -q "$T/secret: Permission denied" "$T/err"
check route_C_nothing_sent [ "$(smarthost_msgs "$T/sh")" -eq $((n + 1)) ]
stop_holders "$T/uc"

# --- An outsider's burst and root's share the pool (issue 21): two
# connections for both, against a smart host that takes two at once,
# and each message keeps its owner (the trace names its user).
rm -rf "$T/queue/q"/* "$T/queue/failed"/*
mkdir -p "$T/capsh"
smarthost_start "$T/capsh" -L 2 -c "$PKI/server.pem" -k "$PKI/server.key" \
    -u alice:secret || { echo "FAIL $TNAME: capped host"; exit 1; }
SGPORT=$SMARTHOST_PORT SGEXTRA= sgconf "max_connections = 2" "wait = 30"
pids=""
i=0
while [ $i -lt 8 ]; do
	( msg "burst-a-$i" | as "$UA" z@example.net ) &
	pids="$pids $!"
	bg $!
	msg "burst-root-$i" | "$SM" z@example.net >/dev/null 2>&1 &
	pids="$pids $!"
	bg $!
	i=$((i + 1))
done
for p in $pids; do bg_wait "$p"; done
i=0
while [ "$(smarthost_msgs "$T/capsh")" -lt 16 ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
check shared_pool_all_delivered [ "$(smarthost_msgs "$T/capsh")" -eq 16 ]
check shared_pool_within_cap [ "$(cat "$T/capsh/maxconc")" -le 2 ]
check shared_pool_none_refused [ ! -s "$T/capsh/refused" ]
owners() { grep -l "^Subject: burst-$1-" "$T"/capsh/conn-*/msg-*/data 2>/dev/null |
    xargs -r head -q -n 1 | grep -c "from userid $2 "; }
check shared_pool_a_owns_its [ "$(owners a "$UA")" -eq 8 ]
check shared_pool_root_owns_its [ "$(owners root 0)" -eq 8 ]
