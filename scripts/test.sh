#!/usr/bin/env bash
# Runs every test: unit tests (Surefire, *Tests) and integration tests against a real etcd
# that the tests start themselves (Failsafe, *IT). Extra arguments go to Maven. Afterwards it
# checks that the tests left no etcd process and no etcd data directory behind.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-etcd.sh

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
