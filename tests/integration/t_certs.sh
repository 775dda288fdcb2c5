# relaymail: a server whose certificate cannot be trusted gets nothing:
# the message stays queued, no plaintext fallback, and -v says why.
. "$TOP/tests/integration/lib.sh"
t_setup

bad_cert() {	# NAME CERTBASE "expected words"
	name=$1 base=$2 words=$3
	rm -rf "$T/queue"
	[ -n "${SMARTHOST_PID:-}" ] && smarthost_stop
	rm -rf "$T/sh"; mkdir -p "$T/sh"
	smarthost_start "$T/sh" -c "$PKI/$base.pem" -k "$PKI/$base.key" -u alice:secret
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
rm -rf "$T/queue"
smarthost_stop
rm -rf "$T/sh"; mkdir -p "$T/sh"
smarthost_start "$T/sh" -c "$PKI/server.pem" -k "$PKI/server.key" -u alice:secret -V 1.1
write_conf
printf 'Subject: c\n\nbody\n' | send -v b@example.net
check tls11_refused [ "$(delivered)" -eq 0 ]
check tls11_queued [ "$(queued)" -eq 1 ]
check tls11_says_version stderr_has 'TLS 1.2'

# Plaintext only when the config says tls = none (and then AUTH needs
# auth_allow_plaintext).
rm -rf "$T/queue"
smarthost_stop
rm -rf "$T/sh"; mkdir -p "$T/sh"
smarthost_start "$T/sh" -m plain
write_conf tls=none user=
printf 'Subject: c\n\nbody\n' | send b@example.net
check plain_when_asked [ "$(delivered)" -eq 1 ]
write_conf tls=starttls user=
printf 'Subject: c\n\nbody\n' | send b@example.net
check no_plain_fallback [ "$(delivered)" -eq 1 ]
check no_plain_fallback_queued [ "$(queued)" -eq 1 ]

# A server that speaks only TLS 1.3 (openssl s_server): refused, in words.
rm -rf "$T/queue"
port=$(( ($(od -An -N2 -tu2 /dev/urandom) % 20000) + 30000 ))
openssl s_server -quiet -tls1_3 -accept "127.0.0.1:$port" \
    -cert "$PKI/server.pem" -key "$PKI/server.key" >/dev/null 2>&1 &
osrv=$!
bg $osrv
i=0
while ! ss -ltn | grep -q "127.0.0.1:$port " && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1)); done
write_conf tls=tls host=127.0.0.1 "port=$port" user=
printf 'Subject: c\n\nbody\n' | send -v b@example.net
bg_stop $osrv
check tls13_only_queued [ "$(queued)" -eq 1 ]
check tls13_only_says_why stderr_has 'no TLS version we accept'
