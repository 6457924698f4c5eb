#!/usr/bin/env bash
# Makes sure the Node.js interoperability test (NodeInteropIT) can run interop/node/registry.js:
# Node.js and npm (Debian's nodejs and npm packages when missing), then npm's etcd3 package and
# its dependencies, at the versions of interop/node/package-lock.json, into
# interop/node/node_modules ('npm ci', from the npm registry). Safe to run again: it installs
# nothing that is there already.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DEBIAN_FRONTEND=noninteractive
dir=interop/node

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	if [[ $(id -u) -eq 0 ]]; then
		as_root() { "$@"; }
	elif command -v sudo >/dev/null 2>&1; then
		as_root() { sudo DEBIAN_FRONTEND=noninteractive "$@"; }
	else
		echo "Node.js or npm is missing and this script cannot install them: not root and no sudo." >&2
		echo "Install Debian's 'nodejs' and 'npm' packages as root." >&2
		exit 1
	fi
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "Node.js or npm is missing and apt-get is missing: install Node.js 16 or later with npm." >&2
		exit 1
	fi
	echo "Installing nodejs and npm with apt-get..."
	as_root apt-get update
	as_root apt-get install -y --no-install-recommends nodejs npm
fi
echo "Node.js is installed: $(command -v node) ($(node --version)), npm $(npm --version)"

# node_modules/.package-lock.json is npm's record of what it installed: reinstall only when the
# lock file changed since.
if [[ ! -f $dir/node_modules/.package-lock.json || $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
	(cd "$dir" && npm ci --no-audit --no-fund)
fi
echo "npm's etcd3 $(node -p "require('./$dir/node_modules/etcd3/package.json').version") is installed in $dir/node_modules"
