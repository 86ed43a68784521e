"""Speed of the entities component alone on the BBC News corpus, KB load time and KB memory.

    python benchmarks/speed/bench_entities.py [--corpus /work/shared/data/corpora/bbc_news.jsonl] [--runs 5] [--loads 5]

Prints words/second by CPU time (``time.process_time``, what counts on a shared machine) and by
wall time, each the median of the runs (the component is called directly on each document's
view, as the pipeline would), and the first pass of a fresh component separately (the cache of
run plans starts empty). KB load is the first build of the component in a fresh Python process
(imports of ``newskit`` excluded; median of ``--loads`` subprocesses), then later builds in this
process; KB memory is what one more built component holds (tracemalloc) and the RSS growth of
the first build. The corpus is read from its path and never copied into the repository.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

DEFAULT_CORPUS = Path("/work/shared/data/corpora/bbc_news.jsonl")


def rss_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


FIRST_BUILD = """
import time
import newskit
newskit.Finding  # the core's model (loaded by any pipeline) is not part of the KB load
from newskit_entities import EntitiesConfig, make_component
t0 = time.perf_counter()
make_component(EntitiesConfig())
print(time.perf_counter() - t0)
"""


def first_builds(n: int, bytecode: bool) -> list[float]:
    """First-build times in ``n`` fresh processes; ``bytecode``: with the modules' bytecode cached
    (as in an installed package; kept in a temporary folder), else compiled from source each time
    (as under PYTHONDONTWRITEBYTECODE)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        cmd = [sys.executable]
        if bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            cmd += ["-X", f"pycache_prefix={tmp}"]
            subprocess.run([*cmd, "-c", FIRST_BUILD], env=env, capture_output=True, check=True)
        else:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        out = []
        for _ in range(n):
            done = subprocess.run([*cmd, "-c", FIRST_BUILD], env=env, capture_output=True, text=True, check=True)
            out.append(float(done.stdout.strip().splitlines()[-1]))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--loads", type=int, default=5, help="fresh processes timing the first KB build")
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus} (give --corpus PATH)", file=sys.stderr)
        return 2

    import newskit
    from newskit_entities import EntitiesConfig, make_component

    fresh = first_builds(args.loads, bytecode=True)
    fresh_src = first_builds(args.loads, bytecode=False)
    # KB load in this process: the first build, then later ones
    gc.collect()
    rss0 = rss_mb()
    component = make_component(EntitiesConfig())
    rss1 = rss_mb()
    loads = []
    for _ in range(3):
        t0 = time.perf_counter()
        make_component(EntitiesConfig())
        loads.append(time.perf_counter() - t0)
    # KB memory: what one more built component holds (tracemalloc slows the build itself)
    gc.collect()
    tracemalloc.start()
    held = make_component(EntitiesConfig())
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del held

    docs = []
    with args.corpus.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            text = (rec.get("title") or "") + "\n" + rec["text"]
            docs.append(newskit.Document(text, published_at=rec.get("date") or None))
    views = [newskit.FindingView(d, ()) for d in docs]
    words = sum(len(re.findall(r"\S+", d.text)) for d in docs)

    def one_pass() -> tuple[float, float, int]:
        t0, c0 = time.perf_counter(), time.process_time()
        n = 0
        for v in views:
            n += len(component(v))
        return time.perf_counter() - t0, time.process_time() - c0, n

    first_wall, first_cpu, found = one_pass()
    times, cpu = [], []
    for _ in range(args.runs):
        wall, c, found = one_pass()
        times.append(wall)
        cpu.append(c)
    med, med_cpu = statistics.median(times), statistics.median(cpu)
    print(f"corpus: {len(docs):,} documents, {words:,} words; {found:,} entity findings per run")
    print(f"speed by CPU time: {words / med_cpu:,.0f} words/s (median of {args.runs} runs: "
          f"{', '.join(f'{t:.3f}' for t in cpu)} s CPU)")
    print(f"speed by wall time: {words / med:,.0f} words/s (median of {args.runs} runs: "
          f"{', '.join(f'{t:.3f}' for t in times)} s; lower than CPU when other processes compete)")
    print(f"first pass of a fresh component (empty plan cache): {words / first_cpu:,.0f} words/s CPU, "
          f"{words / first_wall:,.0f} words/s wall")
    try:
        print(f"load average during the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    except OSError:
        pass
    print(f"KB load, first build in a fresh process: median {statistics.median(fresh) * 1000:.0f} ms "
          f"({', '.join(f'{t * 1000:.0f}' for t in fresh)} ms) with bytecode cached; "
          f"median {statistics.median(fresh_src) * 1000:.0f} ms compiling the modules from source; "
          f"later builds in one process: median {statistics.median(loads) * 1000:.0f} ms")
    print(f"KB memory: tracemalloc current {current / 2**20:.1f} MB (peak {peak / 2**20:.1f} MB); "
          f"RSS growth {rss1 - rss0:.1f} MB; plan cache after the runs: {len(component._plans):,} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
