# relaymail: OAuth 2.0 inside relaymail, against the loopback identity
# provider (smarthost -m idp) and a smart host that accepts only the
# tokens that provider issued (-T): both grants, the token cache, expiry,
# a refused token, a rotated refresh token, the device login, and a
# revoked refresh token that keeps the mail queued with a warning.
. "$TOP/tests/integration/lib.sh"
t_setup

msg() { printf 'Subject: o\n\nbody\n'; }
IDP=$T/idp
start_host -T "$IDP/tokens"
SH_PORT=$SMARTHOST_PORT SH_PID=$SMARTHOST_PID
smarthost_start "$IDP" -m idp -c "$PKI/server.pem" -k "$PKI/server.key" ||
    { echo "FAIL $TNAME: identity provider did not start"; exit 1; }
IDP_PORT=$SMARTHOST_PORT
SMARTHOST_PORT=$SH_PORT SMARTHOST_PID=$SH_PID
CACHE=$T/queue/oauth-token

requests() { grep -c "${1:-.}" "$IDP/requests" 2>/dev/null || echo 0; }
mode_of() { stat -c %a "$1"; }
oauth_conf() {
	EXTRA="[oauth]
token_url = https://localhost:$IDP_PORT/token
device_url = https://localhost:$IDP_PORT/device
client_id = relaymail-test
ca_file = $PKI/ca.pem
$1"
	write_conf password=
}

# The refresh-token grant delivers; the token is cached 0640.
echo rt-0 >"$IDP/refresh"
echo rt-0 >"$T/rt"
oauth_conf "refresh_token_file = $T/rt"
msg | send a@example.net
check refresh_grant_delivers [ "$(delivered)" -eq 1 ]
check refresh_grant_xoauth2 grep -qx 'XOAUTH2 alice' "$T/sh/conn-1/auth"
check refresh_grant_silent silent
check one_token_request [ "$(requests grant_type=refresh_token)" -eq 1 ]
# 0640 asked; the umask of a run that is not set-group-ID leaves 0600.
check cache_private [ "$(mode_of "$CACHE")" = 600 ]
check cache_no_token_in_log lacks "$T/err" 'at-'

# A second send reuses the cached token: the provider sees no request.
msg | send a@example.net
check cached_token_delivers [ "$(delivered)" -eq 2 ]
check cached_token_reused [ "$(requests)" -eq 1 ]

# OAUTHBEARER on request.
oauth_conf "refresh_token_file = $T/rt"
sed -i 's/^timeout/auth = oauthbearer\ntimeout/' "$T/conf"
msg | send a@example.net
check oauthbearer_on_request grep -q '^OAUTHBEARER alice' "$T/sh/conn-3/auth"


# A token the server refuses is replaced once and the send retried.
n=$(connections)
printf '9999999999\nhttps://localhost:%s/token relaymail-test alice 0\nat-revoked\n' \
    "$IDP_PORT" >"$CACHE"
oauth_conf "refresh_token_file = $T/rt"
msg | send a@example.net
check refused_token_retried [ "$(delivered)" -eq 4 ]
check refused_token_refetched [ "$(requests)" -eq 2 ]
check refused_then_new_connection [ "$(connections)" -eq $((n + 2)) ]
check refused_silent silent

# An expired token is fetched again (expires_in 4: renewed after 2 s).
echo 4 >"$IDP/expires_in"
rm -f "$CACHE"
msg | send a@example.net
sleep 3
msg | send a@example.net
check expired_token_refreshed [ "$(requests)" -eq 4 ]
check expired_token_delivers [ "$(delivered)" -eq 6 ]
rm -f "$IDP/expires_in"

