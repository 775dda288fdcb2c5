# relaymail: the safety net behind the background queue runner: every
# five minutes, `sendmail -q` (quiet, and nothing to do, until a smart
# host is configured). Where systemd runs, relaymail-queue.timer does it
# and this line does nothing.
*/5 * * * * root [ -d /run/systemd/system ] || [ ! -x /usr/sbin/sendmail ] || /usr/sbin/sendmail -q
