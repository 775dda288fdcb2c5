# relaymail: make install and make uninstall. Into DESTDIR trees (modes,
# links, a foreign sendmail kept, a missing group refused before any file
# is copied), then for real inside a throwaway root (tests/integration/
# troot.sh): the group created, an ordinary user sending through the
# smart host, uninstall keeping the config and the queue. --help too.
. "$TOP/tests/integration/lib.sh"
. "$TOP/tests/integration/troot.sh"
t_setup
BIN=$TOP/$BUILD/sendmail
# inst|uninst DESTDIR [VAR=value...]: pkg/install.sh as `make install`
# and `make uninstall` run it.
pkg_install() {
	_a=$1 _d=$2
	shift 2
	(cd "$TOP" && env DESTDIR="$_d" "$@" sh pkg/install.sh "$_a" "$BIN") \
	    >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
}
inst() { pkg_install install "$@"; }
uninst() { pkg_install uninstall "$@"; }
# mode_is PATH "MODE USER:GROUP" (stat's %a, without the leading file type)
mode_is() { [ "$(stat -c '%a %U:%G' "$1")" = "$2" ]; }
link_is() { [ -L "$1" ] && [ "$(readlink "$1")" = "$2" ]; }
rc_not_0() { [ "$(cat "$T/rc")" -ne 0 ]; }

# --- --help, -h and an unknown option.
"$SENDMAIL" --help >"$T/help" 2>&1
check help_exit_0 [ $? -eq 0 ]
check help_usage grep -q '^usage: sendmail' "$T/help"
"$SENDMAIL" -h >"$T/help2" 2>&1
check h_exit_0 [ $? -eq 0 ]
check h_same_usage cmp -s "$T/help" "$T/help2"
"$SENDMAIL" -z >"$T/out" 2>"$T/err"
check unknown_option_64 [ $? -eq 64 ]
check unknown_option_hint stderr_has 'unknown option -z (sendmail --help lists the options)'

# --- DESTDIR, set-group-ID to a group this machine has.
G=$(for g in mail daemon nogroup; do getent group "$g" >/dev/null && { echo "$g"; break; }; done)
D=$T/dest
inst "$D" SETGID="$G"
check destdir_exit_0 rc_is 0
check destdir_binary_2755 mode_is "$D/usr/sbin/sendmail" "2755 root:$G"
for q in "" /q /tmp /failed /pool; do
	check "destdir_queue${q:-/}_2770" mode_is "$D/var/spool/relaymail$q" "2770 root:$G"
done
check destdir_conf_0640 mode_is "$D/etc/sendmail.conf" "640 root:$G"
check destdir_log_0660 mode_is "$D/var/log/relaymail.log" "660 root:$G"
check destdir_logrotate grep -q "^	create 0660 root $G\$" "$D/etc/logrotate.d/relaymail"
check destdir_conf_not_live grep -q '^;host = ' "$D/etc/sendmail.conf"
check destdir_mailq_link link_is "$D/usr/bin/mailq" ../sbin/sendmail
check destdir_newaliases_link link_is "$D/usr/bin/newaliases" ../sbin/sendmail
check destdir_usr_lib_sendmail link_is "$D/usr/lib/sendmail" ../sbin/sendmail
check destdir_man8 [ -f "$D/usr/share/man/man8/sendmail.8" ]
check destdir_man5 [ -f "$D/usr/share/man/man5/sendmail.conf.5" ]
check destdir_says_edit stderr_has 'set \[relay\] host'
# The queue's safety net: the systemd units and the cron job that stands
# aside where systemd runs.
check destdir_timer [ -f "$D/etc/systemd/system/relaymail-queue.timer" ]
check destdir_service grep -q '^ExecStart=/usr/sbin/sendmail -q$' "$D/etc/systemd/system/relaymail-queue.service"
check destdir_cron grep -q '^\*/5 .* root \[ -d /run/systemd/system \] || .*/usr/sbin/sendmail -q$' "$D/etc/cron.d/relaymail"
# The scheduled -q with nothing configured: quiet, exit 0.
"$D/usr/sbin/sendmail" -C "$D/etc/sendmail.conf" -q >"$T/out" 2>"$T/err"
check unconfigured_q_exit_0 [ $? -eq 0 ]
check unconfigured_q_silent silent
# Not configured: exit 78, the file named, nothing kept (no queue dir
# of its own: the run stops before the message is read).
printf 'Subject: x\n\nx\n' | "$D/usr/sbin/sendmail" -C "$D/etc/sendmail.conf" a@example.net >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check unconfigured_exit_78 rc_is 78
check unconfigured_says_so stderr_has "no smart host configured: edit $D/etc/sendmail.conf (\[relay\] host)"
# A second install keeps the edited config.
echo '; edited' >>"$D/etc/sendmail.conf"
inst "$D" SETGID="$G"
check reinstall_keeps_conf grep -q '^; edited' "$D/etc/sendmail.conf"
# uninstall: everything install put there but the config and the queue.
uninst "$D" SETGID="$G"
check uninstall_exit_0 rc_is 0
(cd "$D" && find . ! -type d | sort) >"$T/left"
check uninstall_leaves_conf_and_log [ "$(cat "$T/left" | tr '\n' ' ')" = "./etc/sendmail.conf ./var/log/relaymail.log " ]
check uninstall_keeps_queue [ -d "$D/var/spool/relaymail/q" ]
check uninstall_says_kept stderr_has "kept $D/etc/sendmail.conf"

