"""Score the ``themes`` component on the dev set: micro and macro P/R/F1.

    python benchmarks/accuracy/themes/score.py [dev.jsonl] [--threshold 0.5] [--errors]

Gold codes in ``dev.jsonl`` are IPTC Media Topics at levels 1 and 2 (closed upwards here:
a level-2 code implies its parent). The *top level* figures compare the level-1 codes; the
*full depth* figures compare every annotated level (1 and 2): a predicted level-3 theme
counts through its level-2 parent, which the component always reports with it. Also prints
a reliability table of the confidence (is a 0.8 right 80% of the time?).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from importlib import resources
from pathlib import Path

import newskit

HERE = Path(__file__).resolve().parent


def taxonomy() -> dict[str, tuple[int, str | None]]:
    text = (resources.files("newskit_themes") / "data" / "taxonomy.tsv").read_text(encoding="utf-8")
    out = {}
    for line in text.splitlines():
        if line and not line.startswith(("#", "code\t")):
            code, level, broader, _label = line.split("\t")
            out[code] = (int(level), broader or None)
    return out


def close(codes, tax):
    out = set()
    for c in codes:
        while c:
            out.add(c)
            c = tax[c][1]
    return out


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def report(name: str, pairs: list[tuple[set, set]]) -> float:
    tp = fp = fn = 0
    per: dict[str, Counter] = {}
    for gold, pred in pairs:
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
        for c in gold | pred:
            k = per.setdefault(c, Counter())
            k["tp"] += c in gold and c in pred
            k["fp"] += c in pred and c not in gold
            k["fn"] += c in gold and c not in pred
    p, r, f = prf(tp, fp, fn)
    macro = [prf(k["tp"], k["fp"], k["fn"]) for k in per.values()]
    mp = sum(m[0] for m in macro) / len(macro)
    mr = sum(m[1] for m in macro) / len(macro)
    mf = sum(m[2] for m in macro) / len(macro)
    print(f"{name:<11} micro P {p:.3f} R {r:.3f} F1 {f:.3f}   macro P {mp:.3f} R {mr:.3f} F1 {mf:.3f}"
          f"   ({len(per)} codes, tp {tp} fp {fp} fn {fn})")
    return f


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default=str(HERE / "dev.jsonl"))
    ap.add_argument("--threshold", type=float, default=None, help="override themes.threshold")
    ap.add_argument("--errors", action="store_true", help="list missed and spurious codes per passage")
    ap.add_argument("--with-entities", action="store_true", help="run the entities component first")
    args = ap.parse_args(argv)
    tax = taxonomy()
    config = {"themes": {"threshold": args.threshold}} if args.threshold is not None else {}
    comps = ["entities", "themes"] if args.with_entities else ["themes"]
    pipe = newskit.Pipeline(comps, config=config)
    probe = newskit.Pipeline(comps, config={"themes": {"threshold": 0.0, "max_tags": 200}})
    top_pairs, full_pairs, bins = [], [], Counter()
    records = [json.loads(line) for line in Path(args.path).read_text(encoding="utf-8").splitlines() if line.strip()]
    for rec in records:
        gold = close(rec["gold"], tax)
        doc = newskit.Document(rec["text"], title=rec.get("title"), id=rec["id"])
        res = pipe.run(doc)
        pred = {f.value for f in res.of_kind("theme") if f.value in tax}
        pred2 = {c for c in pred if tax[c][0] <= 2}
        top_pairs.append(({c for c in gold if tax[c][0] == 1}, {c for c in pred2 if tax[c][0] == 1}))
        full_pairs.append(({c for c in gold if tax[c][0] <= 2}, pred2))
        for f in probe.run(doc).of_kind("theme"):  # reliability of the confidence, levels 1-2
            if f.value in tax and tax[f.value][0] <= 2:
                b = min(int(f.confidence * 10), 9)
                bins[(b, "n")] += 1
                bins[(b, "ok")] += f.value in gold
                bins[(b, "conf")] += f.confidence
        if args.errors:
            g2 = {c for c in gold if tax[c][0] <= 2}
            miss, extra = sorted(g2 - pred2), sorted(pred2 - g2)
            if miss or extra:
                print(f"{rec['id']}: missed {miss} spurious {extra}")
    print(f"themes dev set: {len(records)} passages, {len(tax)} taxonomy terms")
    report("top level", top_pairs)
    report("full depth", full_pairs)
    print("confidence reliability (levels 1-2, all candidates):")
    ece, total = 0.0, sum(bins[(b, "n")] for b in range(10))
    for b in range(10):
        n = bins[(b, "n")]
        if n:
            acc, conf = bins[(b, "ok")] / n, bins[(b, "conf")] / n
            ece += n / total * abs(acc - conf)
            print(f"  {b / 10:.1f}-{(b + 1) / 10:.1f}: n {n:4d}  mean confidence {conf:.2f}  share correct {acc:.2f}")
    print(f"  expected calibration error {ece:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
