# relaymail: local users cannot hurt each other (issue 13). The binary is
# installed set-group-ID to a test group and run as two test users, all in
# a private mount namespace whose /etc is a copy: the users, the group and
# /etc/sendmail.conf exist only there, and are removed before it ends.
. "$TOP/tests/integration/lib.sh"

sg_skip() {
	for n in log_symlink C_drops_groups password_command_group \
	    queue_own_only root_delivers_all received_trace token_shared; do
		echo "skip t_setgid: $n: $1"
	done
	exit 0
}
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null ||
    ! command -v setpriv >/dev/null || ! command -v useradd >/dev/null; then
	sg_skip "needs root, unshare, setpriv, useradd"
fi
# LeakSanitizer cannot stop the threads of a set-group-ID (non-dumpable)
# process and dies at exit, and its runtime does not see ASAN_OPTIONS
# there; the plain build runs these scenarios.
if grep -q __asan_init "$SENDMAIL" 2>/dev/null; then
	sg_skip "a sanitizer build cannot run set-group-ID (the plain build does)"
fi
if [ -z "${RMTEST_NS:-}" ]; then
	RMTEST_NS=1 exec unshare -m --propagation private sh "$0" "$@"
fi

t_setup
chmod 755 "$T"
# A private /etc: useradd, groupadd and the config write only the copy.
mkdir "$T/etc"
cp -a /etc/. "$T/etc/"
mount --bind "$T/etc" /etc || { echo "FAIL t_setgid: cannot bind /etc"; exit 1; }
G=rmq$$ A=rma$$ B=rmb$$
sg_cleanup() {
	userdel "$A" 2>/dev/null
	userdel "$B" 2>/dev/null
	groupdel "$G" 2>/dev/null
	umount /etc 2>/dev/null
	t_cleanup
}
trap sg_cleanup EXIT
groupadd "$G" && useradd -M -N -l -g nogroup "$A" &&
    useradd -M -N -l -g nogroup "$B" || { echo "FAIL t_setgid: useradd"; exit 1; }
UA=$(id -u "$A") UB=$(id -u "$B") GN=$(getent group nogroup | cut -d: -f3)
GQ=$(getent group "$G" | cut -d: -f3)

# The install, by hand: the binary 2755 root:G, the queue 2770 root:G,
# the config and the secret 0640 root:G.
SM=$T/bin/sendmail
mkdir -p "$T/bin" "$T/queue" "$T/probe"
cp "$SENDMAIL" "$SM"
chgrp "$G" "$SM" "$T/queue" && chmod 2755 "$SM" && chmod 2770 "$T/queue"
chmod 1777 "$T/probe"
cp "$PKI/ca.pem" "$T/ca.pem" && chmod 644 "$T/ca.pem"
echo secret >"$T/secret"
chgrp "$G" "$T/secret" && chmod 640 "$T/secret"
: >"$T/probe/runs" && chmod 666 "$T/probe/runs"
# password_command: a /bin/sh script (a shell drops a group it holds only
# as effective id), recording its ids and environment for each user.
cat >"$T/pw" <<EOF
#!/bin/sh
{ grep '^Gid:' /proc/self/status; env; } >"$T/probe/\$(id -u)"
echo run >>"$T/probe/runs"
echo "pw: a note" >&2
cat "$T/secret"
EOF
chmod 755 "$T/pw"
start_host