# --- SETGID= : root-only on purpose.
D=$T/rootonly
inst "$D" SETGID=
check rootonly_binary_755 mode_is "$D/usr/sbin/sendmail" "755 root:root"
check rootonly_queue_700 mode_is "$D/var/spool/relaymail/q" "700 root:root"
check rootonly_conf_600 mode_is "$D/etc/sendmail.conf" "600 root:root"
check rootonly_log_600 mode_is "$D/var/log/relaymail.log" "600 root:root"

# --- A group that does not exist: refused before any file is copied.
D=$T/nogroup
inst "$D" SETGID=relaymail-no-such-group
check nogroup_fails rc_not_0
check nogroup_says_why stderr_has 'group relaymail-no-such-group does not exist'
check nogroup_nothing_installed [ -z "$(find "$D" ! -type d 2>/dev/null)" ]

# --- Another MTA's sendmail is kept, unless FORCE=1.
D=$T/foreign
mkdir -p "$D/usr/sbin"
printf '#!/bin/sh\necho "Postfix-like sendmail"\n' >"$D/usr/sbin/sendmail"
chmod 755 "$D/usr/sbin/sendmail"
cp "$D/usr/sbin/sendmail" "$T/foreign.orig"
inst "$D" SETGID="$G"
check foreign_refused rc_not_0
check foreign_says_why stderr_has 'is another MTA.s sendmail, not relaymail: kept'
check foreign_untouched cmp -s "$D/usr/sbin/sendmail" "$T/foreign.orig"
check foreign_nothing_else [ ! -e "$D/etc/sendmail.conf" -a ! -e "$D/usr/bin/mailq" ]
uninst "$D" SETGID="$G"
check foreign_kept_by_uninstall cmp -s "$D/usr/sbin/sendmail" "$T/foreign.orig"
inst "$D" SETGID="$G" FORCE=1
check force_replaces rc_is 0
check force_is_relaymail grep -a -q 'relaymail %s' "$D/usr/sbin/sendmail"

# --- For real, in a throwaway root: the group is created, an ordinary
# user sends, uninstall keeps the config and the queue.
troot_usable || exit 0
getent group relaymail >/dev/null && had_group=1 || had_group=0
start_host
cat >"$T/real.sh" <<EOF
cd "$TOP" || exit 1
getent group relaymail >/dev/null && { echo "group relaymail already exists"; exit 1; }
FORCE=1 sh pkg/install.sh install "$BIN" 2>"$T/real.install" || exit 1
getent group relaymail >"$T/real.group"
stat -c '%a %U:%G' /usr/sbin/sendmail /var/spool/relaymail/q /etc/sendmail.conf >"$T/real.modes"
ls -l /usr/bin/mailq /usr/bin/newaliases >"$T/real.links"
printf 'Subject: x\n\nx\n' | sendmail a@example.net >/dev/null 2>"$T/real.unconf"
echo \$? >"$T/real.unconf.rc"
find /var/spool/relaymail -type f | wc -l >"$T/real.unconf.kept"
cat >/etc/sendmail.conf <<CONF
[relay]
host = localhost
port = $SMARTHOST_PORT
tls_ca_file = $PKI/ca.pem
user = alice
password = secret
timeout = 5
CONF
useradd -M -N -g users rmtest-user || exit 1
printf 'Subject: from a user\n\nhello\n' |
    setpriv --reuid=rmtest-user --regid=users --init-groups sendmail bob@example.net >"$T/real.send.out" 2>"$T/real.send.err"
echo \$? >"$T/real.send.rc"
setpriv --reuid=rmtest-user --regid=users --init-groups mailq >"$T/real.mailq" 2>&1
echo \$? >"$T/real.mailq.rc"
userdel rmtest-user
sh pkg/install.sh uninstall "$BIN" 2>"$T/real.uninstall"
ls -d /usr/sbin/sendmail /usr/bin/mailq /usr/bin/newaliases /etc/sendmail.conf /var/spool/relaymail/q 2>/dev/null >"$T/real.after"
getent group relaymail >"$T/real.group.after"
exit 0
EOF
troot_run "$T/real.sh" >"$T/real.log" 2>&1
check real_ran [ $? -eq 0 ]
check real_group_created grep -q '^relaymail:' "$T/real.group"
check real_modes [ "$(tr '\n' ' ' <"$T/real.modes")" = "2755 root:relaymail 2770 root:relaymail 640 root:relaymail " ]
check real_links [ "$(grep -c -- '-> ../sbin/sendmail' "$T/real.links")" -eq 2 ]
check real_unconfigured_78 [ "$(cat "$T/real.unconf.rc")" -eq 78 ]
check real_unconfigured_says grep -q 'no smart host configured: edit /etc/sendmail.conf (\[relay\] host)' "$T/real.unconf"
check real_unconfigured_keeps_nothing [ "$(cat "$T/real.unconf.kept")" -eq 0 ]
check real_user_send_exit_0 [ "$(cat "$T/real.send.rc")" -eq 0 ]
check real_user_send_silent empty "$T/real.send.err"
check real_user_delivered [ "$(delivered)" -eq 1 ]
check real_user_mailq grep -q 'Mail queue is empty' "$T/real.mailq"
check real_uninstall_keeps [ "$(cat "$T/real.after")" = "/etc/sendmail.conf
/var/spool/relaymail/q" ]
check real_group_stays grep -q '^relaymail:' "$T/real.group.after"
check real_system_untouched sh -c "[ $had_group = 1 ] || ! getent group relaymail" 
