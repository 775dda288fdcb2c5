# relaymail: make deb. The package's control fields and contents, lintian
# (installed with apt-get when missing), then install, send as an
# ordinary user, remove (queue kept) and purge (queue gone) inside a
# throwaway root (tests/integration/troot.sh), never on this system.
. "$TOP/tests/integration/lib.sh"
. "$TOP/tests/integration/troot.sh"
t_setup
command -v dpkg-deb >/dev/null 2>&1 || { echo "skip $TNAME: no dpkg-deb (not Debian)"; exit 0; }
(cd "$TOP" && make -s $([ "$BUILD" = build-san ] && echo SANITIZE=1) "$BUILD/sendmail-dynamic" >/dev/null && sh pkg/deb/build.sh "$TOP/$BUILD/sendmail-dynamic" "$T" "$T/deb-build") >"$T/build.out" 2>&1
check deb_built [ $? -eq 0 ]
DEB=$(ls "$T"/relaymail_*_*.deb 2>/dev/null | head -n 1)
VERSION=$(sed -n 's/^#define RELAYMAIL_VERSION[[:space:]]*"\(.*\)"/\1/p' "$TOP/src/relaymail.h")
check deb_name [ "$(basename "$DEB")" = "relaymail_${VERSION}_$(dpkg --print-architecture).deb" ]
field() { dpkg-deb -f "$DEB" "$1"; }
check deb_package [ "$(field Package)" = relaymail ]
check deb_version [ "$(field Version)" = "$VERSION" ]
for f in Provides Conflicts Replaces; do
	check "deb_$f" [ "$(field $f)" = mail-transport-agent ]
done
check deb_depends_bearssl sh -c "dpkg-deb -f '$DEB' Depends | grep -q libbearssl"
dpkg-deb -c "$DEB" | awk '{ $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print }' >"$T/contents"
for p in ./usr/sbin/sendmail "./usr/bin/mailq -> ../sbin/sendmail" \
    "./usr/bin/newaliases -> ../sbin/sendmail" \
    "./usr/lib/sendmail -> ../sbin/sendmail" \
    ./usr/share/man/man8/sendmail.8.gz ./usr/share/man/man5/sendmail.conf.5.gz \
    ./etc/sendmail.conf ./etc/cron.d/relaymail ./etc/logrotate.d/relaymail \
    ./lib/systemd/system/relaymail-queue.timer \
    ./lib/systemd/system/relaymail-queue.service \
    ./usr/share/doc/relaymail/copyright ./usr/share/doc/relaymail/changelog.gz; do
	check "deb_has_${p%% *}" grep -qxF "$p" "$T/contents"
done
check deb_no_queue_in_package lacks "$T/contents" '^./var/spool'
dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles >"$T/conffiles"
check deb_conffiles [ "$(sort "$T/conffiles" | tr '\n' ' ')" = "/etc/cron.d/relaymail /etc/logrotate.d/relaymail /etc/sendmail.conf " ]
dpkg-deb --fsys-tarfile "$DEB" | tar -xO ./etc/logrotate.d/relaymail >"$T/logrotate"
check deb_logrotate_group grep -q '^	create 0660 root relaymail$' "$T/logrotate"
dpkg-deb --fsys-tarfile "$DEB" | tar -xO ./etc/sendmail.conf >"$T/shipped.conf"
check deb_conf_not_live grep -q '^;host = ' "$T/shipped.conf"
dpkg-deb --fsys-tarfile "$DEB" | tar -xO ./etc/cron.d/relaymail >"$T/cron"
check deb_cron_runs_q grep -q 'root .*/usr/sbin/sendmail -q$' "$T/cron"
check deb_cron_stands_aside_for_systemd grep -q 'root \[ -d /run/systemd/system \] ||' "$T/cron"

# lintian: no errors (warnings are listed in the log).
if ! command -v lintian >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq lintian >/dev/null 2>&1
fi
if command -v lintian >/dev/null 2>&1; then
	lintian --fail-on error "$DEB" >"$T/lintian" 2>&1
	check lintian_no_errors [ $? -eq 0 ]
	check lintian_no_E_lines lacks "$T/lintian" '^E: '
	sed 's/^/    lintian: /' "$T/lintian" | grep -v 'root privileges'
else
	echo "skip $TNAME: lintian: cannot be installed here"
fi