# The token endpoint's numbers are bounded before any arithmetic: a
# token's life is cached for at most a day and never ends in the past
# (LONG_MAX overflowed a signed addition and cached a negative expiry).
for e in 9223372036854775807:max -1:neg 1e30:exp '"x"':junk; do
	echo "${e%:*}" >"$IDP/expires_in"
	rm -f "$CACHE"
	n=$(delivered)
	msg | send a@example.net
	now=$(date +%s)
	check "expires_in_${e##*:}_delivers" [ "$(delivered)" -eq $((n + 1)) ]
	check "expires_in_${e##*:}_silent" silent
	check "expires_in_${e##*:}_bounded" sh -c "x=\$(head -n 1 '$CACHE'); [ \"\$x\" -gt $now ] && [ \"\$x\" -le $((now + 86400)) ]"
done
rm -f "$IDP/expires_in" "$CACHE"

# A rotated refresh token is saved (0600) before it is used, and the next
# refresh uses it (the provider no longer accepts the old one).
touch "$IDP/rotate"
rm -f "$CACHE"
msg | send a@example.net
check rotated_saved grep -qx 'rt-rotated-1' "$T/rt"
check rotated_mode_0600 [ "$(mode_of "$T/rt")" = 600 ]
check rotated_no_temp_left [ "$(ls "$T" | grep -c '^rt\.')" -eq 0 ]
rm -f "$CACHE"
msg | send a@example.net
check rotated_used grep -q 'refresh_token=rt-rotated-1' "$IDP/requests"
check rotated_delivers [ "$(delivered)" -eq 12 ]
rm -f "$IDP/rotate"

# The client-credentials grant delivers (client_secret sent, no refresh
# token file needed).
rm -f "$CACHE"
oauth_conf "grant = client_credentials
client_secret = s3cret
scope = https://outlook.office365.com/.default"
msg | send a@example.net
check client_credentials_delivers [ "$(delivered)" -eq 13 ]
check client_credentials_asked grep -q \
    'grant_type=client_credentials.*client_secret=s3cret.*scope=https%3A%2F%2Foutlook' \
    "$IDP/requests"
# A wrong secret: invalid_client, queued, and the warning says what to do.
rm -f "$CACHE"
oauth_conf "grant = client_credentials
client_secret = wrong"
msg | send a@example.net
check invalid_client_queued [ "$(queued)" -eq 1 ] && rc_is 0
check invalid_client_warns stderr_has 'invalid_client.*client_secret'
rm -rf "$T/queue"

# The device login saves a refresh token (the provider approves after
# two polls), then a send uses it.
rm -f "$T/rt"
oauth_conf "refresh_token_file = $T/rt"
run --oauth-login
check login_exit_0 rc_is 0
check login_shows_code grep -q 'https://idp.test/device.*WDJB-MJHT' "$T/out"
check login_saved grep -qx 'rt-login' "$T/rt"
check login_mode_0600 [ "$(mode_of "$T/rt")" = 600 ]
check login_polled [ "$(grep -c 'device_code=dc-test' "$IDP/requests")" -eq 3 ]
msg | send a@example.net
check login_token_delivers [ "$(delivered)" -eq 14 ]

# The browser sign-in: authorization code with PKCE, the browser (curl)
# sent back to our listener on 127.0.0.1, or its address pasted.
# login_start [--oauth-login args]: runs it in the background, its stdin
# a FIFO held open on descriptor 3; LOGIN_URL is the address it prints.
login_start() {
	rm -f "$T/paste" "$T/login.out"
	mkfifo "$T/paste"
	"$SENDMAIL" -C "$T/conf" --oauth-login "$@" <"$T/paste" \
	    >"$T/login.out" 2>"$T/login.err" &
	LPID=$!
	bg "$LPID"
	exec 3>"$T/paste"
	_i=0
	while ! grep -q '^https://' "$T/login.out" 2>/dev/null && [ $_i -lt 100 ]; do
		sleep 0.05; _i=$((_i + 1))
	done
	LOGIN_URL=$(grep '^https://' "$T/login.out")
}
login_end() { exec 3>&-; bg_wait "$LPID"; echo $? >"$T/login.rc"; }
browse() { curl -s --noproxy '*' --cacert "$PKI/ca.pem" "$@" "$LOGIN_URL"; }
if command -v curl >/dev/null 2>&1; then
	AUTHZ="auth_url = https://localhost:$IDP_PORT/authorize"
	rm -f "$T/rt" "$IDP/refresh"
	oauth_conf "refresh_token_file = $T/rt
