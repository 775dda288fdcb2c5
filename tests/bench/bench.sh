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
# dma, ssmtp and nullmailer each in its own tree: all three ship a
# /usr/sbin/sendmail.
for p in dma ssmtp nullmailer; do
	[ -d "$P/$p/usr" ] || ! command -v apt-get >/dev/null ||
	    (mkdir -p "$P/dl-$p" && cd "$P/dl-$p" && apt-get download "$p" &&
	    dpkg -x ./*.deb "$P/$p") >/dev/null 2>&1
done
MSMTP="" SSMTP="" DMA="" NULLMAILER=""
[ -x "$P/ssmtp/usr/sbin/ssmtp" ] && SSMTP=$P/ssmtp/usr/sbin/ssmtp
if command -v unshare >/dev/null && [ "$(id -u)" = 0 ]; then
	[ -x "$P/dma/usr/sbin/dma" ] && DMA=/usr/sbin/dma
	[ -x "$P/nullmailer/usr/sbin/nullmailer-queue" ] && NULLMAILER=1
fi
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
chmod 600 "$W/conf"	# it holds a password: no warning on every run
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
cat >"$W/ssmtp.conf" <<CONF
mailhub=localhost:$SMARTHOST_PORT
UseSTARTTLS=YES
AuthUser=alice
AuthPass=secret
AuthMethod=PLAIN
FromLineOverride=YES
hostname=example.org
CONF
# dma: its own /etc/dma and spool, in a private namespace (see inns).
mkdir -p "$W/dma/etc/dma" "$W/dma/var/spool/dma" "$W/dma/usr"
chmod 1777 "$W/dma/var/spool/dma"	# dma leaves root for its own user
cat >"$W/dma/etc/dma/dma.conf" <<CONF
SMARTHOST localhost
PORT $SMARTHOST_PORT
AUTHPATH /etc/dma/auth.conf
SECURETRANSFER
STARTTLS
SPOOLDIR /var/spool/dma
MAILNAME example.org
CONF
echo "alice|localhost:secret" >"$W/dma/etc/dma/auth.conf"
# nullmailer: /etc/nullmailer and its spool, sent by a one-shot
# nullmailer-send after each queueing (both processes are counted).
mkdir -p "$W/nm/etc/nullmailer" "$W/nm/usr" \
    "$W/nm/var/spool/nullmailer/queue" "$W/nm/var/spool/nullmailer/tmp" \
    "$W/nm/var/spool/nullmailer/failed"
echo "localhost smtp --port=$SMARTHOST_PORT --starttls --user=alice --pass=secret --x509cafile=$W/bundle.pem" \
    >"$W/nm/etc/nullmailer/remotes"
echo example.org >"$W/nm/etc/nullmailer/me"
echo example.org >"$W/nm/etc/mailname"
echo 0 >"$W/nm/etc/nullmailer/pausetime"
echo 1 >"$W/nm/etc/nullmailer/sendtimeout"
mkfifo "$W/nm/var/spool/nullmailer/trigger"
chmod -R 1777 "$W/nm/var/spool/nullmailer"
printf '#!/bin/sh\n/usr/sbin/sendmail -f a@example.org b@example.net && exec /usr/sbin/nullmailer-send\n' \
    >"$W/nm/send.sh"

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
	sent=$(smarthost_msgs "$W/sh")
	while [ $i -lt "$RUNS" ]; do
		if [ -n "${INNS:-}" ]; then
			inns "$INNS" "$W/runtime" "$@" <"$in" 2>>"$W/times" >/dev/null
		else
			"$W/runtime" "$@" <"$in" 2>>"$W/times" >/dev/null
		fi
		i=$((i + 1))
	done
	# runtime prints its line last on stderr; the command's own stderr
	# lines (if any) come before it.
	awk 'NF == 3 && $1 + 0 == $1' "$W/times" >"$W/t" && mv "$W/t" "$W/times"
	sent=$(( $(smarthost_msgs "$W/sh") - sent ))
	[ -s "$W/times" ] || { printf '%-34s did not run\n' "$label"; return; }
	# A peer that did not deliver is not measured: it did less work.
	if [ "$in" != /dev/null ] && [ "$sent" -lt "$RUNS" ]; then
		printf '%-34s delivered %d of %d: not counted\n' "$label" "$sent" "$RUNS"
		return
	fi
	awk -v label="$label" -v res="$W/res" '{ w[NR] = $1; c[NR] = $2; r[NR] = $3 }
	    function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
	        if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t } return a[int((n + 1) / 2)] }
	    END { printf "%-34s wall %8.2f ms   cpu %7.2f ms   rss %6.2f MiB\n", label,
	        med(w, NR), med(c, NR), med(r, NR) / 1024
	        printf "%s\t%f\t%f\t%f\n", label, med(w, NR), med(c, NR), med(r, NR) >>res }' "$W/times"
}

# ratios: relaymail's medians over each peer's, from the last section.
ratios() {
	awk -F '\t' 'NR == 1 { w = $2; c = $3; r = $4; next }
	    { printf "   relaymail / %-20s cpu %5.2f   wall %5.2f   rss %5.2f\n", $1,
	        c / $3, w / $2, r / $4 }' "$W/res"
	: >"$W/res"
}

# instr LABEL FILE CMD...: user-space instructions of one run (valgrind's
# callgrind, children and forks included: --dump-before='*fork' starts a
# forked child from zero), a figure that does not depend on how busy the
# machine is; appended to $W/ires.
instr() {
	label=$1 in=$2
	shift 2
	command -v valgrind >/dev/null || return 0
	# dma drops root: it must reach $W/cg to write its counts
	chmod 711 "$W"
	rm -rf "$W/cg" && mkdir -p "$W/cg" && chmod 1777 "$W/cg"
	sent=$(smarthost_msgs "$W/sh")
	set -- valgrind --tool=callgrind --trace-children=yes \
	    --dump-before='*fork' --callgrind-out-file="$W/cg/out.%p" "$@"
	if [ -n "${INNS:-}" ]; then
		inns "$INNS" "$@" <"$in" >/dev/null 2>&1
	else
		"$@" <"$in" >/dev/null 2>&1
	fi
	i=0	# a detached worker writes its counts when it ends
	while pgrep -f "callgrind-out-file=$W/cg/" >/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	n=$(cat "$W"/cg/out.* 2>/dev/null | sed -n 's/^summary: //p' |
	    awk '{ n += $1 } END { print n + 0 }')
	if [ "$(smarthost_msgs "$W/sh")" -le "$sent" ]; then
		printf '%-34s did not deliver under valgrind: not counted\n' "$label"
		return 0
	fi
	printf '%-34s %12d instructions\n' "$label" "$n"
	printf '%s\t%s\n' "$label" "$n" >>"$W/ires"
}

# inns ROOT CMD...: CMD in a private mount namespace where ROOT/etc and
# ROOT/var lie over the system's and the unpacked peers' /usr over /usr,
# for the peers whose paths are compiled in (dma, nullmailer).
inns() {
	_r=$1
	shift
	mkdir -p "$_r/etc" "$_r/var" "$_r/usr" "$_r/w1" "$_r/w2" "$_r/w3"
	unshare -m --propagation private sh -c '
	    r=$1 p=$2; shift 2
	    mount -t overlay overlay -o "lowerdir=/etc,upperdir=$r/etc,workdir=$r/w1" /etc &&
	    mount -t overlay overlay -o "lowerdir=/var,upperdir=$r/var,workdir=$r/w2" /var &&
	    mount -t overlay overlay -o "lowerdir=$p/usr:/usr,upperdir=$r/usr,workdir=$r/w3" /usr ||
	    exit 97
	    exec "$@"' inns "$_r" "$INNS_PEER" "$@"
}

# burst_once CAP CMD...: BURST copies of CMD at once (each reading the
# 2 KB message), under runtime (CPU of the whole tree, detached workers
# and the queue runner included), against a fresh smart host capped at
# CAP sessions at once (0: no cap). One line into $W/bruns: delivered,
# connections accepted, refusals over the cap, seconds until the last
# message was accepted, CPU ms, stopped by BURST_TIMEOUT. POST, when
# set, runs once afterwards (nullmailer-send).
burst_once() {
	cap=$1
	shift
	smarthost_stop
	rm -rf "$W/sh"
	mkdir -p "$W/sh"
	if [ "$cap" -gt 0 ]; then
		smarthost_start "$W/sh" -p "$PORT" -L "$cap" -c build/pki/server.pem \
		    -k build/pki/server.key -u alice:secret
	else
		smarthost_start "$W/sh" -p "$PORT" -c build/pki/server.pem \
		    -k build/pki/server.key -u alice:secret
	fi
	rm -rf "$W/queue"
	printf '#!/bin/sh\ni=0\nwhile [ $i -lt %d ]; do "$@" <%s >/dev/null 2>&1 & i=$((i + 1)); done\nwait\n%s\n' \
	    "$BURST" "$W/small" "${POST:-}" >"$W/burst.sh"
	t0=$(date +%s%N)
	if [ -n "${INNS:-}" ]; then
		INNS_PEER=$INNS_PEER timeout "$BURST_TIMEOUT" \
		    sh -c '. "$1"; shift; inns "$@"' burst "$W/inns.sh" \
		    "$INNS" "$W/runtime" sh "$W/burst.sh" "$@" 2>"$W/btime" >/dev/null
	else
		timeout "$BURST_TIMEOUT" "$W/runtime" sh "$W/burst.sh" "$@" 2>"$W/btime" >/dev/null
	fi
	rc=$?
	last=$(find "$W"/sh/conn-*/msg-* -name result -printf '%T@\n' 2>/dev/null |
	    sort -n | tail -n 1)
	awk -v n="$(smarthost_msgs "$W/sh")" -v rc="$rc" \
	    -v c="$(ls -d "$W"/sh/conn-* 2>/dev/null | wc -l)" \
	    -v r="$(cat "$W/sh/refused" 2>/dev/null | wc -l)" \
	    -v t0="$t0" -v last="${last:-0}" \
	    -v cpu="$(awk 'NF == 3 { print $2 }' "$W/btime" | tail -n 1)" \
	    'BEGIN { secs = last > 0 ? last - t0 / 1e9 : 0
	        printf "%d %d %d %.3f %.1f %d\n", n, c - r, r, secs, cpu + 0,
	            (rc == 124) }' >>"$W/bruns"
}

