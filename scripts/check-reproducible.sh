#!/usr/bin/env bash
# Checks that the published artifacts are reproducible: rebuilds the published modules from
# scratch (clean, tests skipped) and compares every jar and POM, byte for byte, with what
# `./mvnw deploy` put in REPOSITORY (project.build.outputTimestamp fixes the time stamps).
# Usage: scripts/check-reproducible.sh REPOSITORY
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

MODULES=(test-support autoconfigure starter cloud-starter)
repository=${1:?usage: scripts/check-reproducible.sh REPOSITORY}

./mvnw -B -q clean package -DskipTests -Dspring-javaformat.skip=true -pl "$(IFS=,; echo "${MODULES[*]}")"

differ=0
compared=0
for module in "${MODULES[@]}"; do
	artifact=$(sed -n 's#^  <artifactId>\(.*\)</artifactId>#\1#p' "$module/target/flattened-pom.xml" | sed -n 1p)
	version=$(sed -n 's#^  <version>\(.*\)</version>#\1#p' "$module/target/flattened-pom.xml" | sed -n 1p)
	published_dir=$(ls -d "$repository"/io/etcddiscovery/"$artifact"/"$version")
	for suffix in .jar -sources.jar -javadoc.jar .pom; do
		if [[ $suffix == .pom ]]; then
			rebuilt=$module/target/flattened-pom.xml
		else
			rebuilt=$module/target/$artifact-$version$suffix
		fi
		# A SNAPSHOT is deployed under a time-stamped name: the newest one.
		if [[ $suffix == .jar ]]; then
			published=$(find "$published_dir" -maxdepth 1 -name '*.jar' ! -name '*-sources.jar' ! -name '*-javadoc.jar' | sort | sed -n '$p')
		else
			published=$(find "$published_dir" -maxdepth 1 -name "*${suffix}" | sort | sed -n '$p')
		fi
		if [[ -z $published ]]; then
			echo "reproducible: no ${suffix} of ${artifact} in ${published_dir}" >&2
			differ=1
			continue
		fi
		if ! cmp -s "$rebuilt" "$published"; then
			echo "reproducible: ${rebuilt} differs from ${published}" >&2
			differ=1
		fi
		compared=$((compared + 1))
	done
done
if ((differ)); then
	echo "reproducible: a rebuild gave other bytes (a time stamp or an ordering that depends on the build?)" >&2
	exit 1
fi
echo "reproducible: ${compared} rebuilt jars and POMs are identical to the deployed ones"
