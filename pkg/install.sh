#!/bin/sh
# relaymail: make install and make uninstall. ISC licence, see LICENSE.
# install: refuses to replace a sendmail that is not relaymail (FORCE=1
# does), makes sure the SETGID group exists before anything is copied,
# then installs the binary 2755 root:GROUP, the queue 2770, a config
# 0640 that is not live until its host line is set, and the log file
# /var/log/relaymail.log 0660 root:GROUP with its logrotate entry.
# uninstall removes what install put there, never the config, the queue,
# the log or the group.
# usage: install.sh install|uninstall BINARY  (paths from the environment)
set -u
: "${DESTDIR=}" "${PREFIX:=/usr}" "${SETGID=relaymail}" "${FORCE:=0}"
: "${SBINDIR:=$PREFIX/sbin}" "${BINDIR:=$PREFIX/bin}"
: "${MANDIR:=$PREFIX/share/man}" "${DOCDIR:=$PREFIX/share/doc/relaymail}"
: "${SYSCONFDIR:=/etc}" "${QUEUEDIR:=/var/spool/relaymail}"
: "${UNITDIR:=$SYSCONFDIR/systemd/system}"
: "${LOGFILE:=/var/log/relaymail.log}"
ACTION=${1:-} BIN=${2:-sendmail}
D=$DESTDIR
CONF=$D$SYSCONFDIR/sendmail.conf
TARGET=$D$SBINDIR/sendmail

say() { echo "relaymail: $*" >&2; }
die() { say "$*"; exit 1; }

# Is FILE relaymail? Its version line is in the binary ("relaymail %s").
is_relaymail() { LC_ALL=C grep -a -q 'relaymail %s' "$1" 2>/dev/null; }

# The link from BINDIR (or /usr/lib) to the binary: relative when the
# two directories are siblings, as /usr/bin and /usr/sbin are.
link_to() {
	if [ "$(dirname "$1")" = "$(dirname "$SBINDIR")" ]; then
		echo "../$(basename "$SBINDIR")/sendmail"
	else
		echo "$SBINDIR/sendmail"
	fi
}

check_target() {
	if [ -e "$TARGET" ] && ! is_relaymail "$TARGET"; then
		[ "$FORCE" = 1 ] && { say "replacing $TARGET (FORCE=1)"; return; }
		die "$TARGET is another MTA's sendmail, not relaymail: kept." \
		    "Remove that MTA first, or run make install FORCE=1 to" \
		    "replace it."
	fi
}

# Before anything is copied: the group exists (created when installing
# onto this system), and chgrp to it works here.
check_group() {
	[ -n "$SETGID" ] || return 0
	if ! getent group "$SETGID" >/dev/null; then
		[ -z "$D" ] || die "group $SETGID does not exist on this" \
		    "machine; create it (groupadd --system $SETGID), or" \
		    "install with SETGID= (root-only) or SETGID=GROUP"
		groupadd --system "$SETGID" ||
		    die "cannot create group $SETGID; nothing installed"
		say "created the system group $SETGID"
	fi
	_p=$(mktemp) || die "mktemp failed; nothing installed"
	if ! chgrp "$SETGID" "$_p" 2>/dev/null; then
		rm -f "$_p"
		die "cannot give files to group $SETGID (not root?);" \
		    "nothing installed"
	fi
	rm -f "$_p"
}

# own MODE PATH...: root-only modes without SETGID.
own() {
	_m=$1
	shift
	if [ -n "$SETGID" ]; then
		chgrp "$SETGID" "$@" && chmod "$_m" "$@"
	else
		case $_m in 2755) _m=755 ;; 2770) _m=700 ;; 640|660) _m=600 ;; esac
		chmod "$_m" "$@"
	fi
}

install_files() {
	install -d "$D$SBINDIR" "$D$BINDIR" "$D$MANDIR/man8" \
	    "$D$MANDIR/man5" "$D$SYSCONFDIR" "$D$DOCDIR" || exit 1
	install -m 755 -s "$BIN" "$TARGET.new" && own 2755 "$TARGET.new" &&
	    mv -f "$TARGET.new" "$TARGET" || die "cannot install $TARGET"
	for l in mailq newaliases; do
		ln -sf "$(link_to "$BINDIR")" "$D$BINDIR/$l" || exit 1
	done
	if [ "$PREFIX" = /usr ]; then
		install -d "$D/usr/lib" &&
		    ln -sf "$(link_to /usr/lib)" "$D/usr/lib/sendmail" || exit 1
	fi
	install -m 644 src/sendmail.8 "$D$MANDIR/man8/sendmail.8" &&
	install -m 644 src/sendmail.conf.5 "$D$MANDIR/man5/sendmail.conf.5" &&
	ln -sf sendmail.8 "$D$MANDIR/man8/mailq.8" &&
	ln -sf sendmail.8 "$D$MANDIR/man8/newaliases.8" &&
	install -m 644 sendmail.conf.example "$D$DOCDIR/" || exit 1
	install -d "$D$SYSCONFDIR/logrotate.d" &&
	    logrotate_entry >"$D$SYSCONFDIR/logrotate.d/relaymail" &&
	    chmod 644 "$D$SYSCONFDIR/logrotate.d/relaymail" || exit 1
	install_schedule
}

