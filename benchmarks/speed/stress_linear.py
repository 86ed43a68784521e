"""Cost linear in input: a corpus twice as long, and one very long document.

    python benchmarks/speed/stress_linear.py [CORPUS.jsonl] [--runs 3] [--big-mb 10]

- the first half of the corpus against the whole of it: the whole should take at most
  2.2× as long per doubling of words (target, issue 7);
- one document of 1 MB against one of ``--big-mb`` MB (corpus texts joined by blank lines):
  time should grow in proportion (ratio ≈ size ratio; a quadratic step shows as far more).

Times are CPU seconds of this process (time.process_time), which other load on the
machine disturbs less than wall time; medians over ``--runs``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pipeline import build_pipeline, corpus_path, load_documents, words  # noqa: E402


def cpu_median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def long_document(docs, size: int):
    import newskit

    parts, total = [], 0
    i = 0
    while total < size:
        text = docs[i % len(docs)].text
        parts.append(text)
        total += len(text) + 2
        i += 1
    return newskit.Document("\n\n".join(parts)[:size], id=f"long-{size}", published_at="2005-01-01")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="linearity of cost in input size")
    parser.add_argument("corpus", nargs="?", help="JSONL corpus (default: the BBC corpus)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big-mb", type=float, default=10.0)
    parser.add_argument("--components")
    args = parser.parse_args(argv)

    docs = load_documents(corpus_path(args.corpus))
    pipeline = build_pipeline(args.components)
    print(f"components {', '.join(pipeline.components)}")
    half = docs[: len(docs) // 2]

    def run(batch):
        return lambda: [None for _ in pipeline.pipe(batch)]

    run(half[:50])()  # warm-up
    t_half = cpu_median(run(half), args.runs)
    t_all = cpu_median(run(docs), args.runs)
    w_half, w_all = words(half), words(docs)
    per_doubling = (t_all / t_half) * (2 * w_half / w_all)
    print(f"corpus ×1  {len(half):5,} docs {w_half:9,} words  {t_half:7.2f} s")
    print(f"corpus ×2  {len(docs):5,} docs {w_all:9,} words  {t_all:7.2f} s   "
          f"time ratio {t_all / t_half:.2f} for {w_all / w_half:.2f}× the words "
          f"= {per_doubling:.2f} per doubling  target ≤ 2.2")

    small = long_document(docs, 1_000_000)
    big = long_document(docs, int(args.big_mb * 1_000_000))
    t_small = cpu_median(run([small]), args.runs)
    t_big = cpu_median(run([big]), max(1, args.runs // 2))
    factor = len(big.text) / len(small.text)
    print(f"1 document  {len(small.text) / 1e6:5.1f} MB  {t_small:7.2f} s  "
          f"({len(small.text.split()) / t_small:,.0f} words/s)")
    print(f"1 document  {len(big.text) / 1e6:5.1f} MB  {t_big:7.2f} s  "
          f"({len(big.text.split()) / t_big:,.0f} words/s)  time ratio {t_big / t_small:.1f} "
          f"for {factor:.0f}× the size = {t_big / t_small / factor:.2f} of linear")
    return 0


if __name__ == "__main__":
    sys.exit(main())