# sgconf [key=value...] [-- extra lines]: /etc/sendmail.conf (the copy).
sgconf() {
	{
		echo "[relay]"
		echo "host = localhost"
		echo "port = ${SGPORT:-$SMARTHOST_PORT}"
		echo "tls_ca_file = $T/ca.pem"
		echo "user = alice"
		echo "password_command = $T/pw"
		echo "timeout = 5"
		for kv in "$@"; do echo "$kv"; done
		echo "[queue]"
		echo "dir = $T/queue"
		[ -n "${SGEXTRA:-}" ] && printf '%s\n' "$SGEXTRA"
	} >/etc/sendmail.conf
	chgrp "$G" /etc/sendmail.conf && chmod 640 /etc/sendmail.conf
}
# as UID ARGS...: runs the installed binary as that user (no groups), with
# a variable of the caller's own that must not reach password_command.
as() {
	_u=$1
	shift
	setpriv --reuid="$_u" --regid="$GN" --clear-groups env -i \
	    PATH=/usr/bin:/bin CALLER_SECRET=planted \
	    "$SM" "$@" >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
msg() { printf 'Subject: %s\n\nbody\n' "$1"; }
sent() { [ "$(smarthost_msgs "$T/sh")" -eq "$1" ]; }
# gids FILE GID: the four Gid: fields of /proc/self/status are all GID.
gids() { grep -Eq "^Gid:[[:space:]]+$2[[:space:]]+$2[[:space:]]+$2[[:space:]]+$2\$" "$1"; }
queued_for() { [ -n "$(qfile_of "$1")" ]; }
qfile_of() { grep -l "^uid $1\$" "$T"/queue/q/* 2>/dev/null | head -n 1; }

# --- password_command reads a group-only file; the trace names the user.
sgconf
check user_cannot_read_secret sh -c "! setpriv --reuid=$UA --regid=$GN --clear-groups cat '$T/secret' 2>/dev/null"
msg trace | as "$UA" a@example.net
check password_command_group_exit_0 rc_is 0
check password_command_group_sent sent 1
check password_command_group_ids gids "$T/probe/$UA" "$GQ"
check password_command_clean_env lacks "$T/probe/$UA" CALLER_SECRET
check received_trace_first sh -c "head -n 1 '$(last_msg)/data' | grep -q '^Received: by .* (relaymail, from userid $UA $A); '"

# --- -C: every group id is the user's before the file is read.
mkdir "$T/ua" && chown "$UA" "$T/ua"
sed "s|^password_command = .*|password_command = $T/pw|" /etc/sendmail.conf >"$T/ua/conf"
chown "$UA" "$T/ua/conf" && chmod 600 "$T/ua/conf"
rm -f "$T/probe/$UA"
msg dropped | as "$UA" -C "$T/ua/conf" a@example.net
check C_drops_groups gids "$T/probe/$UA" "$GN"
check C_not_sent sent 1
rm -rf "$T/queue/q/"* "$T/queue/failed/"*

# --- -bP: a user outside the group sees password_command masked.
as "$UA" -bP
check bP_masks_command sh -c "grep -q '^password_command = \*\*\*\*\*\*\*\*\$' '$T/out' && ! grep -q '$T/pw' '$T/out'"
"$SM" -bP >"$T/out" 2>&1
check bP_root_sees_command grep -q "^password_command = $T/pw\$" "$T/out"

# --- each user's -q delivers only its own messages; root's all of them.
SGPORT=1 sgconf
msg from-a | as "$UA" a@example.net
check queue_a_queued rc_is 0
msg from-b | as "$UB" b@example.net
check queue_b_queued rc_is 0
check queue_envelope_uid_a queued_for "$UA"
check queue_envelope_uid_b queued_for "$UB"
n0=$(smarthost_msgs "$T/sh")
sgconf
as "$UA" -q
check queue_own_only_sent sent $((n0 + 1))
check queue_own_only_a_gone sh -c "! grep -qs '^uid $UA\$' '$T'/queue/q/*"
check queue_own_only queued_for "$UB"
check queue_own_only_data grep -q 'Subject: from-a' "$(last_msg)/data"
# A run that holds B's message (a stopped one, say) does not block root.
# The lock is held by the sleep itself, so stopping it releases it.
sh -c 'exec 9<"$1" && flock 9 && exec sleep 30' sh "$(qfile_of "$UB")" &
FL=$!
bg $FL
sleep 0.3
timeout 20 "$SM" -q >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check root_skips_locked_exit_0 rc_is 0
check root_skips_locked queued_for "$UB"
bg_stop "$FL"
"$SM" -q >"$T/out" 2>"$T/err"
check root_delivers_all sh -c "! grep -qs '^uid $UB\$' '$T'/queue/q/*"
check root_delivers_all_data grep -q 'Subject: from-b' "$(last_msg)/data"
check received_names_b grep -q "^Received: by .* (relaymail, from userid $UB $B); " "$(last_msg)/data"

# --- the token cache: shared by the group, used by a second user.
: >"$T/probe/runs"
sgconf "auth = xoauth2"
n0=$(smarthost_msgs "$T/sh")
msg tok-a | as "$UA" a@example.net
msg tok-b | as "$UB" b@example.net
check token_shared_sent sent $((n0 + 2))
check token_shared [ "$(wc -l <"$T/probe/runs")" -eq 1 ]
check token_mode_group [ "$(stat -c '%a %G' "$T/queue/oauth-token")" = "660 $G" ]
check token_not_for_users sh -c "! setpriv --reuid=$UB --regid=$GN --clear-groups cat '$T/queue/oauth-token' 2>/dev/null"

# --- the log file: a link planted by a user changes nothing.
mkdir "$T/alog" && chown "$UA" "$T/alog"
: >"$T/victim" && chgrp "$G" "$T/victim" && chmod 660 "$T/victim"
setpriv --reuid="$UA" --regid="$GN" --clear-groups ln -s "$T/victim" "$T/alog/relaymail.log"
SGEXTRA="[log]
file = $T/alog/relaymail.log" sgconf
msg log | as "$UA" a@example.net
check log_symlink_sent rc_is 0
check log_symlink sh -c "[ ! -s '$T/victim' ] && [ -L '$T/alog/relaymail.log' ]"
: >"$T/rootlog" && chgrp "$G" "$T/rootlog" && chmod 620 "$T/rootlog"
SGEXTRA="[log]
file = $T/rootlog" sgconf
msg log2 | as "$UA" a@example.net
check log_root_file grep -q "queued from uid=$UA " "$T/rootlog"
check log_command_stderr grep -q "password_command: stderr: pw: a note" "$T/rootlog"
SGEXTRA="[log]
file = relaymail.log" sgconf
msg rel | as "$UA" a@example.net
check log_relative_78 rc_is 78
check log_relative_refused stderr_has '^sendmail: /etc/sendmail.conf:[0-9]*: \[log\] file: must be an absolute path$'


# --- [queue] max_size: a larger message is refused, nothing kept.
SGEXTRA="max_size = 1K" sgconf
before=$(find "$T/queue" -type f | wc -l)
{ printf 'Subject: big\n\n'; head -c 3000 /dev/zero | tr '\0' x; echo; } | as "$UA" a@example.net
check max_size_73 rc_is 73
check max_size_one_line sh -c "[ \$(wc -l <'$T/err') -eq 1 ] && grep -q 'max_size' '$T/err'"
check max_size_nothing_kept [ "$(find "$T/queue" -type f | wc -l)" -eq "$before" ]
