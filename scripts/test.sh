#!/usr/bin/env bash
# Runs every test, the way CI does (.ci/run calls this script). Extra arguments go to Maven.
#
# Three etcd releases, each found by the test launcher through ETCD_BINARY (and its etcdctl put
# first on the PATH); scripts/install-etcd.sh provides them:
#  - etcd 3.5.16, Debian trixie's (Debian's stable release; the 3.5 line production runs), in
#    .tools/etcd-3.5: carries the whole suite.
#  - etcd 3.4.23, Debian 12's, on the PATH: the subset ETCD34_ITS below.
#  - the newest 3.5 Debian has (sid's, 3.5.30 when written), in .tools/etcd-newest: ETCD_NEWEST_ITS,
#    the behaviour its auth hardening changed (3.5.28+ refuses a member's status to non-admin users).
#
#  1. Java 17 (the baseline), etcd 3.5.16, the whole suite: unit tests (Surefire, *Tests) and
#     integration tests against a real etcd that the tests start themselves (Failsafe, *IT),
#     including the sample application processed by Spring AOT (SampleApplicationAotIT) and the
#     getting-started page built as a new project (GettingStartedIT). The build deploys what it
#     publishes into a file repository, target/staging-deploy.
#  2. The published artifacts checked against what Maven Central requires
#     (scripts/check-publication.sh: pomchecker-maven-plugin's check-maven-central on each
#     deployed POM, and the few things no plugin checks), and rebuilt from a clean tree to check
#     they are reproducible (scripts/check-reproducible.sh: maven-artifact-plugin's
#     artifact:compare against the deployed files).
#  3. Java 25 (Temurin, JAVA25_HOME) on etcd 3.4.23: every unit test, the integration tests that
#     depend on the JDK (JAVA25_ITS) and those that depend on the etcd release (ETCD34_ITS).
#  4. Java 17 on the newest 3.5: ETCD_NEWEST_ITS.
#  5. The peer benchmarks' smoke run on etcd 3.5.16, this starter's variant (PEERS_SMOKE=0 leaves
#     it out).
# After each Maven run it checks that the tests left no etcd process and no etcd data directory
# behind.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Integration tests that also run on Java 25: what depends on the JDK (start-up, threads and
# shutdown, TLS, gRPC and Netty, Spring AOT).
JAVA25_ITS=(
	RegistrationIT GracefulShutdownIT RegistrationThreadsIT DiscoveryClientIT EtcdNameResolverIT
	SecureEtcdTlsIT SecureEtcdMutualTlsIT EtcdExtensionIT SampleApplicationAotIT
)
# Integration tests that also run on etcd 3.4: what depends on the etcd release (leases and
# keep-alives across restarts, wipes and hung members, watches and compaction, authentication
# and permissions, what Go and Node clients of that release read and write, the Go frameworks'
# layouts).
ETCD34_ITS=(
	ClusterFaultsIT RegistrationHealingIT LeaseLossAccountingIT ParkedRegistrationIT HeartbeatIT
	ServiceCacheIT SecureEtcdAuthIT EtcdHealthIndicatorIT GoGrpcClientIT GoServicesIT RollingUpgradeIT
	NodeInteropIT EtcdClusterIT EtcdAuthIT MemberQuarantineIT GoLayoutsIT
)
# Integration tests that also run on the newest 3.5: authentication and permissions.
ETCD_NEWEST_ITS=(SecureEtcdAuthIT EtcdHealthIndicatorIT EtcdAuthIT MemberQuarantineIT)
JAVA25_HOME=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
STAGING=target/staging-deploy

section() {
	printf '\n==== test: %s (%(%T)T)\n' "$*" -1
}

if [[ ! -x $JAVA25_HOME/bin/java ]]; then
	echo "test: no Java 25 at ${JAVA25_HOME}: install Temurin 25 there (Debian package temurin-25-jdk from" \
		"Adoptium's apt repository) or point JAVA25_HOME at a JDK 25." >&2
	exit 1
fi

scripts/install-etcd.sh --lines
# Go and Debian's Go sources, for the Go interoperability tests (docs/go-interop.md).
scripts/install-go.sh
# Node.js and npm's etcd3 package, for the Node.js interoperability test (NodeInteropIT).
scripts/install-node.sh

