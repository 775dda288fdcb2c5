# relaymail: operating it: install into a DESTDIR, the set-group-ID rule
# for -C, configuration from the environment, the log file, bounces,
# max_age, the -q loop, mailq's failed entries, the static binary.
. "$TOP/tests/integration/lib.sh"
t_setup
start_host
msg() { printf 'Subject: %s\n\nbody\n' "${1:-ops}"; }

# --- make install into a tree.
R=$T/root
(cd "$TOP" && make -s install DESTDIR="$R" PREFIX=/usr SETGID=mail >/dev/null 2>&1)
check install_binary [ -x "$R/usr/sbin/sendmail" ]
check install_mailq_link [ "$(readlink "$R/usr/bin/mailq")" = ../sbin/sendmail ]
check install_newaliases_link [ "$(readlink "$R/usr/bin/newaliases")" = ../sbin/sendmail ]
check install_usr_lib_link [ "$(readlink "$R/usr/lib/sendmail")" = ../sbin/sendmail ]
check install_man8 [ -f "$R/usr/share/man/man8/sendmail.8" ]
check install_man5 [ -f "$R/usr/share/man/man5/sendmail.conf.5" ]
check install_setgid [ "$(stat -c %A "$R/usr/sbin/sendmail")" = "-rwxr-sr-x" ]
check install_conf_0640 [ "$(stat -c %a "$R/etc/sendmail.conf")" = 640 ]
check install_queue_2770 [ "$(stat -c %a "$R/var/spool/relaymail")" = 2770 ]
echo "; mine" >>"$R/etc/sendmail.conf"
(cd "$TOP" && make -s install DESTDIR="$R" PREFIX=/usr SETGID=mail >/dev/null 2>&1)
check install_keeps_conf grep -q '^; mine' "$R/etc/sendmail.conf"

# --- set-group-ID: -C drops the group, so a config only the group may
# read cannot be read through -C by another user.
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	write_conf
	chgrp mail "$T/conf"
	chmod 640 "$T/conf"
	chmod 755 "$T"
	msg | setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$R/usr/sbin/sendmail" -C "$T/conf" a@example.net >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
	check setgid_C_drops_privilege rc_is 78
	check setgid_C_says_why stderr_has 'Permission denied'
	chmod 600 "$T/conf"
	chgrp root "$T/conf"
else
	echo "skip t_ops: setgid: needs root and setpriv"
fi

# --- configuration from the environment only.
if [ ! -e /etc/sendmail.conf ]; then
	echo secret >"$T/secret"
	echo "$T/envq" >"$T/qdir"	# a _FILE variable, as Docker secrets
	msg env | env RELAYMAIL_RELAY_HOST=localhost RELAYMAIL_RELAY_PORT="$SMARTHOST_PORT" \
	    RELAYMAIL_RELAY_TLS_CA_FILE="$PKI/ca.pem" RELAYMAIL_RELAY_USER=alice \
	    RELAYMAIL_RELAY_PASSWORD_FILE="$T/secret" RELAYMAIL_QUEUE_DIR_FILE="$T/qdir" \
	    "$SENDMAIL" a@example.net >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
	check env_only_exit_0 rc_is 0
	check env_only_delivered grep -q 'Subject: env' "$(last_msg)/data"
	env RELAYMAIL_RELAY_HOST=localhost RELAYMAIL_RELAY_COLOUR=blue \
	    "$SENDMAIL" -bP >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
	check env_unknown_78 rc_is 78
	check env_unknown_named stderr_has 'RELAYMAIL_RELAY_COLOUR'
else
	echo "skip t_ops: environment: /etc/sendmail.conf exists here"
fi

