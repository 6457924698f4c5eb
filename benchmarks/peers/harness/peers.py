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
import time
import urllib.error
import urllib.request
import zipfile

import report

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.dirname(HERE)
ROOT = os.path.dirname(os.path.dirname(PEERS))

ETCD_PORT, ETCD_PEER_PORT = 23790, 23800
ZOOKEEPER_PORT = 21810
EUREKA_PORT = 28761
OBSERVER_PORT = 28100
FIRST_INSTANCE_PORT = 28200
LOOPBACK = "127.0.0.1"
JAVA_OPTS = ["-Xmx256m", "-XX:TieredStopAtLevel=1"]

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
    "smoke": dict(variants=["etcd", "zookeeper", "eureka-fast"], cycles=1, crashes=1, plain=1,
                  visible_timeout=90, gone_timeout=90, crash_timeout=60, rps=200, warmup=3, tail=3),
    "full": dict(variants=["etcd", "zookeeper", "eureka-fast", "eureka-default"], cycles=6, crashes=2,
                 plain=3, visible_timeout=120, gone_timeout=120, crash_timeout=150, rps=200, warmup=5,
                 tail=5),
}
# Fewer samples where a single one takes minutes (Eureka's defaults).
SLOW_VARIANT_LIMITS = {"eureka-default": dict(cycles=2, crashes=1)}


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

    def start(self):
        if self.variant == "etcd":
            data = os.path.join(self.work, "etcd")
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
                          f"clientPortAddress={LOOPBACK}\nadmin.enableServer=false\n")
            command = ["java", "-Xmx256m", "-cp", "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar",
                       "org.apache.zookeeper.server.ZooKeeperServerMain", config]
            ready = lambda: self._zookeeper_ok()
        else:
            jar = os.path.join(PEERS, "eureka-server", "target", "eureka-server.jar")
            command = ["java", *JAVA_OPTS, "-jar", jar, f"--server.port={EUREKA_PORT}"]
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

    def __init__(self, mode, out_dir):
        self.mode = mode
        self.settings = MODES[mode]
        self.out_dir = out_dir
        self.work = tempfile.mkdtemp(prefix="etcd-discovery-peers-")
        self.log_dir = os.path.join(out_dir, "logs")
        os.makedirs(self.log_dir, exist_ok=True)
        self.processes = Processes(self.log_dir)
        self.next_port = FIRST_INSTANCE_PORT
        self.samples = []  # scenario 1-3 rows
        self.startups = []  # scenario 5 rows
        self.rolling = {}  # scenario 4 per variant
        self.registry = None

    # --- instances -------------------------------------------------------------------------

    def start_app(self, jar, name, port, service="sample", extra=()):
        if not port_free(port):
            raise HarnessError(f"port {port} is in use")
        command = ["java", *JAVA_OPTS, "-jar", jar, f"--server.port={port}", f"--spring.application.name={service}",
                   *extra]
        env = {"ETCD_PORT": str(ETCD_PORT), "ZOOKEEPER_PORT": str(ZOOKEEPER_PORT), "EUREKA_PORT": str(EUREKA_PORT)}
        process = self.processes.start(name, command, env)
        process.port, process.launched_at = port, now_ms()
        return process

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

    def visible_now(self, address):
        return address in http("GET", f"http://{LOOPBACK}:{OBSERVER_PORT}/bench/watch/sample")["current"].get("lb", [])

    def wait_event(self, address, kind, since, timeout, view="lb"):
        return wait_for(f"{address} {kind}", lambda: self.event_at(address, kind, since, view), timeout, interval=0.2)

    # --- scenarios -------------------------------------------------------------------------

    def sample(self, variant, scenario, index, port, start_ms, lb_at, dc_at, timeout_s):
        row = dict(variant=variant, scenario=scenario, index=index, port=port, t0_ms=start_ms,
                   lb_ms=(lb_at - start_ms) if lb_at else None, dc_ms=(dc_at - start_ms) if dc_at else None,
                   timed_out=lb_at is None, timeout_s=timeout_s)
        self.samples.append(row)
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

    def crash(self, variant, index):
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
        lb_gone = self.wait_event(address, "down", kill_at, settings["crash_timeout"])
        dc_gone = self.event_at(address, "down", kill_at, "dc")
        self.sample(variant, "crash", index, port, kill_at, lb_gone, dc_gone, settings["crash_timeout"])

    def rolling_restart(self, variant):
        settings = self.settings
        jar, extra = self.registry.jar, self.registry.app_args
        instances = []
        for _ in range(3):
            port = self.take_port()
            instances.append(self.start_app(jar, f"{variant}-rolling-{port}", port, extra=extra))
        for instance in instances:
            self.wait_ready(instance)
        for instance in instances:
            if not self.wait_event(f"{LOOPBACK}:{instance.port}", "up", instance.launched_at,
                                   settings["visible_timeout"]):
                raise HarnessError(f"[{variant}] rolling restart: {instance.name} never visible to the observer")
        marks = []
        load_start = now_ms()
        http("POST", f"http://{LOOPBACK}:{OBSERVER_PORT}/bench/load/sample?rps={settings['rps']}&seconds=1800")
        time.sleep(settings["warmup"])
        for position, old in enumerate(list(instances)):
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
        http("DELETE", f"http://{LOOPBACK}:{OBSERVER_PORT}/bench/load")
        time.sleep(6)  # lets the last requests finish (read timeout 5 s)
        csv_text = http("GET", f"http://{LOOPBACK}:{OBSERVER_PORT}/bench/load", timeout=30, raw=True)
        requests = []
        for line in csv_text.splitlines()[1:]:
            sent, latency, outcome, answered = line.split(",")
            requests.append(dict(sent_at_ms=int(sent), latency_us=int(latency), outcome=outcome, port=answered))
        requests.sort(key=lambda r: r["sent_at_ms"])
        failed = sum(1 for r in requests if r["outcome"] != "ok")
        latencies = [r["latency_us"] / 1000 for r in requests if r["outcome"] == "ok"]
        self.rolling[variant] = dict(load_start_ms=load_start, marks=marks, requests=requests, total=len(requests),
                                     failed=failed, p50_ms=percentile(latencies, 0.5) if latencies else None,
                                     p99_ms=percentile(latencies, 0.99) if latencies else None,
                                     errors=sorted({r["outcome"] for r in requests if r["outcome"] != "ok"}))
        log(f"[{variant}] rolling restart: {len(requests)} requests, {failed} failed, p99 "
            f"{self.rolling[variant]['p99_ms']} ms")
        for instance in instances:
            self.processes.stop(instance)

    def run_variant(self, variant):
        limits = {**self.settings, **(SLOW_VARIANT_LIMITS.get(variant, {}) if self.mode == "full" else {})}
        self.registry = Registry(variant, self.processes, self.work)
        self.registry.start()
        observer = self.start_app(self.registry.jar, f"{variant}-observer", OBSERVER_PORT, service="observer",
                                  extra=self.registry.app_args)
        self.wait_ready(observer)
        http("POST", f"http://{LOOPBACK}:{OBSERVER_PORT}/bench/watch/sample")
        try:
            for index in range(limits["cycles"]):
                self.register_and_shutdown(variant, index)
            for index in range(limits["crashes"]):
                self.crash(variant, index)
            self.rolling_restart(variant)
        finally:
            self.processes.stop(observer)
            self.registry.stop()

    def run_plain(self):
        jar = os.path.join(PEERS, "app-plain", "target", "app-plain.jar")
        for _ in range(self.settings["plain"]):
            port = self.take_port()
            process = self.start_app(jar, f"plain-{port}", port)
            info = self.wait_ready(process)
            self.record_startup("plain", process, info)
            self.processes.stop(process)

    def run(self, variants):
        started = time.time()
        environment = describe_machine()
        self.check_ports()
        log(f"mode {self.mode}: variants {', '.join(variants)}; logs in {self.log_dir}")
        self.run_plain()
        for variant in variants:
            self.run_variant(variant)
        environment["load_after"] = os.getloadavg()
        environment["duration_s"] = round(time.time() - started)
        environment["mode"] = self.mode
        environment["started_utc"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))
        environment["finished_utc"] = time.strftime("%H:%M UTC", time.gmtime())
        environment["versions"] = versions()
        environment["settings"] = {k: v for k, v in self.settings.items() if k != "variants"}
        environment["settings"]["variants"] = variants
        return environment

    def check_ports(self):
        for port in (ETCD_PORT, ETCD_PEER_PORT, ZOOKEEPER_PORT, EUREKA_PORT, OBSERVER_PORT):
            if not port_free(port):
                raise HarnessError(f"port {port} is already in use: free it (ss -ltnp 'sport = :{port}') and rerun")

    def close(self):
        self.processes.stop_all()
        shutil.rmtree(self.work, ignore_errors=True)


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
    args = parser.parse_args()

    def interrupted(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)

    variants = args.variants.split(",") if args.variants else MODES[args.mode]["variants"]
    out_dir = os.path.join(args.out, args.mode)
    os.makedirs(out_dir, exist_ok=True)
    bench = Bench(args.mode, out_dir)
    try:
        environment = bench.run(variants)
    except HarnessError as error:
        log(f"harness failure: {error}")
        return 1
    except KeyboardInterrupt as interruption:
        log(f"interrupted ({interruption}): stopping everything")
        return 130
    finally:
        bench.close()
    environment["command"] = args.command
    results = dict(environment=environment, samples=bench.samples, startups=bench.startups, rolling=bench.rolling)
    report.write_raw(out_dir, results)
    # Only a full run publishes (docs/benchmarks/*.svg and docs/benchmarks.md); a smoke run
    # keeps its charts beside its raw results.
    publish = args.mode == "full" and not args.no_docs
    charts = os.path.join(args.docs, "benchmarks") if publish else os.path.join(out_dir, "charts")
    report.write_charts(charts, results)
    if publish:
        report.update_doc(os.path.join(args.docs, "benchmarks.md"), results, charts, os.path.join(args.docs))
    log(f"done in {environment['duration_s']}s: raw results in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
