#!/usr/bin/env python3
# Copyright 2026 the etcd-discovery authors. Licensed under the Apache License, Version 2.0.
"""Runs the peer benchmarks: the same sample service on etcd (this starter), ZooKeeper and
Eureka, measured in the same run on the same machine.

Started by benchmarks/peers/run.sh, which builds the jars first. Standard library only.

Every process it starts (registries, instances) is stopped on exit, whatever the exit.
Exit status: 0 when the scenarios ran (however slow the numbers), 1 when the harness itself
failed (a process that does not start, an endpoint that does not answer, ...).
"""

import argparse
import base64
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile

import report
import startup_breakdown

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(PEERS))

ETCD_PORT, ETCD_PEER_PORT = 23790, 23800
ZOOKEEPER_PORT = 21810
EUREKA_PORT = 28761
OBSERVER_PORT = 28100
FIRST_INSTANCE_PORT = 28200
PROXY_PORT = 23795  # scenario 8: the application reaches etcd through it, so that it can be cut off
FIRST_PROBE_PORT = 40000  # claimed by probes (scenarios 1 and 8); nothing listens there
LOOPBACK = "127.0.0.1"
JAVA_OPTS = ["-Xmx256m", "-XX:TieredStopAtLevel=1"]
# Scenario 8 holds a thousand registrations and ten thousand cached instances: more heap.
SCALE_JAVA_OPTS = ["-Xmx1g", "-XX:TieredStopAtLevel=1"]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# The "fastest settings the documentation allows" for Eureka: Spring Cloud Netflix's and
# Eureka's own configuration reference, Spring Cloud LoadBalancer's cache switched off.
EUREKA_FAST_SERVER = [
    "--eureka.server.use-read-only-response-cache=false",
    "--eureka.server.response-cache-update-interval-ms=100",
    "--eureka.server.eviction-interval-timer-in-ms=500",
    "--eureka.server.enable-self-preservation=false",
]
EUREKA_FAST_CLIENT = [
    "--eureka.client.registry-fetch-interval-seconds=1",
    "--eureka.client.initial-instance-info-replication-interval-seconds=1",
    "--eureka.client.instance-info-replication-interval-seconds=1",
    "--eureka.instance.lease-renewal-interval-in-seconds=1",
    "--eureka.instance.lease-expiration-duration-in-seconds=2",
    "--spring.cloud.loadbalancer.cache.enabled=false",
]

MODES = {
    # Enough to run every code path: CI keeps the harness from rotting with it.
    # The peers run only what has code of their own (their registry, its client in ProbeRegistry,
    # the registry's request count): every other scenario's code is the same for every variant
    # and runs for etcd. CI runs this (scripts/test.sh), so it stays short.
    # ZooKeeper's load balancer cache (35 s) would make up most of the run: its smoke instances
    # cache for 1 s (its figures here are not published).
    "smoke": dict(variants=["etcd", "zookeeper", "eureka-fast"], peer_scenarios=["probes", "cycles", "steady"],
                  app_args={"zookeeper": ["--spring.cloud.loadbalancer.cache.ttl=1s"]},
                  cycles=1, crashes=1, plain=1,
                  visible_timeout=90, gone_timeout=90, crash_timeout=20, rps=200, warmup=3, tail=3, restarts=1,
                  crash_load_timeout=3, crash_load_tail=2, startup_pairs=1, breakdown=["plain", "etcd"],
                  probes=10, probe_interval_ms=100, probe_timeout=45, idle_settle=3, idle_window=5,
                  scale_services=10, scale_registrations=100, scale_loaded=900, scale_window=5, scale_changes=20, scale_churn=300),
    "full": dict(variants=["etcd", "zookeeper", "eureka-fast", "eureka-default"], cycles=6, crashes=5,
                 plain=3, visible_timeout=120, gone_timeout=120, crash_timeout=150, rps=200, warmup=5,
                 tail=5, restarts=3, crash_load_timeout=90, crash_load_tail=5, startup_pairs=10,
                 breakdown=["plain", "etcd", "zookeeper", "eureka-fast", "eureka-default"],
                 probes=100, probe_interval_ms=200, probe_timeout=150, idle_settle=30, idle_window=60,
                 scale_services=100, scale_registrations=1000, scale_loaded=9000, scale_window=60,
                 scale_changes=100, scale_churn=300),
}
# The scenarios a run can be limited to (--scenarios): what each name runs, per variant unless
# said otherwise. crash-load without rolling starts three instances of its own.
SCENARIOS = {
    "plain": "starts of the app without a registry (scenario 5's baseline) and its idle cost (7)",
    "startup": "scenario 5: start-up pairs and the breakdown",
    "probes": "scenarios 1-2 through the registry's own client",
    "cycles": "scenarios 2-3: application starts and graceful shutdowns",
    "rolling": "scenario 4: rolling restart under load",
    "crash-load": "scenario 9: an instance killed under GETs and POSTs",
    "crashes": "scenario 3: crash (kill -9) -> gone",
    "steady": "scenario 7: steady-state cost",
    "scale": "scenario 8: one JVM with this starter (etcd only)",
}

# Fewer samples where a single one takes minutes (Eureka's defaults), and a longer wait for a
# crash: a 90 s lease, expired by a 60 s timer, then three caches of 30 to 35 s each.
SLOW_VARIANT_LIMITS = {"eureka-default": dict(cycles=2, crashes=1, crash_timeout=420)}


def now_ms():
    return int(time.time() * 1000)


def log(message):
    print(time.strftime("%H:%M:%S"), message, flush=True)


class HarnessError(Exception):
    pass


class Processes:
    """Every process the harness starts, each in a session of its own, stopped on exit."""

    def __init__(self, log_dir):
        self.log_dir = log_dir
        self.running = []

    def start(self, name, command, env=None):
        log_path = os.path.join(self.log_dir, name + ".log")
        with open(log_path, "ab") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       env={**os.environ, **(env or {})}, start_new_session=True)
        process.name, process.log_path = name, log_path
        self.running.append(process)
        return process

    def stop(self, process, timeout=40, sig=signal.SIGTERM):
        if process.poll() is None:
            try:
                os.kill(process.pid, sig)
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                log(f"{process.name} still running {timeout}s after {sig.name}: killing it")
                process.kill()
                process.wait()
        if process in self.running:
            self.running.remove(process)

    def stop_all(self):
        # Instances first (they deregister), registries last.
        for process in sorted(self.running, key=lambda p: getattr(p, "is_registry", False)):
            self.stop(process, timeout=30)


def http(method, url, timeout=5.0, raw=False):
    request = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read().decode()
    return body if raw else (json.loads(body) if body else None)


def port_free(port):
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
            return True
        except OSError:
            return False


def wait_for(what, condition, timeout, process=None, interval=0.05):
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if process is not None and process.poll() is not None:
            raise HarnessError(f"{what}: {process.name} exited ({process.returncode}); see {process.log_path}")
        if time.monotonic() > deadline:
            return None
        time.sleep(interval)


