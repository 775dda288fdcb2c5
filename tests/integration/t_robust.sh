# relaymail: nothing lost under load, kills and a full disk.
# 50 parallel senders with 3 concurrent queue runs deliver every message
# exactly once; kill -9 at random points never delivers a partial message
# nor leaves one stuck; a full disk gives an error and loses nothing
# already queued.
. "$TOP/tests/integration/lib.sh"
t_setup
start_host

# --- 20 queued while the host is down, then 50 senders and 3 -q runs.
write_conf port=1
i=0
while [ $i -lt 20 ]; do
	printf 'Subject: queued-%s\n\nbody\n' $i | send a@example.net
	i=$((i + 1))
done
check twenty_queued [ "$(queued)" -eq 20 ]
write_conf
i=0 pids=""
while [ $i -lt 50 ]; do
	printf 'Subject: parallel-%s\n\nbody\n' $i |
	    "$SENDMAIL" -C "$T/conf" a@example.net >/dev/null 2>&1 &
	pids="$pids $!"
	bg $!
	if [ $i -lt 3 ]; then
		"$SENDMAIL" -C "$T/conf" -q >/dev/null 2>&1 &
		pids="$pids $!"
		bg $!
	fi
	i=$((i + 1))
done
for p in $pids; do bg_wait "$p"; done
"$SENDMAIL" -C "$T/conf" -q >/dev/null 2>&1
subjects() { cat "$T"/sh/conn-*/msg-*/data | grep -a '^Subject: ' | tr -d '\r' | sort; }
check parallel_all_delivered [ "$(subjects | sort -u | wc -l)" -eq 70 ]
check parallel_exactly_once [ "$(subjects | wc -l)" -eq 70 ]
check parallel_queue_empty [ "$(queued)" -eq 0 ]

# --- kill -9 at random points of spooling and delivery.
rm -rf "$T/sh"/conn-*
body=$T/body
{ printf 'Subject: kill-%%s\n\n'; i=0; while [ $i -lt 4000 ]; do
	echo "line $i of a message long enough to be killed in the middle"
	i=$((i + 1)); done; } >"$body"
want=$(tail -n +3 "$body" | wc -c)
k=0
while [ $k -lt 20 ]; do
	# shellcheck disable=SC2059
	printf "$(cat "$body")\n" "$k" >"$T/msg"
	"$SENDMAIL" -C "$T/conf" a@example.net <"$T/msg" >/dev/null 2>&1 &
	p=$!
	bg $p
	sleep "0.0$(od -An -N1 -tu1 /dev/urandom | tr -d ' ' | cut -c1)"
	kill -9 $p 2>/dev/null
	bg_wait $p 2>/dev/null
	k=$((k + 1))
done
"$SENDMAIL" -C "$T/conf" -q >/dev/null 2>&1
complete=1 seen=0
for d in "$T"/sh/conn-*/msg-*; do
	# msg-N.tmp: a transfer the server never saw end (the kill).
	case $d in *.tmp) continue ;; esac
	[ -d "$d" ] || continue
	got=$(sed '1,/^\r$/d' "$d/data" | wc -c)
	# CRLF on the wire: one more byte a line.
	lines=$(sed '1,/^\r$/d' "$d/data" | wc -l)
	[ $((got - lines)) -eq "$want" ] || complete=0
	seen=$((seen + 1))
done
# (Vacuous if no message of the twenty arrived at all.)
check kill_some_delivered [ $seen -ge 1 ]
check kill_never_partial [ $complete -eq 1 ]
check kill_nothing_stuck [ "$(queued)" -eq 0 ]
dups=$(cat "$T"/sh/conn-*/msg-*/data 2>/dev/null | grep -a '^Subject: kill-' | sort | uniq -d | wc -l)
echo "# kill -9 x20: $(cat "$T"/sh/conn-*/msg-*/data 2>/dev/null | grep -ac '^Subject: kill-') delivered, $dups duplicates"
"$SENDMAIL" -C "$T/conf" -bp >"$T/mailq"
check kill_mailq_clean grep -qx 'Mail queue is empty' "$T/mailq"

# --- a full disk: a small tmpfs as the queue.
mkdir -p "$T/small"
if mount -t tmpfs -o size=256k tmpfs "$T/small" 2>/dev/null; then
	sed -i "s|^dir = .*|dir = $T/small|; s|^port = .*|port = 1|" "$T/conf"
	printf 'Subject: small\n\nbody\n' | send a@example.net
	check enospc_small_queued [ "$(find "$T/small/q" -type f ! -name '*.*' | wc -l)" -eq 1 ]
	head -c 600000 /dev/urandom | base64 | sed '1i Subject: big\n' | send a@example.net
	check enospc_not_zero [ "$(cat "$T/rc")" -ne 0 ]
	check enospc_not_75 [ "$(cat "$T/rc")" -ne 75 ]
	check enospc_one_line [ "$(wc -l <"$T/err")" -eq 1 ]
	check enospc_kept_the_other [ "$(find "$T/small/q" -type f ! -name '*.*' | wc -l)" -eq 1 ]
	check enospc_no_partial [ "$(find "$T/small/tmp" -type f | wc -l)" -eq 0 ]
	stop_holders "$T/small"	# the runner the deferral started
	umount "$T/small"
else
	echo "skip t_robust: full disk: cannot mount a tmpfs here"
fi
