#!/usr/bin/env bash
# Chaos run against a real 3-member etcd cluster (see benchmarks/chaos/chaos.py and
# docs/operations.md, "Chaos run"): sample-app instances, every one given all three members,
# start, crash and stop at random while etcd members are paused (leader and follower), killed,
# lose quorum, and are compacted and defragmented. Bounded; not part of CI.
#
#   benchmarks/chaos/run.sh                    # 6 minutes of faults, ttl 4s, 4 instance slots
#   benchmarks/chaos/run.sh --minutes 2 --ttl 10
#
# Environment: SKIP_BUILD=1 reuses sample-app/target/sample-app.jar; MAVEN_FLAGS="-o" for Maven.
# Writes benchmarks/chaos/results/summary.json and the processes' logs under .../logs/.
# Exits 3 when a key was lost while quorum held, a ghost or a missing key was left, or a cache
# disagreed with etcd at the end.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
read -r -a maven_flags <<< "${MAVEN_FLAGS:-}"

command -v java > /dev/null || { echo "java is not on the PATH: install a JDK 17 or later" >&2; exit 1; }
command -v python3 > /dev/null || { echo "python3 is not on the PATH: apt-get install python3" >&2; exit 1; }
scripts/install-etcd.sh > /dev/null

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
	echo "Installing the starter, packaging sample-app..."
	./mvnw -q -B "${maven_flags[@]}" -Dmaven.test.skip=true -Dspring-javaformat.skip install -pl starter -am
	# clean: an up-to-date jar is not repackaged, and would keep the starter it was built with.
	./mvnw -q -B "${maven_flags[@]}" -Dmaven.test.skip=true -Dspring-javaformat.skip clean package -pl sample-app
fi

exec python3 benchmarks/chaos/chaos.py --jar sample-app/target/sample-app.jar \
	--out benchmarks/chaos/results "$@"