$AUTHZ"
	login_start
	browse -L >"$T/browser.out"
	login_end
	check code_login_exit_0 [ "$(cat "$T/login.rc")" -eq 0 ]
	check code_login_address grep -q "^https://localhost:$IDP_PORT/authorize?response_type=code&client_id=relaymail-test&redirect_uri=http%3A%2F%2F127.0.0.1%3A[0-9]*%2F&state=[A-Za-z0-9_-]*&code_challenge=[A-Za-z0-9_-]\{43\}&code_challenge_method=S256&login_hint=alice$" "$T/login.out"
	check code_login_browser_page grep -q 'signed in' "$T/browser.out"
	check code_login_pkce_checked grep -qx ok "$IDP/pkce"
	check code_login_saved grep -qx 'rt-code' "$T/rt"
	check code_login_mode_0600 [ "$(mode_of "$T/rt")" = 600 ]
	check code_login_redeemed grep -q 'grant_type=authorization_code&code=ac-1&redirect_uri=http%3A%2F%2F127.0.0.1%3A[0-9]*%2F&client_id=relaymail-test&code_verifier=' "$IDP/requests"
	rm -f "$CACHE"
	msg | send a@example.net
	check code_login_token_delivers [ "$(delivered)" -eq 15 ]

	# No browser on this machine: the address it ends on, pasted.
	rm -f "$T/rt" "$IDP/pkce"
	login_start
	loc=$(browse -D - -o /dev/null | sed -n 's/^Location: //p' | tr -d '\r')
	printf '%s\n' "$loc" >&3
	login_end
	check pasted_exit_0 [ "$(cat "$T/login.rc")" -eq 0 ]
	check pasted_says_how grep -q 'copy that whole address and paste it' "$T/login.out"
	check pasted_saved grep -qx 'rt-code' "$T/rt"
	check pasted_pkce_checked grep -qx ok "$IDP/pkce"

	# A verifier the provider cannot match (it recorded another
	# challenge): the provider refuses, nothing is saved.
	rm -f "$T/rt"
	touch "$IDP/tamper"
	login_start
	browse -L >/dev/null
	login_end
	rm -f "$IDP/tamper"
	check pkce_mismatch_fails [ "$(cat "$T/login.rc")" -ne 0 ]
	check pkce_mismatch_said grep -q 'the provider refused the code: invalid_grant' "$T/login.err"
	check pkce_mismatch_seen grep -qx mismatch "$IDP/pkce"
	check pkce_mismatch_nothing_saved [ ! -e "$T/rt" ]

	# Another sign-in's address (its state differs) is refused.
	login_start
	printf 'http://127.0.0.1:1/?code=ac-1&state=forged\n' >&3
	login_end
	check forged_state_fails [ "$(cat "$T/login.rc")" -ne 0 ]
	check forged_state_said grep -q 'answers another sign-in (the state differs)' "$T/login.err"
	check forged_state_not_redeemed [ "$(grep -c 'code=ac-1&' "$IDP/requests")" -eq 1 ]

	# The person declines: said, nothing saved.
	touch "$IDP/deny"
	login_start
	browse -L >"$T/browser.out"
	login_end
	rm -f "$IDP/deny"
	check denied_fails [ "$(cat "$T/login.rc")" -ne 0 ]
	check denied_said grep -q 'sign-in refused: access_denied: the user said no' "$T/login.err"
	check denied_page grep -q 'refused' "$T/browser.out"
	check denied_nothing_saved [ ! -e "$T/rt" ]
	echo rt-code >"$T/rt"
	echo rt-code >"$IDP/refresh"
else
	echo "skip $TNAME: the browser sign-in: no curl"
fi

