"""Check hand-written curated QIDs against the shared reference lists (read-only, never copied).

    python plugins/newskit_entities/_build/check_curated.py /work/shared/data/kb

Prints every curated row whose QID disagrees with a reference row of the same name (or
whose name the reference gives another QID), so a wrong QID from memory is caught.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).parent / "curated"


def norm(s: str) -> str:
    return " ".join(s.lower().replace("organisation", "organization").split())


def main(shared: str) -> int:
    ref: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    for line in open(Path(shared) / "intl_orgs.jsonl", encoding="utf-8"):
        d = json.loads(line)
        labels[d["qid"]] = d["label"]
        for name in [d["label"], *d["aliases"]]:
            ref.setdefault(norm(name), set()).add(d["qid"])
    bad = 0
    for path in sorted(HERE.glob("*.tsv")):
        for row in csv.reader((l for l in open(path, encoding="utf-8") if not l.startswith("#")), delimiter="\t"):
            if len(row) < 2 or not row[0].startswith("Q"):
                continue
            qid, name = row[0], row[1]
            names = [name, *(row[3].split("|") if len(row) > 3 and row[3] else [])]
            hits = set().union(*(ref.get(norm(n), set()) for n in names))
            if qid in labels and norm(labels[qid]) not in map(norm, names):
                print(f"{path.name}: {name} {qid}: reference label is {labels[qid]!r}")
            if hits and qid not in hits:
                bad += 1
                print(f"{path.name}: {name} {qid}: reference says {sorted(hits)} {[labels[h] for h in hits]}")
            elif not hits and qid not in labels:
                print(f"{path.name}: {name} {qid}: not in the reference list (verify elsewhere)")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/kb"))
