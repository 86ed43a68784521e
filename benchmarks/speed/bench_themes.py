"""Throughput of the ``themes`` component alone on the BBC News corpus (words per second).

    python benchmarks/speed/bench_themes.py [path/to/bbc_news.jsonl] [--runs 5] [--with-entities] [--pure-python]

Builds the component once (its CPU time is printed), then times it on every article (title + text) through
the same ``FindingView`` the pipeline passes, and reports the median of the runs. The first
run also fills the component's per-word cache, as a long-running pipeline would; the median
is over all runs. It prints wall-clock and CPU-time (``process_time``) rates: on a shared
machine the CPU-time rate is the steadier one. Words are whitespace-separated tokens of the text. The corpus is research
data and is read from ``../shared/data/corpora/bbc_news.jsonl`` or the given path.

``--with-entities`` also times the component on views that hold the ``entity`` findings of
the entities component (run once beforehand, not timed), as in the full pipeline, where
entity cues add work.

The component uses its C accelerator (``newskit_themes._speedups``) when it is built;
``--pure-python`` times the pure-Python implementation instead (the reference and fallback,
which gives the same findings).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import newskit

DEFAULT = Path(__file__).resolve().parents[3] / "shared" / "data" / "corpora" / "bbc_news.jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="themes component throughput")
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--with-entities", action="store_true",
                    help="also time the component with the entities component's findings as input")
    ap.add_argument("--pure-python", action="store_true",
                    help="time the pure-Python implementation, not the C accelerator")
    args = ap.parse_args(argv)
    if args.pure_python:
        from newskit_themes import _engine

        _engine._USE_SPEEDUPS = False
    docs = [json.loads(line) for line in Path(args.path).read_text(encoding="utf-8").splitlines() if line.strip()]
    documents = [newskit.Document(d["text"], title=d.get("title"), id=str(d["id"])) for d in docs]
    words = sum(len(d.text.split()) for d in documents)
    cpu = time.process_time()
    pipe = newskit.Pipeline(["themes"])
    build_ms = (time.process_time() - cpu) * 1000
    component = pipe.registry.runner.built["themes"]
    engine = "C accelerator" if getattr(component, "_c", None) is not None else "pure Python"
    modes = [("component alone", [newskit.FindingView(d, ()) for d in documents])]
    if args.with_entities:
        entities = newskit.Pipeline(["entities"])
        modes.append(("with entity findings", [newskit.FindingView(d, entities.run(d).of_kind("entity"))
                                               for d in documents]))
    print(f"themes ({engine}): {len(documents)} documents, {words:,} words, {args.runs} runs; "
          f"Pipeline(['themes']) built in {build_ms:.0f} ms of CPU time (rule files read and compiled)")
    for name, views in modes:
        rates, cpu_rates = [], []
        for _ in range(args.runs):
            start, cpu = time.perf_counter(), time.process_time()
            n = 0
            for view in views:
                n += len(component(view))
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
            rates.append(words / elapsed)
            cpu_rates.append(words / cpu)
        print(f"{name}: median {statistics.median(cpu_rates):,.0f} words per CPU second (process_time; "
              f"runs: {', '.join(f'{r:,.0f}' for r in cpu_rates)}); wall clock median "
              f"{statistics.median(rates):,.0f} words/s; {n} themes per run")
    start = time.perf_counter()
    for d in documents:
        pipe.run(d)
    full = words / (time.perf_counter() - start)
    print(f"through Pipeline.run (contract checks included): {full:,.0f} words/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
