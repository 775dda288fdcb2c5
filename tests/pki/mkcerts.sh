#!/bin/sh
# relaymail: throwaway certificates for the tests, made with openssl at
# test time (no private key is ever committed). usage: mkcerts.sh OUTDIR
set -eu
out=$1
[ -f "$out/.done" ] && [ "$out/.done" -nt "$0" ] && exit 0
mkdir -p "$out"
cd "$out"
rm -rf ca-db
mkdir ca-db
: >ca-db/index.txt
echo 1000 >ca-db/serial

q() { "$@" >/dev/null 2>&1 || { echo "mkcerts: failed: $*" >&2; exit 1; }; }

ca() {	# name subject
	q openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1.key" \
	    -out "$1.pem" -days 3650 -subj "/CN=$2" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign
}

ca ca "relaymail Test CA"
ca ca2 "Other CA"

cat >ca.cnf <<CNF
[ca]
default_ca = test
[test]
database = ca-db/index.txt
serial = ca-db/serial
new_certs_dir = ca-db
default_md = sha256
policy = any
unique_subject = no
copy_extensions = copy
[any]
commonName = supplied
CNF

# leaf NAME KEYSPEC SAN [CA] [extra -addext...] [startdate enddate]
leaf() {
	name=$1 keyspec=$2 san=$3 signer=${4:-ca} eku=${5:-serverAuth}
	start=${6:-} end=${7:-}
	cn=$(echo "$san" | sed 's/^[A-Z]*://; s/,.*//')
	q openssl req -new -newkey "$keyspec" -nodes -keyout "$name.key" \
	    -out "$name.csr" -subj "/CN=$cn" -addext "subjectAltName=$san" \
	    -addext "extendedKeyUsage=$eku" \
	    -addext "basicConstraints=CA:FALSE"
	# MD=sha1 or SIGOPT=rsa_padding_mode:pss in the environment change
	# how the CA signs.
	if [ -n "$start" ]; then
		q openssl ca -batch -config ca.cnf -cert "$signer.pem" \
		    -keyfile "$signer.key" -in "$name.csr" -out "$name.crt" \
		    -startdate "$start" -enddate "$end" -notext \
		    ${MD:+-md $MD} ${SIGOPT:+-sigopt $SIGOPT}
	else
		q openssl ca -batch -config ca.cnf -cert "$signer.pem" \
		    -keyfile "$signer.key" -in "$name.csr" -out "$name.crt" \
		    -days 825 -notext ${MD:+-md $MD} ${SIGOPT:+-sigopt $SIGOPT}
	fi
	cat "$name.crt" "$signer.pem" >"$name.pem"
	rm -f "$name.csr" "$name.crt"
}

# inter NAME SUBJECT SIGNER SECTION [KEY] [startdate enddate]: an
# intermediate CA (NAME.pem is its certificate alone); KEY reuses a key,
# for a cross-signed twin.
inter() {
	name=$1 subj=$2 signer=$3 sect=$4 key=${5:-$1}
	[ -f "$key.key" ] || q openssl genpkey -algorithm rsa \
	    -pkeyopt rsa_keygen_bits:2048 -out "$key.key"
	q openssl req -new -key "$key.key" -out "$name.csr" -subj "/CN=$subj"
	dates="-days 1825"
	[ -n "${6:-}" ] && dates="-startdate $6 -enddate $7"
	q openssl ca -batch -config ca.cnf -cert "$signer.pem" \
	    -keyfile "$signer.key" -in "$name.csr" -out "$name.pem" \
	    -extfile ext.cnf -extensions "$sect" -notext $dates
	[ "$key" = "$name" ] || cp "$key.key" "$name.key"
	rm -f "$name.csr"
}

# first FILE: the first certificate of a PEM file.
first() { openssl x509 -in "$1"; }

good="DNS:localhost,IP:127.0.0.1,IP:::1"
leaf server rsa:2048 "$good"
q openssl ecparam -name prime256v1 -out ec.param
leaf server-ec ec:ec.param "$good"
leaf wrongname rsa:2048 "DNS:wrong.example"
leaf expired rsa:2048 "$good" ca serverAuth 20200101000000Z 20200102000000Z
leaf notyet rsa:2048 "$good" ca serverAuth 20900101000000Z 20910101000000Z
leaf unknownca rsa:2048 "$good" ca2
leaf weakkey rsa:1024 "$good"
leaf clientonly rsa:2048 "$good" ca clientAuth
leaf ipsan rsa:2048 "IP:127.0.0.1"
leaf client rsa:2048 "DNS:relaymail-client" ca clientAuth
leaf client-ec ec:ec.param "DNS:relaymail-client" ca clientAuth
# The larger RSA keys servers use (the handshake's signature and the
# leaf's key are checked with BearSSL's RSA code).
leaf rsa3072 rsa:3072 "$good"
leaf rsa4096 rsa:4096 "$good"

