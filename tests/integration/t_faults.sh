# relaymail: local faults injected with strace: a passing error opening a
# queued message (ENFILE) leaves it in q/ untouched; a full disk while
# recording progress never causes a second delivery.
. "$TOP/tests/integration/lib.sh"
t_setup
if ! command -v strace >/dev/null 2>&1 || ! strace -o /dev/null true 2>/dev/null; then
	echo "skip t_faults: strace missing or not permitted"
	exit 0
fi
msg() { printf 'Subject: %s\n\nbody\n' "${1:-x}"; }
# A send hands its attempt to a worker process (sendmail(8), WHAT A
# CALLER CAN RELY ON); with fork failing it makes the attempt itself, in
# the one process whose calls are counted here. glibc forks with clone,
# musl (the static binary) with fork.
NOFORK="-e inject=clone:error=EAGAIN -e inject=clone3:error=EAGAIN
    -e inject=fork:error=EAGAIN"
# (LeakSanitizer needs clone for its exit-time check: off under NOFORK.)
NOLSAN="env ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# nth_call FILE PATTERN: the number of the first openat line matching.
nth_call() { grep -n 'openat(' "$1" | grep -e "$2" | head -n 1 | cut -d: -f1; }
# openat calls in the order made, one per line (for nth_call).
calls() { grep 'openat(' "$1" >"$1.o"; mv "$1.o" "$1"; }

# --- ENFILE while -q opens the queued message: it stays in q/.
write_conf port=1
msg enfile | send a@example.net
ID=$(ls "$T/queue/q" | grep -v '\.')
start_host
write_conf
# a dry -q against a closed port gives the order of its openat calls
write_conf port=1
strace -e trace=openat -o "$T/trace" "$SENDMAIL" -C "$T/conf" -q >/dev/null 2>&1
calls "$T/trace"
N=$(nth_call "$T/trace" "\"$ID\", O_RDWR")
write_conf
if [ -n "$N" ]; then
	strace -e trace=openat -o /dev/null -e inject=openat:error=ENFILE:when="$N" \
	    "$SENDMAIL" -C "$T/conf" -q >"$T/out" 2>"$T/err"
	check enfile_kept_in_q [ -f "$T/queue/q/$ID" ]
	check enfile_not_failed [ "$(failed)" -eq 0 ]
	check enfile_not_sent [ "$(delivered)" -eq 0 ]
	"$SENDMAIL" -C "$T/conf" -q >"$T/out" 2>"$T/err"
	check enfile_then_sent [ "$(delivered)" -eq 1 ]
	check enfile_then_gone [ "$(queued)" -eq 0 ]
else
	echo "FAIL t_faults: enfile: no openat of the queued message seen"
fi

# --- the state file cannot be written (ENOSPC) after ok@ got it and
# later@ was deferred: the next run sends to later@ only.
printf 'rcpt:later 450 4.2.1 busy\n' >"$T/script"
start_host -s "$T/script"
write_conf
rm -rf "$T/queue"
$NOLSAN strace -e trace=openat,clone,clone3,fork $NOFORK -o "$T/trace" "$SENDMAIL" -C "$T/conf" -f s@example.org ok@example.net later@example.net </dev/null >/dev/null 2>&1
calls "$T/trace"
N=$(nth_call "$T/trace" '\.st\.new"')
rm -rf "$T/queue"
start_host -s "$T/script"
write_conf
if [ -n "$N" ]; then
	msg enospc | $NOLSAN strace -e trace=openat,clone,clone3,fork -o /dev/null $NOFORK \
	    -e inject=openat:error=ENOSPC:when="$N" \
	    "$SENDMAIL" -C "$T/conf" -f s@example.org ok@example.net later@example.net \
	    >"$T/out" 2>"$T/err"
	check enospc_exit_0 [ $? -eq 0 ]
	check enospc_ok_delivered grep -qx '<ok@example.net>' "$T/sh/conn-1/msg-1/rcpt"
	check enospc_queued [ "$(queued)" -eq 1 ]
	start_host
	write_conf
	"$SENDMAIL" -C "$T/conf" -q >"$T/out" 2>"$T/err"
	check enospc_later_delivered grep -qx '<later@example.net>' "$T/sh/conn-1/msg-1/rcpt"
	check enospc_ok_not_twice lacks "$T/sh/conn-1/msg-1/rcpt" 'ok@example.net'
	check enospc_done [ "$(queued)" -eq 0 ]
else
	echo "FAIL t_faults: enospc: no state file write seen"
fi

# --- even the in-place progress mark fails (pwrite): the message is
# held in failed/, never sent again by a queue run.
rm -rf "$T/queue"
start_host -s "$T/script"
write_conf
msg held | $NOLSAN strace -e trace=pwrite64,clone,clone3,fork -o /dev/null $NOFORK \
    -e inject=pwrite64:error=ENOSPC \
    "$SENDMAIL" -C "$T/conf" -f s@example.org ok@example.net later@example.net \
    >"$T/out" 2>"$T/err"
check held_exit_0 [ $? -eq 0 ]
check held_in_failed [ "$(failed)" -eq 1 ]
check held_said grep -q 'held in failed/ so that nobody gets it twice' "$T/err"
before=$(delivered)
start_host
write_conf
"$SENDMAIL" -C "$T/conf" -q >"$T/out" 2>"$T/err"
check held_not_resent [ "$(delivered)" -eq 0 ]

# --- the worker connects while the caller makes the message durable;
# when that fails (fsync: EIO, in the caller only: strace without -f),
# the caller says so and exits 74, and the worker sends nothing and
# leaves nothing in the queue.
rm -rf "$T/queue"
start_host
write_conf
msg lost | $NOLSAN strace -e trace=fsync -o /dev/null -e inject=fsync:error=EIO:when=1 \
    "$SENDMAIL" -C "$T/conf" -f s@example.org ok@example.net \
    >"$T/out" 2>"$T/err"
check durable_fails_74 [ $? -eq 74 ]
check durable_fails_said grep -qE 'queue: .*: cannot write the queue file: (Input/output|I/O) error' "$T/err"
check durable_fails_one_line [ "$(wc -l <"$T/err")" -eq 1 ]
sleep 0.5	# the worker, if it went on, would be sending now
check durable_fails_nothing_sent [ "$(delivered)" -eq 0 ]
cat "$T"/sh/conn-*/session >"$T/sessions" 2>/dev/null
check durable_fails_no_mail_from lacks "$T/sessions" 'C: MAIL FROM'
check durable_fails_quit_or_closed [ "$(connections)" -le 1 ]
check durable_fails_nothing_kept [ "$(queued)" -eq 0 ]
