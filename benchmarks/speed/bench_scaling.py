"""Scaling across processes on one machine: n_process 1 and 2 (median over --runs).

Runs alternate between the process counts, so that the machine's drift lands in both.

    python benchmarks/speed/bench_scaling.py [CORPUS.jsonl] [--runs 3] [--limit N]
           [--batch-size 64] [--max-process 2] [--cli]

- library: ``Pipeline.pipe(docs, n_process=N)`` (results as ``Result`` objects);
- ``--cli``: ``newskit analyze CORPUS -o out.jsonl --n-process N`` end to end (reading,
  JSON out, writing; a fresh process each run, so pipeline build time is included).

Target (issue 7): n_process=2 on 2 cores at least 1.7× n_process=1.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pipeline import build_pipeline, corpus_path, fmt_rate, load_documents, words  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="throughput for n_process = 1 … N")
    parser.add_argument("corpus", nargs="?", help="JSONL corpus (default: the BBC corpus)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--max-process", type=int, default=2)
    parser.add_argument("--components")
    parser.add_argument("--cli", action="store_true", help="also time `newskit analyze` end to end")
    args = parser.parse_args(argv)

    path = corpus_path(args.corpus)
    docs = load_documents(path, args.limit)
    n_words = words(docs)
    pipeline = build_pipeline(args.components)
    print(f"{len(docs):,} documents, {n_words:,} words; components {', '.join(pipeline.components)}; "
          f"{os.cpu_count()} CPUs; batch size {args.batch_size}; load average {os.getloadavg()[0]:.2f}")
    # The runs alternate between the process counts (1, 2, 1, 2, …): this machine's speed
    # drifts from minute to minute, and all runs of one count in a row would put the drift
    # into the ratio.
    counts = range(1, args.max_process + 1)

    def one_pass(n: int) -> None:
        for _ in pipeline.pipe(docs, n_process=n, batch_size=args.batch_size):
            pass

    one_pass(1)  # warm-up: the caches a long run fills (forked workers inherit them)
    times: dict[int, list[float]] = {n: [] for n in counts}
    parent: dict[int, list[float]] = {n: [] for n in counts}
    for _ in range(args.runs):
        for n in counts:
            t0, c0 = time.perf_counter(), time.process_time()
            one_pass(n)
            times[n].append(time.perf_counter() - t0)
            parent[n].append(time.process_time() - c0)
    base = n_words / statistics.median(times[1])
    for n in counts:
        rate = n_words / statistics.median(times[n])
        pairs = ", ".join(f"{one / t:4.2f}" for one, t in zip(times[1], times[n]))
        note = ""
        if n > 1:  # this process's CPU per document: its own batches, sending, unpacking
            note = (f"  parent CPU {statistics.median(parent[n]) / len(docs) * 1e6:,.0f} µs/doc; "
                    f"run by run {pairs}  target ≥ 1.70×")
        print(f"pipe n_process={n}     {fmt_rate(rate):>10} words/s  {rate / base:4.2f}×  "
              f"(median of {args.runs})" + note)

    if args.cli:
        names = ["--components", args.components] if args.components else []
        base = None
        with tempfile.TemporaryDirectory() as tmp:
            source = path
            if args.limit:
                source = Path(tmp) / "corpus.jsonl"
                with path.open(encoding="utf-8") as fh, source.open("w", encoding="utf-8") as out:
                    for i, line in enumerate(fh):
                        if i >= args.limit:
                            break
                        out.write(line)
            def argv_(n: int) -> list[str]:
                return [sys.executable, "-m", "newskit", "analyze", str(source), "-o", f"{tmp}/out.jsonl",
                        "--no-progress", "--n-process", str(n), "--batch-size", str(args.batch_size), *names]

            cli_times: dict[int, list[float]] = {n: [] for n in counts}
            for _ in range(args.runs):  # alternating, as above
                for n in counts:
                    t0 = time.perf_counter()
                    subprocess.run(argv_(n), check=False, stderr=subprocess.DEVNULL)
                    cli_times[n].append(time.perf_counter() - t0)
            for n in counts:
                rate = n_words / statistics.median(cli_times[n])
                base = base or rate
                print(f"analyze --n-process {n}  {fmt_rate(rate):>10} words/s  {rate / base:4.2f}×  "
                      f"(median of {args.runs}, end to end)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