# Install, send as a user, remove, purge: in a throwaway root.
troot_usable || exit 0
start_host
cat >"$T/pkg.sh" <<EOF
# Another MTA on this machine conflicts: in this root, force past it
# (and lets relaymail overwrite its /usr/sbin/sendmail).
force=
dpkg-query -W -f '\\\${Provides} \\\${Status}\n' 2>/dev/null | grep -q 'mail-transport-agent.* installed' && force='--force-conflicts --force-overwrite'
dpkg -i \$force "$DEB" >"$T/pkg.install" 2>&1 || exit 1
stat -c '%a %U:%G' /usr/sbin/sendmail /var/spool/relaymail /var/spool/relaymail/q /etc/sendmail.conf /var/log/relaymail.log >"$T/pkg.modes"
readlink /etc/systemd/system/timers.target.wants/relaymail-queue.timer >"$T/pkg.timer"
useradd -M -N -g users rmtest-deb || exit 1
as_user() { setpriv --reuid=rmtest-deb --regid=users --init-groups "\$@"; }
printf 'Subject: x\n\nx\n' | as_user sendmail a@example.net >/dev/null 2>"$T/pkg.unconf"
echo \$? >"$T/pkg.unconf.rc"
# The administrator's edit: the host line, and the test's keys under it.
sed -i -e 's|^;host = .*|host = localhost\\nport = $SMARTHOST_PORT\\ntls_ca_file = $PKI/ca.pem\\nuser = alice\\npassword = secret\\ntimeout = 5|' /etc/sendmail.conf
printf 'Subject: from the package\n\nhello\n' | as_user sendmail bob@example.net >"$T/pkg.send.out" 2>"$T/pkg.send.err"
echo \$? >"$T/pkg.send.rc"
# One message left waiting: the smart host's port closed.
sed -i -e 's|^port = .*|port = 1|' /etc/sendmail.conf
printf 'Subject: waits\n\nx\n' | as_user sendmail carol@example.net >/dev/null 2>&1
find /var/spool/relaymail/q -type f ! -name '*.*' | wc -l >"$T/pkg.queued"
userdel rmtest-deb
dpkg -r relaymail >"$T/pkg.remove" 2>&1 || exit 1
find /var/spool/relaymail/q -type f ! -name '*.*' | wc -l >"$T/pkg.kept"
[ -f /etc/sendmail.conf ]; echo \$? >"$T/pkg.conf.kept"
dpkg -P relaymail >"$T/pkg.purge" 2>&1 || exit 1
[ -e /var/spool/relaymail ]; echo \$? >"$T/pkg.purged.queue"
[ -e /var/log/relaymail.log ]; echo \$? >"$T/pkg.purged.log"
dpkg-statoverride --list /usr/sbin/sendmail >"$T/pkg.override"
exit 0
EOF
troot_run "$T/pkg.sh" >"$T/pkg.log" 2>&1
rc=$?
check pkg_scripts_ran [ $rc -eq 0 ]
if [ $rc -ne 0 ]; then
	for f in pkg.log pkg.install pkg.remove pkg.purge; do
		[ -s "$T/$f" ] && tail -n 5 "$T/$f" | sed "s/^/    $f: /"
	done
fi
check pkg_modes [ "$(tr '\n' ' ' <"$T/pkg.modes")" = "2755 root:relaymail 2770 root:relaymail 2770 root:relaymail 640 root:relaymail 660 root:relaymail " ]
check pkg_timer_enabled grep -q 'relaymail-queue.timer$' "$T/pkg.timer"
check pkg_unconfigured_78 [ "$(cat "$T/pkg.unconf.rc")" -eq 78 ]
check pkg_unconfigured_says grep -q 'no smart host configured: edit /etc/sendmail.conf' "$T/pkg.unconf"
check pkg_user_send_exit_0 [ "$(cat "$T/pkg.send.rc")" -eq 0 ]
check pkg_user_send_silent empty "$T/pkg.send.err"
check pkg_user_delivered [ "$(delivered)" -eq 1 ]
check pkg_one_waiting [ "$(cat "$T/pkg.queued")" -eq 1 ]
check pkg_remove_keeps_queue [ "$(cat "$T/pkg.kept")" -eq 1 ]
check pkg_remove_keeps_conf [ "$(cat "$T/pkg.conf.kept")" -eq 0 ]
check pkg_purge_removes_queue [ "$(cat "$T/pkg.purged.queue")" -ne 0 ]
check pkg_purge_removes_log [ "$(cat "$T/pkg.purged.log")" -ne 0 ]
check pkg_purge_drops_override empty "$T/pkg.override"
