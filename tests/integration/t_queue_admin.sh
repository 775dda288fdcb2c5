# relaymail: the queue as an administrator manages it: mailq's states and
# legend, -bpc, check_mailq's count, -M/-Mrm/-Mg, -qI/-qR/-qS, unknown
# ids, and the expiry of failed/ by -q.
. "$TOP/tests/integration/lib.sh"
t_setup
msg() { printf 'Subject: %s\n\nbody\n' "$1"; }
# fail_msg NAME: a message from alice that the smart host refuses for good.
fail_msg() {
	echo "rcpt:$1 550 5.1.1 gone" >"$T/script"
	start_host -s "$T/script"
	write_conf
	msg "to $1" | send -f alice@example.org "$1@example.net"
}
mq() { "$SENDMAIL" -C "$T/conf" -bp >"$T/mailq" 2>"$T/mailq.err"; }
# The id of the message whose recipient is $1 (in q/ or failed/).
id_of() { grep -lE "^(rcpt|done|fail) <$1>" "$T"/queue/q/* "$T"/queue/failed/* 2>/dev/null |
    grep -v '\.st$' | head -n 1 | xargs -r basename; }

# --- one message, bob refused for good, carol deferred: stays in q/.
printf 'rcpt:bob 550 5.1.1 no such user\nrcpt:carol 451 4.3.0 try later\n' >"$T/script"
start_host -s "$T/script"
write_conf
msg states | send -f alice@example.org bob@example.net carol@example.net
check partial_queued [ "$(queued)" -eq 1 ]
mq
check mailq_exit_0 [ ! -s "$T/mailq.err" ]
check mailq_sender grep -q '^[0-9A-F]\{19\}  *[0-9][0-9]* .* alice@example.org$' "$T/mailq"
check mailq_refused_reply grep -q '^  *bob@example.net  (refused: 550 5.1.1 no such user)$' "$T/mailq"
check mailq_pending grep -q '^  *carol@example.net  (pending)$' "$T/mailq"
check mailq_attempts grep -q '(attempts 1; next try .*; last error: .*451 4.3.0 try later)' "$T/mailq"
check mailq_legend grep -q '^Legend: .*"\*" being delivered now, "!" failed' "$T/mailq"
check mailq_legend_states grep -q '^pending (not accepted yet), sent (accepted' "$T/mailq"
check mailq_total grep -qx ' *Total requests: 1' "$T/mailq"
check mailq_postfix_last [ "$(tail -n 1 "$T/mailq")" = "-- 1 Kbytes in 1 Request." ]

# Control characters in a reply (a hand-edited or hostile state file)
# are escaped, never written raw.
ID=$(id_of carol@example.net)
printf 'refused 0 550 evil\033[31m red\\x\n' >"$T/st.add"
sed -i '/^refused 0/d' "$T/queue/q/$ID.st" && cat "$T/st.add" >>"$T/queue/q/$ID.st"
mq
check mailq_escapes_esc grep -qF '(refused: 550 evil\x1B[31m red\\x)' "$T/mailq"
check mailq_no_raw_esc sh -c "! grep -q \"\$(printf '\\033')\" '$T/mailq'"

# --- -bpc counts q/ and failed/.
fail_msg dan
check failed_one [ "$(failed)" -eq 1 ]
"$SENDMAIL" -C "$T/conf" -bpc >"$T/out" 2>"$T/err"
check bpc_exit_0 [ $? -eq 0 ]
check bpc_counts_both [ "$(cat "$T/out")" = 2 ]
mq
check mailq_failed_marked grep -q '^[0-9A-F]\{19\}! .*alice@example.org$' "$T/mailq"
check mailq_failed_reason grep -q '(attempts 1; failed: .*550 5.1.1 gone)' "$T/mailq"

# --- check_mailq (monitoring-plugins) counts what mailq lists.
CM=/usr/lib/nagios/plugins/check_mailq
if [ ! -x "$CM" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends monitoring-plugins-standard >/dev/null 2>&1 ||
	{ apt-get update -qq >/dev/null 2>&1 &&
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends monitoring-plugins-standard >/dev/null 2>&1; }
fi
if [ -x "$CM" ] && command -v perl >/dev/null; then
	# Its mailq path is fixed in utils.pm: point it at this queue.
	printf '#!/bin/sh\nexec "%s" -C "%s" -bp\n' "$SENDMAIL" "$T/conf" >"$T/mailq.sh"
	chmod +x "$T/mailq.sh"
	cm() { perl -e 'use lib "/usr/lib/nagios/plugins"; use utils;
	    $utils::PATH_TO_MAILQ = shift; do shift; die $@ if $@;' \
	    "$T/mailq.sh" "$CM" "$@" >"$T/cm.out" 2>&1; echo $? >"$T/cm.rc"; }
	cm -w 2 -c 5
	check check_mailq_sendmail_count grep -q 'unsent=2;' "$T/cm.out"
	check check_mailq_sendmail_warns [ "$(cat "$T/cm.rc")" -eq 1 ]
	cm -M postfix -w 3 -c 5
	check check_mailq_postfix_count grep -q 'unsent=2;' "$T/cm.out"
	check check_mailq_postfix_ok [ "$(cat "$T/cm.rc")" -eq 0 ]
else
	echo "skip t_queue_admin: check_mailq: monitoring-plugins-standard not installed"
fi

# --- unknown ids: a line each, exit 66, the known ones still handled.
FID=$(id_of dan@example.net)
"$SENDMAIL" -C "$T/conf" -Mrm NOSUCHID "$FID" >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check unknown_exit_66 rc_is 66
check unknown_said stderr_has '^sendmail: NOSUCHID: no such message in the queue$'
check unknown_known_removed grep -qx "$FID: removed" "$T/out"
check rm_no_delivery [ "$(failed)" -eq 0 ]
run -M ../q/x
check bad_id_exit_66 rc_is 66

# --- -M: one more try now; the deferred recipient gets it (host fixed).
# bob's 550 from the first attempt is not forgotten: the message ends in
# failed/ and alice gets a report about bob.
start_host
write_conf
run -M "$ID"
check M_exit_0 rc_is 0
# (bob's reply is the hostile one planted above: shown, but not raw)
check M_says_failed grep -q "^$ID: failed: refused for <bob@example.net>: 550 evil?\[31m red" "$T/out"
check M_says_no_raw_esc sh -c "! grep -q \"\$(printf '\\033')\" '$T/out'"
check M_delivered_and_bounced [ "$(delivered)" -eq 2 ]
check M_only_pending grep -qx '<carol@example.net>' "$T/sh/conn-1/msg-1/rcpt"
check M_not_bob lacks "$T/sh/conn-1/msg-1/rcpt" bob
check M_bounce_to_sender grep -qx '<alice@example.org>' "$T/sh/conn-1/msg-2/rcpt"
check M_bounce_names_bob grep -q 'bob@example.net' "$T/sh/conn-1/msg-2/data"
check M_queue_empty [ "$(queued)" -eq 0 ]
check M_refusal_kept [ "$(failed)" -eq 1 ]
run -Mrm "$ID"
check M_rm_after [ "$(failed)" -eq 0 ]

# A failed message gets one more try of its refused recipients.
fail_msg erin
check failed_again [ "$(failed)" -eq 1 ]
FID=$(id_of erin@example.net)
start_host
write_conf
run -M "$FID"
check M_failed_exit_0 rc_is 0
check M_failed_sent grep -qx "$FID: sent" "$T/out"
check M_failed_delivered grep -qx '<erin@example.net>' "$(last_msg)/rcpt"
check M_failed_gone [ "$(failed)" -eq 0 ]

# A failed message deferred on its retry goes back to q/.
fail_msg fay
FID=$(id_of fay@example.net)
write_conf port=1
run -M "$FID"
check M_deferred_said grep -q "^$FID: deferred: " "$T/out"
check M_deferred_requeued [ "$(queued)" -eq 1 ]
check M_deferred_not_failed [ "$(failed)" -eq 0 ]
mq
check M_deferred_pending grep -q '^  *fay@example.net  (pending)$' "$T/mailq"

# --- -Mg: a report to the sender, then the message is gone.
start_host
write_conf
run -Mg "$FID"
check Mg_exit_0 rc_is 0
check Mg_says grep -q "^$FID: given up; report to <alice@example.org> queued as " "$T/out"
check Mg_removed [ "$(queued)" -eq 0 ]
check Mg_bounce_sent grep -qx '<alice@example.org>' "$(last_msg)/rcpt"
check Mg_bounce_null_sender grep -q '^<>' "$(last_msg)/mail_from"
check Mg_bounce_reason grep -q 'given up by the mail administrator' "$(last_msg)/data"
check Mg_not_to_fay [ "$(grep -l 'fay@example.net' "$T"/sh/conn-*/msg-*/rcpt | wc -l)" -eq 0 ]

