#!/bin/sh
# relaymail: make deb. ISC licence, see LICENSE.
# Stages the files with pkg/install.sh (root-only modes: the group and
# the set-group-ID bit are the postinst's, through dpkg-statoverride),
# adds what Debian wants (gzipped man pages, copyright, changelog, the
# maintainer scripts, conffiles, md5sums) and builds
# relaymail_VERSION_ARCH.deb with dpkg-deb. The cron job and the systemd
# units come from install.sh; the postinst enables the timer.
# usage: pkg/deb/build.sh BINARY [OUTDIR [WORKDIR]]  (from the top of
# the tree; OUTDIR . and WORKDIR build-deb by default)
set -eu
BIN=$1 OUT=${2:-.} B=${3:-build-deb}
VERSION=$(sed -n 's/^#define RELAYMAIL_VERSION[[:space:]]*"\(.*\)"/\1/p' \
    src/relaymail.h)
ARCH=$(dpkg --print-architecture)
R=$B/root
DEB=$OUT/relaymail_${VERSION}_${ARCH}.deb
rm -rf "$B"
mkdir -p "$R/DEBIAN" "$R/etc/cron.d"
R=$(cd "$R" && pwd)
DESTDIR=$R PREFIX=/usr SETGID= UNITDIR=/lib/systemd/system \
    sh pkg/install.sh install "$BIN" 2>/dev/null
# The queue and the log are made by the postinst, so that removal keeps
# them.
rm -rf "$R/var"
chmod 644 "$R/etc/sendmail.conf"
M=$R/usr/share/man
gzip -9n "$M/man8/sendmail.8" "$M/man5/sendmail.conf.5"
for l in mailq newaliases; do
	rm -f "$M/man8/$l.8"
	ln -s sendmail.8.gz "$M/man8/$l.8.gz"
done
D=$R/usr/share/doc/relaymail
cp pkg/deb/copyright "$D/copyright"
sed -e "s/@VERSION@/$VERSION/" -e "s/@DATE@/$(date -R -u -d @"${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")/" \
    pkg/deb/changelog | gzip -9n >"$D/changelog.gz"
# The group's log, as the postinst makes it (install.sh staged root-only).
sed -e 's|@LOGFILE@|/var/log/relaymail.log|' -e 's|@GROUP@|relaymail|' \
    -e 's|@MODE@|0660|' pkg/logrotate >"$R/etc/logrotate.d/relaymail"
install -m 755 pkg/deb/postinst pkg/deb/prerm pkg/deb/postrm "$R/DEBIAN/"
printf '/etc/cron.d/relaymail\n/etc/logrotate.d/relaymail\n/etc/sendmail.conf\n' \
    >"$R/DEBIAN/conffiles"
# Depends from the libraries the binary links (dpkg-shlibdeps wants a
# debian/control beside it).
mkdir -p "$B/debian"
printf 'Source: relaymail\n\nPackage: relaymail\nArchitecture: any\n' \
    >"$B/debian/control"
DEPENDS=$(cd "$B" && dpkg-shlibdeps -O -e root/usr/sbin/sendmail \
    2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$DEPENDS" ] || DEPENDS="libc6, libbearssl0, libinih1"
SIZE=$(du -k -s --exclude=DEBIAN "$R" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$SIZE/" \
    -e "s/@DEPENDS@/$DEPENDS/" pkg/deb/control.in >"$R/DEBIAN/control"
(cd "$R" && find . -path ./DEBIAN -prune -o -type f -print |
    sed 's|^\./||' | sort | xargs md5sum) >"$R/DEBIAN/md5sums"
dpkg-deb --root-owner-group -Zxz --build "$R" "$DEB" >/dev/null
echo "$DEB"
