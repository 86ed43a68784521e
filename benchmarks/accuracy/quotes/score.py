"""Score the ``quotes`` component on the dev set in this folder.

    python benchmarks/accuracy/quotes/score.py                 # entities + quotes when available
    python benchmarks/accuracy/quotes/score.py --no-entities   # quotes alone
    python benchmarks/accuracy/quotes/score.py --show-errors   # list misses and false alarms
    python benchmarks/accuracy/quotes/score.py heldout_a.txt   # another file of the same format

The dev set is ``dev_*.txt``: invented news-style passages, each followed by its gold
quotes (see the header of ``dev_a.txt`` for the format).

Matching, defined leniently on purpose (the exact edge of a clause is a matter of taste):

* **span**: a predicted quote matches a gold quote when their character spans overlap by
  at least half of the shorter of the two; each gold and each prediction is used at most
  once (pairs are taken greedily, largest overlap first);
* **detection** counts matched pairs whatever their labels; per kind, recall is over the
  gold quotes of that kind and precision over the predictions of that label;
* **label accuracy** is the share of matched pairs whose labels agree;
* **speaker**: correct when the predicted speaker, lower-cased and without a leading
  article or trailing punctuation, equals the gold canonical speaker (or one of its
  " / "-separated alternatives, e.g. the KB's label of an agency) or the gold mention
  text (a bare pronoun mention does not count: it has to be resolved), or when one of the
  two contains the other as whole words ("Putin" ~ "Vladimir Putin"); a gold speaker "-"
  (none) is matched by a predicted ``None``;
* **end-to-end**: a gold quote found *and* given the right speaker.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = ("direct", "indirect", "mixed")
PRONOUNS = {"he", "she", "they", "it", "we", "i", "him", "her", "them"}


def load(paths: list[Path] | None = None) -> list[dict]:
    """Parse the dev files (or ``paths``) into passages with gold quotes (spans computed
    from the text)."""
    passages = []
    for path in paths or sorted(HERE.glob("dev_*.txt")):
        current = None
        lines: list[str] = []
        for raw in path.read_text(encoding="utf-8").splitlines() + ["### END"]:
            if raw.startswith("#") and not raw.startswith("###"):
                continue
            if raw.startswith("###"):
                if current is not None:
                    passages.append(_finish(current, lines, path))
                current = raw[3:].strip()
                lines = []
                continue
            if current is not None:
                lines.append(raw)
    return passages


def _finish(pid: str, lines: list[str], path: Path) -> dict:
    text_lines = [ln for ln in lines if not ln.startswith("@ ")]
    gold_lines = [ln for ln in lines if ln.startswith("@ ")]
    text = "\n".join(text_lines).strip("\n")
    gold = []
    cursor = 0
    for ln in gold_lines:
        fields = [f.strip() for f in ln[2:].split(" | ")]
        if len(fields) != 4 or fields[0] not in KINDS:
            raise SystemExit(f"{path.name}:{pid}: bad gold line {ln!r}")
        label, speaker, mention, content = fields
        parts = []
        pos = 0
        for piece in content.split(" ... "):
            at = text.find(piece, pos)
            if at == -1:
                raise SystemExit(f"{path.name}:{pid}: content not in text: {piece!r}")
            parts.append((at, at + len(piece)))
            pos = at + len(piece)
        gold.append(
            {
                "label": label,
                "speaker": None if speaker == "-" else speaker,
                "mention": None if mention == "-" else mention,
                "start": parts[0][0],
                "end": parts[-1][1],
                "text": content,
            }
        )
        cursor = max(cursor, parts[-1][1])
    return {"id": pid, "text": text, "gold": gold, "file": path.name}


def _norm(s: str | None) -> str:
    if s is None:
        return ""
    s = s.lower().replace("’", "'").strip(" .,;:\"'")
    s = re.sub(r"^(the|a|an)\s+", "", s)
    return " ".join(s.split())


def _contains(a: str, b: str) -> bool:
    return bool(a) and bool(b) and re.search(r"(?<!\w)" + re.escape(b) + r"(?!\w)", a) is not None


def speaker_ok(pred: str | None, gold: dict) -> bool:
    if gold["speaker"] is None:
        return pred is None
    p = _norm(pred)
    if not p or p in PRONOUNS:
        return False
    targets = [_norm(alt) for alt in gold["speaker"].split(" / ")]
    if gold["mention"] and _norm(gold["mention"]) not in PRONOUNS:
        targets.append(_norm(gold["mention"]))
    return any(p == t or _contains(p, t) or _contains(t, p) for t in targets)


def match(gold: list[dict], pred: list) -> list[tuple[int, int]]:
    pairs = []
    for gi, g in enumerate(gold):
        for pi, f in enumerate(pred):
            ov = min(g["end"], f.end) - max(g["start"], f.start)
            if ov <= 0:
                continue
            shorter = min(g["end"] - g["start"], f.end - f.start)
            if ov >= 0.5 * shorter:
                pairs.append((ov, gi, pi))
    pairs.sort(reverse=True)
    used_g, used_p, out = set(), set(), []
    for _, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        out.append((gi, pi))
    return out


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def build_pipeline(use_entities: bool):
    import newskit

    if use_entities:
        try:
            pipeline = newskit.Pipeline(components=["entities", "quotes"])
            return pipeline, "entities + quotes"
        except Exception as exc:  # the entities component may be missing or broken
            print(f"(entities component unavailable: {type(exc).__name__}: {exc}; scoring quotes alone)")
    return newskit.Pipeline(components=["quotes"]), "quotes alone"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path, help="files to score (default: dev_*.txt here)")
    ap.add_argument("--no-entities", action="store_true", help="run the quotes component alone")
    ap.add_argument("--show-errors", action="store_true", help="list misses, false alarms, wrong speakers")
    args = ap.parse_args(argv)
    passages = load([p if p.exists() else HERE / p for p in args.paths])
    pipeline, mode = build_pipeline(not args.no_entities)
    n_gold = defaultdict(int)
    n_pred = defaultdict(int)
    det_g = defaultdict(int)  # matched, by gold kind
    det_p = defaultdict(int)  # matched, by predicted label
    spk = defaultdict(int)  # matched with right speaker, by gold kind
    e2e_p = defaultdict(int)
    label_ok = 0
    matched_total = 0
    errors = []
    for psg in passages:
        result = pipeline(psg["text"])
        pred = list(result.of_kind("quote"))
        gold = psg["gold"]
        for g in gold:
            n_gold[g["label"]] += 1
        for f in pred:
            n_pred[f.label] += 1
        pairs = match(gold, pred)
        hit_g = {gi for gi, _ in pairs}
        hit_p = {pi for _, pi in pairs}
        for gi, pi in pairs:
            g, f = gold[gi], pred[pi]
            matched_total += 1
            det_g[g["label"]] += 1
            det_p[f.label] += 1
            label_ok += g["label"] == f.label
            if speaker_ok(f.attributes.get("speaker"), g):
                spk[g["label"]] += 1
                e2e_p[f.label] += 1
            else:
                errors.append((psg["id"], "SPEAKER", f"{f.attributes.get('speaker')!r} ≠ {g['speaker']!r}: {g['text'][:70]!r}"))
            if g["label"] != f.label:
                errors.append((psg["id"], "LABEL", f"{f.label} ≠ {g['label']}: {g['text'][:70]!r}"))
        for gi, g in enumerate(gold):
            if gi not in hit_g:
                errors.append((psg["id"], "MISS", f"{g['label']} {g['speaker']!r}: {g['text'][:80]!r}"))
        for pi, f in enumerate(pred):
            if pi not in hit_p:
                errors.append((psg["id"], "FALSE", f"{f.label} {f.attributes.get('speaker')!r}: {f.text[:80]!r}"))
    total_gold = sum(n_gold.values())
    total_pred = sum(n_pred.values())
    print(f"quotes {', '.join(p.name for p in args.paths) or 'dev set'}: {len(passages)} passages, {total_gold} gold quotes "
          f"({', '.join(f'{n_gold[k]} {k}' for k in KINDS)}); mode: {mode}")
    print(f"{'kind':10} {'gold':>5} {'pred':>5}  {'det P':>6} {'det R':>6} {'det F1':>6}  {'spk acc':>7}  {'e2e P':>6} {'e2e R':>6} {'e2e F1':>6}")
    rows = [(k, n_gold[k], n_pred[k], det_p[k], det_g[k], spk[k], e2e_p[k]) for k in KINDS]
    rows.append(("overall", total_gold, total_pred, matched_total, matched_total,
                 sum(spk.values()), sum(e2e_p.values())))
    for name, g, p, dp, dg, s, ep in rows:
        dP = dp / p if p else 0.0
        dR = dg / g if g else 0.0
        dF = 2 * dP * dR / (dP + dR) if dP + dR else 0.0
        acc = s / dg if dg else 0.0
        eP = ep / p if p else 0.0
        eR = s / g if g else 0.0
        eF = 2 * eP * eR / (eP + eR) if eP + eR else 0.0
        print(f"{name:10} {g:5d} {p:5d}  {dP:6.3f} {dR:6.3f} {dF:6.3f}  {acc:7.3f}  {eP:6.3f} {eR:6.3f} {eF:6.3f}")
    print(f"label accuracy on matched quotes: {label_ok / matched_total if matched_total else 0:.3f}")
    if args.show_errors:
        for pid, kind, msg in errors:
            print(f"{pid:6} {kind:8} {msg}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
