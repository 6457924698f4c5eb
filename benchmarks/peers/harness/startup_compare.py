#!/usr/bin/env python3
# Copyright 2026 the etcd-discovery authors. Licensed under the Apache License, Version 2.0.
"""Start-up of several builds of the peer application, interleaved: each round starts every
jar once, in the order given, so that a change of the machine's load between rounds falls on
all of them alike. Each start is measured as the harness's scenario 5 measures it
(`/bench/self`: JVM start -> ApplicationReadyEvent, the main thread's and the process's CPU
until then, classes loaded) and killed once ready. The first jar is the baseline: the
overhead of each other jar is the median over the rounds of (jar / baseline - 1).

    python3 startup_compare.py ROUNDS ETCD_PORT NAME=JAR [NAME=JAR...]

A JAR may carry JVM options before it and application arguments after it, as one shell word
(the same jar with discovery off, or with a CDS archive or an AOT cache):

    python3 startup_compare.py 10 23890 plain=app-plain.jar etcd=app-etcd.jar \
        'off=app-etcd.jar --discovery.enabled=false' 'cds=-XX:SharedArchiveFile=etcd.jsa app/app-etcd.jar'

The JVM is `java` on the PATH, or $STARTUP_JAVA (for example a Java 25 for -XX:AOTCache).
With $STARTUP_REGISTERED=SECONDS each start of an application that registers itself is also
timed to its first InstanceRegisteredEvent (JVM start -> registered in etcd, routable), waited
for up to SECONDS after ready.

For example a jar built from an earlier commit against the current one, with app-plain as the
baseline (an etcd must listen on ETCD_PORT on 127.0.0.1; registration is not waited for):

    python3 startup_compare.py 10 23890 plain=app-plain.jar before=old/app-etcd.jar after=app-etcd.jar

Standard library only; listens on 127.0.0.1:28901 and up.
"""

import json
import os
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

FIRST_PORT = 28901


def command(spec, port):
    """java, its options, -jar JAR, then the harness's and the spec's application arguments."""
    words = shlex.split(spec)
    jar_index = next(index for index, word in enumerate(words) if word.endswith(".jar"))
    return ([os.environ.get("STARTUP_JAVA", "java"), "-Xmx256m", "-XX:TieredStopAtLevel=1", *words[:jar_index],
             "-jar", words[jar_index], f"--server.port={port}", "--spring.application.name=startup",
             "--discovery.shutdown.drain-delay=0s", *words[jar_index + 1:]])


def start_once(jar, port, etcd_port, log_path, wait_registered):
    with open(log_path, "w") as log:
        process = subprocess.Popen(command(jar, port), stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, "ETCD_PORT": str(etcd_port)}, start_new_session=True)
    try:
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/self", timeout=2) as response:
                    info = json.loads(response.read())
                if info.get("readyAtMillis", 0) > 0 and (not info.get("registers") or info["jvmToRegisteredMillis"] > 0
                                                         or time.time() > info["readyAtMillis"] / 1000 + wait_registered):
                    return info
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{jar} not ready within 180 s (log: {log_path})")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    rounds, etcd_port = int(sys.argv[1]), int(sys.argv[2])
    jars = dict(argument.split("=", 1) for argument in sys.argv[3:])
    logs = tempfile.mkdtemp(prefix="startup-compare-")
    rows, port = [], FIRST_PORT
    print(f"load before {os.getloadavg()}; logs in {logs}", flush=True)
    for index in range(rounds):
        for name, jar in jars.items():
            info = start_once(jar, port, etcd_port, os.path.join(logs, f"{name}-{index}.log"),
                              float(os.environ.get("STARTUP_REGISTERED", "0")))
            port += 1
            row = dict(round=index, app=name, ready=info["jvmToReadyMillis"], main_cpu=info.get("mainThreadCpuMillis"),
                       cpu=info.get("processCpuMillis"), classes=info.get("classesLoaded"),
                       registered=info.get("jvmToRegisteredMillis") or None)
            rows.append(row)
            print(json.dumps(row), flush=True)
    baseline = next(iter(jars))
    for name in jars:
        mine = [row for row in rows if row["app"] == name]
        ready = [r["ready"] for r in mine]
        line = (f"{name}: median JVM start -> ready {statistics.median(ready):.0f} ms ({min(ready)} - {max(ready)}), main "
                f"thread CPU {statistics.median(r['main_cpu'] for r in mine):.0f} ms, process CPU "
                f"{statistics.median(r['cpu'] for r in mine):.0f} ms, classes "
                f"{statistics.median(r['classes'] for r in mine):.0f}")
        registered = [r["registered"] for r in mine if r["registered"]]
        if registered:
            line += (f", JVM start -> registered {statistics.median(registered):.0f} ms ({min(registered)} - "
                     f"{max(registered)}, n={len(registered)})")
        if name != baseline:
            ratios = [row["ready"] / next(r["ready"] for r in rows if r["round"] == row["round"] and r["app"] == baseline)
                      for row in mine]
            line += (f"; overhead against {baseline}, median of the rounds {100 * (statistics.median(ratios) - 1):+.0f} %"
                     f" ({100 * (min(ratios) - 1):+.0f} % - {100 * (max(ratios) - 1):+.0f} %)")
        print(line)
    print(f"load after {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
