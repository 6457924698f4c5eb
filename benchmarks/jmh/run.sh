#!/usr/bin/env bash
# Builds and runs the JMH benchmarks of discovery lookups and load balancer choices.
#
#   benchmarks/jmh/run.sh                      # the run behind docs/benchmarks.md
#   benchmarks/jmh/run.sh choose -prof gc      # any JMH arguments instead of the defaults
#   benchmarks/jmh/run.sh -h                   # JMH's own help
#
# Environment:
#   MAVEN_FLAGS="-o"   extra Maven flags, for example offline once dependencies are cached
#   SKIP_BUILD=1       reuse benchmarks/jmh/target/benchmarks.jar as it is
#
# Needs a JDK 17+ and etcd (scripts/install-etcd.sh, or ETCD_BINARY=/path/to/etcd): every
# trial starts its own single-node etcd on loopback and stops it at the end.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

jar=benchmarks/jmh/target/benchmarks.jar
default_args=(-f 1 -wi 3 -i 5 -w 1s -r 2s -prof gc -rf json -rff benchmarks/jmh/target/jmh-result.json)

if [[ -z "${ETCD_BINARY:-}" ]] && ! command -v etcd > /dev/null \
		&& [[ ! -x /usr/bin/etcd && ! -x /usr/local/bin/etcd ]]; then
	echo "etcd is not installed: run scripts/install-etcd.sh or set ETCD_BINARY" >&2
	exit 1
fi

benchmarks/jmh/build.sh

if [[ $# -eq 0 ]]; then
	set -- "${default_args[@]}"
fi
echo "java -jar $jar $*"
java -jar "$jar" "$@" 2>&1 | tee benchmarks/jmh/target/jmh-output.txt
