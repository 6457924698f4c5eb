#!/usr/bin/env bash
# Runs the demo: a local etcd on 127.0.0.1:2379, two instances of the service "sample" and one of
# the service "orders" (the same application under another name), which register themselves in it
# and call each other by service name. Stays in the foreground showing every change under /services/;
# Ctrl-C stops the instances gracefully, then etcd. State and logs live in .demo/.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# One line per instance: name (names its log), port, jar (its first folder is the Maven module
# to build), then optional application arguments, e.g. --spring.application.name=orders.
INSTANCES=(
	"sample-1 8081 sample-app/target/sample-app.jar"
	"sample-2 8082 sample-app/target/sample-app.jar"
	"orders-1 8083 sample-app/target/sample-app.jar --spring.application.name=orders"
)

DEMO_DIR=.demo
ETCD_CLIENT_PORT=2379
ETCD_PEER_PORT=2380
ETCD_ENDPOINT="http://127.0.0.1:${ETCD_CLIENT_PORT}"
ETCD_WAIT_SECONDS=30
REGISTRATION_WAIT_SECONDS=180
# Above spring.lifecycle.timeout-per-shutdown-phase (20s) plus the drain delay.
APP_STOP_SECONDS=30
ETCD_STOP_SECONDS=10
JAVA_OPTS=${DEMO_JAVA_OPTS:--Xmx256m -XX:TieredStopAtLevel=1}

export ETCDCTL_API=3

etcd_pid=
watch_pid=
app_names=()
app_ports=()
app_pids=()

say() {
	printf '%s\n' "$*"
}

fail() {
	printf 'demo: %s\n' "$*" >&2
	exit 1
}

port_in_use() {
	if command -v ss >/dev/null 2>&1; then
		[[ -n $(ss -Hltn "sport = :$1") ]]
	else
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
	fi
}

is_running() {
	[[ -n $1 ]] && kill -0 "$1" 2>/dev/null
}

