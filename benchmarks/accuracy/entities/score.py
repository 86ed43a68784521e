"""Score the entities component on the dev set (or another file of the same format).

    python benchmarks/accuracy/entities/score.py [dev.txt] [--errors] [--check-kb]

Format: passages headed ``@ <published_at>``; gold mentions marked ``[[surface|id|phenomenon]]``
(``id`` ``NIL`` for a person not in the KB; ``NIL_SKIP`` for a span left out of scoring —
predictions overlapping it are ignored). Prints mention P/R/F1 (exact span) and linking
P/R/F1 (exact span and id; NIL counts as an id), overall and per phenomenon (recall per
phenomenon is over its gold mentions; precision over the predictions matched to, or
overlapping, them — unmatched predictions count against the overall figures only).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).parent
MARK = re.compile(r"\[\[([^|\]]+)\|([^|\]]+)\|([^|\]]+)\]\]")


def parse(path: Path) -> list[dict]:
    passages = []
    date, lines = None, []

    def flush():
        if date is not None and lines:
            raw = " ".join(lines)
            text, gold, skip, pos = [], [], [], 0
            last = 0
            out = ""
            for m in MARK.finditer(raw):
                out += raw[last:m.start()]
                start = len(out)
                out += m.group(1)
                item = (start, len(out), m.group(2), m.group(3))
                (skip if m.group(2) == "NIL_SKIP" else gold).append(item)
                last = m.end()
            out += raw[last:]
            passages.append({"date": date, "text": out, "gold": gold, "skip": skip})

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith("@"):
            flush()
            date, lines = line[1:].strip(), []
        else:
            lines.append(line.strip())
    flush()
    return passages


def prf(tp: int, np_: int, ng: int) -> tuple[float, float, float]:
    p = tp / np_ if np_ else 0.0
    r = tp / ng if ng else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=HERE / "dev.txt")
    parser.add_argument("--errors", action="store_true", help="print every error")
    parser.add_argument("--check-kb", action="store_true", help="report gold ids missing from the KB")
    args = parser.parse_args()

    import newskit

    passages = parse(args.path)
    pipeline = newskit.Pipeline(["entities"])
    if args.check_kb:
        from newskit_entities._kb import load_kb

        kb = load_kb()
        for p in passages:
            for s, e, gid, ph in p["gold"]:
                if gid != "NIL" and kb.get(gid) is None:
                    print(f"not in KB: {p['text'][s:e]!r} {gid} ({ph})")
    tot = defaultdict(int)
    per = defaultdict(lambda: defaultdict(int))
    errors = []
    for p in passages:
        res = pipeline.run(p["text"], published_at=p["date"])
        preds = []
        for f in res.of_kind("entity"):
            if any(f.start < e and s < f.end for s, e, _, _ in p["skip"]):
                continue
            preds.append((f.start, f.end, f.value if f.value is not None else "NIL"))
        gold = {(s, e): (gid, ph) for s, e, gid, ph in p["gold"]}
        pred = {(s, e): v for s, e, v in preds}
        tot["gold"] += len(gold)
        tot["pred"] += len(pred)
        for span, (gid, ph) in gold.items():
            per[ph]["gold"] += 1
            overl = [sp for sp in pred if sp[0] < span[1] and span[0] < sp[1]]
            per[ph]["pred"] += len(overl)
            if span in pred:
                tot["span"] += 1
                per[ph]["span"] += 1
                if pred[span] == gid:
                    tot["link"] += 1
                    per[ph]["link"] += 1
                else:
                    errors.append(f"{p['date']} WRONG {p['text'][span[0]:span[1]]!r} gold {gid} got {pred[span]} ({ph})")
            else:
                got = ", ".join(f"{p['text'][a:b]!r}={pred[(a, b)]}" for a, b in overl) or "nothing"
                errors.append(f"{p['date']} MISS  {p['text'][span[0]:span[1]]!r} {gid} ({ph}); got {got}")
        for span, v in pred.items():
            if span not in gold and not any(g[0] < span[1] and span[0] < g[1] for g in gold):
                errors.append(f"{p['date']} EXTRA {p['text'][span[0]:span[1]]!r} {v}")
    mp, mr, mf = prf(tot["span"], tot["pred"], tot["gold"])
    lp, lr, lf = prf(tot["link"], tot["pred"], tot["gold"])
    print(f"{args.path.name}: {len(passages)} passages, {tot['gold']} gold mentions, {tot['pred']} predicted")
    print(f"{'':14} {'mention P':>9} {'R':>6} {'F1':>6}   {'linking P':>9} {'R':>6} {'F1':>6}   n")
    print(f"{'overall':14} {mp:9.3f} {mr:6.3f} {mf:6.3f}   {lp:9.3f} {lr:6.3f} {lf:6.3f}   {tot['gold']}")
    for ph in sorted(per):
        d = per[ph]
        a = prf(d["span"], d["pred"], d["gold"])
        b = prf(d["link"], d["pred"], d["gold"])
        print(f"{ph:14} {a[0]:9.3f} {a[1]:6.3f} {a[2]:6.3f}   {b[0]:9.3f} {b[1]:6.3f} {b[2]:6.3f}   {d['gold']}")
    if args.errors:
        print("\n".join(errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
