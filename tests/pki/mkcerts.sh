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
	if [ -n "$start" ]; then
		q openssl ca -batch -config ca.cnf -cert "$signer.pem" \
		    -keyfile "$signer.key" -in "$name.csr" -out "$name.crt" \
		    -startdate "$start" -enddate "$end" -notext
	else
		q openssl ca -batch -config ca.cnf -cert "$signer.pem" \
		    -keyfile "$signer.key" -in "$name.csr" -out "$name.crt" \
		    -days 825 -notext
	fi
	cat "$name.crt" "$signer.pem" >"$name.pem"
	rm -f "$name.csr" "$name.crt"
}

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
rm -rf ca-db ca.cnf ec.param
touch .done
