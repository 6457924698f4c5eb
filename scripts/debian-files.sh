#!/usr/bin/env bash
# Extracts packages of another Debian release into a folder, as files: nothing is installed over
# the system. Used for what Debian 12 (bookworm) lacks and a newer release ships, such as etcd 3.5
# and Go 1.24 from trixie.
#
#   scripts/debian-files.sh SUITE DEST PACKAGE...
#
# apt runs with a configuration of its own (a sources list naming SUITE on the mirror the system
# already uses, package lists and cache under .tools/apt-SUITE), `apt-get download` fetches each
# package and `dpkg -x` extracts it into DEST. DEST/.packages records what was extracted; a second
# call with the same packages does nothing. No dependency is resolved: name every package needed.
set -euo pipefail

if [[ $# -lt 3 ]]; then
	echo "usage: $0 SUITE DEST PACKAGE..." >&2
	exit 2
fi
suite=$1
dest=$2
shift 2
packages=("$@")

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state=$root/.tools/apt-$suite
wanted=$(printf '%s\n' "${packages[@]}" | sort)
if [[ -f $dest/.packages ]] && [[ $(cut -d' ' -f1 "$dest/.packages" | sort) == "$wanted" ]]; then
	exit 0
fi

# The Debian mirror the system's own apt configuration uses, so that no host is named here.
mirror() {
	local uri
	uri=$( (grep -hs -A3 '^Types: *deb' /etc/apt/sources.list.d/*.sources || true) |
		sed -n 's/^URIs: *//p' | tr ' ' '\n' | grep -E '/debian/?$' | sed -n 1p)
	if [[ -z $uri ]]; then
		uri=$( (cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true) |
			awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' |
			grep -E '/debian/?$' | sed -n 1p)
	fi
	[[ -n $uri ]] || { echo "debian-files: no Debian mirror in the system's apt sources" >&2; return 1; }
	echo "${uri%/}"
}

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -r $keyring ]] || { echo "debian-files: $keyring is missing (Debian's debian-archive-keyring package)" >&2; exit 1; }
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/debs"
echo "deb [signed-by=$keyring] $(mirror) $suite main" >"$state/sources.list"
apt_options=(
	-o "Dir::Etc::sourcelist=$state/sources.list" -o "Dir::Etc::sourceparts=-"
	-o "Dir::State::Lists=$state/lists" -o "Dir::Cache=$state/cache"
	-o "APT::Get::List-Cleanup=0" -o "Debug::NoLocking=1"
)
# apt drops privileges to _apt for downloads; a folder root owns is not writable to it.
if [[ $(id -u) -eq 0 ]]; then
	apt_options+=(-o "APT::Sandbox::User=root")
fi
echo "debian-files: ${packages[*]} from Debian ${suite} into ${dest}"
apt-get "${apt_options[@]}" -qq update
(cd "$state/debs" && rm -f ./*.deb && apt-get "${apt_options[@]}" -qq download "${packages[@]}")
rm -rf "$dest"
mkdir -p "$dest"
: >"$dest/.packages.new"
for deb in "$state"/debs/*.deb; do
	dpkg -x "$deb" "$dest"
	dpkg-deb -f "$deb" Package Version | sed 's/^[^:]*: *//' | paste -sd' ' >>"$dest/.packages.new"
done
mv "$dest/.packages.new" "$dest/.packages"
cat "$dest/.packages"
