# relaymail: sendmail --configure ADDRESS prints a ready section for an
# address: from a provider preset when the domain (no lookup) or its MX
# (through a resolver the test controls) names one, else from the
# domain's RFC 6186 SRV records; a clear sentence and exit 69 when there
# is neither or the DNS fails; a file only with -C FILE --write, never
# over one. What it prints reads back through the settings parser.
. "$TOP/tests/integration/lib.sh"
t_setup

# cfg NAME ARGS...: sendmail ARGS, into $T/NAME.out, .err and .rc.
cfg() { _n=$1; shift; "$SENDMAIL" "$@" >"$T/$_n.out" 2>"$T/$_n.err"; echo $? >"$T/$_n.rc"; }
rc_of() { [ "$(cat "$T/$1.rc")" -eq "$2" ]; }
has() { grep -qxF -e "$2" "$T/$1.out"; }
# says NAME TEXT: the comments of NAME's output say TEXT, wrapped or not.
says() { sed -e ':a' -e 'N' -e '$!ba' -e 's/\n; / /g' "$T/$1.out" | grep -qF -e "$2"; }
err_is() { [ "$(wc -l <"$T/$1.err")" -eq 1 ] && grep -qxF -e "$2" "$T/$1.err"; }
# reads_back NAME: the output, its password line filled in, is taken by
# the settings parser (-bP); the settings in $T/NAME.bp.
reads_back() {
	sed 's/^;password_file =/password_file =/' "$T/$1.out" >"$T/$1.filled"
	"$SENDMAIL" -C "$T/$1.filled" -bP >"$T/$1.bp" 2>"$T/$1.bperr"
}
bp_has() { grep -qxF -e "$2" "$T/$1.bp"; }

# --- a preset by the domain alone: no DNS lookup at all (no resolver
# is reachable from here: one would fail or time out).
cfg gmail --configure alice@gmail.com
check gmail_exit_0 rc_of gmail 0
check gmail_silent empty "$T/gmail.err"
check gmail_section sh -c "grep -A2 -x '\[relay\]' '$T/gmail.out' | tr '\n' '|' | grep -qxF '[relay]|provider = gmail|user = alice@gmail.com|'"
check gmail_source says gmail "Found: Gmail, by the domain gmail.com."
check gmail_password_to_fill has gmail ";password_file = /etc/relaymail/password"
check gmail_no_senders lacks "$T/gmail.out" senders
cfg gmail_v -v --configure alice@gmail.com
check verbose_says_source err_is gmail_v "sendmail: alice@gmail.com: Gmail, by the domain gmail.com"
check verbose_same_section cmp -s "$T/gmail.out" "$T/gmail_v.out"

# As printed, the parser names the one line to fill in; filled in, the
# section is taken and the preset fills host, port and tls.
"$SENDMAIL" -C "$T/gmail.out" -bP >/dev/null 2>"$T/asis.err"
echo $? >"$T/asis.rc"
check as_printed_78 rc_of asis 78
check as_printed_names_line grep -qx "sendmail: $T/gmail.out:[0-9]*: \[relay\] user: set password, password_file or password_command" "$T/asis.err"
reads_back gmail
check gmail_reads_back bp_has gmail "host = smtp.gmail.com"
check gmail_port bp_has gmail "port = 587"
check gmail_tls bp_has gmail "tls = starttls"
check gmail_user bp_has gmail "user = alice@gmail.com"

# --- [route NAME]: the same keys, and senders.
cfg route --configure alice@gmail.com --route alice
check route_exit_0 rc_of route 0
check route_section sh -c "grep -A2 -x '\[route alice\]' '$T/route.out' | tr '\n' '|' | grep -qxF '[route alice]|senders = alice@gmail.com|provider = gmail|'"
check route_no_relay lacks "$T/route.out" '^\[relay\]'
check route_own_password_file has route ";password_file = /etc/relaymail/alice-password"
cfg route_ms --configure=ops@contoso.onmicrosoft.com --route=ops
check route_oauth_section sh -c "grep -A2 -x '\[oauth ops\]' '$T/route_ms.out' | tr '\n' '|' | grep -qxF '[oauth ops]|tenant = contoso.onmicrosoft.com|;client_id = 00000000-0000-0000-0000-000000000000|'"
# A route's section reads back too, after a file's [relay]: the route is
# taken, with its senders and the preset's host.
reads_back route
printf '[relay]\nhost = relay.example\n' | cat - "$T/route.filled" >"$T/route.whole"
"$SENDMAIL" -C "$T/route.whole" -bP >"$T/route.bp" 2>"$T/route.bperr"
check route_reads_back bp_has route "[route alice]"
check route_reads_back_senders bp_has route "senders = alice@gmail.com"
check route_reads_back_host sh -c "sed -n '/^\[route alice\]/,\$p' '$T/route.bp' | grep -qx 'host = smtp.gmail.com'"

