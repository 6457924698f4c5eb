#!/usr/bin/env bash
# Makes sure the etcd releases the tests run on are there. Safe to run again.
#  - etcd and etcdctl on the PATH: prints their versions when they are there, otherwise installs
#    Debian's etcd-server and etcd-client packages (etcd 3.4.23 on Debian 12).
#  - With --lines (what scripts/test.sh asks for), also the 3.5 releases, as files in folders of
#    the build, never over the system (scripts/debian-files.sh): Debian trixie's (stable, 3.5.16)
#    in .tools/etcd-3.5 and Debian sid's, the newest 3.5 Debian has (3.5.30 when written), in
#    .tools/etcd-newest. The test launcher takes the one ETCD_BINARY names.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
lines=false
[[ ${1:-} == --lines ]] && lines=true

install_lines() {
	"$root/scripts/debian-files.sh" trixie "$root/.tools/etcd-3.5" etcd-server etcd-client
	"$root/scripts/debian-files.sh" sid "$root/.tools/etcd-newest" etcd-server etcd-client
	for line in etcd-3.5 etcd-newest; do
		echo "$line: $("$root/.tools/$line/usr/bin/etcd" --version | sed -n 1p)"
	done
}
# Versions are printed with sed -n 1p, not head -n 1: head's early exit would make the writer
# die of SIGPIPE, which pipefail turns into a failure.

export DEBIAN_FRONTEND=noninteractive

if command -v etcd >/dev/null 2>&1 && command -v etcdctl >/dev/null 2>&1; then
	echo "etcd is installed: $(command -v etcd)"
	etcd --version | sed -n 1p
	ETCDCTL_API=3 etcdctl version | sed -n 1p
	if $lines; then
		install_lines
	fi
	exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
	as_root() { "$@"; }
elif command -v sudo >/dev/null 2>&1; then
	as_root() { sudo DEBIAN_FRONTEND=noninteractive "$@"; }
else
	echo "etcd is not installed and this script cannot install it: not root and no sudo." >&2
	echo "Install Debian's 'etcd-server' and 'etcd-client' packages as root, or put etcd and etcdctl on the PATH." >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "etcd is not installed and apt-get is missing: install etcd and etcdctl (3.4 or later) and put them on the PATH." >&2
	exit 1
fi

echo "Installing etcd-server and etcd-client with apt-get..."
as_root apt-get update
as_root apt-get install -y etcd-server etcd-client

# The package's postinst may start a system etcd on 127.0.0.1:2379 (denied in containers):
# stop and disable it, since the demo and the tests run their own etcd.
if command -v systemctl >/dev/null 2>&1; then
	as_root systemctl stop etcd >/dev/null 2>&1 || true
	as_root systemctl disable etcd >/dev/null 2>&1 || true
fi
if command -v service >/dev/null 2>&1; then
	as_root service etcd stop >/dev/null 2>&1 || true
fi
if command -v update-rc.d >/dev/null 2>&1; then
	as_root update-rc.d etcd disable >/dev/null 2>&1 || true
fi

etcd --version | sed -n 1p
ETCDCTL_API=3 etcdctl version | sed -n 1p
if $lines; then
	install_lines
fi
