"""Fit the logistic calibration (``data/calibration.json``) on the themes dev set.

    python plugins/newskit_themes/_build/fit_calibration.py [dev.jsonl] [--write]

Every candidate theme of levels 1-2 of every dev passage is one example (label: the code is
in the passage's gold set). Features: log(1 + score), the ratio to the best score of the
same level, log(1 + distinct cues) and the level. Prints a 2-fold cross-validated log loss
and the in-sample one; ``--write`` saves the parameters fitted on all passages. Level-3 terms
have no gold annotation, so they share the level-2 offset minus a small margin.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from newskit_themes import ThemesConfig
from newskit_themes._engine import ThemeTagger, build_rules
from newskit_themes._taxonomy import calibration

ROOT = Path(__file__).resolve().parents[3]
DEV = ROOT / "benchmarks" / "accuracy" / "themes" / "dev.jsonl"
OUT = Path(__file__).resolve().parents[1] / "data" / "calibration.json"
NAMES = ["bias", "log_score", "ratio", "log_distinct", "level2"]


def examples(path: Path) -> list[tuple[str, list[float], int]]:
    config = ThemesConfig(threshold=0.0, max_tags=500)
    tagger = ThemeTagger(config, build_rules(config))
    tax = {t.code: t for t in tagger.terms}
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        gold = set()
        for code in rec["gold"]:
            t = tax[code]
            while True:
                gold.add(t.code)
                if t.parent < 0:
                    break
                t = tagger.terms[t.parent]
        for c in tagger.candidates(rec["text"], rec.get("title")):
            t = c["term"]
            if t.level > 2:
                continue
            x = [1.0, math.log1p(c["score"]), c["ratio"], math.log1p(c["distinct"]), float(t.level == 2)]
            out.append((rec["id"], x, int(t.code in gold)))
    return out


def fit(data, l2=0.01, steps=4000, lr=0.5):
    w = [0.0] * len(NAMES)
    n = len(data)
    for _ in range(steps):
        grad = [0.0] * len(w)
        for _id, x, y in data:
            z = sum(wi * xi for wi, xi in zip(w, x))
            p = 1 / (1 + math.exp(-z)) if z > -30 else 0.0
            for i, xi in enumerate(x):
                grad[i] += (p - y) * xi
        for i in range(len(w)):
            reg = l2 * w[i] if i else 0.0
            w[i] -= lr * (grad[i] / n + reg)
    return w


def logloss(w, data):
    s = 0.0
    for _id, x, y in data:
        z = sum(wi * xi for wi, xi in zip(w, x))
        p = min(max(1 / (1 + math.exp(-z)), 1e-9), 1 - 1e-9)
        s -= y * math.log(p) + (1 - y) * math.log(1 - p)
    return s / len(data)


def f1_at(w, data, threshold=0.5):
    tp = fp = fn = 0
    for _id, x, y in data:
        p = 1 / (1 + math.exp(-sum(wi * xi for wi, xi in zip(w, x))))
        tp += p >= threshold and y
        fp += p >= threshold and not y
        fn += p < threshold and y
    return 2 * tp / (2 * tp + fp + fn)


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    data = examples(Path(args[0]) if args else DEV)
    ids = sorted({i for i, _x, _y in data})
    folds = [set(ids[0::2]), set(ids[1::2])]
    for k, held in enumerate(folds):
        train = [d for d in data if d[0] not in held]
        test = [d for d in data if d[0] in held]
        w = fit(train)
        print(f"fold {k}: held-out log loss {logloss(w, test):.3f}, candidate F1 at 0.5 {f1_at(w, test):.3f}")
    w = fit(data)
    print(f"all: in-sample log loss {logloss(w, data):.3f}, candidate F1 at 0.5 {f1_at(w, data):.3f} "
          f"({len(data)} candidates, {sum(y for *_x, y in data)} positive)")
    params = dict(zip(NAMES, (round(v, 4) for v in w)))
    print(params)
    if "--write" in argv:
        old = calibration()
        new = {"bias": params["bias"], "log_score": params["log_score"], "ratio": params["ratio"],
               "log_distinct": params["log_distinct"],
               "level": {"1": 0.0, "2": params["level2"], "3": round(params["level2"] - 0.25, 4)},
               "fitted_on": "benchmarks/accuracy/themes/dev.jsonl (levels 1-2) by _build/fit_calibration.py"}
        OUT.write_text(json.dumps(new, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT} (was {old})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
