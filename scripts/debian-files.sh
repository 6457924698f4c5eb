#!/usr/bin/env bash
# Extracts packages of another Debian release into a folder, as files: nothing is installed over
# the system. Used for what Debian 12 (bookworm) lacks and a newer release ships, such as etcd 3.5
# and Go 1.24 from trixie.
#
#   scripts/debian-files.sh [--closure PATTERN [--exclude PACKAGE]...] SUITE DEST PACKAGE...
#
# apt runs with a configuration of its own (a sources list naming SUITE on the mirror the system
# already uses, package lists, cache and an empty dpkg status under .tools/apt-SUITE, so that what
# the system has installed plays no part), `apt-get download` fetches each package and
# `dpkg-deb -X` extracts it into DEST (the downloads are deleted then). DEST/.request records what was asked for and DEST/.packages
# what was extracted; a second call with the same request does nothing, without the network.
#
# Without --closure, no dependency is resolved: name every package needed. With --closure, the
# PACKAGEs' dependencies are extracted too, recursively (`apt-cache depends --recurse`, Depends and
# Pre-Depends), as far as their names match the extended regular expression PATTERN: '^golang-'
# keeps Go's toolchain and Debian's Go sources (golang-*-dev) and leaves out the C library and
# the like, which the system has. Debian's Go packages list alternatives that cannot be extracted
# together (golang-protobuf 1.3 and 1.5 ship the same Go package): --exclude leaves one out.
# Whatever the mode, two packages that ship the same file fail the extraction, naming both, so one
# version of a library is never extracted over another.
set -euo pipefail

usage() {
	echo "usage: $0 [--closure PATTERN [--exclude PACKAGE]...] SUITE DEST PACKAGE..." >&2
	exit 2
}

closure=
excluded=()
while [[ ${1:-} == --* ]]; do
	case $1 in
	--closure) [[ $# -ge 2 ]] || usage; closure=$2; shift 2 ;;
	--exclude) [[ $# -ge 2 ]] || usage; excluded+=("$2"); shift 2 ;;
	*) usage ;;
	esac
done
[[ $# -ge 3 ]] || usage
[[ -n $closure || ${#excluded[@]} -eq 0 ]] || usage
suite=$1
dest=$2
shift 2
packages=("$@")

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state=$root/.tools/apt-$suite
request="suite=$suite closure=$closure exclude=${excluded[*]:-} packages=$(printf '%s\n' "${packages[@]}" | sort | paste -sd' ')"
if [[ -f $dest/.packages && -f $dest/.request ]] && [[ $(cat "$dest/.request") == "$request" ]]; then
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
: >"$state/status"
apt_options=(
	-o "Dir::Etc::sourcelist=$state/sources.list" -o "Dir::Etc::sourceparts=-"
	-o "Dir::State::Lists=$state/lists" -o "Dir::State::status=$state/status" -o "Dir::Cache=$state/cache"
	-o "APT::Get::List-Cleanup=0" -o "Debug::NoLocking=1"
)
# apt drops privileges to _apt for downloads; a folder root owns is not writable to it.
if [[ $(id -u) -eq 0 ]]; then
	apt_options+=(-o "APT::Sandbox::User=root")
fi
apt-get "${apt_options[@]}" -qq update
for package in "${packages[@]}"; do
	if [[ -z $(apt-cache "${apt_options[@]}" show --no-all-versions "$package" 2>/dev/null) ]]; then
		echo "debian-files: Debian $suite has no package $package" >&2
		exit 1
	fi
done

selected=("${packages[@]}")
if [[ -n $closure ]]; then
	# Lines not indented name a package of the closure; <name> is a virtual package, whose
	# providers are listed too.
	mapfile -t selected < <(
		{
			printf '%s\n' "${packages[@]}"
			apt-cache "${apt_options[@]}" depends --recurse --important "${packages[@]}" |
				grep -v '^[ <]' | grep -E -- "$closure" || true
		} | awk -v excluded=" ${excluded[*]:-} " 'index(excluded, " " $0 " ") == 0' | sort -u
	)
fi
echo "debian-files: ${#selected[@]} packages from Debian ${suite} into ${dest}"
(cd "$state/debs" && rm -f ./*.deb && apt-get "${apt_options[@]}" -qq download "${selected[@]}")

rm -rf "$dest.partial"
mkdir -p "$dest.partial"
: >"$dest.partial/.packages"
: >"$state/files"
for deb in "$state"/debs/*.deb; do
	package=$(dpkg-deb -f "$deb" Package)
	# -X lists what it extracts: "package<TAB>/path" for each file, folders left out.
	dpkg-deb -X "$deb" "$dest.partial" | sed -n "/\/\$/!s|^\./|$package\t/|p" >>"$state/files"
	dpkg-deb -f "$deb" Package Version | sed 's/^[^:]*: *//' | paste -sd' ' >>"$dest.partial/.packages"
done
overlaps=$(sort -t$'\t' -k2,2 "$state/files" | awk -F'\t' '
	$2 == file && $1 != package { pair = package " and " $1; count[pair]++; example[pair] = $2 }
	{ file = $2; package = $1 }
	END { for (pair in count) print "  " pair ": " count[pair] " files, such as " example[pair] }')
rm -f "$state/files" "$state"/debs/*.deb
if [[ -n $overlaps ]]; then
	rm -rf "$dest.partial"
	echo "debian-files: packages that would be extracted over each other (leave one out with --exclude):" >&2
	echo "$overlaps" >&2
	exit 1
fi
echo "$request" >"$dest.partial/.request"
rm -rf "$dest"
mv "$dest.partial" "$dest"
echo "debian-files: $(wc -l <"$dest/.packages") packages, $(du -sh "$dest" | cut -f1) in $dest"