# Sends SIGTERM to the given processes and waits for them, killing what is left after $1 seconds.
terminate() {
	local seconds=$1 pid deadline alive
	shift
	for pid in "$@"; do
		if is_running "$pid"; then
			kill -TERM "$pid" 2>/dev/null || true
		fi
	done
	deadline=$((SECONDS + seconds))
	while :; do
		alive=()
		for pid in "$@"; do
			is_running "$pid" && alive+=("$pid")
		done
		((${#alive[@]} == 0)) && return 0
		if ((SECONDS >= deadline)); then
			say "demo: still running after ${seconds}s, killing: ${alive[*]}" >&2
			kill -KILL "${alive[@]}" 2>/dev/null || true
			return 0
		fi
		sleep 0.2
	done
}

cleanup() {
	local status=$?
	# Every step below is bounded: let it finish.
	trap - EXIT
	trap '' INT TERM HUP
	if ((${#app_pids[@]} > 0)); then
		say ""
		say "Stopping the instances (SIGTERM: each deletes its key, drains, revokes its lease)..."
		terminate "$APP_STOP_SECONDS" "${app_pids[@]}"
	fi
	if [[ -n $etcd_pid ]]; then
		# Shows the last DELETEs before etcd goes.
		sleep 0.5
		terminate 5 "$watch_pid"
		say "Stopping etcd..."
		terminate "$ETCD_STOP_SECONDS" "$etcd_pid"
	fi
	say "Demo stopped. Logs are in ${DEMO_DIR}/."
	exit "$status"
}

registered() {
	local values
	values=$(etcdctl --endpoints="$ETCD_ENDPOINT" get --prefix /services/ --print-value-only 2>/dev/null) || return 1
	grep -qE "\"Addr\":\"[^\"]*:$1\"" <<<"$values"
}

command -v java >/dev/null 2>&1 || fail "java is not on the PATH: install a JDK 17 or later."

scripts/install-etcd.sh

ports=("$ETCD_CLIENT_PORT" "$ETCD_PEER_PORT")
modules=()
for spec in "${INSTANCES[@]}"; do
	read -r _ port jar _ <<<"$spec"
	ports+=("$port")
	modules+=("${jar%%/*}")
done
for port in "${ports[@]}"; do
	if port_in_use "$port"; then
		fail "port ${port} is already in use on this machine (a demo still running? find it with: ss -ltnp 'sport = :${port}'). Free it and run again."
	fi
done

build_modules=$(printf '%s\n' "${modules[@]}" | sort -u | paste -sd, -)
say "Building ${build_modules} (tests skipped; scripts/test.sh runs them)..."
# maven.test.skip, not skipTests: Failsafe 3.6 no longer skips integration tests on skipTests.
./mvnw -q -B -Dmaven.test.skip=true -Dspring-javaformat.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true install -pl "$build_modules" -am ||
	fail "the build failed: see the Maven output above."

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

mkdir -p "$DEMO_DIR"
# A fresh etcd each time: no keys left over from an earlier run.
rm -rf "${DEMO_DIR}/etcd"
say "Starting etcd on ${ETCD_ENDPOINT} (log: ${DEMO_DIR}/etcd.log)..."
etcd_command=(etcd --name demo --data-dir "${DEMO_DIR}/etcd"
	--listen-client-urls "$ETCD_ENDPOINT" --advertise-client-urls "$ETCD_ENDPOINT"
	--listen-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}"
	--initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}"
	--initial-cluster "demo=http://127.0.0.1:${ETCD_PEER_PORT}" --initial-cluster-state new)
# In a session of its own: a signal sent to the whole process group (timeout, kill -- -PGID)
# must not stop etcd before the instances have withdrawn their keys; cleanup stops it last.
# setsid execs in place here (a background job is no group leader), so $! stays etcd's pid.
if command -v setsid >/dev/null 2>&1; then
	etcd_command=(setsid "${etcd_command[@]}")
fi
"${etcd_command[@]}" >"${DEMO_DIR}/etcd.log" 2>&1 &
etcd_pid=$!

deadline=$((SECONDS + ETCD_WAIT_SECONDS))
until etcdctl --endpoints="$ETCD_ENDPOINT" --command-timeout=2s endpoint health >/dev/null 2>&1; do
	is_running "$etcd_pid" || fail "etcd exited; see ${DEMO_DIR}/etcd.log: $(tail -n 5 "${DEMO_DIR}/etcd.log")"
	((SECONDS < deadline)) || fail "etcd is not healthy after ${ETCD_WAIT_SECONDS}s; see ${DEMO_DIR}/etcd.log"
	sleep 0.5
done

for spec in "${INSTANCES[@]}"; do
	read -r name port jar args <<<"$spec"
	say "Starting ${name} on port ${port} (log: ${DEMO_DIR}/${name}.log)..."
	# shellcheck disable=SC2086 # JAVA_OPTS and args are lists of words.
	PORT="$port" SERVER_ADDRESS=127.0.0.1 DISCOVERY_HOST=127.0.0.1 DISCOVERY_ETCD_ENDPOINTS="$ETCD_ENDPOINT" \
		java $JAVA_OPTS -jar "$jar" $args >"${DEMO_DIR}/${name}.log" 2>&1 &
	app_pids+=("$!")
	app_names+=("$name")
	app_ports+=("$port")
done

say "Waiting for the instances to register (up to ${REGISTRATION_WAIT_SECONDS}s)..."
deadline=$((SECONDS + REGISTRATION_WAIT_SECONDS))
for i in "${!app_pids[@]}"; do
	until registered "${app_ports[i]}"; do
		log="${DEMO_DIR}/${app_names[i]}.log"
		is_running "${app_pids[i]}" || fail "${app_names[i]} exited; see ${log}: $(tail -n 20 "$log")"
		((SECONDS < deadline)) ||
			fail "${app_names[i]} is not registered after ${REGISTRATION_WAIT_SECONDS}s; see ${log}"
		sleep 1
	done
done

cat <<EOF

The demo is running: etcd (pid ${etcd_pid}) and ${#app_pids[@]} registered instances.

Call the instances:
$(for i in "${!app_pids[@]}"; do
	printf '  curl http://127.0.0.1:%s/                    # %s, pid %s\n' "${app_ports[i]}" "${app_names[i]}" "${app_pids[i]}"
	printf '  curl http://127.0.0.1:%s/actuator/%s\n' "${app_ports[i]}" health "${app_ports[i]}" discovery
done)

Call a service by name through the load balancer (instances come from etcd; repeat to see
both sample instances answer in turn):
  curl http://127.0.0.1:8083/call/sample      # orders-1 calls the service "sample"
  curl http://127.0.0.1:8081/call/orders      # sample-1 calls the service "orders"

See what is registered:
  etcdctl --endpoints=${ETCD_ENDPOINT} get --prefix /services/
  etcdctl --endpoints=${ETCD_ENDPOINT} get --prefix /services/ --write-out=json   # keys and values in base64

Crash one instance: its key stays until its lease expires (discovery.ttl, 10s):
  kill -9 ${app_pids[0]}    # ${app_names[0]}
Stop one gracefully: its key is deleted at once, callers stop routing to it, then its web server
drains and the JVM exits (calls to /call/sample keep succeeding on the other instance):
  kill ${app_pids[1]}    # ${app_names[1]}

Logs: ${DEMO_DIR}/etcd.log$(printf " ${DEMO_DIR}/%s.log" "${app_names[@]}")
Ctrl-C stops everything.

Changes under /services/ as they happen (PUT: registered or status changed, DELETE: withdrawn or expired):
EOF

etcdctl --endpoints="$ETCD_ENDPOINT" watch --prefix /services/ \
	> >(while IFS= read -r line; do printf '%(%T)T  %s\n' -1 "$line"; done) 2>/dev/null &
watch_pid=$!

# Returns when a signal arrives (the traps then stop everything) or when every process ended.
wait
