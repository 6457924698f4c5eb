#!/usr/bin/env bash
# Runs the same sample service on etcd (this starter), ZooKeeper and Eureka, side by side on this
# machine, and measures registration, withdrawal, shutdown and crash visibility, a rolling restart
# under load, start-up cost, the steady-state cost of an idle instance, and (this starter only)
# one JVM with a thousand registrations and ten thousand cached instances (see docs/benchmarks.md,
# "Side by side with Eureka and ZooKeeper").
#
#   benchmarks/peers/run.sh --smoke   # a few minutes, few samples: keeps the harness working (scripts/test.sh)
#   benchmarks/peers/run.sh --full    # the run behind docs/benchmarks.md; writes the doc and the SVGs
#   benchmarks/peers/run.sh --full --variants etcd,zookeeper    # a subset
#   benchmarks/peers/run.sh --full --variants etcd --scenarios plain,startup --set startup_pairs=10
#                                     # some scenarios, some settings changed: results in results/full-subset/,
#                                     # never the doc
#
# Environment:
#   MAVEN_FLAGS="-o"   extra Maven flags, for example offline once dependencies are cached
#   SKIP_BUILD=1       reuse the jars under benchmarks/peers/*/target as they are
#
# Installs etcd (scripts/install-etcd.sh) and ZooKeeper (Debian's zookeeper package) when missing.
# Raw results go to benchmarks/peers/results/{smoke,full}/, process logs to .../logs/. Everything
# it starts listens on 127.0.0.1 only and is stopped on exit, Ctrl-C included.
# Exits non-zero when the harness fails (a build, a process that does not start); slow numbers
# are results, not failures.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

mode=smoke
harness_args=()
while (($# > 0)); do
	case "$1" in
	--smoke) mode=smoke ;;
	--full) mode=full ;;
	--variants) harness_args+=(--variants "$2"); shift ;;
	--no-docs) harness_args+=(--no-docs) ;;
	--scenarios) harness_args+=(--scenarios "$2"); shift ;;
	--set) harness_args+=(--set "$2"); shift ;;
	*) echo "usage: $0 [--smoke|--full] [--variants etcd,zookeeper,eureka-fast,eureka-default]" \
		"[--scenarios plain,startup,probes,cycles,rolling,crash-load,crashes,steady,scale] [--set NAME=VALUE]... [--no-docs]" >&2
		exit 2 ;;
	esac
	shift
done
command_line="benchmarks/peers/run.sh --${mode}${harness_args[*]:+ ${harness_args[*]}}"
read -r -a maven_flags <<< "${MAVEN_FLAGS:-}"

command -v java > /dev/null || { echo "java is not on the PATH: install a JDK 17 or later" >&2; exit 1; }
command -v python3 > /dev/null || { echo "python3 is not on the PATH" >&2; exit 1; }

scripts/install-etcd.sh > /dev/null
if [[ ! -f /usr/share/java/zookeeper.jar ]]; then
	echo "Installing Debian's zookeeper package (the server runs from its jar, not as a service)..."
	if [[ $(id -u) -eq 0 ]]; then as_root=(); else as_root=(sudo); fi
	DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q zookeeper > /dev/null
fi

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
	echo "Installing the starter (autoconfigure, starter)..."
	./mvnw -q -B "${maven_flags[@]}" -Dmaven.test.skip=true -Dspring-javaformat.skip install -pl starter,cloud-starter -am
	echo "Packaging benchmarks/peers (eureka-server, app-plain, app-etcd, app-eureka, app-zookeeper)..."
	# clean: an up-to-date jar is not repackaged, and would keep the starter it was built with.
	./mvnw -q -B "${maven_flags[@]}" -Dmaven.test.skip=true -f benchmarks/peers/pom.xml clean package
fi

# exec: signals reach the harness, which stops everything it started.
exec python3 benchmarks/peers/harness/peers.py --mode "$mode" --command "$command_line" "${harness_args[@]}"
