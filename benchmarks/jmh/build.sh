#!/usr/bin/env bash
# Builds benchmarks/jmh/target/benchmarks.jar for the scripts beside it: installs the two project
# artifacts the module depends on (test-support, autoconfigure), then packages the module.
#
# Environment:
#   MAVEN_FLAGS="-o"   extra Maven flags, for example offline once dependencies are cached
#   SKIP_BUILD=1       reuse benchmarks/jmh/target/benchmarks.jar as it is
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
	read -r -a maven_flags <<< "${MAVEN_FLAGS:-}"
	echo "Installing the library and the etcd launcher (test-support, autoconfigure)..." >&2
	./mvnw -q -B "${maven_flags[@]}" -Dmaven.test.skip=true -Dspring-javaformat.skip \
		install -pl test-support,autoconfigure -am
	echo "Packaging benchmarks/jmh/target/benchmarks.jar..." >&2
	./mvnw -q -B "${maven_flags[@]}" -f benchmarks/jmh/pom.xml package
fi
