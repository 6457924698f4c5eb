#!/usr/bin/env python3
"""Chaos run: a real 3-member etcd cluster, sample-app instances (real JVMs, every one given
all three members) that start, crash (SIGKILL) and stop gracefully at random, and a schedule of
etcd faults: a paused follower, a paused leader, a killed leader, quorum loss, compaction with
defragmentation. Bounded by --minutes. At the end it reads etcd's whole history and reports:

  faults injected, instances started / killed / stopped,
  keys lost: a live instance's key deleted while quorum held (goal 0),
  ghosts: keys left in etcd for instances that are gone, once their TTL passed (goal 0),
  missing: live instances without a key, and caches that disagree with etcd (goal 0),
  failover: for every paused member, how long each live instance took to log that it moved off it.

Standard library only; etcd is driven through its HTTP/JSON gateway (/v3/...). See
benchmarks/chaos/run.sh and docs/operations.md.
"""
import argparse
import base64
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone

LOOPBACK = "127.0.0.1"
SERVICE = "sample"
PREFIX = f"/services/default/{SERVICE}/"
JAVA_OPTS = ["-Xmx160m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k"]


def log(message):
    print(time.strftime("%H:%M:%S"), message, flush=True)


def b64(text):
    return base64.b64encode(text.encode()).decode()


def prefix_end(prefix):
    data = bytearray(prefix.encode())
    data[-1] += 1
    return base64.b64encode(bytes(data)).decode()


def free_port():
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def http_json(url, body=None, timeout=2.0):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        text = response.read().decode()
    return json.loads(text) if text else {}


class Member:

    def __init__(self, index, work, client_port, peer_port):
        self.name = f"chaos-{index}"
        self.client = f"http://{LOOPBACK}:{client_port}"
        self.peer = f"http://{LOOPBACK}:{peer_port}"
        self.data = os.path.join(work, self.name)
        self.log_path = os.path.join(work, self.name + ".log")
        self.process = None
        self.paused = False

    def start(self, initial_cluster, token):
        command = ["etcd", "--name", self.name, "--data-dir", self.data, "--listen-client-urls", self.client,
                   "--advertise-client-urls", self.client, "--listen-peer-urls", self.peer,
                   "--initial-advertise-peer-urls", self.peer, "--initial-cluster", initial_cluster,
                   "--initial-cluster-state", "new", "--initial-cluster-token", token]
        out = open(self.log_path, "ab")
        self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True)
        self.paused = False

    def running(self):
        return self.process is not None and self.process.poll() is None

    def answering(self):
        return self.running() and not self.paused

    def signal(self, sig):
        os.kill(self.process.pid, sig)

    def kill(self):
        if self.running():
            if self.paused:
                self.signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait()
        self.paused = False

    def status(self):
        return http_json(self.client + "/v3/maintenance/status", {})