# --- what is refused: a bad address (65), the command's grammar (64).
cfg bad --configure alice
check bad_address_65 rc_of bad 65
check bad_address_said err_is bad "sendmail: --configure alice: not an address: write it as local@domain (alice@example.com)"
check bad_address_nothing_out empty "$T/bad.out"
cfg ip --configure alice@192.0.2.1
check ip_literal_65 rc_of ip 65
cfg quoted --configure '"a b"@example.com'
check quoted_65 rc_of quoted 65
check quoted_said err_is quoted "sendmail: --configure \"a b\"@example.com: it holds a blank or a control character"
usage() {	# NAME ARGS...: exit 64 and one line
	cfg "$@"
	check "$1_64" rc_of "$1" 64
	check "$1_one_line" [ "$(wc -l <"$T/$1.err")" -eq 1 ]
}
usage no_address --configure
usage write_without_C --configure alice@gmail.com --write
usage C_without_write -C "$T/x.conf" --configure alice@gmail.com
usage route_alone --route x -bP
usage two_addresses --configure alice@gmail.com bob@gmail.com
usage bad_route --configure alice@gmail.com --route 'a b'
check C_without_write_said err_is C_without_write "sendmail: --configure with -C: add --write to write the file (without both, the section goes to standard output) (sendmail --help lists the options)"
check no_file_written [ ! -e "$T/x.conf" ]

# --- --write: a new file, 0600 whatever the umask, the section printed;
# never over a file, nor through a link.
(umask 0; "$SENDMAIL" -C "$T/new.conf" --configure alice@gmail.com --write >"$T/w.out" 2>"$T/w.err"; echo $? >"$T/w.rc")
check write_exit_0 rc_of w 0
check write_mode_600 [ "$(stat -c %a "$T/new.conf")" = 600 ]
check write_same_as_printed cmp -s "$T/new.conf" "$T/gmail.out"
check write_says grep -qxF "wrote $T/new.conf (mode 0600, group $(id -gn)): fill in what its comments ask for, then test it with: sendmail -C $T/new.conf -bt" "$T/w.out"
cfg again -C "$T/new.conf" --configure bob@gmail.com --write
check no_overwrite_73 rc_of again 73
check no_overwrite_said err_is again "sendmail: --write: $T/new.conf: exists already, and --write never writes over a file (name a new one)"
check no_overwrite_kept cmp -s "$T/new.conf" "$T/gmail.out"
ln -s "$T/target.conf" "$T/link.conf"
cfg link -C "$T/link.conf" --configure alice@gmail.com --write
check no_write_through_link rc_of link 73
check link_target_absent [ ! -e "$T/target.conf" ]
cfg nodir -C "$T/nodir/x.conf" --configure alice@gmail.com --write
check missing_dir_73 rc_of nodir 73

# Root running the set-group-ID binary (as make install leaves it): the
# file is the group's, 0640, as /etc/sendmail.conf is.
if [ "$(id -u)" = 0 ] && getent group nogroup >/dev/null &&
    ! findmnt -no OPTIONS -T "$T" | grep -qw nosuid; then
	cp "$SENDMAIL" "$T/sendmail-sgid"
	chgrp nogroup "$T/sendmail-sgid"
	chmod 2755 "$T/sendmail-sgid"
	"$T/sendmail-sgid" -C "$T/group.conf" --configure alice@gmail.com \
	    --write >/dev/null 2>"$T/group.err"
	check setgid_root_0640 [ "$(stat -c '%a %G' "$T/group.conf")" = "640 nogroup" ]
else
	echo "skip $TNAME: set-group-ID write: needs root, group nogroup, a suid mount"
fi

# --- the rest needs the DNS: a resolver the test controls, in a private
# network and mount namespace (root) whose resolv.conf names it.
if ! resolver_usable; then
	echo "skip $TNAME: resolver: needs root, ip and unshare -mn"
	exit 0
fi
resolver_script "$T/ns.sh"
cat >"$T/dns/records" <<'REC'
# Google Workspace and Microsoft 365, by their MX.
workspace.example MX 5 alt1.aspmx.l.google.com
workspace.example MX 1 aspmx.l.google.com
tenant.example MX 0 tenant-example.mail.protection.outlook.com
# SRV only: _submissions preferred, by priority then weight.
srv.example MX 10 mx.srv.example
_submissions._tcp.srv.example SRV 10 0 465 backup.srv.example
_submissions._tcp.srv.example SRV 5 10 465 light.srv.example
_submissions._tcp.srv.example SRV 5 60 465 heavy.srv.example
_submission._tcp.srv.example SRV 0 0 587 starttls.srv.example
# "." : implicit TLS not offered; STARTTLS through a CNAME, other ports.
plain.example MX 10 mx.plain.example
_submissions._tcp.plain.example SRV 0 0 0 .
_submission._tcp.plain.example CNAME sub.provider.example
sub.provider.example SRV 0 0 587 smtp.provider.example
sub.provider.example SRV 1 0 2525 backup.provider.example
# Neither a preset nor SRV; a resolver in trouble for one SRV name.
neither.example MX 10 mx.neither.example
flaky.example MX 10 mx.flaky.example
_submissions._tcp.flaky.example SERVFAIL
REC
cat >>"$T/ns.sh" <<NS
run() { n=\$1; shift; "$SENDMAIL" "\$@" >"$T/\$n.out" 2>"$T/\$n.err"; echo \$? >"$T/\$n.rc"; }
run ns_gmail --configure alice@gmail.com
run workspace -v --configure alice@workspace.example
run tenant --configure bob@tenant.example
run srv -v --configure alice@srv.example
run plain --configure carol@plain.example
run neither --configure dave@neither.example
run nosuch --configure erin@nosuch.example
run servfail --configure frank@servfail.example
run flaky --configure gina@flaky.example
run srv_write -C "$T/srv.conf" --configure alice@srv.example --write
NS
resolver_run "$T/ns.sh"

