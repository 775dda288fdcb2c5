# relaymail: retry the mail queue every five minutes, once a smart host
# is configured in /etc/sendmail.conf.
*/5 * * * * root [ -x /usr/sbin/sendmail ] && grep -qs '^[[:space:]]*host[[:space:]]*=' /etc/sendmail.conf && /usr/sbin/sendmail -q