# burst LABEL CAP CMD...: BURST_RUNS runs of burst_once, the median of
# each figure printed. A peer still retrying when the time is up (dma -D
# sleeps between tries) is said to be, its CPU not counted (runtime was
# killed).
burst() {
	label=$1 cap=$2
	shift 2
	: >"$W/bruns"
	i=0
	while [ $i -lt "$BURST_RUNS" ]; do
		burst_once "$cap" "$@"
		i=$((i + 1))
	done
	awk -v l="$label" -v b="$BURST" -v t="$BURST_TIMEOUT" '
	    { for (k = 1; k <= 6; k++) v[k, NR] = $k; n = NR }
	    function med(k,   i, j, a, x) { for (i = 1; i <= n; i++) a[i] = v[k, i]
	        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
	            if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
	        return a[int((n + 1) / 2)] }
	    END { if (med(6)) l = l " (stopped at " t "s)"
	        printf "%-30s %3d/%d delivered  %4d connections  %4d refused  last accepted %6.2f s  cpu %8.1f ms\n",
	            l, med(1), b, med(2), med(3), med(4), med(5) }' "$W/bruns"
}


# SECTIONS="1 5": only those (make bench SECTIONS=...); all by default.
want() { [ -z "${SECTIONS:-}" ] || case " $SECTIONS " in *" $1 "*) true ;; *) false ;; esac; }