# The device flow on request, and refused for Google (its device flow
# does not allow the Gmail scope).
EXTRA="[oauth]
provider = gmail
client_id = x
refresh_token_file = $T/rt"
write_conf password=
run --oauth-login=device
check google_device_refused stderr_has "Google's device flow does not allow the Gmail scope"
run --oauth-login=fax
check login_flow_bad_64 rc_is 64
# -bt warns when a Google refresh token is close to the 7 days a
# "Testing" app's tokens last (saved 6 days ago); not when it is young,
# nor past 7 days (then it is not one).
EXTRA="[oauth]
provider = gmail
token_url = https://localhost:$IDP_PORT/token
client_id = relaymail-test
ca_file = $PKI/ca.pem
refresh_token_file = $T/rt"
write_conf password=
echo rt-code >"$T/rt"
touch -d '6 days ago' "$T/rt"
"$SENDMAIL" -C "$T/conf" -bt >"$T/out" 2>"$T/err"
check testing_expiry_warned grep -q '^oauth: warning: if the Google app.s publishing status is Testing, this refresh token expires on [0-9-]* [0-9:]* (in 1d [0-9]*h): publish the app (In production), or run sendmail --oauth-login again before then$' "$T/out"
check testing_refresh_tested grep -q '^oauth: token refresh: ok' "$T/out"
touch -d '1 day ago' "$T/rt"
"$SENDMAIL" -C "$T/conf" -bt >"$T/out" 2>"$T/err"
check young_token_quiet lacks "$T/out" 'oauth: warning'
touch -d '8 days ago' "$T/rt"
"$SENDMAIL" -C "$T/conf" -bt >"$T/out" 2>"$T/err"
check old_token_quiet lacks "$T/out" 'oauth: warning'

# A revoked refresh token: invalid_grant keeps the mail queued (exit 0)
# and says what to do on stderr.
oauth_conf "refresh_token_file = $T/rt"
n_before=$(delivered)
touch "$IDP/invalid_grant"
rm -f "$CACHE"
msg | send a@example.net
check invalid_grant_exit_0 rc_is 0
check invalid_grant_queued [ "$(queued)" -eq 1 ]
check invalid_grant_warns stderr_has 'refresh token was revoked or has expired: run sendmail --oauth-login'
check invalid_grant_not_delivered [ "$(delivered)" -eq "$n_before" ]
rm -f "$IDP/invalid_grant"

# Settings: the refresh-token grant needs its file; a password is refused.
EXTRA="[oauth]
provider = gmail
client_id = x"
write_conf password=
run -bP
check needs_refresh_token_file rc_is 78
check needs_refresh_token_file_says stderr_has 'refresh_token_file: required'
EXTRA="[oauth]
provider = microsoft
client_id = x
refresh_token_file = $T/rt"
write_conf password=
run -bP
check microsoft_needs_tenant stderr_has 'tenant: required'
EXTRA="$EXTRA
tenant = contoso.onmicrosoft.com"
write_conf
run -bP
check no_password_with_oauth stderr_has 'password: not with \[oauth\]'

# A queue run that outlives its token logs in again, on a new connection,
# with a new token (expires_in 4: renewed after 2 s; each message takes
# 1.5 s at the end of data).
rm -rf "$T/queue"
printf 'eom delay 1500\n' >"$T/script"
start_host -T "$IDP/tokens" -s "$T/script"
echo 4 >"$IDP/expires_in"
oauth_conf "grant = client_credentials
client_secret = s3cret
scope = https://outlook.office365.com/.default"
for i in 1 2 3 4; do msg | send -odq "l$i@example.net"; done
check long_flush_queued [ "$(queued)" -eq 4 ]
before=$(requests grant_type=client_credentials)
"$SENDMAIL" -C "$T/conf" -q >"$T/out" 2>"$T/err"
check long_flush_all_sent [ "$(delivered)" -eq 4 ]
check long_flush_none_left [ "$(queued)" -eq 0 ]
check long_flush_new_token [ "$(requests grant_type=client_credentials)" -ge $((before + 2)) ]
check long_flush_new_login [ "$(connections)" -ge 2 ]
check long_flush_silent silent
rm -f "$IDP/expires_in"
