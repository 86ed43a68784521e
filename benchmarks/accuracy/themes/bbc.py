"""Top-level theme accuracy of the ``themes`` component on the BBC News corpus.

    python benchmarks/accuracy/themes/bbc.py [path/to/bbc_news.jsonl] [--errors N] [--with-entities]
                                             [--half even|odd|all]

The corpus (Greene & Cunningham 2006; research use only, never copied into this repository)
is read from ``../shared/data/corpora/bbc_news.jsonl`` or the given path. Each article's label
is mapped to an IPTC top-level Media Topic; an article counts as right when the highest-scoring
top-level theme the component reports is that topic.

``--half even`` scores only the articles on even (0-based) lines of the corpus file and
``--half odd`` only those on odd lines: rules are tuned on the even half and the odd half
shows whether a change generalises.

| BBC label       | IPTC Media Topic                                              |
|-----------------|---------------------------------------------------------------|
| business        | medtop:04000000 economy, business and finance                 |
| entertainment   | medtop:01000000 arts, culture, entertainment and media        |
| politics        | medtop:11000000 politics                                      |
| sport           | medtop:15000000 sport                                         |
| tech            | medtop:13000000 science and technology                        |
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import newskit

MAPPING = {
    "business": "medtop:04000000",
    "entertainment": "medtop:01000000",
    "politics": "medtop:11000000",
    "sport": "medtop:15000000",
    "tech": "medtop:13000000",
}
DEFAULT = Path(__file__).resolve().parents[4] / "shared" / "data" / "corpora" / "bbc_news.jsonl"


def top_theme(result: newskit.Result) -> str | None:
    tops = [f for f in result.of_kind("theme") if f.attributes.get("level") == 1]
    if not tops:
        return None
    return max(tops, key=lambda f: (f.attributes.get("score", 0.0), f.confidence)).value


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="themes: BBC News top-level accuracy")
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--errors", type=int, default=0, help="print the first N misclassified ids")
    ap.add_argument("--with-entities", action="store_true",
                    help="run the entities component first (entity cues of the rules count)")
    ap.add_argument("--half", choices=("even", "odd", "all"), default="all",
                    help="score only the articles on even or odd (0-based) lines (tune on even, check on odd)")
    args = ap.parse_args(argv)
    path = Path(args.path)
    if not path.exists():
        print(f"corpus not found: {path}; pass its path", file=sys.stderr)
        return 2
    pipe = newskit.Pipeline(["entities", "themes"] if args.with_entities else ["themes"])
    right, total, none = Counter(), Counter(), 0
    confusion: Counter = Counter()
    shown = 0
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh):
            if args.half != "all" and lineno % 2 != (0 if args.half == "even" else 1):
                continue
            rec = json.loads(line)
            gold = MAPPING[rec["label"]]
            res = pipe.run(newskit.Document(rec["text"], title=rec.get("title"), id=str(rec["id"])))
            got = top_theme(res)
            total[rec["label"]] += 1
            none += got is None
            confusion[(rec["label"], got)] += 1
            if got == gold:
                right[rec["label"]] += 1
            elif shown < args.errors:
                shown += 1
                print(f"  {rec['id']}: {rec['label']} -> {got}")
    n = sum(total.values())
    half = "" if args.half == "all" else f" ({args.half} lines)"
    print(f"BBC News{half}: {n} articles; highest-scoring top-level theme matches the label: "
          f"{sum(right.values()) / n:.1%} ({sum(right.values())}/{n}); no top-level theme: {none}")
    for label in MAPPING:
        wrong = {k[1]: v for k, v in confusion.items() if k[0] == label and k[1] != MAPPING[label]}
        worst = ", ".join(f"{c} {v}" for c, v in sorted(wrong.items(), key=lambda kv: -kv[1])[:3])
        print(f"  {label:<13} {right[label] / total[label]:.1%} of {total[label]}   (wrong: {worst})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
