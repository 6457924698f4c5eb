#!/usr/bin/env bash
# Measures how many leases one etcd keeps alive (LeaseCapacity): for each step of leases, each with
# a key of a registration's size and kept alive by jetcd as the starter keeps its own, the renewals
# answered per second, etcd's CPU and memory, and the latency of a put meanwhile. docs/operations.md
# ("Sizing") is written from its output.
#
#   benchmarks/jmh/run-lease-capacity.sh                                   # TTL 10s, 1k to 20k leases
#   benchmarks/jmh/run-lease-capacity.sh --ttl 10 --steps 1000,10000,40000 --members 3 --window 30
#
# Environment: as benchmarks/jmh/run.sh (ETCD_BINARY, MAVEN_FLAGS, SKIP_BUILD=1).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

jar=benchmarks/jmh/target/benchmarks.jar
benchmarks/jmh/build.sh
echo "# etcd: $("${ETCD_BINARY:-etcd}" --version | head -1), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
exec java -Xmx2g -cp "$jar" io.etcddiscovery.benchmarks.LeaseCapacity "$@"
