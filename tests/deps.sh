#!/bin/sh
# relaymail: install what building (and testing) needs when it is missing.
# As root, apt-get installs it; otherwise print the one command to run.
# usage: deps.sh build|check
set -u
need=""
[ -f /usr/include/bearssl.h ] || need="$need libbearssl-dev"
[ -f /usr/include/ini.h ] || need="$need libinih-dev"
# musl-tools: the shipped binary is linked statically with musl when it
# is there (the Makefile falls back to glibc's dynamic linking).
want=""
command -v musl-gcc >/dev/null 2>&1 || want=" musl-tools"
if [ "${1:-build}" = static ]; then
	need="$need$want"
	want=""
fi
if [ "${1:-build}" = check ]; then
	command -v openssl >/dev/null 2>&1 || need="$need openssl"
	# Fault injection (t_faults); without it that test is skipped.
	command -v strace >/dev/null 2>&1 || need="$need strace"
	# The browser of the OAuth sign-in (t_oauth); else those skip.
	command -v curl >/dev/null 2>&1 || need="$need curl"
fi
if [ -n "$want" ] && [ "$(id -u)" = 0 ] &&
    command -v apt-get >/dev/null 2>&1; then
	echo "relaymail: installing$want (for the static binary)" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $want \
	    >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1;
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $want \
	    >/dev/null 2>&1; } || echo "relaymail: no$want: building" \
	    "with glibc's dynamic linking" >&2
fi
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "relaymail: installing$need" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null 2>&1 || true
	# shellcheck disable=SC2086
	apt-get install -y -qq $need >/dev/null || {
		echo "relaymail: apt-get install$need failed" >&2
		[ "${1:-build}" = check ] && exit 0	# those tests skip
		exit 1; }
	exit 0
fi
if [ "${1:-build}" = check ]; then
	echo "relaymail: some tests will be skipped; to run them:" >&2
	echo "  sudo apt-get install$need" >&2
	exit 0
fi
echo "relaymail: missing build dependencies; run:" >&2
echo "  sudo apt-get install$need" >&2
exit 1
