# Copyright 2026 the etcd-discovery authors. Licensed under the Apache License, Version 2.0.
"""The cache's cost against the namespace's size: runs CacheFootprint (a plain main in the JMH
module) once per size and round, and writes the medians as a Markdown table (standard output) and
as a chart, docs/benchmarks/cache-sizes.svg.

    python3 benchmarks/jmh/cache_sizes.py --sizes 1000,10000,100000 --rounds 3

Each size is services of 100 instances each. Standard library only; the chart is drawn with the
peer harness's SVG writer.
"""

import argparse
import math
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "benchmarks", "peers", "harness"))
from report import Svg  # noqa: E402  (the peer harness's SVG writer)

PER_SERVICE = 100
PATTERNS = {
    "raw_ms": r"raw listing by pages of 500 .*?: \d+ keys in (\d+) ms",
    "listing_ms": r"^listing: (\d+) ms",
    "heap_b": r"^heap per cached instance: (\d+) B",
    "heap_cloud_b": r"^heap per cached instance, every service also adapted to Spring Cloud: (\d+) B",
    "put_p50_ms": r"put -> listener .*?: p50 ([\d.]+) ms",
    "put_p99_ms": r"put -> listener .*?p99 ([\d.]+) ms",
    "load": r"load average ([\d.]+)",
}
# Issue #24's goals, at 100,000 instances.
GOALS = {"heap_b": 700, "listing_ms": 5000, "put_p99_ms": 50}


def run(jar, size, changes):
    services = max(1, size // PER_SERVICE)
    command = ["java", "-Xmx2g", "-cp", jar, "io.etcddiscovery.benchmarks.CacheFootprint", str(services),
               str(PER_SERVICE), str(changes)]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    result = {}
    for name, pattern in PATTERNS.items():
        match = re.search(pattern, output, re.MULTILINE)
        if not match:
            raise SystemExit(f"cache_sizes: no '{name}' in the output of {' '.join(command)}:\n{output}")
        result[name] = float(match.group(1))
    return result


def medians(rounds):
    return {name: statistics.median(r[name] for r in rounds) for name in PATTERNS}


def table(results):
    lines = ["| cached instances (services of 100) | heap per cached instance | … also adapted to Spring Cloud "
             "| first listing of the cache | … a bare jetcd listing, pages of 500 | put → listener, p50 / p99 "
             "| load average |",
             "|---|---|---|---|---|---|---|"]
    for size, m in results:
        lines.append(f"| {size:,} | {m['heap_b']:,.0f} B | {m['heap_cloud_b']:,.0f} B | {m['listing_ms'] / 1000:.2f} s "
                     f"| {m['raw_ms'] / 1000:.2f} s | {m['put_p50_ms']:.1f} / {m['put_p99_ms']:.1f} ms "
                     f"| {m['load']:.1f} |")
    return "\n".join(lines)


def chart(path, results, rounds):
    panels = [("heap per cached instance (B)", [("heap_b", "cache", "#1f77b4"),
                                                 ("heap_cloud_b", "also adapted to Spring Cloud", "#ff7f0e")]),
              ("first listing (s)", [("listing_ms", "the cache's", "#1f77b4"),
                                     ("raw_ms", "bare jetcd, pages of 500", "#7f7f7f")]),
              ("put → listener (ms)", [("put_p99_ms", "p99", "#1f77b4"), ("put_p50_ms", "p50", "#2ca02c")])]
    scale = {"listing_ms": 1000, "raw_ms": 1000}
    width, height, top, panel_w, panel_h, gap, left = 1020, 400, 60, 270, 240, 70, 60
    svg = Svg(width, height)
    svg.text(width / 2, 26, f"The cache's cost against the namespace's size (median of {rounds} runs each)", size=15,
             anchor="middle", font_weight="bold")
    sizes = [size for size, _ in results]
    low, high = math.log10(min(sizes)), math.log10(max(sizes))
    span = max(high - low, 1e-9)
    for index, (title, series) in enumerate(panels):
        x0 = left + index * (panel_w + gap)
        bottom = top + panel_h
        peak = max(m[key] / scale.get(key, 1) for key, _, _ in series for _, m in results)
        goal = next((GOALS[key] / scale.get(key, 1) for key, _, _ in series if key in GOALS), None)
        peak = max(peak, goal or 0) * 1.15

        def x(size):
            return x0 + (math.log10(size) - low) / span * panel_w

        def y(value):
            return bottom - value / peak * panel_h
        svg.text(x0 + panel_w / 2, top - 12, title, size=13, anchor="middle")
        svg.line(x0, bottom, x0 + panel_w, bottom)
        svg.line(x0, top, x0, bottom)
        for tick in range(5):
            value = peak * tick / 4
            svg.line(x0, y(value), x0 + panel_w, y(value), stroke="#eee")
            svg.text(x0 - 5, y(value) + 4, f"{value:,.0f}" if peak >= 20 else f"{value:.1f}", size=10, anchor="end")
        for size in sizes:
            svg.line(x(size), bottom, x(size), bottom + 4)
            svg.text(x(size), bottom + 17, f"{size // 1000:,}k" if size >= 1000 else str(size), size=10,
                     anchor="middle")
        svg.text(x0 + panel_w / 2, bottom + 34, "cached instances (log scale)", size=11, anchor="middle")
        if goal is not None:
            svg.line(x0, y(goal), x0 + panel_w, y(goal), stroke="#d62728", stroke_dasharray="5,4")
            svg.text(x0 + panel_w, y(goal) - 5, "goal at 100k", size=10, anchor="end", fill="#d62728")
        for row, (key, label, color) in enumerate(series):
            points = " ".join(f"{x(size):.1f},{y(m[key] / scale.get(key, 1)):.1f}" for size, m in results)
            svg.add("polyline", points=points, fill="none", stroke=color, stroke_width=2)
            for size, m in results:
                svg.add("circle", cx=round(x(size), 1), cy=round(y(m[key] / scale.get(key, 1)), 1), r=3.5, fill=color)
            svg.add("rect", x=x0, y=bottom + 48 + row * 18, width=12, height=10, fill=color)
            svg.text(x0 + 18, bottom + 57 + row * 18, label, size=11)
    svg.save(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,3000,10000,30000,100000,200000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--chart", default=os.path.join(ROOT, "docs", "benchmarks", "cache-sizes.svg"))
    args = parser.parse_args()
    jar = os.path.join(ROOT, "benchmarks", "jmh", "target", "benchmarks.jar")
    sizes = [int(size) for size in args.sizes.split(",")]
    runs = {size: [] for size in sizes}
    # Rounds outside, sizes inside: a busy moment of the machine touches every size alike.
    for round_index in range(args.rounds):
        for size in sizes:
            runs[size].append(run(jar, size, args.changes))
            print(f"# round {round_index + 1}, {size:,} instances: {runs[size][-1]}", file=sys.stderr, flush=True)
    results = [(size, medians(runs[size])) for size in sizes]
    chart(args.chart, results, args.rounds)
    print(table(results))


if __name__ == "__main__":
    main()
