# relaymail: what becomes of a message for each failure: queued (exit 0,
# silent), queued because of the settings (exit 0, one warning line),
# or failed (kept in failed/, sysexits code, one stderr line).
. "$TOP/tests/integration/lib.sh"
t_setup

fault() {	# fault NAME "script line" expected-rc expected-place
	name=$1 line=$2 want=$3 place=$4
	printf '%s\n' "$line" >"$T/script"
	rm -rf "$T/queue"
	start_host -s "$T/script"
	write_conf
	printf 'Subject: f\n\nbody\n' | send -f a@example.org b@example.net
	case $place in
	queued) check "${name}_exit" rc_is 0
		check "${name}_silent" silent
		check "${name}_queued" [ "$(queued)" -eq 1 ] ;;
	settings) check "${name}_exit" rc_is 0
		check "${name}_queued" [ "$(queued)" -eq 1 ]
		check "${name}_one_line" [ "$(wc -l <"$T/err")" -eq 1 ]
		check "${name}_warns" grep -q '^sendmail: warning: queued, not sent ([0-9A-F]*): .*; "sendmail -bt" tests the settings$' "$T/err" ;;
	failed) check "${name}_exit_$want" rc_is "$want"
		check "${name}_one_line" [ "$(wc -l <"$T/err")" -eq 1 ]
		check "${name}_kept" [ "$(failed)" -eq 1 ] ;;
	esac
}

fault greeting_421 'greeting 421 4.3.2 busy' 0 queued
fault greeting_554 'greeting 554 no service' 0 queued
fault ehlo_drop 'ehlo drop' 0 queued
fault starttls_454 'starttls 454 4.7.0 no tls now' 0 queued
fault starttls_missing 'starttls noadvertise' 0 settings
fault starttls_garbage 'starttls garbage' 0 queued
fault auth_535 'auth 535 5.7.8 bad credentials' 0 settings
check auth_535_reason stderr_has 'AUTH: 535 5.7.8 bad credentials'
fault mail_451 'mail 451 4.3.0 try later' 0 queued
fault mail_550 'mail 550 5.7.1 sender refused' 69 failed
fault rcpt_450 'rcpt 450 4.2.1 mailbox busy' 0 queued
fault rcpt_550 'rcpt 550 5.1.1 no such user' 67 failed
check rcpt_550_reason stderr_has '550 5.1.1 no such user'
fault data_451 'data 451 4.3.0 later' 0 queued
fault data_554 'data 554 5.6.0 no' 69 failed
fault eom_452 'eom 452 4.3.1 full' 0 queued
fault eom_552 'eom 552 5.3.4 too big' 65 failed
fault eom_554 'eom 554 5.7.1 spam' 69 failed
fault eom_drop 'eom drop' 0 queued
fault body_drop 'body drop 10' 0 queued
fault greeting_garbage 'greeting garbage' 0 queued

# Nothing listens: connection refused.
rm -rf "$T/queue"
write_conf port=1
printf 'Subject: f\n\nbody\n' | send b@example.net
check refused_exit_0 rc_is 0
check refused_silent silent
check refused_queued [ "$(queued)" -eq 1 ]
"$SENDMAIL" -C "$T/conf" -bp >"$T/mailq" 2>&1
check mailq_shows_it grep -q 'b@example.net' "$T/mailq"
check mailq_shows_reason grep -qi 'refused' "$T/mailq"
printf 'Subject: f\n\nbody\n' | send -v b@example.net
check verbose_says_why stderr_has 'refused'

# A stall is cut by the deadline (timeout = 5 in the test config; wait =
# 60, so that the deadline, not the caller's bound, ends the attempt).
echo 'mail stall' >"$T/script"
rm -rf "$T/queue"
start_host -s "$T/script"
write_conf wait=60
start=$(date +%s)
printf 'Subject: f\n\nbody\n' | send b@example.net
took=$(( $(date +%s) - start ))
check stall_exit_0 rc_is 0
check stall_bounded [ "$took" -le 15 ]
check stall_queued [ "$(queued)" -eq 1 ]