# The logrotate entry: new files made as relaymail wants them.
logrotate_entry() {
	_m=0600
	[ -n "$SETGID" ] && _m=0660
	sed -e "s|@LOGFILE@|$LOGFILE|" -e "s|@GROUP@|${SETGID:-root}|" \
	    -e "s|@MODE@|$_m|" pkg/logrotate
}

# The queue runs itself, and `sendmail -q` is its safety net: the systemd
# timer, enabled at once when systemd runs here, and a cron job that
# does nothing where systemd runs (so one of the two runs it).
install_schedule() {
	install -d "$D$UNITDIR" &&
	    install -m 644 src/relaymail-queue.service \
	    src/relaymail-queue.timer "$D$UNITDIR/" || exit 1
	if [ -n "$D" ] || [ -d "$SYSCONFDIR/cron.d" ]; then
		install -d "$D$SYSCONFDIR/cron.d" &&
		    install -m 644 pkg/deb/cron.d \
		    "$D$SYSCONFDIR/cron.d/relaymail" || exit 1
	fi
	if [ -z "$D" ] && [ -d /run/systemd/system ] &&
	    command -v systemctl >/dev/null 2>&1; then
		systemctl daemon-reload &&
		    systemctl enable --now relaymail-queue.timer >/dev/null 2>&1 &&
		    say "enabled relaymail-queue.timer (sendmail -q every five minutes)"
	fi
	return 0
}

uninstall_schedule() {
	if [ -z "$D" ] && [ -d /run/systemd/system ] &&
	    command -v systemctl >/dev/null 2>&1; then
		systemctl disable --now relaymail-queue.timer >/dev/null 2>&1
	fi
	rm -f "$D$UNITDIR/relaymail-queue.service" \
	    "$D$UNITDIR/relaymail-queue.timer" \
	    "$D$SYSCONFDIR/cron.d/relaymail"
	[ -z "$D" ] && [ -d /run/systemd/system ] &&
	    command -v systemctl >/dev/null 2>&1 && systemctl daemon-reload
	return 0
}

# The queue and the config: made when missing, never overwritten.
install_data() {
	for q in "" /q /tmp /failed /pool; do
		install -d "$D$QUEUEDIR$q" && own 2770 "$D$QUEUEDIR$q" || exit 1
	done
	# [log] file: set-group-ID, relaymail writes only a file made so.
	if [ ! -e "$D$LOGFILE" ]; then
		install -d "$(dirname "$D$LOGFILE")" &&
		    install -m 600 /dev/null "$D$LOGFILE" &&
		    own 660 "$D$LOGFILE" || exit 1
	fi
	if [ -e "$CONF" ]; then
		say "kept $CONF as it is"
		return
	fi
	install -m 600 sendmail.conf.example "$CONF" && own 640 "$CONF" ||
	    exit 1
	say "installed $CONF: set [relay] host in it before sending"
}

uninstall_files() {
	if [ -e "$TARGET" ] && ! is_relaymail "$TARGET"; then
		say "$TARGET is not relaymail: kept"
	else
		rm -f "$TARGET"
	fi
	for l in "$D$BINDIR/mailq" "$D$BINDIR/newaliases" \
	    "$D/usr/lib/sendmail"; do
		[ -L "$l" ] && [ "$(readlink "$l")" = "$(link_to "$(dirname \
		    "${l#"$D"}")")" ] && rm -f "$l"
	done
	rm -f "$D$MANDIR/man8/sendmail.8" "$D$MANDIR/man5/sendmail.conf.5" \
	    "$D$MANDIR/man8/mailq.8" "$D$MANDIR/man8/newaliases.8" \
	    "$D$DOCDIR/sendmail.conf.example" \
	    "$D$SYSCONFDIR/logrotate.d/relaymail"
	uninstall_schedule
	rmdir "$D$DOCDIR" 2>/dev/null
	say "kept $CONF, the queue $D$QUEUEDIR, the log $D$LOGFILE${SETGID:+ and the group $SETGID}"
}

case $ACTION in
install)
	[ -f "$BIN" ] || die "$BIN: not built"
	check_target
	check_group
	install_files
	install_data
	;;
uninstall)
	uninstall_files
	;;
*)
	die "usage: install.sh install|uninstall BINARY"
	;;
esac
exit 0