class Cluster:

    def __init__(self, work):
        self.members = [Member(i, work, free_port(), free_port()) for i in range(3)]
        self.initial = ",".join(f"{m.name}={m.peer}" for m in self.members)
        self.token = f"chaos-{os.getpid()}"

    def start(self):
        for member in self.members:
            member.start(self.initial, self.token)
        self.await_healthy(60)

    def endpoints(self):
        return [m.client for m in self.members]

    def post(self, path, body, timeout=2.0):
        failure = None
        for member in self.members:
            if member.answering():
                try:
                    return http_json(member.client + path, body, timeout)
                except (OSError, urllib.error.URLError) as ex:
                    failure = ex
        raise RuntimeError(f"no etcd member answered {path}: {failure}")

    def revision(self):
        return int(self.post("/v3/kv/range", {"key": b64("\0"), "count_only": True})["header"]["revision"])

    def leader(self):
        for member in self.members:
            if member.answering():
                try:
                    status = member.status()
                    if status.get("leader") == status["header"]["member_id"]:
                        return member
                except (OSError, urllib.error.URLError, KeyError):
                    pass
        return None

    def healthy(self):
        try:
            return all(m.answering() and m.status().get("leader") for m in self.members)
        except (OSError, urllib.error.URLError):
            return False

    def await_healthy(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.healthy():
                return
            time.sleep(0.2)
        raise RuntimeError("the etcd cluster is not healthy")

    def keys(self, revision=None):
        body = {"key": b64(PREFIX), "range_end": prefix_end(PREFIX)}
        if revision is not None:
            body["revision"] = str(revision)
        kvs = self.post("/v3/kv/range", body, timeout=5).get("kvs", [])
        return {base64.b64decode(kv["key"]).decode() for kv in kvs}

    def events(self, from_revision, to_revision):
        """Every PUT and DELETE under the prefix in (from_revision, to_revision], from history:
        the set of keys at each revision, compared with the one before."""
        events, previous = [], self.keys(from_revision)
        for revision in range(from_revision + 1, to_revision + 1):
            current = self.keys(revision)
            events += [("DELETE", key, revision) for key in previous - current]
            events += [("PUT", key, revision) for key in current - previous]
            previous = current
        return events

    def stop(self):
        for member in self.members:
            member.kill()


class Instance:

    def __init__(self, slot, generation, jar, endpoints, ttl, work):
        self.id = f"{SERVICE}-{slot}-{generation}"
        self.key = PREFIX + self.id
        self.port = free_port()
        self.log_path = os.path.join(work, self.id + ".log")
        command = ["java", *JAVA_OPTS, "-jar", jar, f"--server.port={self.port}", f"--discovery.instance-id={self.id}",
                   f"--discovery.etcd.endpoints={','.join(endpoints)}", f"--discovery.ttl={ttl}s",
                   "--discovery.host=127.0.0.1", "--discovery.shutdown.drain-delay=0s", "--spring.main.banner-mode=off"]
        out = open(self.log_path, "ab")
        self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True)
        self.started_revision = None
        self.registered_at = None
        self.ended_revision = None
        self.ended = None

    def alive(self):
        return self.ended is None and self.process.poll() is None

    def discovery(self):
        return http_json(f"http://{LOOPBACK}:{self.port}/actuator/discovery", timeout=3)

    def registered(self):
        try:
            return self.discovery()["instance"]["registration"] == "REGISTERED"
        except (OSError, urllib.error.URLError, KeyError, TypeError, ValueError):
            return False