# --- -qI, -qR, -qS: only matching messages, backoff ignored.
write_conf port=1
msg r1 | send -f sam@example.org rita@example.net
msg r2 | send -f tom@example.org ross@example.net
msg r3 | send -f uma@example.org ivy@example.net
msg r4 | send -f vic@example.org val@example.net
check four_queued [ "$(queued)" -eq 4 ]
start_host
write_conf
run -qRROSS@EXAMPLE
check qR_exit_0 rc_is 0
check qR_one [ "$(delivered)" -eq 1 ]
check qR_ross grep -qx '<ross@example.net>' "$(last_msg)/rcpt"
run -qSsam@
check qS_one_more [ "$(delivered)" -eq 2 ]
check qS_rita grep -qx '<rita@example.net>' "$(last_msg)/rcpt"
IID=$(id_of ivy@example.net)
run -qI"$(echo "$IID" | cut -c 8-16)"
check qI_last [ "$(delivered)" -eq 3 ]
check qI_ivy grep -qx '<ivy@example.net>' "$(last_msg)/rcpt"
check q_filters_left_one [ "$(queued)" -eq 1 ]
run -qRnobody
check qR_none_exit_0 rc_is 0
check qR_none_delivers_nothing [ "$(delivered)" -eq 3 ]
check qR_none_keeps_it [ "$(queued)" -eq 1 ]
run -M "$(id_of val@example.net)"
check M_last_sent [ "$(delivered)" -eq 4 ]

# --- failed/ expires after a week: -q removes it with a log line.
echo 'rcpt:old 550 5.1.1 gone' >"$T/script"
start_host -s "$T/script"
EXTRA="[log]
file = $T/log"
write_conf
msg old | send -f alice@example.org old@example.net
msg young | send -f alice@example.org old2@example.net
OLD=$(id_of old@example.net) YOUNG=$(id_of old2@example.net)
touch -d '8 days ago' "$T/queue/failed/$OLD" "$T/queue/failed/$OLD.st"
touch -d '6 days ago' "$T/queue/failed/$YOUNG" "$T/queue/failed/$YOUNG.st"
run -q
check expire_exit_0 rc_is 0
check expire_silent silent
check expire_old_gone [ ! -e "$T/queue/failed/$OLD" ]
check expire_old_state_gone [ ! -e "$T/queue/failed/$OLD.st" ]
check expire_young_kept [ -e "$T/queue/failed/$YOUNG" ]
check expire_logged grep -q "id=$OLD: removed from failed/: failed 8 days ago" "$T/log"