check resolver_answered grep -qx 'workspace.example' "$T/dns/queries"
check preset_domain_not_looked_up lacks "$T/dns/queries" gmail
check ns_gmail_same cmp -s "$T/ns_gmail.out" "$T/gmail.out"

# Google Workspace, by its MX: the preset, the source said; no SRV asked.
check workspace_exit_0 rc_of workspace 0
check workspace_preset has workspace "provider = gmail"
check workspace_user has workspace "user = alice@workspace.example"
check workspace_source says workspace "Found: Google Workspace, by the MX of workspace.example (aspmx.l.google.com)."
check workspace_verbose grep -qxF "sendmail: alice@workspace.example: Google Workspace, by the MX of workspace.example (aspmx.l.google.com)" "$T/workspace.err"
check workspace_verbose_dns grep -qxF "sendmail: DNS: workspace.example MX 1 aspmx.l.google.com" "$T/workspace.err"
check workspace_no_srv lacks "$T/dns/queries" '_submission.*workspace'

# Microsoft 365, by its MX: OAuth lines for --oauth-login.
check tenant_exit_0 rc_of tenant 0
check tenant_preset has tenant "provider = microsoft365"
check tenant_oauth sh -c "grep -A3 -x '\[oauth\]' '$T/tenant.out' | tr '\n' '|' | grep -qxF '[oauth]|tenant = tenant.example|;client_id = 00000000-0000-0000-0000-000000000000|refresh_token_file = /etc/relaymail/refresh-token|'"
check tenant_points_at_login says tenant "then run sendmail --oauth-login"

# SRV only: implicit TLS preferred over STARTTLS, in priority order and
# the larger weight first; the port and the TLS mode in the section.
check srv_exit_0 rc_of srv 0
check srv_hosts has srv "host = heavy.srv.example, light.srv.example, backup.srv.example"
check srv_port has srv "port = 465"
check srv_tls has srv "tls = tls"
check srv_user has srv "user = alice@srv.example"
check srv_source says srv "Found: the submission servers srv.example publishes, by its SRV records _submissions._tcp.srv.example (RFC 6186)."
check srv_check_hosts says srv "The DNS named these hosts: check that they are your mail provider's"
check srv_verbose grep -qxF "sendmail: DNS: _submissions._tcp.srv.example SRV 5 60 465 heavy.srv.example" "$T/srv.err"
check srv_submission_not_asked lacks "$T/dns/queries" '^_submission\._tcp\.srv'
reads_back srv
check srv_reads_back bp_has srv "host = heavy.srv.example, light.srv.example, backup.srv.example"
check srv_reads_back_port bp_has srv "port = 465"
check srv_reads_back_tls bp_has srv "tls = tls"
check srv_written_mode [ "$(stat -c %a "$T/srv.conf")" = 600 ]
check srv_written_same cmp -s "$T/srv.conf" "$T/srv.out"

# "." says implicit TLS is not offered: STARTTLS, through a CNAME, each
# host with its own port.
check plain_exit_0 rc_of plain 0
check plain_hosts has plain "host = smtp.provider.example:587, backup.provider.example:2525"
check plain_tls has plain "tls = starttls"
check plain_no_port lacks "$T/plain.out" '^port ='
reads_back plain
check plain_reads_back bp_has plain "tls = starttls"

# Neither: one sentence, exit 69, nothing on stdout.
check neither_69 rc_of neither 69
check neither_said err_is neither "sendmail: --configure dave@neither.example: no provider preset knows neither.example or its MX host mx.neither.example, and it publishes no RFC 6186 SRV record (_submissions._tcp or _submission._tcp): ask the mail provider for its submission server (host, port, TLS or STARTTLS) and write them in [relay] (sendmail.conf(5))"
check neither_nothing_out empty "$T/neither.out"
check nxdomain_69 rc_of nosuch 69
check nxdomain_said err_is nosuch "sendmail: --configure erin@nosuch.example: the domain nosuch.example does not exist (the DNS answers NXDOMAIN): check the address"

# A resolver in trouble: 69, and the sentence says it may pass.
check servfail_69 rc_of servfail 69
check servfail_said grep -qx "sendmail: --configure frank@servfail.example: the DNS gave no answer to rely on for the MX records of servfail.example (.*); this may pass: try again later (the name servers are those of /etc/resolv.conf)" "$T/servfail.err"
check servfail_nothing_out empty "$T/servfail.out"
check srv_servfail_69 rc_of flaky 69
check srv_servfail_said grep -q "for the SRV records of _submissions._tcp.flaky.example (.*); this may pass" "$T/flaky.err"