# --- -bP masks the password; a readable config with a password warns.
write_conf
"$SENDMAIL" -C "$T/conf" -bP >"$T/out" 2>&1
check print_masks grep -q '^password = \*\*\*\*\*\*\*\*$' "$T/out"
check print_no_secret lacks "$T/out" secret
chmod 644 "$T/conf"
msg | send a@example.net
# said on stderr without -v: an admin must act on it (and it is sent)
check readable_conf_warns stderr_has '^sendmail: warning: .*readable by all users'
check readable_conf_one_line [ "$(wc -l <"$T/err")" -eq 1 ]
check readable_conf_still_sent rc_is 0
chmod 600 "$T/conf"

# --- the log file: one line per attempt, key=value.
EXTRA="[log]
file = $T/log"
write_conf
msg | send a@example.net
check log_line grep -q 'id=.* from=<.*> to=<a@example.net> relay=localhost:.* status=sent' "$T/log"
EXTRA=""

# --- bounces: a refusal met by a queue run is reported to the sender.
echo 'rcpt:bad 550 5.1.1 no such user' >"$T/script"
start_host -s "$T/script"
write_conf port=1
msg bounceme | send -f sender@example.org bad@example.net
check bounce_queued_first [ "$(queued)" -eq 1 ]
write_conf
sed -i 's/^next .*/next 0/' "$T"/queue/q/*.st
"$SENDMAIL" -C "$T/conf" -q >"$T/out" 2>"$T/err"
check bounce_failed_kept [ "$(failed)" -eq 1 ]
check bounce_sent grep -qx '<sender@example.org>' "$(last_msg)/rcpt"
check bounce_null_sender grep -q '^<>' "$(last_msg)/mail_from"
check bounce_is_report grep -q 'multipart/report; report-type=delivery-status' "$(last_msg)/data"
check bounce_has_headers grep -q '^Subject: bounceme' "$(last_msg)/data"
"$SENDMAIL" -C "$T/conf" -bp >"$T/mailq"
check mailq_failed_marked grep -q '! .*sender@example.org' "$T/mailq"
check mailq_failed_reason grep -q 'failed: .*550 5.1.1' "$T/mailq"

# --- max_age: a message too old is given up, moved to failed/.
rm -rf "$T/queue"
EXTRA="[queue]
max_age = 1s
bounce = no"
write_conf port=1
# write_conf's own [queue] section comes first: merge by hand.
awk '/^\[queue\]/ { if (q++) next } { print }' "$T/conf" >"$T/c2" && mv "$T/c2" "$T/conf"
msg old | send a@example.net
sleep 2
"$SENDMAIL" -C "$T/conf" -q >/dev/null 2>&1
check max_age_failed [ "$(failed)" -eq 1 ]
check max_age_not_queued [ "$(queued)" -eq 0 ]
EXTRA=""

# --- -q1s stays in the foreground and flushes what becomes due.
rm -rf "$T/queue"
start_host
write_conf port=1
msg loop | send a@example.net
write_conf
sed -i 's/^next .*/next 0/' "$T"/queue/q/*.st
"$SENDMAIL" -C "$T/conf" -q1s >/dev/null 2>&1 &
loop=$!
bg $loop
i=0
while [ "$(queued)" -ne 0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check q_loop_delivers [ "$(queued)" -eq 0 ]
check q_loop_still_running kill -0 $loop
kill $loop
bg_wait $loop
check q_loop_stops_on_term [ $? -eq 0 ]

# --- the static binary sends too.
if command -v musl-gcc >/dev/null 2>&1; then
	(cd "$TOP" && make -s static >/dev/null 2>&1)
	before=$(delivered)
	msg static | "$TOP/sendmail-static" -C "$T/conf" a@example.net >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
	check static_exit_0 rc_is 0
	check static_delivered [ "$(delivered)" -eq $((before + 1)) ]
	ldd "$TOP/sendmail-static" >"$T/ldd" 2>&1
	check static_no_libs sh -c "[ -x '$TOP/sendmail-static' ] && ! grep -q '=>' '$T/ldd'"
else
	echo "skip t_ops: static: musl-tools not installed"
fi
