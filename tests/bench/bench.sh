#!/bin/sh
# relaymail: make bench. Measures relaymail and, where Debian's packages
# can be unpacked into a private prefix without touching the system's
# sendmail, its peers, against the project's test smart host on loopback.
# Prints medians; asserts nothing.
set -u
B=${1:-build}
TOP=$(pwd)
SENDMAIL=$TOP/$B/sendmail
SMARTHOST=$TOP/$B/smarthost
RUNS=${RUNS:-11}
. "$TOP/tests/smarthost/ctl.sh"
W=$(mktemp -d /tmp/relaymail-bench.XXXXXX)
trap 'smarthost_stop_all; rm -rf "$W"' EXIT
trap 'exit 1' INT TERM HUP
sh tests/pki/mkcerts.sh "$TOP/build/pki"
cc -O2 -o "$W/runtime" tests/bench/runtime.c || exit 1

# A realistic trust store: the system bundle (when present) plus the test CA.
cat /etc/ssl/certs/ca-certificates.crt "$TOP/build/pki/ca.pem" >"$W/bundle.pem" 2>/dev/null ||
    cp "$TOP/build/pki/ca.pem" "$W/bundle.pem"

# Peers, unpacked (never installed) into build/peers.
P=$TOP/build/peers
if [ ! -x "$P/root/usr/bin/msmtp" ] && command -v apt-get >/dev/null; then
	mkdir -p "$P" && (cd "$P" &&
	for p in msmtp libgsasl18 libsecret-1-0 libidn12 libntlm0 libgssglue1; do
		apt-get download "$p" >/dev/null 2>&1
	done
	for d in *.deb; do dpkg -x "$d" root; done) 2>/dev/null
fi
MSMTP=""
if [ -x "$P/root/usr/bin/msmtp" ] &&
    LD_LIBRARY_PATH=$P/root/usr/lib/x86_64-linux-gnu "$P/root/usr/bin/msmtp" --version >/dev/null 2>&1; then
	MSMTP=$P/root/usr/bin/msmtp
fi

mkdir -p "$W/sh"
smarthost_start "$W/sh" -c build/pki/server.pem -k build/pki/server.key -u alice:secret
cat >"$W/conf" <<CONF
[relay]
host = localhost
port = $SMARTHOST_PORT
tls_ca_file = $W/bundle.pem
user = alice
password = secret
[queue]
dir = $W/queue
CONF
cat >"$W/msmtprc" <<CONF
account default
host localhost
port $SMARTHOST_PORT
tls on
tls_starttls on
tls_trust_file $W/bundle.pem
auth plain
user alice
password secret
from a@example.org
CONF
chmod 600 "$W/msmtprc"

# A 2 KB and a 20 MiB message.
{ printf 'From: a@example.org\nTo: b@example.net\nSubject: bench\n\n'
  head -c 1500 /dev/zero | tr '\0' 'x' | fold -w 70; echo; } >"$W/small"
{ printf 'From: a@example.org\nTo: b@example.net\nSubject: big\n\n'
  head -c 15728640 /dev/urandom | base64 -w 76; } >"$W/big"

# measure LABEL FILE CMD...: median wall s, user+sys ms, max RSS KiB.
measure() {
	label=$1 in=$2
	shift 2
	i=0
	: >"$W/times"
	while [ $i -lt "$RUNS" ]; do
		"$W/runtime" "$@" <"$in" 2>>"$W/times" >/dev/null
		i=$((i + 1))
	done
	# runtime prints its line last on stderr; the command's own stderr
	# lines (if any) come before it.
	awk 'NF == 3 && $1 + 0 == $1' "$W/times" >"$W/t" && mv "$W/t" "$W/times"
	awk -v label="$label" '{ w[NR] = $1; c[NR] = $2; r[NR] = $3 }
	    function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
	        if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t } return a[int((n + 1) / 2)] }
	    END { printf "%-34s wall %8.2f ms   cpu %7.2f ms   rss %6.2f MiB\n", label,
	        med(w, NR), med(c, NR), med(r, NR) / 1024 }' "$W/times"
}

echo "relaymail benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), medians of $RUNS runs"
echo "(the test smart host on loopback, STARTTLS + AUTH PLAIN, trust store of $(grep -c 'BEGIN CERT' "$W/bundle.pem") certificates)"
echo
echo "1. one 2 KB message"
measure "relaymail" "$W/small" "$SENDMAIL" -C "$W/conf" -f a@example.org b@example.net
[ -n "$MSMTP" ] && LD_LIBRARY_PATH=$P/root/usr/lib/x86_64-linux-gnu \
    measure "msmtp $("$MSMTP" --version 2>/dev/null | head -n 1 | awk '{print $3}')" "$W/small" \
    "$MSMTP" -C "$W/msmtprc" b@example.net
echo
echo "2. one 20 MiB message"
RUNS=3 measure "relaymail" "$W/big" "$SENDMAIL" -C "$W/conf" -f a@example.org b@example.net
[ -n "$MSMTP" ] && RUNS=3 LD_LIBRARY_PATH=$P/root/usr/lib/x86_64-linux-gnu \
    measure "msmtp" "$W/big" "$MSMTP" -C "$W/msmtprc" b@example.net
echo
echo "3. flush of 200 queued messages"
sed "s/^port = .*/port = 1/" "$W/conf" >"$W/down.conf"
i=0
while [ $i -lt 200 ]; do
	"$SENDMAIL" -C "$W/down.conf" -f a@example.org b@example.net <"$W/small"
	i=$((i + 1))
done
before=$(ls -d "$W"/sh/conn-* | wc -l)
RUNS=1 measure "relaymail -q (200 messages)" /dev/null "$SENDMAIL" -C "$W/conf" -q
after=$(ls -d "$W"/sh/conn-* | wc -l)
echo "   connections opened: $((after - before)), left in queue: $(ls "$W/queue/q" | grep -vc '\.')"
echo
echo "4. footprint"
cp "$SENDMAIL" "$W/stripped" && strip "$W/stripped"
echo "   relaymail: $(wc -c <"$W/stripped") bytes stripped; libraries: $(ldd "$SENDMAIL" | awk '{print $1}' | grep -v vdso | tr '\n' ' ')"
[ -f sendmail-static ] && echo "   relaymail static (make static): $(wc -c <sendmail-static) bytes, $(file -b sendmail-static | cut -d, -f1-2)"
[ -n "$MSMTP" ] && echo "   msmtp: $(wc -c <"$MSMTP") bytes; $(ldd "$MSMTP" 2>/dev/null | grep -c '=>') shared libraries"
echo "   (dma, nullmailer and ssmtp are not measured: they need their own"
echo "    system paths (/etc/dma, /var/spool/nullmailer + a daemon, /etc/ssmtp) and"
echo "    would have to replace the system's sendmail to run.)"
