#!/usr/bin/env bash
# Makes sure the Go interoperability tests can build their Go programs (interop/go/) on both Go
# stacks they run: Go and the Go sources of etcd's client with its naming packages and of grpc-go,
# from Debian's packages, built in GOPATH mode (no Go module proxy is needed). Safe to run again.
#  - Debian 12's, on the system: Go 1.19, etcd's client 3.4 (go.etcd.io/etcd/clientv3/naming/...),
#    grpc-go 1.33. Prints the versions when they are there, otherwise installs golang-go,
#    golang-etcd-server-dev and golang-google-grpc-dev.
#  - Debian trixie's, as files in .tools/go-trixie, never over the system (scripts/debian-files.sh
#    with the packages' Go dependencies): Go 1.24, etcd's client 3.5
#    (go.etcd.io/etcd/client/v3/naming/...), grpc-go 1.64 and go-kit 0.13 with sd/etcdv3. Go 1.24
#    builds there with GOROOT=.tools/go-trixie/usr/lib/go-1.24,
#    GOPATH=<programs>:.tools/go-trixie/usr/share/gocode, GO111MODULE=off and GOTOOLCHAIN=local.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
trixie=$root/.tools/go-trixie
trixie_packages=(golang-1.24-go golang-etcd-server-dev golang-google-grpc-dev golang-github-go-kit-kit-dev)
trixie_needed=(
	usr/lib/go-1.24/bin/go
	usr/share/gocode/src/go.etcd.io/etcd/client/v3/naming/resolver
	usr/share/gocode/src/go.etcd.io/etcd/client/v3/naming/endpoints
	usr/share/gocode/src/google.golang.org/grpc/health
	usr/share/gocode/src/github.com/go-kit/kit/sd/etcdv3
)

# Debian's Go packages ask for golang-protobuf 1.3 or 1.5 (github.com/golang/protobuf); both
# extracted into one tree make one Go package of two versions, which does not compile. etcd 3.5
# and grpc-go 1.64 are built on 1.5.
install_trixie() {
	"$root/scripts/debian-files.sh" --closure '^golang-' --exclude golang-github-golang-protobuf-1-3-dev \
		trixie "$trixie" "${trixie_packages[@]}"
	for path in "${trixie_needed[@]}"; do
		[[ -e $trixie/$path ]] || { echo "Debian trixie's Go packages were extracted but $trixie/$path is missing." >&2; exit 1; }
	done
	echo "Go of Debian trixie: $(GOROOT=$trixie/usr/lib/go-1.24 GOTOOLCHAIN=local "$trixie/usr/lib/go-1.24/bin/go" version)"
	grep -E "^($(IFS='|' && echo "${trixie_packages[*]}")) " "$trixie/.packages"
}

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
	install_trixie
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
install_trixie