class Chaos:

    def __init__(self, args, work):
        self.args, self.work = args, work
        self.cluster = Cluster(work)
        self.instances = []
        self.generation = 0
        self.faults = []
        self.windows = []  # (kind, from_revision, to_revision): no key counts as lost in there
        self.pauses = []  # (member address, role, paused at epoch seconds, resumed at epoch seconds)
        self.counts = dict(started=0, killed=0, stopped=0)

    # --- instances -------------------------------------------------------------------------

    def live(self):
        return [i for i in self.instances if i.alive()]

    def start_instance(self, slot):
        self.generation += 1
        instance = Instance(slot, self.generation, self.args.jar, self.cluster.endpoints(), self.args.ttl, self.work)
        instance.slot = slot
        self.instances.append(instance)
        self.counts["started"] += 1
        log(f"start {instance.id}")
        return instance

    def end_instance(self, instance, how):
        instance.ended_revision = self.safe_revision()
        instance.ended = how
        if how == "killed":
            instance.process.kill()
        else:
            instance.process.send_signal(signal.SIGTERM)
        self.counts[how] += 1
        log(f"{how} {instance.id}")

    def churn(self):
        live = self.live()
        empty = [s for s in range(self.args.instances) if s not in {i.slot for i in live}]
        # Only instances registered for a while end: every one gets to live through faults.
        settled = [i for i in live if i.registered_at is not None and time.monotonic() - i.registered_at > 20]
        if empty and (len(live) < self.args.instances - 1 or not settled or random.random() < 0.5):
            self.start_instance(random.choice(empty))
        elif settled:
            self.end_instance(random.choice(settled), random.choice(["killed", "stopped"]))

    def note_registrations(self):
        for instance in self.live():
            if instance.started_revision is None and instance.registered():
                instance.started_revision = self.safe_revision()
                instance.registered_at = time.monotonic()

    def safe_revision(self):
        """etcd's revision now; while etcd cannot answer (no quorum: nothing is written), the
        last one it gave."""
        try:
            self.last_revision = self.cluster.revision()
        except (RuntimeError, KeyError, ValueError):
            pass
        return self.last_revision

    # --- faults ----------------------------------------------------------------------------

    def fault(self, kind):
        cluster = self.cluster
        leader = cluster.leader()
        if leader is None:
            return
        before = self.safe_revision()
        log(f"fault: {kind}")
        self.faults.append(kind)
        if kind in ("pause follower", "pause leader"):
            member = leader if kind == "pause leader" else random.choice([m for m in cluster.members if m is not leader])
            member.signal(signal.SIGSTOP)
            member.paused = True
            paused_at = time.time()
            self.sleep_churning(self.args.ttl + 4)
            resumed_before = self.safe_revision()
            member.signal(signal.SIGCONT)
            member.paused = False
            self.pauses.append((member.client.split("//")[1], kind.split()[1], paused_at, time.time()))
            if kind == "pause leader":
                # etcd 3.4.23: the resumed leader may revoke leases the new leader kept alive.
                self.windows.append(("revoked by the resumed leader", resumed_before, None))
        elif kind == "kill leader":
            leader.kill()
            self.sleep_churning(5)
            leader.start(cluster.initial, cluster.token)
        elif kind == "quorum loss":
            other = random.choice([m for m in cluster.members if m is not leader])
            leader.kill()
            other.kill()
            self.sleep_churning(self.args.ttl + 2)
            leader.start(cluster.initial, cluster.token)
            other.start(cluster.initial, cluster.token)
            self.windows.append(("quorum lost", before, None))
        elif kind == "compaction and defrag":
            revision = self.safe_revision()
            # Compaction discards the history the report reads: read it first.
            self.scan(revision)
            cluster.post("/v3/kv/compaction", {"revision": str(revision), "physical": True}, timeout=10)
            for member in cluster.members:
                http_json(member.client + "/v3/maintenance/defragment", {}, timeout=30)
        cluster.await_healthy(60)
        after = self.safe_revision()
        # Close the open windows a few seconds after the fault: what follows counts again.
        self.sleep_churning(3)
        settled = self.safe_revision()
        self.windows = [(k, f, t if t is not None else settled) for k, f, t in self.windows]

    def sleep_churning(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.note_registrations()
            if time.monotonic() >= self.next_churn:
                self.churn()
                self.next_churn = time.monotonic() + self.args.churn_interval
            time.sleep(0.25)

    # --- the run ---------------------------------------------------------------------------

    def run(self):
        self.cluster.start()
        self.scanned_to = self.last_revision = self.cluster.revision()
        self.history = []
        for slot in range(self.args.instances):
            self.start_instance(slot)
        self.next_churn = time.monotonic() + 30
        deadline = time.monotonic() + self.args.minutes * 60
        schedule = ["pause follower", "pause leader", "kill leader", "compaction and defrag", "quorum loss"]
        step = 0
        # The first instances start up, then faults follow each other with churn all along.
        self.sleep_churning(30)
        while time.monotonic() < deadline:
            self.fault(schedule[step % len(schedule)])
            step += 1
            self.sleep_churning(8)
        log("churn over: waiting for every live instance to be registered and every lease of the others to end")
        for instance in self.live():
            wait(lambda: instance.registered() or not instance.alive(), 120)
        for instance in self.instances:
            if instance.ended:
                try:
                    instance.process.wait(60)
                except subprocess.TimeoutExpired:
                    instance.process.kill()
        time.sleep(self.args.ttl + 3)
        return self.report()

    def scan(self, to_revision):
        self.history += self.cluster.events(self.scanned_to, to_revision)
        self.scanned_to = to_revision

    def report(self):
        self.note_registrations()
        last = self.cluster.revision()
        live = self.live()
        self.scan(last)
        history = self.history
        by_key = {i.key: i for i in self.instances}
        lost, excused = [], {}
        for kind, key, revision in history:
            instance = by_key.get(key)
            if kind != "DELETE" or instance is None or instance.started_revision is None:
                continue
            if revision <= instance.started_revision:
                continue
            if instance.ended_revision is not None and revision > instance.ended_revision:
                continue
            window = next((w for w in self.windows if w[1] < revision <= w[2]), None)
            if window is not None:
                excused[window[0]] = excused.get(window[0], 0) + 1
            else:
                lost.append((key, revision))
        keys = self.cluster.keys()
        ghosts = sorted(keys - {i.key for i in live})
        missing = sorted(i.key for i in live if i.key not in keys)
        caches_disagreeing, lease_losses, failovers = [], 0, 0
        for instance in live:
            view = instance.discovery()
            cached = {d["key"] for d in view["discovery"]["services"].get(SERVICE, [])}
            if cached != keys:
                caches_disagreeing.append(instance.id)
            lease_losses += view["instance"]["leaseLosses"]
        detection = self.failover_times(live)
        summary = dict(minutes=self.args.minutes, ttl_seconds=self.args.ttl, etcd_revisions=last,
                       faults=dict((k, self.faults.count(k)) for k in sorted(set(self.faults))),
                       instances_started=self.counts["started"], instances_killed=self.counts["killed"],
                       instances_stopped=self.counts["stopped"], live_at_end=len(live),
                       keys_lost_while_quorum_held=len(lost), lost=lost,
                       deletes_of_live_keys_excused=excused, ghosts=ghosts, missing=missing,
                       caches_disagreeing=caches_disagreeing, lease_losses_of_live_instances=lease_losses,
                       failover_seconds=detection)
        return summary

    def failover_times(self, live):
        """For each pause: per live instance that was running, seconds from the pause to its first
        'etcd member X stopped answering' line about the paused member."""
        times = {"leader": [], "follower": []}
        pattern = re.compile(r"^(\S+)\s.*etcd member (\S+) stopped answering")
        lines = []
        for instance in self.instances:
            with open(instance.log_path, errors="replace") as out:
                for line in out:
                    match = pattern.match(line)
                    if match:
                        at = datetime.fromisoformat(match.group(1).replace("Z", "+00:00")).timestamp()
                        lines.append((instance.id, match.group(2), at))
        for address, role, paused_at, resumed_at in self.pauses:
            for instance in {l[0] for l in lines}:
                seen = [at for i, a, at in lines if i == instance and a == address and paused_at <= at <= resumed_at]
                if seen:
                    times[role].append(round(min(seen) - paused_at, 2))
        return {role: dict(samples=len(v), min=min(v), median=sorted(v)[len(v) // 2], max=max(v)) if v else None
                for role, v in times.items()}

    def stop(self):
        for instance in self.instances:
            if instance.process.poll() is None:
                instance.process.kill()
        self.cluster.stop()


def wait(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=6)
    parser.add_argument("--instances", type=int, default=4, help="instance slots")
    parser.add_argument("--ttl", type=int, default=4, help="discovery.ttl of the instances, seconds")
    parser.add_argument("--churn-interval", type=float, default=7, help="seconds between churn steps")
    parser.add_argument("--jar", required=True)
    parser.add_argument("--out", required=True, help="directory for summary.json")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    random.seed(args.seed)
    work = tempfile.mkdtemp(prefix="etcd-chaos-")
    chaos = Chaos(args, work)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        summary = chaos.run()
    finally:
        chaos.stop()
    os.makedirs(args.out, exist_ok=True)
    summary["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with open(os.path.join(args.out, "summary.json"), "w") as out:
        json.dump(summary, out, indent=2)
    logs = os.path.join(args.out, "logs")
    shutil.rmtree(logs, ignore_errors=True)
    shutil.copytree(work, logs, ignore=shutil.ignore_patterns("chaos-0", "chaos-1", "chaos-2"))
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(summary, indent=2))
    ok = not (summary["keys_lost_while_quorum_held"] or summary["ghosts"] or summary["missing"]
              or summary["caches_disagreeing"])
    sys.exit(0 if ok else 3)


if __name__ == "__main__":
    main()
