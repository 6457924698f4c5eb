#!/usr/bin/env bash
# Checks what `./mvnw deploy` put in a file repository against what Maven Central requires of a
# published artifact (scripts/PublicationCheck.java says what), and that the check itself still
# fails on a broken POM: a copy of the repository with three defects must be refused with all
# three named. Usage: scripts/check-publication.sh [--release] REPOSITORY
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The artifacts users depend on; everything else (parent, sample, tests, benchmarks) stays
# unpublished.
ARTIFACTS=(etcd-discovery-spring-boot etcd-discovery-spring-boot-starter etcd-discovery-spring-cloud-starter
	etcd-discovery-test)
GROUP=io.etcddiscovery

release=()
if [[ ${1:-} == --release ]]; then
	release=(--release)
	shift
fi
repository=${1:?usage: scripts/check-publication.sh [--release] REPOSITORY}
[[ -d $repository ]] || { echo "publication check: no repository at ${repository} (run ./mvnw deploy -DaltDeploymentRepository=...)" >&2; exit 1; }

java scripts/PublicationCheck.java "${release[@]}" "$repository" "$GROUP" "${ARTIFACTS[@]}"

# Negative control: the same repository with a POM without licenses, a POM with an unresolved
# property and a missing Javadoc jar.
broken=$(mktemp -d "${TMPDIR:-/tmp}/publication-check.XXXXXX")
trap 'rm -rf "$broken"' EXIT
cp -r "$repository"/. "$broken"
group_dir="$broken/${GROUP//.//}"
starter_pom=$(ls "$group_dir"/etcd-discovery-spring-boot-starter/*/*.pom | tail -n 1)
test_pom=$(ls "$group_dir"/etcd-discovery-test/*/*.pom | tail -n 1)
sed -i '/<licenses>/,/<\/licenses>/d' "$starter_pom"
sed -i '0,/<\/description>/s#</description>#${revision}</description>#' "$test_pom"
rm "$group_dir"/etcd-discovery-spring-boot/*/*-javadoc.jar
if output=$(java scripts/PublicationCheck.java "$broken" "$GROUP" "${ARTIFACTS[@]}" 2>&1); then
	echo "publication check: accepted a repository with broken POMs:" >&2
	printf '%s\n' "$output" >&2
	exit 1
fi
for expected in 'etcd-discovery-spring-boot-starter: .*no <licenses>' \
	'etcd-discovery-test: .*unresolved property \$\{revision\}' \
	'etcd-discovery-spring-boot: no Javadoc jar'; do
	if ! grep -qE -- "$expected" <<<"$output"; then
		echo "publication check: did not report '${expected}' on a broken copy; it said:" >&2
		printf '%s\n' "$output" >&2
		exit 1
	fi
done
echo "publication check: a copy with a POM without licenses, an unresolved property and no Javadoc jar is refused"
