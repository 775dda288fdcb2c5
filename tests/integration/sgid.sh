# relaymail: the set-group-ID install with throwaway users, for the tests
# of what local users may do to each other (POSIX sh, sourced after
# lib.sh by t_setgid.sh and t_users.sh). The binary is installed
# set-group-ID to a test group and run as test users, all in a private
# mount namespace whose /etc is a copy: the users, the group and
# /etc/sendmail.conf exist only there, and are removed before it ends.
# The sourcing test sets SG_CHECKS (its scenario names, said as skipped
# where this cannot run) before it sources this file.

sg_skip() {
	for n in $SG_CHECKS; do echo "skip $TNAME: $n: $1"; done
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
mount --bind "$T/etc" /etc || { echo "FAIL $TNAME: cannot bind /etc"; exit 1; }
G=rmq$$ A=rma$$ B=rmb$$ C=rmc$$
sg_cleanup() {
	userdel "$A" 2>/dev/null
	userdel "$B" 2>/dev/null
	userdel "$C" 2>/dev/null
	groupdel "$G" 2>/dev/null
	umount /etc 2>/dev/null
	t_cleanup
}
trap sg_cleanup EXIT
groupadd "$G" && useradd -M -N -l -g nogroup "$A" &&
    useradd -M -N -l -g nogroup "$B" && useradd -M -N -l -g nogroup "$C" ||
    { echo "FAIL $TNAME: useradd"; exit 1; }
UA=$(id -u "$A") UB=$(id -u "$B") UC=$(id -u "$C")
GN=$(getent group nogroup | cut -d: -f3)
GQ=$(getent group "$G" | cut -d: -f3)

# The install, by hand: the binary 2755 root:G, the queue (q/, tmp/,
# failed/, pool/) 2770 root:G, the config and the secret 0640 root:G.
SM=$T/bin/sendmail
QD="$T/queue $T/queue/q $T/queue/tmp $T/queue/failed $T/queue/pool"
mkdir -p "$T/bin" $QD "$T/probe"
cp "$SENDMAIL" "$SM"
chgrp "$G" "$SM" $QD && chmod 2755 "$SM" && chmod 2770 $QD
chmod 1777 "$T/probe"
cp "$PKI/ca.pem" "$T/ca.pem" && chmod 644 "$T/ca.pem"
echo secret >"$T/secret"
chgrp "$G" "$T/secret" && chmod 640 "$T/secret"
: >"$T/probe/runs" && chmod 666 "$T/probe/runs"
# password_command: a /bin/sh script (a shell drops a group it holds only
# as effective id), recording its ids, environment, signals and limits
# for each user (whole: two runs at once never mix their lines).
cat >"$T/pw" <<EOF
#!/bin/sh
p=$T/probe/\$(id -u)
{ grep -E '^(Gid|SigIgn|SigBlk):' /proc/self/status; env; echo "core \$(ulimit -c)"; echo "fsize \$(ulimit -f)"; ls /proc/self/fd | tr '\n' ' '; echo; } >"\$p.\$\$"
mv -f "\$p.\$\$" "\$p"
echo run >>"$T/probe/runs"
echo "pw: a note" >&2
cat "$T/secret"
EOF
chmod 755 "$T/pw"
start_host

# sgconf [key=value...]: /etc/sendmail.conf (the copy); [relay] keys
# added after the defaults, $SGEXTRA after [queue] dir.
sgconf() {
	{
		echo "[relay]"
		echo "host = localhost"
		echo "port = ${SGPORT:-$SMARTHOST_PORT}"
		echo "tls_ca_file = $T/ca.pem"
		echo "user = alice"
		[ -n "${SGNOPW:-}" ] || echo "password_command = $T/pw"
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
# $SGWRAP, when set, is a command run first that runs the rest with its
# own settings (sh -c 'trap "" INT; exec "$@"' sh).
as() {
	_u=$1
	shift
	setpriv --reuid="$_u" --regid="$GN" --clear-groups env -i \
	    PATH=/usr/bin:/bin CALLER_SECRET=planted \
	    ${SGWRAP:-} "$SM" "$@" >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
msg() { printf 'Subject: %s\n\nbody\n' "$1"; }
sent() { [ "$(smarthost_msgs "$T/sh")" -eq "$1" ]; }
# gids FILE GID: the four Gid: fields of /proc/self/status are all GID.
gids() { grep -Eq "^Gid:[[:space:]]+$2[[:space:]]+$2[[:space:]]+$2[[:space:]]+$2\$" "$1"; }
queued_for() { [ -n "$(qfile_of "$1")" ]; }
qfile_of() { grep -l "^uid $1\$" "$T"/queue/q/* 2>/dev/null | head -n 1; }
# id_for UID: the queue id of that user's (first) message in q/.
id_for() { _f=$(qfile_of "$1"); [ -n "$_f" ] && basename "$_f"; }
