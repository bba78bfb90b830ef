#!/bin/sh
# Makes the fleet CA of the agents' peer port (once) and a certificate and key per host, for mTLS
# between agents. See deploy/tls/README.md.
#
#   deploy/tls/make-certs.sh DIR HOST...
#
# DIR/ca.crt, DIR/ca.key   the fleet CA (made only if DIR/ca.crt does not exist yet; keep ca.key
#                          off the hosts)
# DIR/HOST.crt, HOST.key   one agent's certificate and key (PKCS#8), for client and server use,
#                          with HOST as its name (an IP address or a DNS name)
#
# Environment: SHOAL_CA_DAYS (default 3650) and SHOAL_CERT_DAYS (default 365), the validity.
set -eu

if [ $# -lt 2 ]; then
  echo "usage: $0 DIR HOST... (makes DIR/ca.crt once, and DIR/HOST.crt and DIR/HOST.key)" >&2
  exit 2
fi
dir=$1
shift
ca_days=${SHOAL_CA_DAYS:-3650}
cert_days=${SHOAL_CERT_DAYS:-365}
command -v openssl >/dev/null || { echo "$0: openssl is not installed" >&2; exit 1; }
mkdir -p "$dir"
umask 077
ext=$(mktemp)
log=$(mktemp)
trap 'rm -f "$ext" "$log"' EXIT

# openssl's chatter is shown only when it fails.
quiet() {
  "$@" 2>"$log" || { cat "$log" >&2; echo "$0: failed: $*" >&2; exit 1; }
}

if [ ! -f "$dir/ca.crt" ]; then
  quiet openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" -days "$ca_days" -subj "/CN=shoal fleet CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign"
  chmod 644 "$dir/ca.crt"
  echo "made the fleet CA: $dir/ca.crt (keep $dir/ca.key secret, off the hosts)"
fi

for host in "$@"; do
  case $host in
    */* | "" | .*) echo "$0: $host: not a host name or address" >&2; exit 2 ;;
  esac
  # An address (IPv6 with a colon, IPv4 digits and dots) becomes an IP name, the rest DNS.
  case $host in
    *:*) san="IP:$host" ;;
    *[!0-9.]*) san="DNS:$host" ;;
    *) san="IP:$host" ;;
  esac
  cat >"$ext" <<EXT
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = $san
EXT
  quiet openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 \
    -keyout "$dir/$host.key" -out "$dir/$host.csr" -subj "/CN=$host"
  quiet openssl x509 -req -in "$dir/$host.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days "$cert_days" -sha256 \
    -extfile "$ext" -out "$dir/$host.crt"
  rm -f "$dir/$host.csr"
  chmod 644 "$dir/$host.crt"
  echo "made $dir/$host.crt and $dir/$host.key ($san)"
done
