"""Speed of the entities component alone on the BBC News corpus, KB load time and KB memory.

    python benchmarks/speed/bench_entities.py [--corpus /work/shared/data/corpora/bbc_news.jsonl] [--runs 5]

Prints words/second (median of the runs; the component is called directly on each document's
view, as the pipeline would), the time to build the component (KB + rules) and the memory the
KB adds (tracemalloc peak while building, and the RSS growth). The corpus is read from its
path and never copied into the repository.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import statistics
import sys
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--matcher", choices=["regex", "ahocorasick"], default="regex",
                        help="(for comparison) the candidate finder to time")
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus} (give --corpus PATH)", file=sys.stderr)
        return 2

    import newskit
    from newskit_entities import EntitiesConfig, make_component

    # KB load: the first build in this process (decompress, parse, index, compile the rules)
    gc.collect()
    rss0 = rss_mb()
    t0 = time.perf_counter()
    component = make_component(EntitiesConfig())
    load = time.perf_counter() - t0
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

    times, cpu = [], []
    found = 0
    for _ in range(args.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        n = 0
        for v in views:
            n += len(component(v))
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        found = n
    med = statistics.median(times)
    print(f"corpus: {len(docs):,} documents, {words:,} words; {found:,} entity findings per run")
    print(f"speed: {words / med:,.0f} words/s (median of {args.runs} runs: "
          f"{', '.join(f'{t:.3f}' for t in times)} s)")
    print(f"speed by CPU time: {words / statistics.median(cpu):,.0f} words/s (median CPU "
          f"{statistics.median(cpu):.3f} s; differs from wall time when other processes compete)")
    try:
        import os

        print(f"load average during the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    except OSError:
        pass
    print(f"KB load (build the component): first {load * 1000:.0f} ms, then median "
          f"{statistics.median(loads) * 1000:.0f} ms")
    print(f"KB memory: tracemalloc current {current / 2**20:.1f} MB (peak {peak / 2**20:.1f} MB); "
          f"RSS growth {rss1 - rss0:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
