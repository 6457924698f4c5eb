#!/usr/bin/env bash
# Makes sure the Go interoperability tests can build their Go programs (interop/go/): Go and
# the Go sources of etcd's client with its naming packages and of grpc-go, from Debian's
# packages, built in GOPATH mode (no Go module proxy is needed). Prints the versions when they
# are there, otherwise installs golang-go, golang-etcd-server-dev and golang-google-grpc-dev.
# Safe to run again.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
gocode=/usr/share/gocode/src
needed=("$gocode/go.etcd.io/etcd/clientv3/naming/resolver" "$gocode/google.golang.org/grpc/health")

installed() {
	command -v go >/dev/null 2>&1 || return 1
	for dir in "${needed[@]}"; do
		[[ -d $dir ]] || return 1
	done
}

report() {
	echo "Go is installed: $(command -v go) ($(go version | sed -n 1p))"
	dpkg-query -W -f '${Package} ${Version}\n' golang-etcd-server-dev golang-google-grpc-dev 2>/dev/null || true
}

if installed; then
	report
	exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
	as_root() { "$@"; }
elif command -v sudo >/dev/null 2>&1; then
	as_root() { sudo DEBIAN_FRONTEND=noninteractive "$@"; }
else
	echo "Go or Debian's Go sources are missing and this script cannot install them: not root and no sudo." >&2
	echo "Install Debian's 'golang-go', 'golang-etcd-server-dev' and 'golang-google-grpc-dev' packages as root." >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "Go or Debian's Go sources are missing and apt-get is missing: install Debian's golang-go," >&2
	echo "golang-etcd-server-dev and golang-google-grpc-dev (or put go and those sources under $gocode)." >&2
	exit 1
fi

echo "Installing golang-go, golang-etcd-server-dev and golang-google-grpc-dev with apt-get..."
as_root apt-get update
as_root apt-get install -y --no-install-recommends golang-go golang-etcd-server-dev golang-google-grpc-dev
installed || { echo "Go's packages were installed but ${needed[*]} are still missing." >&2; exit 1; }
report
