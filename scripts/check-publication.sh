#!/usr/bin/env bash
# Checks what `./mvnw deploy` put in a file repository against what Maven Central requires of a
# published artifact, and that the same checks still refuse a broken copy: a copy of the
# repository with three defects must be refused with all three named.
# Usage: scripts/check-publication.sh [--release] REPOSITORY
#
# Each deployed POM, the file itself, goes through pomchecker-maven-plugin's check-maven-central:
# name, description, url, licenses, developers and scm, no <repositories>, and with --release no
# SNAPSHOT version; Maven's own model validation, which runs first, refuses a dependency without a
# version. What no plugin checks stays here, in a few lines:
#  - exactly the artifacts users depend on are deployed: the deploy plugin deploys every module
#    that does not skip it;
#  - each has its sources and Javadoc jars, which Central requires: nothing fails when a module
#    stops attaching them;
#  - each POM stands alone, flattened: no <parent> and no unresolved ${...}. pomchecker reads the
#    model Maven builds from the POM, which finds a parent in the local repository and keeps an
#    unknown ${...} as text.
# Dependencies that are SNAPSHOTs are refused at release by the release profile's
# maven-enforcer-plugin (requireReleaseDeps).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The artifacts users depend on; everything else (parent, sample, tests, benchmarks) stays
# unpublished.
ARTIFACTS=(etcd-discovery-spring-boot etcd-discovery-spring-boot-starter etcd-discovery-spring-cloud-starter
	etcd-discovery-test)
GROUP=io.etcddiscovery
# Run on POMs outside the build, so named in full: 1.14.0, the newest that resolves here (1.15.0 does not).
POMCHECKER=org.kordamp.maven:pomchecker-maven-plugin:1.14.0:check-maven-central

release=false
if [[ ${1:-} == --release ]]; then
	release=true
	shift
fi
repository=${1:?usage: scripts/check-publication.sh [--release] REPOSITORY}
[[ -d $repository ]] || { echo "publication check: no repository at ${repository} (run ./mvnw deploy -DaltDeploymentRepository=...)" >&2; exit 1; }

# Prints one line per problem of the repository $1 (--release rules if $2 is true).
problems() {
	local group_dir="$1/${GROUP//.//}" check_release=$2 artifact dir pom suffix property output
	for dir in "$group_dir"/*/; do
		artifact=$(basename "$dir")
		if [[ " ${ARTIFACTS[*]} " != *" ${artifact} "* ]]; then
			echo "${artifact}: published, but it is not one of the artifacts users depend on (set maven.deploy.skip in its POM)"
		fi
	done
	for artifact in "${ARTIFACTS[@]}"; do
		# The newest version and, of a SNAPSHOT, the newest time-stamped build of it.
		pom=$(find "$group_dir/$artifact" -name '*.pom' 2>/dev/null | sort | tail -n 1)
		if [[ -z $pom ]]; then
			echo "${artifact}: not published"
			continue
		fi
		for suffix in .jar -sources.jar -javadoc.jar; do
			if [[ ! -f ${pom%.pom}${suffix} ]]; then
				echo "${artifact}: no $(basename "${pom%.pom}${suffix}")"
			fi
		done
		if grep -q '<parent>' "$pom"; then
			echo "${artifact}: $(basename "$pom") has a <parent>: the published POM must stand alone (flattened)"
		fi
		property=$(grep -o '\${[^}]*}' "$pom" | head -n 1 || true)
		if [[ -n $property ]]; then
			echo "${artifact}: $(basename "$pom"): unresolved property ${property} (the POM is not flattened)"
		fi
		if ! output=$(./mvnw -B -q -f "$pom" "$POMCHECKER" -Dchecker.release="$check_release" 2>&1); then
			# pomchecker's reasons (" * ...") or Maven's model errors ("... @ line N").
			grep -E '^\[ERROR\] +\* |@ line [0-9]+' <<<"$output" | sed -E "s/^\[ERROR\] +(\* )?/${artifact}: /" | sort -u \
				| grep . || printf '%s: check-maven-central failed:\n%s\n' "$artifact" "$output"
		fi
	done
	return 0
}

found=$(problems "$repository" "$release")
if [[ -n $found ]]; then
	echo "publication check: $(wc -l <<<"$found") problem(s) in ${repository}:" >&2
	sed 's/^/  - /' <<<"$found" >&2
	exit 1
fi
echo "publication check: ${#ARTIFACTS[@]} artifacts in ${repository} have what Maven Central requires: ${ARTIFACTS[*]}"

# Negative control: the same repository with a POM without licenses, a POM with an unresolved
# property and a missing Javadoc jar.
broken=$(mktemp -d "${TMPDIR:-/tmp}/publication-check.XXXXXX")
trap 'rm -rf "$broken"' EXIT
cp -r "$repository"/. "$broken"
group_dir="$broken/${GROUP//.//}"
starter_pom=$(find "$group_dir/etcd-discovery-spring-boot-starter" -name '*.pom' | sort | tail -n 1)
test_pom=$(find "$group_dir/etcd-discovery-test" -name '*.pom' | sort | tail -n 1)
sed -i '/<licenses>/,/<\/licenses>/d' "$starter_pom"
sed -i '0,/<\/description>/s#</description>#${revision}</description>#' "$test_pom"
rm "$group_dir"/etcd-discovery-spring-boot/*/*-javadoc.jar
found=$(problems "$broken" false)
for expected in 'etcd-discovery-spring-boot-starter: .*<licenses>' \
	'etcd-discovery-test: .*unresolved property \$\{revision\}' \
	'etcd-discovery-spring-boot: no .*-javadoc\.jar'; do
	if ! grep -qE -- "$expected" <<<"$found"; then
		echo "publication check: did not report '${expected}' on a broken copy; it said:" >&2
		printf '%s\n' "$found" >&2
		exit 1
	fi
done
echo "publication check: a copy with a POM without licenses, an unresolved property and no Javadoc jar is refused"
