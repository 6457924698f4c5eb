#!/usr/bin/env bash
# Runs every test: unit tests (Surefire, *Tests) and integration tests against a real etcd
# that the tests start themselves (Failsafe, *IT). Extra arguments go to Maven.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-etcd.sh
./mvnw -B verify "$@"
