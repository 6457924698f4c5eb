#!/usr/bin/env bash
# Checks that the published artifacts are reproducible: rebuilds the published modules from a
# clean tree (project.build.outputTimestamp fixes the time stamps) and has maven-artifact-plugin's
# artifact:compare compare every file (POM, jar, sources, Javadoc) with what `./mvnw deploy` put
# in REPOSITORY.
# Usage: scripts/check-reproducible.sh REPOSITORY
#
# artifact:compare resolves its reference through Maven's repositories, where a copy of the same
# version installed in the local repository comes before REPOSITORY: the deploy's own install, or
# another build's on a shared machine. So the rebuild runs on a local repository of its own, empty
# but backed by the usual one (Maven's maven.repo.local.tail, read only) seen through links that
# leave out this project's group: the reference can only come from REPOSITORY.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

MODULES=test-support,autoconfigure,starter,cloud-starter
GROUP_PATH=io/etcddiscovery
repository=${1:?usage: scripts/check-reproducible.sh REPOSITORY}
repository=$(cd "$repository" && pwd)
usual=$HOME/.m2/repository

work=$(mktemp -d "${TMPDIR:-/tmp}/reproducible.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The usual local repository, one link per entry, without io/etcddiscovery.
mkdir -p "$work/tail/${GROUP_PATH%/*}"
for entry in "$usual"/* "$usual/${GROUP_PATH%/*}"/*; do
	relative=${entry#"$usual"/}
	if [[ $relative != "${GROUP_PATH%/*}" && $relative != "$GROUP_PATH" ]]; then
		ln -s "$entry" "$work/tail/$relative"
	fi
done

./mvnw -B -q clean package -DskipTests -Dspring-javaformat.skip=true -pl "$MODULES" \
	-Dmaven.repo.local="$work/head" -Dmaven.repo.local.tail="$work/tail" \
	artifact:compare -Dreference.repo="staging::file:${repository}"
echo "reproducible: a clean rebuild of ${MODULES} is identical, file for file, to what ${repository} holds"
