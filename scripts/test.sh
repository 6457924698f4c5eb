#!/usr/bin/env bash
# Runs every test: unit tests (Surefire, *Tests) and integration tests against a real etcd
# that the tests start themselves (Failsafe, *IT). Extra arguments go to Maven. Afterwards it
# checks that the tests left no etcd process and no etcd data directory behind, and runs the
# peer benchmarks' smoke run.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-etcd.sh
# Go and Debian's Go sources, for the Go interoperability tests (docs/go-interop.md).
scripts/install-go.sh

tmp=${TMPDIR:-/tmp}
leftovers() {
	{
		pgrep -f -- '--data-dir [^ ]*etcd-test-' || true
		ls -d "$tmp"/etcd-test-* 2>/dev/null || true
	} | sort
}
before=$(leftovers)

./mvnw -B verify "$@"

left=$(comm -13 <(printf '%s\n' "$before") <(leftovers) | sed '/^$/d')
if [[ -n $left ]]; then
	printf 'test: the tests left etcd processes or data directories behind:\n%s\n' "$left" >&2
	exit 1
fi
echo "test: no etcd process or data directory left behind"

# The smoke run of the peer benchmarks (docs/benchmarks.md, "Side by side with Eureka and
# ZooKeeper"): every scenario with few samples, so that the harness behind those figures keeps
# working. It fails on a harness failure, never on slow numbers. PEERS_SMOKE=0 skips it.
if [[ "${PEERS_SMOKE:-1}" != 0 ]]; then
	benchmarks/peers/run.sh --smoke
fi