echo "relaymail benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), medians of $RUNS runs"
echo "(the test smart host on loopback, STARTTLS + AUTH PLAIN; CPU and RSS of the whole process tree)"
echo
# small TRUST: the 2 KB send by each, trusting only the file TRUST
# (ssmtp and dma check nothing, so they do not change).
small_conf() {
	sed "s|^tls_ca_file = .*|tls_ca_file = $1|" "$W/conf" >"$W/conf.t"
	chmod 600 "$W/conf.t"
	sed "s|^tls_trust_file .*|tls_trust_file $1|" "$W/msmtprc" >"$W/msmtprc.t"
	chmod 600 "$W/msmtprc.t"
	sed -i "s|--x509cafile=[^ ]*|--x509cafile=$1|" "$W/nm/etc/nullmailer/remotes"
}
small() {
	small_conf "$1"
	measure "relaymail" "$W/small" "$SENDMAIL" -C "$W/conf.t" -f a@example.org b@example.net
	[ -n "$MSMTP" ] && LD_LIBRARY_PATH=$P/root/usr/lib/x86_64-linux-gnu \
	    measure "msmtp $("$MSMTP" --version 2>/dev/null | head -n 1 | awk '{print $3}')" \
	    "$W/small" "$MSMTP" -C "$W/msmtprc.t" b@example.net
	[ -n "$SSMTP" ] && measure "ssmtp (CPU only: sleeps 1 s)" "$W/small" \
	    "$SSMTP" -C "$W/ssmtp.conf" -f a@example.org b@example.net
	INNS=$W/dma INNS_PEER=$P/dma
	[ -n "$DMA" ] && measure "dma -D (verifies nothing)" "$W/small" \
	    "$DMA" -D -f a@example.org b@example.net
	INNS=$W/nm INNS_PEER=$P/nullmailer
	[ -n "$NULLMAILER" ] && measure "nullmailer (queue + send)" "$W/small" \
	    sh "$W/nm/send.sh"
	INNS=
	ratios
}
if want 1; then
echo "1. one 2 KB message, trusting the test CA alone"
small "$TOP/build/pki/ca.pem"
echo
echo "1b. the same with the system bundle ($(grep -c 'BEGIN CERT' "$W/bundle.pem") certificates)"
small "$W/bundle.pem"
echo
fi
if want 2; then
echo "2. one 20 MiB message"
RUNS=3 measure "relaymail" "$W/big" "$SENDMAIL" -C "$W/conf" -f a@example.org b@example.net
[ -n "$MSMTP" ] && RUNS=3 LD_LIBRARY_PATH=$P/root/usr/lib/x86_64-linux-gnu \
    measure "msmtp" "$W/big" "$MSMTP" -C "$W/msmtprc" b@example.net
