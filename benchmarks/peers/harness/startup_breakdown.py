#!/usr/bin/env python3
# Copyright 2026 the etcd-discovery authors. Licensed under the Apache License, Version 2.0.
"""Where an application's start-up time goes: the classes each thread loaded before
ApplicationReadyEvent, by library, and the time Spring spent creating the beans of each
library, from one start with -Xlog:class+load (with thread ids) and a Spring start-up
timeline (PeerApplication's -Dbench.timeline, BufferingApplicationStartup).

Used by peers.py (scenario 5); standalone:

    python3 startup_breakdown.py analyse CLASSLOAD.txt TIMELINE.tsv
    python3 startup_breakdown.py run APP.jar PORT [application arguments...]

`run` starts the jar once with both recordings (on 127.0.0.1:PORT, whatever registry its
arguments name), waits for /bench/self to report ready, stops it and prints the breakdown:
how the figures of docs/benchmarks.md's "before" column were taken from a jar of an
earlier commit. Standard library only.
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

# Library families, first match wins.
FAMILIES = [
    ("application", ("io.etcddiscovery.benchmarks.",)),
    ("this library", ("io.etcddiscovery.",)),
    ("jetcd", ("io.etcd.",)),
    ("gRPC", ("io.grpc.",)),
    ("Netty", ("io.netty.",)),
    ("Vert.x", ("io.vertx.",)),
    ("Guava, protobuf", ("com.google.",)),
    ("Failsafe", ("dev.failsafe.",)),
    ("Eureka, Jersey", ("com.netflix.", "org.glassfish.", "jakarta.ws.")),
    ("ZooKeeper, Curator", ("org.apache.zookeeper.", "org.apache.curator.")),
    ("Spring Cloud", ("org.springframework.cloud.",)),
    ("JDK", ("java.", "javax.", "jdk.", "sun.", "com.sun.")),
]
OTHER = "Spring, Boot, other libraries"
FAMILY_ORDER = [name for name, _ in FAMILIES] + [OTHER]
CLASS_LOAD = re.compile(r"\[([\d.]+)s\]\[(\d+)\] (\S+)")


def family(class_name):
    for name, prefixes in FAMILIES:
        if class_name.startswith(prefixes):
            return name
    return OTHER


def java_options(classload_path, timeline_path):
    """The options that make a start recordable."""
    return [f"-Xlog:class+load=info:file={classload_path}:uptime,tid", f"-Dbench.timeline={timeline_path}"]


def classes(classload_path, until_s=None):
    """Classes loaded, by thread kind (the main thread is the first to load a class) and
    library: {"main": {family: n}, "all": {family: n}}."""
    main_thread, counts = None, {"main": {}, "all": {}}
    with open(classload_path, errors="replace") as log:
        for line in log:
            match = CLASS_LOAD.match(line)
            if not match:
                continue
            uptime, thread, name = float(match.group(1)), match.group(2), match.group(3)
            if until_s is not None and uptime > until_s:
                break
            main_thread = main_thread or thread
            kind = family(name)
            counts["all"][kind] = counts["all"].get(kind, 0) + 1
            if thread == main_thread:
                counts["main"][kind] = counts["main"].get(kind, 0) + 1
    return counts


def bean_times(timeline_path):
    """Self time (ms, children excluded) of Spring's bean creation steps by library, and of
    every step, on the thread that ran SpringApplication.run."""
    steps = {}
    with open(timeline_path) as timeline:
        for line in timeline:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 6:
                continue
            steps[parts[0]] = dict(parent=parts[1], name=parts[2], start_us=int(parts[3]), duration_us=int(parts[4]),
                                   tags=dict(tag.split("=", 1) for tag in parts[5].split(";") if "=" in tag))
    for step in steps.values():
        step["self_us"] = step["duration_us"]
    for step in steps.values():
        if step["parent"] in steps:
            steps[step["parent"]]["self_us"] -= step["duration_us"]
    beans, total = {}, 0
    for step in steps.values():
        total += step["self_us"]
        if step["name"] != "spring.beans.instantiate":
            continue
        bean_type = step["tags"].get("beanType", "").split(" ")[-1]
        bean_name = step["tags"].get("beanName", "")
        named = bean_type or (bean_name if "." in bean_name else "")
        kind = family(named) if named else OTHER
        beans[kind] = beans.get(kind, 0) + step["self_us"] / 1000
    ready = max((s["start_us"] + s["duration_us"] for s in steps.values()), default=0) / 1e6
    return dict(beans_ms={k: round(v, 1) for k, v in beans.items()}, steps_ms=round(total / 1000, 1),
                ready_s=ready)


def analyse(classload_path, timeline_path):
    times = bean_times(timeline_path)
    counts = classes(classload_path, until_s=times["ready_s"] or None)
    return dict(classes_main=counts["main"], classes_all=counts["all"], beans_ms=times["beans_ms"],
                steps_ms=times["steps_ms"])


def render(result):
    lines = ["| library | classes loaded by the main thread | classes loaded, all threads | bean creation, ms |",
             "|---|---|---|---|"]
    for kind in FAMILY_ORDER:
        main, every = result["classes_main"].get(kind, 0), result["classes_all"].get(kind, 0)
        beans = result["beans_ms"].get(kind)
        if main or every or beans:
            lines.append(f"| {kind} | {main:,} | {every:,} | {beans if beans is not None else '–'} |")
    lines.append(f"| total | {sum(result['classes_main'].values()):,} | {sum(result['classes_all'].values()):,} | "
                 f"{sum(result['beans_ms'].values()):.0f} |")
    return "\n".join(lines)


def run(jar, port, arguments):
    work = tempfile.mkdtemp(prefix="startup-breakdown-")
    classload, timeline = os.path.join(work, "classload.txt"), os.path.join(work, "timeline.tsv")
    command = ["java", "-Xmx256m", "-XX:TieredStopAtLevel=1", *java_options(classload, timeline), "-jar", jar,
               f"--server.port={port}", *arguments]
    with open(os.path.join(work, "app.log"), "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/self", timeout=2) as response:
                    if json.loads(response.read())["readyAtMillis"] > 0 and os.path.exists(timeline):
                        break
            except (OSError, ValueError):
                pass
            if process.poll() is not None:
                raise SystemExit(f"the application exited; see {work}/app.log")
            time.sleep(0.2)
        else:
            raise SystemExit(f"not ready after 180 s; see {work}/app.log")
        time.sleep(0.5)  # the timeline file is written on ApplicationReadyEvent
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(60)
    return analyse(classload, timeline)


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "analyse":
        print(render(analyse(sys.argv[2], sys.argv[3])))
    elif len(sys.argv) >= 4 and sys.argv[1] == "run":
        print(render(run(sys.argv[2], int(sys.argv[3]), sys.argv[4:])))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
