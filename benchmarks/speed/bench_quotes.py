"""Throughput of the ``quotes`` component on the BBC corpus (research-only data, read in place).

    python benchmarks/speed/bench_quotes.py [--corpus PATH] [--runs 5] [--pure-python]

Measures, as the median of ``--runs`` passes over the whole corpus:

* **component alone, no entity findings**: the built component called directly on a
  ``FindingView`` of each document (no pipeline bookkeeping);
* **component alone, with precomputed entity findings**: the same, each view holding the
  findings the ``entities`` component produced beforehand (skipped if it is unavailable);
* **pipeline, quotes only**: ``Pipeline(components=["quotes"])`` end to end, including the
  core's contract checks on every finding;
* **factory**: importing ``newskit_quotes`` and building the component (lexicon, cue
  pattern) in a fresh process each time, after ``newskit`` itself is imported.

``--pure-python`` switches the optional C accelerator (``newskit_quotes._speedups``) off,
so that both implementations can be measured; the first line says which one runs.

Words are ``str.split()`` tokens of the article texts. Both CPU time (``process_time``:
robust when other jobs share the machine) and wall time are printed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import newskit
from newskit import Document, FindingView

DEFAULT = Path("/work/shared/data/corpora/bbc_news.jsonl")


def _median_time(fn, runs: int) -> tuple[float, float]:
    """Median CPU time and median wall time of ``runs`` calls (CPU time is what counts on
    a shared machine: other processes do not inflate it)."""
    cpu, wall = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(cpu), statistics.median(wall)


def _report(label: str, times: tuple[float, float], words: int, found: int) -> None:
    cpu, wall = times
    print(f"{label:34} cpu {cpu:7.3f} s {words / cpu:12,.0f} words/s | wall {wall:7.3f} s "
          f"{words / wall:12,.0f} words/s ({found} quotes)")


_FACTORY = """
import time, newskit
c, w = time.process_time(), time.perf_counter()
import newskit_quotes
newskit_quotes.make_component()
print(time.process_time() - c, time.perf_counter() - w)
"""


def _factory_times(runs: int) -> tuple[float, float]:
    """Median CPU and wall seconds to import the plugin and build the component, each run
    in a new interpreter (nothing cached)."""
    cpu, wall = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _FACTORY], capture_output=True, text=True, check=True)
        c, w = map(float, out.stdout.split())
        cpu.append(c)
        wall.append(w)
    return statistics.median(cpu), statistics.median(wall)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pure-python", action="store_true",
                    help="switch the C accelerator off (the pure-Python reference)")
    args = ap.parse_args(argv)
    docs = [Document(json.loads(line)["text"]) for line in args.corpus.open(encoding="utf-8")]
    words = sum(len(d.text.split()) for d in docs)
    print(f"corpus: {len(docs)} documents, {words:,} words, {sum(len(d.text) for d in docs):,} characters")

    pipeline = newskit.Pipeline(components=["quotes"])
    component = pipeline.registry.runner.built["quotes"]
    if args.pure_python:
        component._accel = None  # private switch: the pure-Python implementation
    print("implementation:", "C accelerator" if component._accel is not None else "pure Python")
    views = [FindingView(d) for d in docs]
    found = [0]

    def alone(vs=views):
        n = 0
        for v in vs:
            n += len(component(v))
        found[0] = n

    _report("component alone, no entities:", _median_time(alone, args.runs), words, found[0])

    try:
        entities = newskit.Pipeline(components=["entities"])
        t0 = time.perf_counter()
        ent_views = [FindingView(d, entities(d).findings) for d in docs]
        print(f"(entities precomputed in {time.perf_counter() - t0:.1f} s)")
    except Exception as exc:  # the entities component may be missing or broken
        print(f"component alone, with entities: skipped ({type(exc).__name__}: {exc})")
    else:
        times = _median_time(lambda: alone(ent_views), args.runs)
        _report("component alone, with entities:", times, words, found[0])

    def through_pipeline():
        n = 0
        for d in docs:
            n += len(pipeline(d).findings)
        found[0] = n

    _report("pipeline, quotes only:", _median_time(through_pipeline, args.runs), words, found[0])
    cpu, wall = _factory_times(args.runs)
    print(f"{'factory (fresh process):':34} cpu {cpu * 1000:7.1f} ms | wall {wall * 1000:7.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
