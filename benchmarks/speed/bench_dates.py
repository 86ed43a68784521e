"""Throughput of the ``dates`` component alone, in whitespace words per second.

    python benchmarks/speed/bench_dates.py [--corpus PATH] [--runs 7] [--compare-regex]

Reads the corpus (JSONL with a ``text`` field and optionally ``date``), runs the component
callable directly on each document's view (no pipeline overhead), and prints the median
words/s over the runs in CPU time (``time.process_time``, steadier on a shared machine) and
in wall time, then a linearity check: the time for the whole corpus joined into
one text, once and repeated 2x and 4x. ``--compare-regex`` also times the same grammar
compiled with the ``regex`` module instead of ``re``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import newskit
from newskit import Document, FindingView

from newskit_dates import DatesConfig, make_component

DEFAULT = Path(__file__).resolve().parents[3] / "shared" / "data" / "corpora" / "bbc_news.jsonl"


def load(path: Path) -> list[Document]:
    docs = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            docs.append(Document(row["text"], published_at=row.get("date") or "2005-01-01"))
    return docs


def run_once(component, views) -> tuple[float, float]:
    """CPU and wall seconds of one pass (CPU time is steadier on a shared machine)."""
    t0, w0 = time.process_time(), time.perf_counter()
    n = 0
    for view in views:
        n += len(component(view))
    return time.process_time() - t0, time.perf_counter() - w0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--compare-regex", action="store_true")
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        print(f"corpus not found: {args.corpus}; pass --corpus PATH", file=sys.stderr)
        return 2
    docs = load(args.corpus)
    words = sum(len(d.text.split()) for d in docs)
    views = [FindingView(d) for d in docs]
    component = make_component(DatesConfig())
    found = sum(len(component(v)) for v in views)
    print(f"corpus: {args.corpus.name}: {len(docs)} documents, {words:,} words, {found:,} date findings")
    engines = [("re", component)]
    if args.compare_regex:
        import regex

        other = make_component(DatesConfig())
        tagger = other.tagger  # same grammar and trigger scan, compiled by the other engine
        tagger.trigger = regex.compile(tagger.trigger.pattern)
        tagger._trigger_at = regex.compile(tagger._trigger_at.pattern)
        tagger._scan_passes = []  # the plain scan: the fast one relies on re's literal-prefix search
        for classes in list(tagger._by_classes):
            tagger._by_classes[classes] = regex.compile(tagger._by_classes[classes].pattern)
        plain = tagger.grammar

        def grammar(classes, plain=plain):
            rx = plain(classes)
            if not isinstance(rx, regex.Pattern):
                rx = tagger._by_classes[classes] = regex.compile(rx.pattern)
            return rx

        tagger.grammar = grammar
        for view in views:
            other(view)
        engines.append(("regex", other))
    for name, comp in engines:
        runs = [run_once(comp, views) for _ in range(args.runs)]
        cpu = [c for c, _ in runs]
        wall = [w for _, w in runs]
        med, wmed = statistics.median(cpu), statistics.median(wall)
        print(f"[{name}] median of {args.runs} runs: {med:.3f} CPU s = {words / med:,.0f} words/s CPU "
              f"(best {words / min(cpu):,.0f}); wall {wmed:.3f} s = {words / wmed:,.0f} words/s")
    # Linearity: one long document, 1x, 2x, 4x.
    joined = "\n\n".join(d.text for d in docs)
    base = None
    for k in (1, 2, 4):
        view = FindingView(Document(joined * k, published_at="2005-01-01"))
        t = min(run_once(component, [view])[0] for _ in range(3))
        base = base or t
        print(f"linearity: text x{k} ({len(joined) * k:,} chars): {t:.3f} s, ratio {t / base:.2f} (ideal {k})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
