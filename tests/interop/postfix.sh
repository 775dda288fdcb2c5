# relaymail: a private Postfix on 127.0.0.1, for the interop test (POSIX
# sh, sourced). Nothing of /etc/postfix is used or changed; the instance
# listens only on loopback, accepts mail for any domain into one Maildir
# and has no SMTP client service, so nothing can leave the machine.
#   postfix_setup DIR   -> 0 ready, 2 cannot run (a "skip" line printed)
#   postfix_teardown DIR

postfix_install() {
	if command -v postfix >/dev/null 2>&1 &&
	    command -v saslpasswd2 >/dev/null 2>&1 &&
	    ls /usr/lib/*/sasl2/libsasldb.so* >/dev/null 2>&1; then
		return 0
	fi
	if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		echo "skip postfix: not installed (apt-get install postfix sasl2-bin libsasl2-modules)"
		return 2
	fi
	echo "postfix postfix/main_mailer_type select No configuration" |
	    debconf-set-selections 2>/dev/null
	export DEBIAN_FRONTEND=noninteractive
	pkgs="postfix sasl2-bin libsasl2-modules libsasl2-modules-db"
	apt-get install -y -qq $pkgs >/dev/null 2>&1 ||
	    { apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq $pkgs >/dev/null 2>&1; } || {
		echo "skip postfix: apt-get install $pkgs failed"
		return 2
	}
}

free_port() {
	while :; do
		p=$(( ($(od -An -N2 -tu2 /dev/urandom) % 20000) + 30000 ))
		ss -ltn 2>/dev/null | grep -q ":$p " || { echo $p; return; }
	done
}

postfix_setup() {
	D=$1
	postfix_install || return $?
	mkdir -p "$D/etc" "$D/spool" "$D/data" "$D/mail" "$D/etc/sasl"
	chown root "$D/spool"
	chown postfix "$D/data"
	chown -R 65534 "$D/mail"
	sh "$TOP/tests/pki/mkcerts.sh" "$TOP/build/pki" || return 1
	cp "$TOP"/build/pki/server.pem "$TOP"/build/pki/server.key \
	    "$TOP"/build/pki/server-ec.pem "$TOP"/build/pki/server-ec.key "$D/etc/"
	chmod 600 "$D"/etc/*.key
	PF_SUB=$(free_port)
	PF_TLS=$(free_port)
	PF_PASS=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
	echo "$PF_PASS" >"$D/password"
	echo "$PF_SUB $PF_TLS" >"$D/ports"
	echo '/./ OK' >"$D/etc/domains"
	echo '/./ all/' >"$D/etc/mailboxes"
	cat >"$D/etc/sasl/smtpd.conf" <<CONF
pwcheck_method: auxprop
auxprop_plugin: sasldb
mech_list: PLAIN LOGIN
sasldb_path: $D/etc/sasl/sasldb2
CONF
	echo "$PF_PASS" | saslpasswd2 -p -c -f "$D/etc/sasl/sasldb2" -u relaytest.invalid relaytest || return 1
	chgrp postfix "$D/etc/sasl/sasldb2"
	chmod 640 "$D/etc/sasl/sasldb2"
	cat >"$D/etc/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $D/spool
data_directory = $D/data
mail_owner = postfix
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = postfix.relaytest.invalid
mydestination =
mynetworks = 127.0.0.1/32
local_transport = error:local delivery disabled
default_transport = error:no outbound mail in tests
relay_transport = error:no outbound mail in tests
virtual_mailbox_domains = regexp:$D/etc/domains
virtual_mailbox_maps = regexp:$D/etc/mailboxes
virtual_mailbox_base = $D/mail
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
message_size_limit = 62914560
virtual_mailbox_limit = 0
smtpd_sasl_type = cyrus
cyrus_sasl_config_path = $D/etc/sasl
smtpd_sasl_path = smtpd
smtpd_sasl_local_domain = relaytest.invalid
smtpd_tls_auth_only = yes
smtpd_tls_received_header = yes
smtpd_relay_restrictions = permit_sasl_authenticated, reject
smtpd_recipient_restrictions = permit_sasl_authenticated, reject
maillog_file_prefixes = $D
maillog_file = $D/maillog
smtputf8_enable = yes
CONF
	cat >"$D/etc/master.cf" <<CONF
127.0.0.1:$PF_SUB inet n - n - - smtpd
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_chain_files=$D/etc/server.key,$D/etc/server.pem
127.0.0.1:$PF_TLS inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_chain_files=$D/etc/server-ec.key,$D/etc/server-ec.pem
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
virtual   unix - n n - - virtual
anvil     unix - - n - 1 anvil
tlsmgr    unix - - n 1000? 1 tlsmgr
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
CONF
	script -qc "postfix -c $D/etc check" /dev/null >"$D/check.log" 2>&1
	postfix -c "$D/etc" start >"$D/start.log" 2>&1 || {
		echo "FAIL postfix: setup: postfix did not start: $(tail -n 3 "$D/start.log" "$D/maillog" 2>/dev/null | tr '\n' ' ')"
		return 1
	}
	i=0
	while ! ss -ltn | grep -q "127.0.0.1:$PF_TLS " || ! ss -ltn | grep -q "127.0.0.1:$PF_SUB "; do
		i=$((i + 1))
		[ $i -gt 100 ] && { echo "FAIL postfix: setup: not listening"; return 1; }
		sleep 0.1
	done
	return 0
}

# The master leads its own process group (and session), which holds every
# process of this instance: stop asks it to end them, then the group is
# waited for (5 s), and killed by its PID if anything of it remains.
postfix_teardown() {
	D=$1
	_m=$(tr -d ' \n' <"$D/spool/pid/master.pid" 2>/dev/null)
	# Only a master of this instance (a stale file's PID may be reused).
	if [ -n "$_m" ] && ! tr '\0' '\n' <"/proc/$_m/environ" 2>/dev/null |
	    grep -qxF "MAIL_CONFIG=$D/etc"; then
		_m=
	fi
	[ -f "$D/etc/main.cf" ] && postfix -c "$D/etc" stop >/dev/null 2>&1
	# relaymail's own: a send's worker, the queue runner of $D/queue.
	_h=$(find /proc/[0-9]*/fd -lname "$D/*" 2>/dev/null | cut -d/ -f3 |
	    sort -u)
	[ -n "$_h" ] && kill -KILL $_h 2>/dev/null
	if [ -n "$_m" ]; then
		_i=0
		while postfix_group_alive "$_m" && [ $_i -lt 100 ]; do
			sleep 0.05
			_i=$((_i + 1))
		done
		postfix_group_alive "$_m" && kill -KILL "-$_m" 2>/dev/null
	fi
	rm -rf "$D"
}

postfix_group_alive() {
	ps -eo pgid=,stat= 2>/dev/null |
	    awk -v g="$1" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'
}
