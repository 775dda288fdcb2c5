# relaymail: -bs limits, each answered and the dialogue kept in step: a
# command line over 512 octets (500), a NUL in a command (501), the
# 1001st recipient (452), a queue at its [queue] min_free (452, exit 73
# on the command line); the next command always gets its own reply.
. "$TOP/tests/integration/lib.sh"
t_setup
start_host
write_conf

x() { head -c "$1" /dev/zero | tr '\0' x; }
{
	printf 'HELO [127.0.0.1]\r\n'
	printf 'NOOP %s\r\n' "$(x 505)"		# 512 octets: fine
	printf 'NOOP %s\r\n' "$(x 506)"		# 513 octets: 500
	printf 'NOOP\r\n'
	printf 'NOOP %s\r\n' "$(x 70000)"	# longer than the buffer
	printf 'RSET\r\n'
	printf 'MAIL\000FROM:<app@example.org>\r\n'
	printf 'NOOP\r\n'
	printf 'MAIL FROM:<app@example.org>\r\n'
	i=1
	while [ $i -le 1001 ]; do
		printf 'RCPT TO:<r%d@example.net>\r\n' $i
		i=$((i + 1))
	done
	printf 'NOOP\r\n'
	printf 'DATA\r\nSubject: many\r\n\r\nbody\r\n.\r\n'
	printf 'QUIT\r\n'
} >"$T/in"
"$SENDMAIL" -C "$T/conf" -bs <"$T/in" >"$T/out" 2>"$T/err"
echo $? >"$T/rc"
check bs_exit_0 rc_is 0
check bs_no_stderr [ ! -s "$T/err" ]

# The reply codes, one per command, in order.
{
	echo 220; echo 250; echo 250; echo 500; echo 250; echo 500; echo 250
	echo 501; echo 250; echo 250
	i=1
	while [ $i -le 1000 ]; do echo 250; i=$((i + 1)); done
	echo 452; echo 250; echo 354; echo 250; echo 221
} >"$T/want"
cut -c 1-3 "$T/out" >"$T/got"
check bs_in_step cmp -s "$T/want" "$T/got"
check bs_512_ok sh -c "sed -n 3p '$T/out' | grep -q '^250 '"
check bs_long_500 grep -q '^500 5.5.2 line too long' "$T/out"
check bs_nul_501 grep -q '^501 5.5.2 NUL character in command' "$T/out"
check bs_1001st_452 grep -q '^452 4.5.3 too many recipients' "$T/out"
check bs_queued grep -q '^250 2.0.0 Ok: queued as' "$T/out"
check bs_delivered [ "$(delivered)" -eq 1 ]
check bs_1000_rcpts [ "$(wc -l <"$(last_msg)/rcpt")" -eq 1000 ]
check bs_not_1001 sh -c "! grep -q 'r1001@' '$(last_msg)/rcpt'"

# A message over [queue] max_size: 552 (for good, so the client does not
# retry it), nothing kept, and the next message goes through.
EXTRA="max_size = 1K" write_conf
{
	printf 'HELO [127.0.0.1]\r\nMAIL FROM:<app@example.org>\r\n'
	printf 'RCPT TO:<big@example.net>\r\nDATA\r\nSubject: big\r\n\r\n'
	i=0
	while [ $i -lt 40 ]; do printf '%s\r\n' "$(x 70)"; i=$((i + 1)); done
	printf '.\r\nMAIL FROM:<app@example.org>\r\n'
	printf 'RCPT TO:<small@example.net>\r\nDATA\r\nSubject: small\r\n\r\nhi\r\n.\r\n'
	printf 'QUIT\r\n'
} >"$T/in"
before=$(delivered)
"$SENDMAIL" -C "$T/conf" -bs <"$T/in" >"$T/out" 2>"$T/err"
check bs_too_big_552 grep -q '^552 5.3.4 message larger than 1024 bytes' "$T/out"
check bs_too_big_next_queued [ "$(grep -c '^250 2.0.0 Ok: queued as' "$T/out")" -eq 1 ]
check bs_too_big_only_small [ "$(delivered)" -eq $((before + 1)) ]
check bs_too_big_nothing_kept [ "$(queued)" -eq 0 ]

# [queue] min_free: a reserve of the whole file system leaves no room.
# The command line gets exit 73 and a sentence naming the limit, -bs a
# 452 (the space may free up), and nothing is kept.
EXTRA="min_free = 100%" write_conf
printf 'Subject: full\n\nbody\n' | send a@example.net
check min_free_73 rc_is 73
check min_free_one_line sh -c "[ \$(wc -l <'$T/err') -eq 1 ] && grep -q '^sendmail: not queued: .*\[queue\] min_free (100% of the queue.s file system: [0-9]* bytes)' '$T/err'"
check min_free_nothing_kept [ "$(queued)" -eq 0 ]
printf 'HELO x\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nNOOP\r\nQUIT\r\n' >"$T/in"
"$SENDMAIL" -C "$T/conf" -bs <"$T/in" >"$T/out" 2>"$T/err"
check min_free_bs_452 grep -q '^452 4.3.1 not queued: .*min_free' "$T/out"
check min_free_bs_in_step sh -c "grep -A1 '^452 4.3.1' '$T/out' | tail -n 1 | grep -q '^250 2.0.0 Ok'"
check min_free_bs_nothing_kept [ "$(queued)" -eq 0 ]
# A reserve the file system has room above: sent as usual.
EXTRA="min_free = 1K" write_conf
n=$(delivered)
printf 'Subject: room\n\nbody\n' | send a@example.net
check min_free_room_sent [ "$(delivered)" -eq $((n + 1)) ]
