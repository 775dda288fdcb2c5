# relaymail: a server whose certificate cannot be trusted gets nothing:
# the message stays queued, no plaintext fallback, and -v says why.
. "$TOP/tests/integration/lib.sh"
t_setup

# host_again ARGS: an empty queue and a fresh smart host.
host_again() {
	rm -rf "$T/queue"
	[ -n "${SMARTHOST_PID:-}" ] && smarthost_stop
	rm -rf "$T/sh"; mkdir -p "$T/sh"
	smarthost_start "$T/sh" "$@"
}

bad_cert() {	# NAME CERTBASE "expected words"
	name=$1 base=$2 words=$3
	host_again -c "$PKI/$base.pem" -k "$PKI/$base.key" -u alice:secret
	write_conf
	printf 'Subject: c\n\nbody\n' | send -v b@example.net
	check "${name}_exit_0" rc_is 0
	check "${name}_queued" [ "$(queued)" -eq 1 ]
	check "${name}_nothing_sent" [ "$(delivered)" -eq 0 ]
	check "${name}_no_auth" no_auth "$T/sh/conn-1"
	check "${name}_says_why" stderr_has "$words"
}

bad_cert wrong_name wrongname 'wrong.example'
bad_cert unknown_ca unknownca 'issuer'
bad_cert expired expired 'expired'
bad_cert not_yet_valid notyet 'not valid'
bad_cert weak_key weakkey 'too weak'
bad_cert client_only_eku clientonly 'key usage'

# tls_verify = no accepts the wrong name (the config says so).
write_conf tls_verify=no
printf 'Subject: c\n\nbody\n' | send b@example.net
check verify_no_sends [ "$(delivered)" -eq 1 ]

# The server only speaks TLS 1.1: refused, in words.
host_again -c "$PKI/server.pem" -k "$PKI/server.key" -u alice:secret -V 1.1
write_conf
printf 'Subject: c\n\nbody\n' | send -v b@example.net
check tls11_refused [ "$(delivered)" -eq 0 ]
check tls11_queued [ "$(queued)" -eq 1 ]
check tls11_says_version stderr_has 'TLS 1.2'

# Plaintext only when the config says tls = none (and then AUTH needs
# auth_allow_plaintext).
host_again -m plain
write_conf tls=none user=
printf 'Subject: c\n\nbody\n' | send b@example.net
check plain_when_asked [ "$(delivered)" -eq 1 ]
write_conf tls=starttls user=
printf 'Subject: c\n\nbody\n' | send b@example.net
check no_plain_fallback [ "$(delivered)" -eq 1 ]
check no_plain_fallback_queued [ "$(queued)" -eq 1 ]

says() { grep -qF -e "$1" "$T/err"; }

# A server that speaks only TLS 1.3 (openssl s_server): refused, in words.
rm -rf "$T/queue"
ossl_start -tls1_3 -cert "$PKI/server.pem" -key "$PKI/server.key"
write_conf tls=tls host=127.0.0.1 "port=$port" user=
printf 'Subject: c\n\nbody\n' | send -v b@example.net
ossl_stop
check tls13_only_queued [ "$(queued)" -eq 1 ]
check tls13_only_says_why stderr_has 'no TLS version we accept'

# A server that requires a client certificate, none configured.
rm -rf "$T/queue"
ossl_start -tls1_2 -Verify 1 -CAfile "$PKI/ca.pem" \
    -cert "$PKI/server.pem" -key "$PKI/server.key"
write_conf tls=tls host=127.0.0.1 "port=$port" user=
printf 'Subject: c\n\nbody\n' | send -v b@example.net
ossl_stop
check cert_wanted_queued [ "$(queued)" -eq 1 ]
check cert_wanted_says says "TLS: the server asks for a client certificate: set tls_cert_file and tls_key_file"

# Plain SMTP where a TLS handshake was expected (tls = tls on 587).
host_again -m plain
write_conf tls=tls user=
printf 'Subject: c\n\nbody\n' | send -v b@example.net
check plain_for_tls_queued [ "$(queued)" -eq 1 ]
check plain_for_tls_says says "TLS: the server speaks plain SMTP on this port: use tls = starttls (usually port 587)"

# A server that reads our hello and hangs up without an alert.
echo 'handshake cut' >"$T/script"
host_again -m tls -c "$PKI/server.pem" -k "$PKI/server.key" -s "$T/script"
write_conf tls=tls user=
printf 'Subject: c\n\nbody\n' | send -v b@example.net
check cut_queued [ "$(queued)" -eq 1 ]
check cut_says says "TLS: the server closed the connection on our TLS hello without an alert: it may not speak TLS on this port, or accept none of our TLS 1.2 suites"

# tls = starttls against implicit TLS: silence, then the hint (after the
# step timeout here, after a few seconds on port 465 itself).
host_again -m tls -c "$PKI/server.pem" -k "$PKI/server.key"
write_conf tls=starttls user= timeout=3
printf 'Subject: c\n\nbody\n' | send -v b@example.net
check silent_465_queued [ "$(queued)" -eq 1 ]
check silent_465_says says "no greeting: if this is port 465, use tls = tls"
if host_again -m tls -p 465 -c "$PKI/server.pem" \
    -k "$PKI/server.key" 2>/dev/null; then
	write_conf tls=starttls user= port=465 timeout=60 wait=60
	start=$(date +%s)
	printf 'Subject: c\n\nbody\n' | send -v b@example.net
	took=$(( $(date +%s) - start ))
	check port_465_hint_fast [ "$took" -le 10 ]
	check port_465_says says "no greeting: if this is port 465, use tls = tls"
else
	echo "skip t_certs: port 465 is busy or needs privileges"
fi
