# relaymail: the README's Dockerfile, without docker. Its RUN, COPY, ENV,
# USER, HEALTHCHECK and CMD lines are read from the README and their
# commands run in a throwaway root (troot.sh) with `make static`'s binary:
# the app's uid sends through the test smart host, silently; the health
# check passes; the CMD's queue runner logs its deliveries to stderr.
# apt-get is a stub that checks the packages are there (no network).
. "$TOP/tests/integration/lib.sh"
. "$TOP/tests/integration/troot.sh"
t_setup
troot_usable || exit 0
if ! command -v musl-gcc >/dev/null 2>&1; then
	echo "skip $TNAME: musl-tools not installed (make static)"
	exit 0
fi
(cd "$TOP" && make -s sendmail-static >/dev/null 2>&1)
check static_built [ -x "$TOP/sendmail-static" ]

# The Dockerfile: the indented block from "FROM" on, continuations joined.
awk '/^    FROM / { on = 1 } on && !/^    / { exit } on { print substr($0, 5) }' \
    "$TOP/README" | sed -e ':a' -e '/\\$/ { N; s/\\\n */ /; ba' -e '}' >"$T/Dockerfile"
check dockerfile_found grep -q '^FROM ' "$T/Dockerfile"
check dockerfile_copies_static grep -q '^COPY sendmail-static /usr/sbin/sendmail$' "$T/Dockerfile"

# Its steps as one script; RUN steps go through files, so no quoting.
start_host
S=$T/steps.sh
cat >"$S" <<EOF
# FROM debian:12-slim has no MTA: take this machine's away.
rm -f /usr/sbin/sendmail /usr/lib/sendmail /usr/bin/mailq
rm -rf /var/spool/relaymail
mkdir -p /usr/local/sbin
cat >/usr/local/sbin/apt-get <<'STUB'
#!/bin/sh
# The test's apt-get: installs nothing, checks the packages are here.
for a in "\$@"; do
	case \$a in -*|update|install) ;; *) dpkg -s "\$a" >/dev/null 2>&1 || exit 100 ;; esac
done
exit 0
STUB
chmod 755 /usr/local/sbin/apt-get
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
as=
EOF
n=0
while read -r word rest; do
	n=$((n + 1))
	case $word in
	RUN)
		printf '%s\n' "$rest" >"$T/step$n.sh"
		echo "\$as sh -e -c \"\$(cat $T/step$n.sh)\" || { echo 'step $n failed'; exit 1; }" >>"$S" ;;
	COPY)
		set -- $rest
		echo "cp '$TOP/$1' '$2' || exit 1" >>"$S" ;;
	ENV)
		echo "export $rest" >>"$S" ;;
	USER)
		echo "as='setpriv --reuid=$rest --regid=$rest --clear-groups'" >>"$S" ;;
	HEALTHCHECK)
		printf '%s\n' "${rest#*CMD }" >"$T/health.sh" ;;
	CMD)
		printf '%s\n' "$rest" | sed -e 's/^\[ *"//; s/" *\]$//; s/", *"/ /g' \
		    -e 's/ -q5m$/ -q/' >"$T/cmd.sh" ;;
	esac
done <"$T/Dockerfile"
cat >>"$S" <<EOF
# docker run -e ...: this test's smart host, its CA and its password.
export RELAYMAIL_RELAY_HOST=localhost RELAYMAIL_RELAY_PORT=$SMARTHOST_PORT
export RELAYMAIL_RELAY_TLS_CA_FILE=$PKI/ca.pem RELAYMAIL_RELAY_USER=alice
mkdir -p /run/secrets && echo secret >/run/secrets/smtp_password
chmod 644 /run/secrets/smtp_password
\$as sh -c "\$(cat $T/health.sh)" >"$T/health.out" 2>&1; echo \$? >"$T/health.rc"
printf 'Subject: from the container\n\nhi\n' | \$as sendmail bob@example.net >"$T/send.out" 2>"$T/send.err"
echo \$? >"$T/send.rc"
printf 'Subject: waits\n\nx\n' | RELAYMAIL_RELAY_PORT=1 \$as sendmail carol@example.net >/dev/null 2>&1
echo \$? >"$T/queued.rc"
\$as sh -c "\$(cat $T/cmd.sh)" >"$T/cmd.out" 2>"$T/cmd.err"
echo \$? >"$T/cmd.rc"
\$as mailq >"$T/mailq.out" 2>&1; echo \$? >"$T/mailq.rc"
\$as mailq --journal bob@example.net >"$T/journal.out" 2>&1
exit 0
EOF
troot_run "$S" >"$T/steps.log" 2>&1
rc=$?
check steps_ran [ $rc -eq 0 ]
[ $rc -eq 0 ] || sed 's/^/    | /' "$T/steps.log"
grep -q status=sent "$T/cmd.err" 2>/dev/null || sed "s/^/    cmd.err: /" "$T/cmd.err" "$T/cmd.sh"
check healthcheck_local [ "$(cat "$T/health.sh")" = "sendmail --health" ]
check healthcheck_passes [ "$(cat "$T/health.rc")" -eq 0 ]
check healthcheck_one_line grep -qx 'ok: queue /var/spool/relaymail: none queued; 0 in failed/' "$T/health.out"
check mailq_linked [ "$(cat "$T/mailq.rc")" -eq 0 ]
check journal_shown grep -q 'to=<bob@example.net> status=sent' "$T/journal.out"
check app_send_exit_0 [ "$(cat "$T/send.rc")" -eq 0 ]
check app_send_silent empty "$T/send.err"
check app_queued_exit_0 [ "$(cat "$T/queued.rc")" -eq 0 ]
check runner_exit_0 [ "$(cat "$T/cmd.rc")" -eq 0 ]
check runner_logs_to_stderr grep -q 'to=<carol@example.net>.*status=sent' "$T/cmd.err"
check both_delivered [ "$(delivered)" -eq 2 ]