echo
fi
if want 3; then
echo "3. flush of 200 queued messages"
sed "s/^port = .*/port = 1/" "$W/conf" >"$W/down.conf"
chmod 600 "$W/down.conf"	# it holds a password
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
fi
if want 4; then
echo "4. user-space instructions of one 2 KB send (callgrind), the system bundle"
: >"$W/ires"
small_conf "$W/bundle.pem"
instr "relaymail" "$W/small" "$SENDMAIL" -C "$W/conf.t" -f a@example.org b@example.net
[ -n "$MSMTP" ] && LD_LIBRARY_PATH=$P/root/usr/lib/x86_64-linux-gnu \
    instr "msmtp" "$W/small" "$MSMTP" -C "$W/msmtprc.t" b@example.net
# valgrind runs no set-ID program: ssmtp, dma and nullmailer-queue run
# as copies without the bit (in the overlay's upper /usr for the last two,
# removed afterwards); nullmailer gets time for valgrind's pace.
if [ -n "$SSMTP" ]; then
	cp "$SSMTP" "$W/ssmtp-copy"
	instr "ssmtp" "$W/small" \
	    "$W/ssmtp-copy" -C "$W/ssmtp.conf" -f a@example.org b@example.net
fi
INNS=$W/dma INNS_PEER=$P/dma
if [ -n "$DMA" ]; then
	mkdir -p "$W/dma/usr/sbin" && cp "$P/dma/usr/sbin/dma" "$W/dma/usr/sbin/dma"
	instr "dma -D" "$W/small" "$DMA" -D -f a@example.org b@example.net
	rm -f "$W/dma/usr/sbin/dma"
