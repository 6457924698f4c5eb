#!/usr/bin/env bash
# The cache's cost against the namespace's size (CacheFootprint at each size, median of the rounds):
# heap per cached instance, the first listing, a put -> the service's listener. Prints the table of
# docs/benchmarks.md ("The cache's cost against its size") and writes docs/benchmarks/cache-sizes.svg.
#
#   benchmarks/jmh/run-cache-sizes.sh                                      # 1k to 200k, 3 rounds
#   benchmarks/jmh/run-cache-sizes.sh --sizes 1000,10000,100000 --rounds 1
#
# Environment: as benchmarks/jmh/run.sh (ETCD_BINARY, MAVEN_FLAGS, SKIP_BUILD=1).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

benchmarks/jmh/build.sh
echo "# etcd: $("${ETCD_BINARY:-etcd}" --version | head -1), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
exec python3 benchmarks/jmh/cache_sizes.py "$@"