def cpu_seconds(pid):
    """User plus system CPU time a process (all its threads) has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def b64(text):
    return base64.b64encode(text.encode()).decode()


class TcpProxy:
    """A loopback TCP relay that can cut every connection through it and refuse new ones
    for a while: how scenario 8 makes the application's watch miss a compaction."""

    def __init__(self, listen_port, target_port):
        self.target_port = target_port
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind((LOOPBACK, listen_port))
        self.server.listen(64)
        self.cut = False
        self.closed = False
        self.first_accept_ms = None  # the first connection accepted after restore()
        self.sockets = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, name="proxy-accept", daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if self.cut:
                client.close()
                continue
            try:
                upstream = socket.create_connection((LOOPBACK, self.target_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                if self.cut:  # cut while connecting
                    client.close()
                    upstream.close()
                    continue
                self.sockets += [client, upstream]
                if self.first_accept_ms is None:
                    self.first_accept_ms = now_ms()
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source, target):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            source.close()  # each direction closes the socket it reads from

    def sever(self):
        """Cut every connection and refuse new ones until restore()."""
        with self.lock:
            self.cut = True
            sockets, self.sockets = self.sockets, []
        for end in sockets:
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            end.close()

    def restore(self):
        with self.lock:
            self.first_accept_ms = None
            self.cut = False

    def close(self):
        self.closed = True
        self.sever()
        try:
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        except OSError:
            pass
        self.server.close()


def fmt_ms(ms):
    return "-" if ms is None else (f"{ms} ms" if ms < 1000 else f"{ms / 1000:.1f} s")


def percentile(values, fraction):
    """Nearest-rank percentile: with fewer than 100 values p99 is the largest one."""
    ordered = sorted(values)
    rank = max(1, int(-(-fraction * len(ordered) // 1)))
    return ordered[min(rank, len(ordered)) - 1]


class Registry:
    """One registry process and how to start an application against it."""

    def __init__(self, variant, processes, work):
        self.variant, self.processes, self.work = variant, processes, work
        module = {"etcd": "app-etcd", "zookeeper": "app-zookeeper"}.get(variant, "app-eureka")
        self.jar = os.path.join(PEERS, module, "target", module + ".jar")
        self.app_args = EUREKA_FAST_CLIENT if variant == "eureka-fast" else []
        self.process = None
        self.data_dir_name = variant

    def start(self):
        if self.variant == "etcd":
            data = os.path.join(self.work, self.data_dir_name)
            client, peer = f"http://{LOOPBACK}:{ETCD_PORT}", f"http://{LOOPBACK}:{ETCD_PEER_PORT}"
            command = [os.environ.get("ETCD_BINARY", "etcd"), "--name", "peers", "--data-dir", data,
                       "--listen-client-urls", client, "--advertise-client-urls", client,
                       "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                       "--initial-cluster", f"peers={peer}", "--initial-cluster-state", "new"]
            ready = lambda: self._http_ok(f"{client}/health")
        elif self.variant == "zookeeper":
            data = os.path.join(self.work, "zookeeper")
            os.makedirs(data, exist_ok=True)
            config = os.path.join(self.work, "zoo.cfg")
            # Debian's /etc/zookeeper/conf/zoo.cfg, on loopback, without the admin server (8080).
            with open(config, "w") as out:
                out.write(f"tickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir={data}\nclientPort={ZOOKEEPER_PORT}\n"
                          f"clientPortAddress={LOOPBACK}\nadmin.enableServer=false\n"
                          "4lw.commands.whitelist=srvr,mntr\n")
            command = ["java", "-Xmx256m", "-cp", "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar",
                       "org.apache.zookeeper.server.ZooKeeperServerMain", config]
            ready = lambda: self._zookeeper_ok()
        else:
            jar = os.path.join(PEERS, "eureka-server", "target", "eureka-server.jar")
            # Tomcat's access log, unbuffered, counts the requests instances send (scenario 7).
            self.access_log = os.path.join(self.work, f"{self.variant}-access")
            command = ["java", *JAVA_OPTS, "-jar", jar, f"--server.port={EUREKA_PORT}",
                       "--server.tomcat.accesslog.enabled=true", f"--server.tomcat.accesslog.directory={self.access_log}",
                       "--server.tomcat.accesslog.buffered=false", "--server.tomcat.accesslog.rotate=false"]
            if self.variant == "eureka-fast":
                command += EUREKA_FAST_SERVER
            ready = lambda: self._http_ok(f"http://{LOOPBACK}:{EUREKA_PORT}/eureka/apps", accept_json=True)
        log(f"[{self.variant}] starting the registry: {' '.join(command)}")
        self.process = self.processes.start(f"{self.variant}-registry", command)
        self.process.is_registry = True
        if not wait_for(f"{self.variant} registry", ready, 120, self.process, interval=0.2):
            raise HarnessError(f"{self.variant} registry not ready after 120s; see {self.process.log_path}")

    def stop(self):
        if self.process is not None:
            self.processes.stop(self.process, timeout=20)

    def requests(self):
        """How many requests the registry has received so far: etcd's gRPC messages received
        (each unary call, each keep-alive and watch message), ZooKeeper's packets received
        (mntr), the Eureka server's HTTP requests (its access log)."""
        if self.variant == "etcd":
            metrics = http("GET", f"http://{LOOPBACK}:{ETCD_PORT}/metrics", raw=True)
            return sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
                       if line.startswith("grpc_server_msg_received_total{"))
        if self.variant == "zookeeper":
            with socket.create_connection((LOOPBACK, ZOOKEEPER_PORT), timeout=5) as connection:
                connection.sendall(b"mntr")
                answer = b""
                while chunk := connection.recv(65536):
                    answer += chunk
            for line in answer.decode().splitlines():
                if line.startswith("zk_packets_received"):
                    return int(line.split()[1])
            raise HarnessError("ZooKeeper's mntr has no zk_packets_received")
        lines = 0
        for name in os.listdir(self.access_log):
            with open(os.path.join(self.access_log, name), "rb") as log_file:
                lines += sum(1 for _ in log_file)
        return lines

    @staticmethod
    def _http_ok(url, accept_json=False):
        try:
            request = urllib.request.Request(url, headers={"Accept": "application/json"} if accept_json else {})
            with urllib.request.urlopen(request, timeout=2) as response:
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    @staticmethod
    def _zookeeper_ok():
        try:
            with socket.create_connection((LOOPBACK, ZOOKEEPER_PORT), timeout=1) as connection:
                connection.sendall(b"srvr")
                return b"Mode" in connection.recv(1024)
        except OSError:
            return False


class Bench:

    def __init__(self, mode, out_dir, scenarios=None, overrides=None):
        self.mode = mode
        self.settings = {**MODES[mode], **(overrides or {})}
        self.scenarios = set(scenarios) if scenarios else set(SCENARIOS)
        self.out_dir = out_dir
        self.work = tempfile.mkdtemp(prefix="etcd-discovery-peers-")
        self.log_dir = os.path.join(out_dir, "logs")
        os.makedirs(self.log_dir, exist_ok=True)
        self.processes = Processes(self.log_dir)
        self.next_port = FIRST_INSTANCE_PORT
        self.samples = []  # scenario 1-3 rows
        self.startups = []  # scenario 5 rows
        self.rolling = {}  # scenario 4 per variant
        self.steady = []  # scenario 7 rows
        self.notes = []  # what a registry said when a sample timed out
        self.scale = None  # scenario 8
        self.crash_load = {}  # scenario 9 per variant
        self.startup_pairs = []  # scenario 5: each start of a variant with a start of app-plain just before
        self.breakdowns = {}  # scenario 5: where one start's time goes, per variant
        self.registry = None

    # --- instances -------------------------------------------------------------------------

    def start_app(self, jar, name, port, service="sample", extra=(), java_opts=JAVA_OPTS, etcd_port=ETCD_PORT):
        if not port_free(port):
            raise HarnessError(f"port {port} is in use")
        command = ["java", *java_opts, "-jar", jar, f"--server.port={port}", f"--spring.application.name={service}",
                   *extra]
        env = {"ETCD_PORT": str(etcd_port), "ZOOKEEPER_PORT": str(ZOOKEEPER_PORT), "EUREKA_PORT": str(EUREKA_PORT),
               "RECEIVED_LOG": self.received_log(port)}
        process = self.processes.start(name, command, env)
        process.port, process.launched_at = port, now_ms()
        return process

    def received_log(self, port):
        """Where the instance on this port writes the ids of the POSTs it received."""
        return os.path.join(self.work, f"received-{port}.log")

    def wait_ready(self, process, timeout=120):
        def ready():
            try:
                self_info = http("GET", f"http://{LOOPBACK}:{process.port}/bench/self", timeout=2)
                return self_info if self_info["readyAtMillis"] > 0 else None
            except (OSError, urllib.error.URLError, ValueError):
                return None
        info = wait_for(f"{process.name} ready", ready, timeout, process, interval=0.1)
        if not info:
            raise HarnessError(f"{process.name} not ready after {timeout}s; see {process.log_path}")
        return info

    def take_port(self):
        while not port_free(self.next_port):
            self.next_port += 1
        port = self.next_port
        self.next_port += 1
        return port

    def record_startup(self, variant, process, ready_info):
        heap = http("GET", f"http://{LOOPBACK}:{process.port}/bench/self?gc=true", timeout=30)
        self.startups.append(dict(variant=variant, port=process.port, jvm_to_ready_ms=ready_info["jvmToReadyMillis"],
                                  spring_time_taken_ms=ready_info["springTimeTakenMillis"],
                                  heap_used_after_gc_bytes=heap["heapUsedBytes"],
                                  non_heap_used_bytes=heap["nonHeapUsedBytes"]))

    # --- observer --------------------------------------------------------------------------

    def event_at(self, address, kind, since, view="lb"):
        events = http("GET", f"http://{LOOPBACK}:{OBSERVER_PORT}/bench/watch/sample?since={since}")["events"]
        # By port: every instance runs on this host, whatever address its registry publishes.
        port = address.rsplit(":", 1)[1]
        times = [e["at"] for e in events
                 if e["view"] == view and e["address"].rsplit(":", 1)[1] == port and e["event"] == kind]
        return min(times) if times else None

    def lb_now(self, service="sample"):
        return set(http("GET", f"http://{LOOPBACK}:{OBSERVER_PORT}/bench/watch/{service}")["current"].get("lb", []))

    def visible_now(self, address, service="sample"):
        return address in self.lb_now(service)

    def wait_event(self, address, kind, since, timeout, view="lb"):
        return wait_for(f"{address} {kind}", lambda: self.event_at(address, kind, since, view), timeout, interval=0.2)

    # --- scenarios -------------------------------------------------------------------------

    def sample(self, variant, scenario, index, port, start_ms, lb_at, dc_at, timeout_s, quiet=False):
        row = dict(variant=variant, scenario=scenario, index=index, port=port, t0_ms=start_ms,
                   lb_ms=(lb_at - start_ms) if lb_at else None, dc_ms=(dc_at - start_ms) if dc_at else None,
                   timed_out=lb_at is None, timeout_s=timeout_s)
        self.samples.append(row)
        if quiet:
            return
        shown = f"{row['lb_ms']} ms" if lb_at else f"not within {timeout_s}s"
        log(f"[{variant}] {scenario} #{index}: load balancer {shown} (discovery client "
            f"{row['dc_ms'] if dc_at else '-'} ms)")

    def register_and_shutdown(self, variant, index):
        settings = self.settings
        port = self.take_port()
        address = f"{LOOPBACK}:{port}"
        instance = self.start_app(self.registry.jar, f"{variant}-sample-{port}", port, extra=self.registry.app_args)
        ready = self.wait_ready(instance)
        self.record_startup(variant, instance, ready)
        ready_at = ready["readyAtMillis"]
        # Registration: from ApplicationReadyEvent in the instance to the observer's views.
        lb_at = self.wait_event(address, "up", instance.launched_at, settings["visible_timeout"])
        dc_at = self.event_at(address, "up", instance.launched_at, "dc")
        self.sample(variant, "registration", index, port, ready_at, lb_at, dc_at, settings["visible_timeout"])
        # Graceful shutdown: from SIGTERM to gone from the observer's views.
        stop_at = now_ms()
        os.kill(instance.pid, signal.SIGTERM)
        lb_gone = self.wait_event(address, "down", stop_at, settings["gone_timeout"])
        dc_gone = self.event_at(address, "down", stop_at, "dc")
        self.sample(variant, "shutdown", index, port, stop_at, lb_gone, dc_gone, settings["gone_timeout"])
        self.processes.stop(instance)

    def crash(self, variant, index, timeout):
        settings = self.settings
        port = self.take_port()
        address = f"{LOOPBACK}:{port}"
        instance = self.start_app(self.registry.jar, f"{variant}-crash-{port}", port, extra=self.registry.app_args)
        self.wait_ready(instance)
        if not self.wait_event(address, "up", instance.launched_at, settings["visible_timeout"]):
            log(f"[{variant}] crash #{index}: never visible, skipped")
            self.processes.stop(instance)
            return
        kill_at = now_ms()
        self.processes.stop(instance, sig=signal.SIGKILL)
        lb_gone = self.wait_event(address, "down", kill_at, timeout)
        dc_gone = self.event_at(address, "down", kill_at, "dc")
        self.sample(variant, "crash", index, port, kill_at, lb_gone, dc_gone, timeout)
        if lb_gone is None and variant.startswith("eureka"):
            self.note_eureka_self_preservation(variant)

    def note_eureka_self_preservation(self, variant):
        """Whether the Eureka server stopped expiring leases (self-preservation), as its own
        dashboard says: the reason a crashed instance can stay registered indefinitely."""
        try:
            dashboard = http("GET", f"http://{LOOPBACK}:{EUREKA_PORT}/", timeout=10, raw=True)
        except (OSError, urllib.error.URLError) as error:
            log(f"[{variant}] Eureka dashboard not readable: {error!r}")
            return
        preserving = "RENEWALS ARE LESSER THAN THRESHOLD" in dashboard.upper()
        self.notes.append(dict(variant=variant, scenario="crash",
                               text="the Eureka server's dashboard showed self-preservation on (\"renewals are "
                                    "lesser than threshold and hence the instances are not being expired\")"
                               if preserving else "the Eureka server's dashboard did not show self-preservation"))
        log(f"[{variant}] crash not seen within the timeout; self-preservation {'on' if preserving else 'off'}")

    def start_companion(self, variant):
        """One instance of "sample", ready and visible to the observer's load balancer."""
        port = self.take_port()
        instance = self.start_app(self.registry.jar, f"{variant}-companion-{port}", port, extra=self.registry.app_args)
        self.wait_ready(instance)
        if not self.wait_event(f"{LOOPBACK}:{port}", "up", instance.launched_at, self.settings["visible_timeout"]):
            log(f"[{variant}] companion {port} never visible")
        return instance

    def start_three(self, variant, scenario):
        """Three instances of "sample", ready and visible to the observer's load balancer."""
        settings = self.settings
        jar, extra = self.registry.jar, self.registry.app_args
        instances = []
        for _ in range(3):
            port = self.take_port()
            instances.append(self.start_app(jar, f"{variant}-{scenario}-{port}", port, extra=extra))
        for instance in instances:
            self.wait_ready(instance)
        for instance in instances:
            if not self.wait_event(f"{LOOPBACK}:{instance.port}", "up", instance.launched_at,
                                   settings["visible_timeout"]):
                raise HarnessError(f"[{variant}] {scenario}: {instance.name} never visible to the observer")
        return instances

    def rolling_restart(self, variant):
        settings = self.settings
        jar, extra = self.registry.jar, self.registry.app_args
        instances = self.start_three(variant, "rolling")
        # The load starts once the load balancer holds exactly these three, so that no instance
        # left over from an earlier scenario takes (and fails) a share of the requests.
        expected = {f"{LOOPBACK}:{instance.port}" for instance in instances}
        settled = wait_for("only the rolling instances", lambda: self.lb_now() == expected,
                           settings["visible_timeout"], interval=0.2)
        stale = [] if settled else sorted(self.lb_now() - expected)
        if stale:
            log(f"[{variant}] rolling restart: the load balancer still holds {stale} besides the three; "
                "starting the load anyway")
        marks = []
        load_start = now_ms()
        http("POST", f"http://{LOOPBACK}:{OBSERVER_PORT}/bench/load/sample?rps={settings['rps']}&seconds=1800")
        time.sleep(settings["warmup"])
        for position, old in enumerate(list(instances)[:settings["restarts"]]):
            marks.append(dict(at=now_ms(), what=f"SIGTERM {old.port}"))
            self.processes.stop(old)
            marks.append(dict(at=now_ms(), what=f"exited {old.port}"))
            port = self.take_port()
            new = self.start_app(jar, f"{variant}-rolling-{port}", port, extra=extra)
            self.wait_ready(new)
            marks.append(dict(at=now_ms(), what=f"ready {port}"))
            # A readiness-gated rollout: the next instance stops once this one is routable.
            visible = self.wait_event(f"{LOOPBACK}:{port}", "up", new.launched_at, settings["visible_timeout"])
            marks.append(dict(at=visible or now_ms(), what=f"visible {port}" if visible else f"not visible {port}"))
            instances[position] = new
        time.sleep(settings["tail"])
        self.stop_load()
        requests = self.load_results()
        failed = sum(1 for r in requests if r["outcome"] != "ok")
        latencies = [r["latency_us"] / 1000 for r in requests if r["outcome"] == "ok"]
        self.rolling[variant] = dict(load_start_ms=load_start, marks=marks, stale_at_start=stale,
                                     requests=requests, total=len(requests),
                                     failed=failed, p50_ms=percentile(latencies, 0.5) if latencies else None,
                                     p99_ms=percentile(latencies, 0.99) if latencies else None,
                                     errors=sorted({r["outcome"] for r in requests if r["outcome"] != "ok"}))
        log(f"[{variant}] rolling restart: {len(requests)} requests, {failed} failed, p99 "
            f"{self.rolling[variant]['p99_ms']} ms")
        # The three it ends with carry the crash under load (scenario 9).
        return instances

    def load_results(self):
        """The observer's record of its load: one dict per request, in the order sent."""
        csv_text = http("GET", f"http://{LOOPBACK}:{OBSERVER_PORT}/bench/load", timeout=30, raw=True)
        requests = []
        for line in csv_text.splitlines()[1:]:
            sent, latency, outcome, answered, method, request_id = (line.split(",") + ["", ""])[:6]
            requests.append(dict(sent_at_ms=int(sent), latency_us=int(latency), outcome=outcome, port=answered,
                                 method=method or "GET", id=request_id))
        requests.sort(key=lambda r: r["sent_at_ms"])
        return requests

    def stop_load(self):
        http("DELETE", f"http://{LOOPBACK}:{OBSERVER_PORT}/bench/load")
        # Until the last requests are recorded (each bounded by the 5 s read timeout).
        wait_for("load drained", lambda: http("GET", f"http://{LOOPBACK}:{OBSERVER_PORT}/bench/load/in-flight")[
            "inFlight"] == 0, 10, interval=0.1)

    def crash_under_load(self, variant, instances):
        """Scenario 9: the observer sends GETs and POSTs, alternately, through its load
        balancer to the three instances the rolling restart left; one is killed with
        SIGKILL; the load goes on until the observer's load balancer has dropped it (or
        `crash_load_timeout`), plus `crash_load_tail`. Each POST carries an id that the
        instance receiving it writes to a file at once, so the harness knows what each
        instance received, the killed one included."""
        settings = self.settings
        expected = {f"{LOOPBACK}:{instance.port}" for instance in instances}
        settled = wait_for("only the three instances", lambda: self.lb_now() == expected,
                           settings["visible_timeout"], interval=0.2)
        stale = [] if settled else sorted(self.lb_now() - expected)
        victim = instances[0]
        marks = []
        load_start = now_ms()
        http("POST", f"http://{LOOPBACK}:{OBSERVER_PORT}/bench/load/sample?rps={settings['rps']}&seconds=1800"
                     "&posts=true")
        time.sleep(settings["warmup"])
        kill_at = now_ms()
        marks.append(dict(at=kill_at, what=f"SIGKILL {victim.port}"))
        self.processes.stop(victim, sig=signal.SIGKILL)
        # Until the load balancer skips it (this starter: its first refused connection) and
        # the registry dropped it (its DiscoveryClient no longer lists it), whichever is
        # later: every request in between is a chance to fail.
        address, timeout = f"{LOOPBACK}:{victim.port}", settings["crash_load_timeout"]
        skipped = self.wait_event(address, "down", kill_at, timeout)
        gone = self.wait_event(address, "down", kill_at, max(1, kill_at / 1000 + timeout - time.time()), view="dc")
        marks.append(dict(at=skipped or now_ms(), what=f"skipped {victim.port}" if skipped
                          else f"still-chosen {victim.port}"))
        marks.append(dict(at=gone or now_ms(), what=f"dropped {victim.port}" if gone else f"still-listed {victim.port}"))
        time.sleep(settings["crash_load_tail"])
        self.stop_load()
        requests = self.load_results()
        received = {}
        for instance in instances:
            path = self.received_log(instance.port)
            if os.path.exists(path):
                with open(path) as lines:
                    for request_id in lines.read().split():
                        received[request_id] = received.get(request_id, 0) + 1
        result = dict(load_start_ms=load_start, kill_at_ms=kill_at, marks=marks, stale_at_start=stale,
                      skipped_after_ms=(skipped - kill_at) if skipped else None,
                      dropped_after_ms=(gone - kill_at) if gone else None, requests=requests,
                      timeout_s=settings["crash_load_timeout"])
        for method in ("GET", "POST"):
            mine = [r for r in requests if r["method"] == method]
            errors = {}
            for r in mine:
                if r["outcome"] != "ok":
                    errors[r["outcome"]] = errors.get(r["outcome"], 0) + 1
            latencies = [r["latency_us"] / 1000 for r in mine if r["outcome"] == "ok"]
            result[method] = dict(total=len(mine), failed=sum(errors.values()), errors=errors,
                                  p50_ms=percentile(latencies, 0.5) if latencies else None,
                                  p99_ms=percentile(latencies, 0.99) if latencies else None)
        posts = [r for r in requests if r["method"] == "POST"]
        result["POST"].update(
            received=sum(received.values()),
            received_twice=sum(1 for n in received.values() if n > 1),
            failed_but_received=sum(1 for r in posts if r["outcome"] != "ok" and r["id"] in received),
            answered_not_received=sum(1 for r in posts if r["outcome"] == "ok" and r["id"] not in received))
        self.crash_load[variant] = result
        log(f"[{variant}] crash under load: GET {result['GET']['failed']} of {result['GET']['total']} failed "
            f"{result['GET']['errors'] or ''}, POST {result['POST']['failed']} of {result['POST']['total']} failed "
            f"{result['POST']['errors'] or ''}, {result['POST']['received_twice']} POSTs received twice; skipped by "
            f"the load balancer {fmt_ms(result['skipped_after_ms'])}, dropped by the registry "
            f"{fmt_ms(result['dropped_after_ms'])} after the kill")
        for instance in instances[1:]:
            self.processes.stop(instance)

    def measure_startups(self, variant):
        """Scenario 5: `startup_pairs` starts of the variant, each right after a start of
        app-plain (no registry), each measured from the JVM's start to ApplicationReadyEvent
        with the CPU used until then; then, for the variants in `breakdown`, one start more
        with class loading and Spring's start-up steps recorded."""
        settings = self.settings
        plain_jar = os.path.join(PEERS, "app-plain", "target", "app-plain.jar")
        # drain-delay: these instances stop right after they are ready; no one calls them.
        extra = [*self.registry.app_args, "--discovery.shutdown.drain-delay=0s"]
        for pair in range(settings["startup_pairs"]):
            for kind, jar in (("plain", plain_jar), (variant, self.registry.jar)):
                port = self.take_port()
                process = self.start_app(jar, f"{kind}-startup-{port}", port, service="startup", extra=extra)
                info = self.wait_ready(process)
                self.processes.stop(process)
                self.startup_pairs.append(dict(variant=variant, pair=pair, app=kind,
                                               jvm_to_ready_ms=info["jvmToReadyMillis"],
                                               main_thread_cpu_ms=info.get("mainThreadCpuMillis"),
                                               process_cpu_ms=info.get("processCpuMillis"),
                                               classes_loaded=info.get("classesLoaded")))
        mine = [s for s in self.startup_pairs if s["variant"] == variant]
        if mine:
            ours = statistics.median(s["jvm_to_ready_ms"] for s in mine if s["app"] == variant)
            plain = statistics.median(s["jvm_to_ready_ms"] for s in mine if s["app"] == "plain")
            log(f"[{variant}] start-up: median {ours} ms against {plain} ms without a registry "
                f"({100 * (ours / plain - 1):+.0f} %), n={len(mine) // 2}")
        for kind, jar in (("plain", plain_jar), (variant, self.registry.jar)):
            if kind in settings["breakdown"] and kind not in self.breakdowns:
                port = self.take_port()
                classload = os.path.join(self.work, f"classload-{kind}.txt")
                timeline = os.path.join(self.work, f"timeline-{kind}.tsv")
                process = self.start_app(jar, f"{kind}-breakdown-{port}", port, service="startup", extra=extra,
                                         java_opts=[*JAVA_OPTS, *startup_breakdown.java_options(classload, timeline)])
                self.wait_ready(process)
                wait_for("start-up timeline written", lambda: os.path.exists(timeline), 30, process)
                self.processes.stop(process)
                self.breakdowns[kind] = startup_breakdown.analyse(classload, timeline)
                log(f"[{kind}] start-up breakdown: {sum(self.breakdowns[kind]['classes_main'].values())} classes "
                    "loaded by the main thread")

    def probe_events(self, service):
        """Every appearance ("up") and disappearance ("down") of each address in the
        observer's views of a service: {(view, event): {port: [at, ...]}}."""
        events = http("GET", f"http://{LOOPBACK}:{OBSERVER_PORT}/bench/watch/{service}", timeout=30)["events"]
        seen = {}
        for event in events:
            port = int(event["address"].rsplit(":", 1)[1])
            seen.setdefault((event["view"], event["event"]), {}).setdefault(port, []).append(event["at"])
        return seen

    @staticmethod
    def first_after(seen, view, event, port, since, timeout_s):
        """The first such event at or after `since` and within the timeout, else None."""
        times = [at for at in seen.get((view, event), {}).get(port, []) if since <= at <= since + timeout_s * 1000]
        return min(times) if times else None

    def wait_probes_called(self, base, count, timeout):
        def done():
            state = http("GET", base, timeout=30)
            return state if state["pending"] == 0 and len(state["probes"]) >= count else None
        state = wait_for("probe calls", done, timeout, interval=0.5)
        if not state:
            raise HarnessError(f"the registrar did not finish its calls within {timeout}s")
        return state["probes"]

    def probes(self, variant):
        """Scenario 1 with hundreds of samples, and the withdrawal counterpart of scenario 2:
        a registrar instance registers, then withdraws, `probes` extra instances of the
        service "probe" through the variant's own registry client, one every
        `probe_interval_ms`; the observer (another JVM) times when each appears in and
        disappears from its load balancer."""
        settings = self.settings
        count, interval, timeout = settings["probes"], settings["probe_interval_ms"], settings["probe_timeout"]
        port = self.take_port()
        registrar = self.start_app(self.registry.jar, f"{variant}-registrar", port, service="registrar",
                                   extra=self.registry.app_args)
        self.wait_ready(registrar)
        # Once the registrar is itself registered (its client connected, its first calls
        # made), so that no probe waits for a cold start.
        address = f"{LOOPBACK}:{port}"
        if not wait_for("registrar visible", lambda: self.visible_now(address, "registrar"),
                        settings["visible_timeout"], registrar, interval=0.2):
            raise HarnessError(f"[{variant}] the registrar never became visible to the observer")
        base = f"http://{LOOPBACK}:{port}/bench/probes"
        call_timeout = count * (interval / 1000 + 1) + 120
        try:
            http("POST", f"{base}?service=probe&count={count}&intervalMs={interval}&firstPort={FIRST_PROBE_PORT}")
            probes = self.wait_probes_called(base, count, call_timeout)
            errors = [p["error"] for p in probes if p["error"]]
            if errors:
                raise HarnessError(f"[{variant}] {len(errors)} probe registrations failed, first: {errors[0]}")
            for kind, event, start in (("probe-registration", "up", "registerAt"),
                                       ("probe-withdrawal", "down", "deregisterAt")):
                if kind == "probe-withdrawal":
                    http("DELETE", f"{base}?intervalMs={interval}")
                    probes = [p for p in self.wait_probes_called(base, count, call_timeout) if p["deregisterAt"] > 0]
                    errors = [p["error"] for p in probes if p["error"]]
                    if errors or len(probes) < count:
                        raise HarnessError(f"[{variant}] {len(errors)} probe withdrawals failed, "
                                           f"{count - len(probes)} not made; first error: {errors[:1]}")

                def port_of(probe):
                    return int(probe["address"].rsplit(":", 1)[1])

                def all_seen():
                    seen = self.probe_events("probe")
                    return all(self.first_after(seen, "lb", event, port_of(p), p[start], timeout) for p in probes)
                last = max(p[start] for p in probes)
                wait_for(f"probes {event}", all_seen, max(1, last / 1000 + timeout - time.time()), interval=0.5)
                seen = self.probe_events("probe")
                for index, probe in enumerate(probes):
                    lb_at = self.first_after(seen, "lb", event, port_of(probe), probe[start], timeout)
                    dc_at = self.first_after(seen, "dc", event, port_of(probe), probe[start], timeout)
                    self.sample(variant, kind, index, port_of(probe), probe[start], lb_at, dc_at, timeout, quiet=True)
            for scenario in ("probe-registration", "probe-withdrawal"):
                values = [r["lb_ms"] for r in self.samples
                          if r["variant"] == variant and r["scenario"] == scenario and r["lb_ms"] is not None]
                missing = sum(1 for r in self.samples if r["variant"] == variant and r["scenario"] == scenario
                              and r["lb_ms"] is None)
                if values:
                    log(f"[{variant}] {scenario}: n={len(values)} median {statistics.median(values):.0f} ms, p99 "
                        f"{percentile(values, 0.99)} ms, {missing} not within {timeout}s")
                else:
                    log(f"[{variant}] {scenario}: none within {timeout}s")
        finally:
            self.processes.stop(registrar)

    def steady_state(self, variant, jar, extra=()):
        """Scenario 7: one instance and its registry, nothing else; after `idle_settle`
        seconds, the CPU both use and the requests the registry receives over
        `idle_window` seconds."""
        settings = self.settings
        port = self.take_port()
        instance = self.start_app(jar, f"{variant}-idle-{port}", port, extra=extra)
        self.wait_ready(instance)
        try:
            time.sleep(settings["idle_settle"])
            registry = self.registry.process if variant != "plain" else None

            def reading():
                return dict(at=time.monotonic(), instance_cpu=cpu_seconds(instance.pid),
                            registry_cpu=cpu_seconds(registry.pid) if registry else None,
                            requests=self.registry.requests() if registry else None)
            before = reading()
            time.sleep(settings["idle_window"])
            after = reading()
            threads = self.holding(port)["threads"]
            window = after["at"] - before["at"]
            row = dict(variant=variant, window_s=round(window, 1),
                       instance_cpu_s=round(after["instance_cpu"] - before["instance_cpu"], 2), threads=threads,
                       registry_cpu_s=round(after["registry_cpu"] - before["registry_cpu"], 2) if registry else None,
                       requests=(after["requests"] - before["requests"]) if registry else None)
            row["requests_per_s"] = round(row["requests"] / window, 2) if registry else None
            self.steady.append(row)
            log(f"[{variant}] idle {row['window_s']}s: instance CPU {row['instance_cpu_s']}s, {threads} threads"
                + (f"; registry CPU {row['registry_cpu_s']}s, {row['requests']:.0f} requests to the registry "
                   f"({row['requests_per_s']}/s)" if registry else ""))
        finally:
            self.processes.stop(instance)

    def run_variant(self, variant):
        limits = {**self.settings, **(SLOW_VARIANT_LIMITS.get(variant, {}) if self.mode == "full" else {})}
        wanted = self.scenarios_of(variant)
        self.registry = Registry(variant, self.processes, self.work)
        self.registry.app_args = [*self.registry.app_args, *limits.get("app_args", {}).get(variant, [])]
        self.registry.start()
        try:
            # Before the observer starts: nothing else runs beside the starts measured.
            if "startup" in wanted:
                self.measure_startups(variant)
            if wanted & {"probes", "cycles", "rolling", "crash-load", "crashes"}:
                self.observed_scenarios(variant, limits)
            if "steady" in wanted:
                self.steady_state(variant, self.registry.jar, self.registry.app_args)
        finally:
            self.registry.stop()

    def scenarios_of(self, variant):
        peer_scenarios = self.settings.get("peer_scenarios")
        if variant == "etcd" or peer_scenarios is None:
            return self.scenarios
        return self.scenarios & set(peer_scenarios)

    def observed_scenarios(self, variant, limits):
        wanted = self.scenarios_of(variant)
        observer = self.start_app(self.registry.jar, f"{variant}-observer", OBSERVER_PORT, service="observer",
                                  extra=self.registry.app_args)
        self.wait_ready(observer)
        http("POST", f"http://{LOOPBACK}:{OBSERVER_PORT}/bench/watch/sample")
        http("POST", f"http://{LOOPBACK}:{OBSERVER_PORT}/bench/watch/probe")
        http("POST", f"http://{LOOPBACK}:{OBSERVER_PORT}/bench/watch/registrar")
        try:
            if "probes" in wanted:
                self.probes(variant)
            if "cycles" in wanted:
                for index in range(limits["cycles"]):
                    self.register_and_shutdown(variant, index)
            # Before the crashes: an instance a registry still lists after its crash would
            # fail a share of the rolling restart's requests.
            instances = []
            try:
                if "rolling" in wanted:
                    instances = self.rolling_restart(variant)
                elif "crash-load" in wanted:
                    instances = self.start_three(variant, "crash-load")
                if "crash-load" in wanted:
                    self.crash_under_load(variant, instances)
                if "crashes" in wanted:
                    # Each crash is of one instance among others, as in a fleet: this starter
                    # holds the last instance of a service that vanishes without withdrawing
                    # itself (protection against mass removal, docs/discovery.md), so the
                    # crash of a service's only instance would measure its max-hold, not how
                    # fast a crash is seen. The survivors of scenario 9, or one companion.
                    if not any(instance.poll() is None for instance in instances):
                        instances.append(self.start_companion(variant))
                    for index in range(limits["crashes"]):
                        self.crash(variant, index, limits["crash_timeout"])
            finally:
                for instance in instances:
                    self.processes.stop(instance)
        finally:
            self.processes.stop(observer)

    # --- scenario 8 ------------------------------------------------------------------------

    def etcd_json(self, path, body):
        """etcd's JSON gateway (v3 API over HTTP): what the harness loads and compacts with."""
        request = urllib.request.Request(f"http://{LOOPBACK}:{ETCD_PORT}{path}", data=json.dumps(body).encode(),
                                         method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read().decode())

    def lease_count(self):
        return len(self.etcd_json("/v3/lease/leases", {}).get("leases", []))

    def holding(self, port):
        return http("GET", f"http://{LOOPBACK}:{port}/bench/holding", timeout=60)

    def heap_after_gc(self, port):
        return http("GET", f"http://{LOOPBACK}:{port}/bench/self?gc=true", timeout=60)["heapUsedBytes"]

    def run_scale(self):
        """Scenario 8: one JVM (app-etcd) registers `scale_registrations` instances (a lease
        each) and caches `scale_services` services holding those plus `scale_loaded` more
        written straight into etcd; it reaches etcd through a proxy that the harness cuts
        while it writes and compacts, so that the watch resumes from a compacted revision
        and the cache re-lists everything."""
        settings = self.settings
        services, own, loaded = settings["scale_services"], settings["scale_registrations"], settings["scale_loaded"]
        own_services = max(1, own * services // (own + loaded))
        per_service = (own + loaded) // services
        self.registry = Registry("etcd", self.processes, self.work)
        self.registry.data_dir_name = "etcd-scale"
        self.registry.start()
        proxy = TcpProxy(PROXY_PORT, ETCD_PORT)
        port = self.take_port()
        app = self.start_app(self.registry.jar, "etcd-scale", port, service="scale", java_opts=SCALE_JAVA_OPTS,
                             etcd_port=PROXY_PORT)
        result = dict(services=services, registrations=own, loaded=loaded, java_opts=" ".join(SCALE_JAVA_OPTS))
        try:
            self.wait_ready(app)
            wait_for("scale app registered", lambda: self.holding(port)["instances"] >= 1, 60, app)
            time.sleep(2)
            base_heap, base_threads = self.heap_after_gc(port), self.holding(port)["threads"]
            # Instances written straight into etcd, in etcd's naming format as this starter
            # writes it, bound to one long lease (other processes' registrations).
            template = self.own_value()
            lease = int(self.etcd_json("/v3/lease/grant", {"TTL": 3600})["ID"])
            names = [f"loaded-{i:03d}" for i in range(services - own_services)]
            keys = []
            for index in range(loaded):
                service = names[index % len(names)]
                instance_id = f"{service}-{index}"
                record = {**template["Instance"], "service": service, "instanceId": instance_id,
                          "port": 30000 + index % 20000}
                value = {"Op": 0, "Addr": f"127.0.0.1:{record['port']}", "Metadata": None, "Instance": record}
                keys.append((f"{template['prefix']}{service}/{instance_id}", json.dumps(value, separators=(",", ":"))))
            load_start = time.monotonic()
            for first in range(0, len(keys), 128):  # etcd's --max-txn-ops default
                self.etcd_json("/v3/kv/txn", {"success": [
                    {"requestPut": {"key": b64(k), "value": b64(v), "lease": str(lease)}} for k, v in keys[first:first + 128]]})
            wait_for("loaded instances cached", lambda: self.holding(port)["instances"] >= loaded + 1, 120, app, 0.2)
            result["load_to_cached_s"] = round(time.monotonic() - load_start, 2)
            loaded_heap, loaded_threads = self.heap_after_gc(port), self.holding(port)["threads"]
            result["bytes_per_cached_instance"] = round((loaded_heap - base_heap) / loaded)
            # Registrations: each an InstanceRegistrar with a lease of its own.
            register_start = time.monotonic()
            http("POST", f"http://{LOOPBACK}:{port}/bench/probes?service=own&count={own}&services={own_services}"
                         f"&intervalMs=0&firstPort={FIRST_PROBE_PORT}")
            wait_for("registrations cached", lambda: self.holding(port)["instances"] >= loaded + own + 1, 300, app, 0.2)
            result["registrations_to_cached_s"] = round(time.monotonic() - register_start, 2)
            leases = self.lease_count()
            result["leases_in_etcd"] = leases
            holding = self.holding(port)
            result["cached_instances"], result["cached_services"] = holding["instances"], holding["services"]
            full_heap, full_threads = self.heap_after_gc(port), holding["threads"]
            result["bytes_per_registration"] = round((full_heap - loaded_heap) / own - result["bytes_per_cached_instance"])
            result["threads"] = dict(start=base_threads, loaded=loaded_threads, registered=full_threads)
            result["threads_by_name"] = holding.get("threadsByName")
            result["heap_bytes"] = dict(start=base_heap, loaded=loaded_heap, registered=full_heap)
            log(f"[scale] {holding['instances']} instances of {holding['services']} services cached, {leases} leases; "
                f"{result['bytes_per_cached_instance']} B per cached instance, {result['bytes_per_registration']} B and "
                f"{(full_threads - loaded_threads) / own:.2f} threads per registration")
            # Steady state with everything held.
            time.sleep(5)
            before = (time.monotonic(), cpu_seconds(self.registry.process.pid), cpu_seconds(app.pid),
                      self.registry.requests())
            time.sleep(settings["scale_window"])
            after = (time.monotonic(), cpu_seconds(self.registry.process.pid), cpu_seconds(app.pid),
                     self.registry.requests())
            window = after[0] - before[0]
            result["steady"] = dict(window_s=round(window, 1), etcd_cpu_s=round(after[1] - before[1], 2),
                                    app_cpu_s=round(after[2] - before[2], 2),
                                    requests_per_s=round((after[3] - before[3]) / window, 1))
            log(f"[scale] steady {window:.0f}s: etcd CPU {result['steady']['etcd_cpu_s']}s, app CPU "
                f"{result['steady']['app_cpu_s']}s, {result['steady']['requests_per_s']} requests/s to etcd")
            # A change in etcd → this application's load balancer, with everything held.
            result["change_to_lb"] = self.scale_changes(port, names[0], template, lease, settings["scale_changes"])
            log(f"[scale] change → load balancer: {result['change_to_lb']}")
            # A churn of changes, and the HeartbeatEvents it makes Spring Cloud's consumers see.
            result["churn"] = self.scale_churn(app, port, keys, lease, settings["scale_churn"])
            log(f"[scale] churn: {result['churn']}")
            # Resync after compaction: cut the application off, change 1% of the loaded
            # instances, compact, reconnect.
            log_mark = os.path.getsize(app.log_path)
            etcd_cpu_before = cpu_seconds(self.registry.process.pid)
            proxy.sever()
            changed = max(1, loaded // 100)
            fresh = [(k + "-new", v) for k, v in keys[:changed]]
            for first in range(0, changed, 128):  # etcd's --max-txn-ops default
                self.etcd_json("/v3/kv/txn", {"success": [
                    {"requestDeleteRange": {"key": b64(k)}} for k, _ in keys[first:min(first + 128, changed)]]})
            for first in range(0, changed, 128):
                self.etcd_json("/v3/kv/txn", {"success": [
                    {"requestPut": {"key": b64(k), "value": b64(v), "lease": str(lease)}} for k, v in fresh[first:first + 128]]})
            revision = int(self.etcd_json("/v3/kv/range", {"key": b64("/"), "limit": 1})["header"]["revision"])
            self.etcd_json("/v3/kv/compaction", {"revision": str(revision), "physical": True})
            time.sleep(1)
            restored = now_ms()
            proxy.restore()
            new_port = json.loads(fresh[-1][1])["Instance"]["port"]

            def relisted():
                with open(app.log_path, errors="replace") as log_file:
                    log_file.seek(log_mark)
                    return "Re-listed" in log_file.read()
            if not wait_for("re-listed after compaction", relisted, 120, app, 0.2):
                raise HarnessError(f"[scale] the cache did not re-list within 120s; see {app.log_path}")
            result["resync"] = self.resync_times(app.log_path, log_mark, restored, proxy.first_accept_ms)
            result["resync"]["etcd_cpu_s"] = round(cpu_seconds(self.registry.process.pid) - etcd_cpu_before, 2)
            result["resync"]["changed_instances"] = changed * 2
            result["resync"]["compacted_revision"] = revision
            result["resync"]["cached_after"] = self.holding(port)["instances"]
            result["resync"]["leases_after"] = self.lease_count()
            result["resync"]["new_instance_port"] = new_port
            log(f"[scale] resync: {result['resync']}")
            # Withdraw the registrations.
            withdraw_mark = os.path.getsize(app.log_path)
            withdraw_start = time.monotonic()
            withdraw_cpu = cpu_seconds(self.registry.process.pid), cpu_seconds(app.pid)
            withdraw_requests = self.registry.requests()
            http("DELETE", f"http://{LOOPBACK}:{port}/bench/probes?intervalMs=0")
            self.wait_probes_called(f"http://{LOOPBACK}:{port}/bench/probes", own, 300)
            result["withdrawals_s"] = round(time.monotonic() - withdraw_start, 2)
            # Who was busy meanwhile: etcd near one core per second, or the application.
            result["withdrawal_cpu"] = dict(
                etcd_s=round(cpu_seconds(self.registry.process.pid) - withdraw_cpu[0], 2),
                app_s=round(cpu_seconds(app.pid) - withdraw_cpu[1], 2),
                etcd_requests=int(self.registry.requests() - withdraw_requests))
            result["leases_after_withdrawal"] = self.lease_count()
            result["withdrawal_outcomes"] = self.withdrawal_outcomes(app.log_path, withdraw_mark)
            log(f"[scale] {own} withdrawals took {result['withdrawals_s']}s (CPU {result['withdrawal_cpu']}); "
                f"{result['leases_after_withdrawal']} "
                f"leases left (the app's own and the loader's); outcomes {result['withdrawal_outcomes']}")
            self.scale = result
        finally:
            self.processes.stop(app)
            proxy.close()
            self.registry.stop()

    @staticmethod
    def withdrawal_outcomes(log_path, mark):
        """The registrar's `Deregistered …` lines after `mark`, by outcome: `clean` (key parked or
        deleted, lease revoked), `key_not_taken` (the key was gone already or not deleted: it
        vanished with its lease, or stays until its lease expires) and `lease_not_revoked` (it
        expires within the TTL)."""
        outcomes = dict(clean=0, key_not_taken=0, lease_not_revoked=0)
        with open(log_path, errors="replace") as log_file:
            log_file.seek(mark)
            for line in log_file:
                if "InstanceRegistrar" not in line or " Deregistered " not in line:
                    continue
                what = line.split(" Deregistered ", 1)[1]
                if "key already gone" in what or "key not deleted" in what:
                    outcomes["key_not_taken"] += 1
                elif "not revoked" in what:
                    outcomes["lease_not_revoked"] += 1
                else:
                    outcomes["clean"] += 1
        return outcomes

    def scale_changes(self, port, service, template, lease, count):
        """`count` new instances of one loaded service, put one at a time straight into etcd
        as another process registers, each timed from just before its put to when the scale
        application's load balancer first offered it (its supplier is polled every 5 ms)."""
        http("POST", f"http://{LOOPBACK}:{port}/bench/watch/{service}")
        time.sleep(1)
        samples = []
        for index in range(count):
            record = {**template["Instance"], "service": service, "instanceId": f"{service}-change-{index}",
                      "port": 51000 + index}
            value = {"Op": 0, "Addr": f"127.0.0.1:{record['port']}", "Metadata": None, "Instance": record}
            address = f"{record['host']}:{record['port']}"
            sent = now_ms()
            self.etcd_json("/v3/kv/put", {"key": b64(f"{template['prefix']}{service}/{record['instanceId']}"),
                                          "value": b64(json.dumps(value, separators=(",", ":"))),
                                          "lease": str(lease)})
            deadline, seen = time.monotonic() + 30, None
            while seen is None and time.monotonic() < deadline:
                events = http("GET", f"http://{LOOPBACK}:{port}/bench/watch/{service}?since={sent}")["events"]
                seen = next((event["at"] for event in events if event["view"] == "lb"
                             and event["address"] == address and event["event"] == "up"), None)
                if seen is None:
                    time.sleep(0.02)
            if seen is None:
                current = http("GET", f"http://{LOOPBACK}:{port}/bench/watch/{service}")["current"]
                raise HarnessError(f"[scale] {address} of {service} not in the load balancer within 30s; it offers "
                                   f"{len(current.get('lb', []))} instances, the DiscoveryClient has "
                                   f"{len(current.get('dc', []))}; after {len(samples)} changes")
            samples.append(seen - sent)
            time.sleep(0.05)
        # The polls (every 5 ms) would count in what the scenario measures next.
        http("DELETE", f"http://{LOOPBACK}:{port}/bench/watch/{service}")
        return dict(n=len(samples), p50_ms=percentile(samples, 0.5), p99_ms=percentile(samples, 0.99),
                    max_ms=max(samples), service=service)

    def scale_churn(self, app, port, keys, lease, per_second, seconds=10):
        """`per_second` changes a second for `seconds`: every 100 ms one transaction puts that
        many loaded instances again with a new metadata value. Counts the HeartbeatEvents the
        application received (the starter coalesces them) and the CPU it used meanwhile."""
        per_batch = max(1, min(128, per_second // 10))
        events_before = self.holding(port)["heartbeatEvents"]
        cpu_before = cpu_seconds(app.pid)
        start, written, batch = time.monotonic(), 0, 0
        while time.monotonic() - start < seconds:
            ops = []
            for index in range(per_batch):
                key, value = keys[(written + index) % len(keys)]
                changed = json.loads(value)
                changed["Instance"]["metadata"] = {**(changed["Instance"].get("metadata") or {}), "churn": str(batch)}
                ops.append({"requestPut": {"key": b64(key), "value": b64(json.dumps(changed, separators=(",", ":"))),
                                           "lease": str(lease)}})
            self.etcd_json("/v3/kv/txn", {"success": ops})
            written += per_batch
            batch += 1
            time.sleep(max(0.0, start + batch * 0.1 - time.monotonic()))
        elapsed = time.monotonic() - start
        time.sleep(3)  # the last coalesced event
        events = self.holding(port)["heartbeatEvents"] - events_before
        return dict(changes=written, seconds=round(elapsed, 1), changes_per_s=round(written / elapsed),
                    heartbeat_events=events, heartbeat_events_per_s=round(events / (elapsed + 3), 2),
                    app_cpu_s=round(cpu_seconds(app.pid) - cpu_before, 2))

    def own_value(self):
        """The scale application's own key and value, as a template for loaded instances."""
        answer = self.etcd_json("/v3/kv/range", {"key": b64("/"), "range_end": b64("0")})
        for kv in answer.get("kvs", []):
            key = base64.b64decode(kv["key"]).decode()
            value = json.loads(base64.b64decode(kv["value"]).decode())
            if (value.get("Instance") or {}).get("service") == "scale":
                return {**value, "prefix": key[:key.rindex("/scale/") + 1]}
        raise HarnessError("the scale application's own key is not in etcd")

    @staticmethod
    def resync_times(log_path, offset, restored_ms, reconnected_ms):
        """From the application's log: when the watch reported the compaction and when the
        cache had re-listed (Spring Boot's default log timestamps, milliseconds, local time)."""
        ended = relisted = None
        line_text = ""
        with open(log_path, errors="replace") as log_file:
            log_file.seek(offset)
            for line in log_file:
                if ended is None and "ended (compacted" in line:
                    ended = log_timestamp(line)
                if "Re-listed" in line:
                    relisted, line_text = log_timestamp(line), line.strip()
                    break
        return dict(restored_to_relisted_ms=(relisted - restored_ms) if relisted else None,
                    reconnected_to_relisted_ms=(relisted - reconnected_ms) if relisted and reconnected_ms else None,
                    compaction_noticed_to_relisted_ms=(relisted - ended) if relisted and ended else None,
                    log_line=line_text[line_text.find("Re-listed"):])

    def run_plain(self):
        jar = os.path.join(PEERS, "app-plain", "target", "app-plain.jar")
        for _ in range(self.settings["plain"]):
            port = self.take_port()
            process = self.start_app(jar, f"plain-{port}", port)
            info = self.wait_ready(process)
            self.record_startup("plain", process, info)
            self.processes.stop(process)
        self.steady_state("plain", jar)

    def run(self, variants):
        started = time.time()
        environment = describe_machine()
        self.check_ports()
        log(f"mode {self.mode}: variants {', '.join(variants)}; logs in {self.log_dir}")
        if "plain" in self.scenarios:
            self.run_plain()
        for variant in variants:
            self.run_variant(variant)
        if "etcd" in variants and "scale" in self.scenarios:
            self.run_scale()
        environment["load_after"] = os.getloadavg()
        environment["duration_s"] = round(time.time() - started)
        environment["mode"] = self.mode
        environment["started_utc"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))
        environment["finished_utc"] = time.strftime("%H:%M UTC", time.gmtime())
        environment["versions"] = versions()
        environment["settings"] = {k: v for k, v in self.settings.items() if k != "variants"}
        environment["settings"]["variants"] = variants
        environment["settings"]["scenarios"] = [name for name in SCENARIOS if name in self.scenarios]
        environment["settings"]["slow_variant_limits"] = SLOW_VARIANT_LIMITS if self.mode == "full" else {}
        return environment

    def check_ports(self):
        for port in (ETCD_PORT, ETCD_PEER_PORT, ZOOKEEPER_PORT, EUREKA_PORT, OBSERVER_PORT, PROXY_PORT):
            if not port_free(port):
                raise HarnessError(f"port {port} is already in use: free it (ss -ltnp 'sport = :{port}') and rerun")

    def close(self):
        self.processes.stop_all()
        shutil.rmtree(self.work, ignore_errors=True)


def log_timestamp(line):
    """Epoch milliseconds of a Spring Boot log line ("2026-11-23T20:04:05.123Z" or with an
    offset)."""
    stamp = line.split(" ", 1)[0]
    from datetime import datetime
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000)


def describe_machine():
    def first(command):
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=10).stdout.strip()
        except OSError:
            return ""
    cpu = ""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as meminfo:
        mem_kb = int(meminfo.readline().split()[1])
    os_name = ""
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as release:
            for line in release:
                if line.startswith("PRETTY_NAME="):
                    os_name = line.split("=", 1)[1].strip().strip('"')
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    return dict(cores=os.cpu_count(), cpu=cpu, ram_gib=round(mem_kb / 1024 / 1024), os=os_name,
                kernel=f"{platform.system()} {platform.release()} {platform.machine()}",
                java=java[1] if len(java) > 1 else "", load_before=os.getloadavg(),
                java_opts=" ".join(JAVA_OPTS), etcd=first(["etcd", "--version"]).splitlines()[0:1],
                zookeeper=first(["dpkg-query", "-W", "-f=${Version}", "zookeeper"]))


def versions():
    """Library versions as packaged in the jars (BOOT-INF/lib), the source of truth."""
    wanted = ("spring-boot-4", "spring-cloud-commons", "spring-cloud-loadbalancer", "spring-cloud-netflix-eureka-client",
              "spring-cloud-netflix-eureka-server", "eureka-client", "eureka-core", "spring-cloud-zookeeper-discovery",
              "curator-x-discovery", "zookeeper-3", "jetcd-core", "etcd-discovery-spring-boot-0", "spring-core")
    found = {}
    for jar in ("app-etcd", "app-eureka", "app-zookeeper", "eureka-server"):
        path = os.path.join(PEERS, jar, "target", jar + ".jar")
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                base = os.path.basename(name)
                for prefix in wanted:
                    if name.startswith("BOOT-INF/lib/") and base.startswith(prefix) and base.endswith(".jar"):
                        found[base[:-4]] = True
    return sorted(found)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=sorted(MODES), default="smoke")
    parser.add_argument("--variants", help="comma-separated subset of etcd,zookeeper,eureka-fast,eureka-default")
    parser.add_argument("--out", default=os.path.join(PEERS, "results"))
    parser.add_argument("--docs", default=os.path.join(ROOT, "docs"), help="where benchmarks.md and the SVGs go")
    parser.add_argument("--no-docs", action="store_true", help="do not touch docs/")
    parser.add_argument("--command", default="", help="the command line to cite in the doc")
    parser.add_argument("--scenarios", help="comma-separated subset of " + ",".join(SCENARIOS)
                        + " (a subset never writes the doc)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override one of the mode's settings, e.g. startup_pairs=10 (never writes the doc)")
    args = parser.parse_args()
    scenarios = args.scenarios.split(",") if args.scenarios else None
    unknown = [name for name in scenarios or [] if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenarios {unknown}: choose from {', '.join(SCENARIOS)}")
    overrides = {}
    for setting in args.set:
        name, _, value = setting.partition("=")
        if name not in MODES[args.mode] or name == "variants":
            parser.error(f"--set {setting}: no such setting; settings: {', '.join(sorted(MODES[args.mode]))}")
        default = MODES[args.mode][name]
        if isinstance(default, dict):
            parser.error(f"--set {setting}: {name} cannot be set from the command line")
        overrides[name] = value.split(",") if isinstance(default, list) else type(default)(value)

    def interrupted(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)

    variants = args.variants.split(",") if args.variants else MODES[args.mode]["variants"]
    # A subset keeps its results apart from the run the doc describes (results/full).
    out_dir = os.path.join(args.out, args.mode + ("-subset" if scenarios or overrides else ""))
    os.makedirs(out_dir, exist_ok=True)
    bench = Bench(args.mode, out_dir, scenarios, overrides)
    try:
        environment = bench.run(variants)
    except (HarnessError, OSError, urllib.error.URLError) as error:
        log(f"harness failure: {error!r}")
        # What was measured until then, for the record (docs untouched).
        report.write_raw(out_dir, dict(environment=dict(mode=args.mode, failed=repr(error)), samples=bench.samples,
                                       startups=bench.startups, rolling=bench.rolling, steady=bench.steady,
                                       scale=bench.scale, notes=bench.notes, crash_load=bench.crash_load,
                                       startup_pairs=bench.startup_pairs, breakdowns=bench.breakdowns))
        return 1
    except KeyboardInterrupt as interruption:
        log(f"interrupted ({interruption}): stopping everything")
        return 130
    finally:
        bench.close()
    environment["command"] = args.command
    results = dict(environment=environment, samples=bench.samples, startups=bench.startups, rolling=bench.rolling,
                   steady=bench.steady, scale=bench.scale, notes=bench.notes, crash_load=bench.crash_load,
                   startup_pairs=bench.startup_pairs, breakdowns=bench.breakdowns)
    report.write_raw(out_dir, results)
    # Only a full run publishes (docs/benchmarks/*.svg and docs/benchmarks.md); a smoke run
    # keeps its charts beside its raw results.
    # A subset of the scenarios, or other settings, is not the run the doc describes.
    publish = args.mode == "full" and not args.no_docs and not scenarios and not overrides
    charts = os.path.join(args.docs, "benchmarks") if publish else os.path.join(out_dir, "charts")
    report.write_charts(charts, results)
    if publish:
        report.update_doc(os.path.join(args.docs, "benchmarks.md"), results, charts, os.path.join(args.docs))
    log(f"done in {environment['duration_s']}s: raw results in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