tmp=${TMPDIR:-/tmp}
# Marks the etcd processes this run's tests start (they inherit the environment; not ETCD_*, which
# the harness removes because etcd reads it): other test
# runs on the same machine are not this run's leftovers.
export TEST_SH_RUN_ID="$$-$(date +%s%N)"
leftovers() {
	local pid
	{
		for pid in $(pgrep -f -- '--data-dir [^ ]*etcd-test-' || true); do
			if tr '\0' '\n' <"/proc/${pid}/environ" 2>/dev/null | grep -qx "TEST_SH_RUN_ID=${TEST_SH_RUN_ID}"; then
				echo "$pid"
			fi
		done
		ls -d "$tmp"/etcd-test-* 2>/dev/null || true
	} | sort
}
before=$(leftovers)
check_leftovers() {
	local left
	left=$(comm -13 <(printf '%s\n' "$before") <(leftovers) | sed '/^$/d')
	if [[ -n $left ]]; then
		printf 'test: the tests left etcd processes or data directories behind:\n%s\n' "$left" >&2
		exit 1
	fi
	echo "test: no etcd process or data directory left behind"
}

# Runs a command with one etcd release: its etcd for the test launcher, its etcdctl first on the
# PATH. "system" is the one on the PATH.
with_etcd() {
	local line=$1
	shift
	if [[ $line == system ]]; then
		ETCD_BINARY=$(command -v etcd) "$@"
	else
		PATH="${PWD}/.tools/${line}/usr/bin:${PATH}" ETCD_BINARY="${PWD}/.tools/${line}/usr/bin/etcd" "$@"
	fi
}
etcd_version() {
	with_etcd "$1" sh -c '"$ETCD_BINARY" --version' | sed -n 's/^etcd Version: //p'
}

section "Java 17, etcd $(etcd_version etcd-3.5): every test, and the published artifacts deployed to ${STAGING}"
rm -rf "$STAGING"
with_etcd etcd-3.5 ./mvnw -B deploy -DaltDeploymentRepository="staging::file:${PWD}/${STAGING}" "$@"
check_leftovers

section "published artifacts: what Maven Central requires, reproducible"
scripts/check-publication.sh "$STAGING"
scripts/check-reproducible.sh "$STAGING"

section "Java 25 ($("$JAVA25_HOME/bin/java" -version 2>&1 | sed -n 1p)), etcd $(etcd_version system): unit tests, ${JAVA25_ITS[*]} ${ETCD34_ITS[*]}"
(
	IFS=,
	# Maven 3.9's own Guice calls sun.misc.Unsafe, which Java 24 and later warn about; that is the
	# build tool's JVM, not a test's nor the starter's (their warnings are checked by the tests).
	# ClusterFaultsIT pauses members with the 4s TTL only here; the main line also runs the 10s one.
	export CLUSTER_FAULTS_TTLS=4
	MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" JAVA_HOME=$JAVA25_HOME with_etcd system \
		./mvnw -B verify -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
		-Dit.test="${JAVA25_ITS[*]},${ETCD34_ITS[*]}" -Dfailsafe.failIfNoSpecifiedTests=false "$@"
)
check_leftovers

section "Java 17, etcd $(etcd_version etcd-newest): ${ETCD_NEWEST_ITS[*]}"
(
	IFS=,
	with_etcd etcd-newest ./mvnw -B verify -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
		-pl test-support,autoconfigure -Dtest=None -Dsurefire.failIfNoSpecifiedTests=false \
		-Dit.test="${ETCD_NEWEST_ITS[*]}" -Dfailsafe.failIfNoSpecifiedTests=false "$@"
)
check_leftovers

# The smoke run of the peer benchmarks (docs/benchmarks.md, "Side by side with Eureka and
# ZooKeeper"): every scenario with few samples, so that the harness behind those figures keeps
# working. It fails on a harness failure, never on slow numbers. PEERS_SMOKE=0 skips it.
# It runs this starter's variant only (PEERS_SMOKE_VARIANTS=etcd,zookeeper,eureka-fast for all):
# the peers' own code is compiled here (run.sh packages every app) and run by hand; their
# scenarios would add about 2.5 minutes to a run that must stay near 20.
if [[ "${PEERS_SMOKE:-1}" != 0 ]]; then
	section "peer benchmarks, smoke run, etcd $(etcd_version etcd-3.5)"
	with_etcd etcd-3.5 benchmarks/peers/run.sh --smoke --variants "${PEERS_SMOKE_VARIANTS:-etcd}"
fi
section "done"