fi
INNS=$W/nm INNS_PEER=$P/nullmailer
if [ -n "$NULLMAILER" ]; then
	mkdir -p "$W/nm/usr/sbin" &&
	    cp "$P/nullmailer/usr/sbin/nullmailer-queue" "$W/nm/usr/sbin/"
	echo 120 >"$W/nm/etc/nullmailer/sendtimeout"
	instr "nullmailer (queue + send)" "$W/small" sh "$W/nm/send.sh"
	echo 1 >"$W/nm/etc/nullmailer/sendtimeout"
	rm -f "$W/nm/usr/sbin/nullmailer-queue"
fi
INNS=
awk -F '\t' 'NR == 1 { n = $2; next } $2 > 0 { printf "   relaymail / %-20s instructions %5.2f\n", $1, n / $2 }' "$W/ires"
echo

fi
if want 5; then
BURST=${BURST:-300}
BURST_TIMEOUT=${BURST_TIMEOUT:-60}
BURST_RUNS=${BURST_RUNS:-3}
PORT=$SMARTHOST_PORT
declare_inns() {
	# inns, for the burst's sh -c (a function does not cross exec).
	sed -n '/^inns() {/,/^}/p' "$TOP/tests/bench/bench.sh" >"$W/inns.sh"
}
declare_inns
small_conf "$TOP/build/pki/ca.pem"
for cap in 0 3; do
	if [ "$cap" -eq 0 ]; then
		echo "5. $BURST callers at once, no cap on the smart host (medians of $BURST_RUNS runs)"
	else
		echo "5b. $BURST callers at once, the smart host capped at $cap sessions (421 above it; medians of $BURST_RUNS runs)"
	fi
	sed "s|^password = .*|&\nmax_connections = 3\nwait = 30|" "$W/conf.t" >"$W/conf.b"
	chmod 600 "$W/conf.b"
	burst "relaymail" $cap "$SENDMAIL" -C "$W/conf.b" -f a@example.org b@example.net
	[ -n "$MSMTP" ] && LD_LIBRARY_PATH=$P/root/usr/lib/x86_64-linux-gnu \
	    burst "msmtp" $cap "$MSMTP" -C "$W/msmtprc.t" b@example.net
	[ -n "$SSMTP" ] && burst "ssmtp" $cap \
	    "$SSMTP" -C "$W/ssmtp.conf" -f a@example.org b@example.net
	INNS=$W/dma INNS_PEER=$P/dma
	[ -n "$DMA" ] && burst "dma -D" $cap "$DMA" -D -f a@example.org b@example.net
	INNS=$W/nm INNS_PEER=$P/nullmailer
	[ -n "$NULLMAILER" ] && POST="/usr/sbin/nullmailer-send" \
	    burst "nullmailer (queue, then send)" $cap \
	    /usr/sbin/sendmail -f a@example.org b@example.net
	INNS= POST=
	echo
done
smarthost_stop
mkdir -p "$W/sh"
smarthost_start "$W/sh" -p "$PORT" -c build/pki/server.pem -k build/pki/server.key -u alice:secret

fi
if want 6; then
echo "6. footprint"
cp "$SENDMAIL" "$W/stripped" && strip "$W/stripped"
echo "   relaymail: $(wc -c <"$W/stripped") bytes stripped; libraries: $(ldd "$SENDMAIL" 2>/dev/null | awk '{print $1}' | grep -v vdso | tr '\n' ' ')"
[ -f sendmail-static ] && echo "   relaymail static (make static): $(wc -c <sendmail-static) bytes, $(file -b sendmail-static | cut -d, -f1-2)"
[ -n "$MSMTP" ] && echo "   msmtp: $(wc -c <"$MSMTP") bytes; $(ldd "$MSMTP" 2>/dev/null | grep -c '=>') shared libraries"
echo "   (dma and nullmailer run in a private mount namespace over their own"
echo "    /etc, /var and /usr; without root or unshare they are left out.)"
fi
