# relaymail: a throwaway root for the install tests (POSIX sh, sourced
# after lib.sh). troot_run runs a script as root in a private mount
# namespace, chrooted into a copy-on-write overlay of /: the files,
# users, groups and packages it changes live in a tmpfs that is gone when
# it returns. The real $T is bind-mounted at the same path inside.

# troot_usable: root, unshare and overlayfs work here (else say skip).
troot_usable() {
	[ "$(id -u)" = 0 ] || { echo "skip $TNAME: needs root (unshare -m, an overlay of /)"; return 1; }
	command -v unshare >/dev/null 2>&1 || { echo "skip $TNAME: no unshare"; return 1; }
	echo 'exit 0' >"$T/troot-true.sh"
	troot_run "$T/troot-true.sh" 2>"$T/troot.err" && return 0
	echo "skip $TNAME: no private overlay of / here: $(head -n 1 "$T/troot.err")"
	return 1
}

# troot_run SCRIPT [ARGS]: SCRIPT (a path under $T) runs with /bin/sh in
# the throwaway root; its exit status. Nothing it starts outlives it:
# the namespace (and its mounts) ends with the last process, and the
# script must not leave one behind.
troot_run() {
	cat >"$T/troot-inner.sh" <<EOF
set -e
O=$T/ovl
mkdir -p "\$O"
mount -t tmpfs troot "\$O"
mkdir "\$O/u" "\$O/w" "\$O/m"
mount -t overlay troot -o "lowerdir=/,upperdir=\$O/u,workdir=\$O/w" "\$O/m"
mount --rbind /dev "\$O/m/dev"
mount -t proc proc "\$O/m/proc"
mount -t tmpfs run "\$O/m/run"
mount --bind "$T" "\$O/m$T"
set +e
chroot "\$O/m" /bin/sh "\$@"
EOF
	unshare -m --propagation private sh "$T/troot-inner.sh" "$@"
}