# Chains as servers really send them, for path building.
cat >ext.cnf <<EXT
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
[nc]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
nameConstraints = permitted;DNS:example.com,permitted;IP:127.0.0.0/255.0.0.0
[ncx]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
nameConstraints = excluded;DNS:bad.example.com
[ncc]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
nameConstraints = critical,permitted;DNS:example.com
EXT
inter inter "relaymail Intermediate" ca ca
inter stale "relaymail Intermediate" ca2 ca inter 20200101000000Z 20200102000000Z
inter oldinter "relaymail Old Intermediate" ca ca oldinter 20200101000000Z 20200102000000Z
inter ncinter "relaymail Constrained CA" ca nc
inter ncxinter "relaymail Excluding CA" ca ncx
inter nccinter "relaymail Critical Constraints CA" ca ncc
# EC trust anchors (P-256, and P-384 signing with SHA-384).
for c in P-256 P-384; do
	n=caec$(echo $c | tr -d P-)
	q openssl req -x509 -newkey ec -pkeyopt "ec_paramgen_curve:$c" -nodes \
	    -keyout "$n.key" -out "$n.pem" -days 3650 -subj "/CN=relaymail EC $c CA" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign
done
leaf ecleaf256 ec:ec.param "$good" caec256
MD=sha384 leaf ecleaf384 rsa:2048 "$good" caec384
leaf chainleaf rsa:2048 "$good" inter
leaf oldleaf rsa:2048 "$good" oldinter
leaf ncok rsa:2048 "DNS:mail.example.com,IP:127.0.0.1" ncinter
leaf ncbad rsa:2048 "DNS:mail.example.org" ncinter
leaf ncip rsa:2048 "DNS:mail.example.com,IP:10.1.2.3" ncinter
leaf ncxbad rsa:2048 "DNS:bad.example.com" ncxinter
inter ncc2inter "relaymail Deep Critical CA" inter ncc
leaf nccok rsa:2048 "DNS:mail.example.com" nccinter
leaf nccbad rsa:2048 "DNS:mail.example.org" nccinter
leaf ncc2ok rsa:2048 "DNS:mail.example.com" ncc2inter
# A critical-constraints CA signed by an impostor of the test CA's name.
ca evilca "relaymail Test CA"
inter evilncc "relaymail Critical Constraints CA" evilca ncc
leaf evilleaf rsa:2048 "DNS:mail.example.com" evilncc
leaf wild rsa:2048 "DNS:*.example.com"
leaf wildtld rsa:2048 "DNS:*.com"
leaf partial rsa:2048 "DNS:m*.example.com"
MD=sha1 leaf sha1 rsa:2048 "$good"
# An RSA server key signed by an Ed25519 CA.
q openssl req -x509 -newkey ed25519 -nodes -keyout caed.key -out caed.pem \
    -days 3650 -subj "/CN=relaymail Ed25519 CA" \
    -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign
q openssl req -new -newkey rsa:2048 -nodes -keyout edleaf.key -out edleaf.csr \
    -subj /CN=localhost -addext "subjectAltName=$good" \
    -addext extendedKeyUsage=serverAuth
q openssl x509 -req -in edleaf.csr -CA caed.pem -CAkey caed.key -days 825 \
    -copy_extensions copy -out edleaf.crt
cat edleaf.crt caed.pem >edleaf.pem
rm -f edleaf.csr edleaf.crt
SIGOPT=rsa_padding_mode:pss leaf pss rsa:2048 "$good"
q openssl req -new -newkey rsa:2048 -nodes -keyout cnonly.key \
    -out cnonly.csr -subj "/CN=localhost"
q openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key \
    -in cnonly.csr -out cnonly.pem -days 825 -notext
rm -f cnonly.csr
{ first chainleaf.pem; cat ca.pem inter.pem; } >reversed.pem
{ first chainleaf.pem; first unknownca.pem; cat ca2.pem inter.pem; } >extra.pem
{ first chainleaf.pem; cat stale.pem inter.pem; } >crossed.pem
cp chainleaf.key reversed.key; cp chainleaf.key extra.key
cp chainleaf.key crossed.key
cat inter.pem >>ncc2ok.pem	# leaf, its critical CA, the intermediate
rm -rf ca-db ca.cnf ec.param ext.cnf
touch .done
