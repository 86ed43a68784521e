"""Score the dates component (or dateparser) on the hand-written dev set.

    python benchmarks/accuracy/dates/score.py [--system newskit|dateparser] [--data dev.txt] [-v]

Prints, overall and per phenomenon: strict extent F1 (same span), relaxed extent F1
(overlapping spans, matched one to one), value accuracy (share of relaxed matches whose
TIMEX3 value is right), value F1 (a system expression counts when it overlaps a gold one
and has its value) and, for the trap sentences, the share on which nothing fired.
Every system expression counts, so a firing in a trap sentence is a false positive.

``--system dateparser`` scores ``dateparser.search.search_dates`` (benchmark only; not a
dependency of newskit). Its datetimes are judged leniently: right when the gold value is a
calendar value and the datetime begins with it ("2024-10" matches 2024-10-17).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
_GOLD = re.compile(r"\[([^\]]+)\]\{([^}]*)\}")


def parse(path: Path) -> list[dict]:
    """Sentences with their gold expressions: text, published, phenomenon, gold spans."""
    out = []
    phenomenon = "misc"
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("# "):
            continue
        if line.startswith("## "):
            phenomenon = line[3:].strip()
            continue
        pub, _, marked = line.partition(" | ")
        text, gold, pos = [], [], 0
        for m in _GOLD.finditer(marked):
            text.append(marked[pos:m.start()])
            start = sum(map(len, text))
            text.append(m.group(1))
            spec = m.group(2)
            label = None
            if ":" in spec and spec.split(":", 1)[0] in ("DATE", "TIME", "DURATION", "SET"):
                label, spec = spec.split(":", 1)
            value, _, mod = spec.partition("|")
            if label is None:
                if value.startswith("P") and not value.endswith("_REF"):
                    label = "DURATION"
                elif "T" in value and not value.endswith("_REF"):
                    label = "TIME"
                else:
                    label = "DATE"
            gold.append({"start": start, "end": start + len(m.group(1)), "label": label,
                         "value": value, "mod": mod or None})
            pos = m.end()
        text.append(marked[pos:])
        out.append({"text": "".join(text), "published": None if pub.strip() == "-" else pub.strip(),
                    "phenomenon": phenomenon, "gold": gold})
    return out


def run_newskit(sentences: list[dict]) -> list[list[dict]]:
    import newskit

    pipeline = newskit.Pipeline(components=["dates"])
    out = []
    for s in sentences:
        result = pipeline.run(s["text"], published_at=s["published"])
        out.append([{"start": f.start, "end": f.end, "label": f.label, "value": f.value,
                     "lenient": False} for f in result.of_kind("date")])
    return out


def run_dateparser(sentences: list[dict]) -> list[list[dict]]:
    import warnings

    from dateparser.search import search_dates

    out = []
    for s in sentences:
        settings = {"RETURN_AS_TIMEZONE_AWARE": False}
        if s["published"]:
            settings["RELATIVE_BASE"] = dt.datetime.fromisoformat(s["published"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = search_dates(s["text"], languages=["en"], settings=settings) or []
        spans, pos = [], 0
        for sub, when in found:
            i = s["text"].find(sub, pos)
            if i < 0:
                i = s["text"].find(sub)
            if i < 0:
                continue
            pos = i + len(sub)
            spans.append({"start": i, "end": i + len(sub), "label": "DATE",
                          "value": when.isoformat(), "lenient": True})
        out.append(spans)
    return out


def value_ok(gold: dict, sys_: dict) -> bool:
    if not sys_["lenient"]:
        return gold["value"] == sys_["value"]
    g = gold["value"]
    if not re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", g):
        if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", g):
            return sys_["value"].startswith(g)
        return False
    return sys_["value"].startswith(g)


class Tally:
    def __init__(self) -> None:
        self.gold = self.sys = self.strict = self.relaxed = self.correct = 0

    def f1(self, hits: int) -> tuple[float, float, float]:
        p = hits / self.sys if self.sys else 0.0
        r = hits / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(sentences: list[dict], systems: list[list[dict]], verbose: bool = False) -> dict:
    tallies: dict[str, Tally] = defaultdict(Tally)
    traps = fired = 0
    for sent, found in zip(sentences, systems):
        for key in ("ALL", sent["phenomenon"]):
            t = tallies[key]
            t.gold += len(sent["gold"])
            t.sys += len(found)
        if sent["phenomenon"] == "trap":
            traps += 1
            fired += bool(found)
        used: set[int] = set()
        for g in sent["gold"]:
            match = None
            for i, f in enumerate(found):
                if i in used:
                    continue
                if f["start"] == g["start"] and f["end"] == g["end"]:
                    match = i
                    break
            if match is None:
                for i, f in enumerate(found):
                    if i not in used and f["start"] < g["end"] and g["start"] < f["end"]:
                        match = i
                        break
            ok = False
            if match is not None:
                used.add(match)
                f = found[match]
                ok = value_ok(g, f)
                for key in ("ALL", sent["phenomenon"]):
                    t = tallies[key]
                    t.relaxed += 1
                    t.strict += f["start"] == g["start"] and f["end"] == g["end"]
                    t.correct += ok
            if verbose and not ok:
                got = found[match] if match is not None else None
                shown = f"{sent['text'][got['start']:got['end']]!r}={got['value']}" if got else "MISSED"
                print(f"  [{sent['phenomenon']}] {sent['text'][g['start']:g['end']]!r} gold={g['value']} "
                      f"got {shown} | {sent['text']} ({sent['published']})")
        if verbose:
            for i, f in enumerate(found):
                if i not in used:
                    print(f"  [{sent['phenomenon']}] SPURIOUS {sent['text'][f['start']:f['end']]!r}="
                          f"{f['value']} | {sent['text']}")
    return {"tallies": tallies, "traps": traps, "trap_quiet": traps - fired}


def report(result: dict, name: str) -> None:
    tallies = result["tallies"]
    print(f"system: {name}")
    print(f"{'phenomenon':16s} {'gold':>5s} {'sys':>5s} {'strictF1':>9s} {'relaxF1':>8s} "
          f"{'valAcc':>7s} {'valP':>6s} {'valR':>6s} {'valF1':>6s}")
    keys = ["ALL"] + sorted(k for k in tallies if k != "ALL")
    for key in keys:
        t = tallies[key]
        strict = t.f1(t.strict)[2]
        relaxed = t.f1(t.relaxed)[2]
        vp, vr, vf = t.f1(t.correct)
        acc = t.correct / t.relaxed if t.relaxed else 0.0
        print(f"{key:16s} {t.gold:5d} {t.sys:5d} {strict:9.3f} {relaxed:8.3f} {acc:7.3f} "
              f"{vp:6.3f} {vr:6.3f} {vf:6.3f}")
    traps, quiet = result["traps"], result["trap_quiet"]
    if traps:
        print(f"trap sentences with no firing: {quiet}/{traps} = {quiet / traps:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--system", choices=("newskit", "dateparser"), default="newskit")
    parser.add_argument("--data", type=Path, default=HERE / "dev.txt")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every error")
    args = parser.parse_args(argv)
    sentences = parse(args.data)
    if args.system == "dateparser":
        try:
            systems = run_dateparser(sentences)
        except ImportError:
            print("dateparser is not installed (pip install dateparser)", file=sys.stderr)
            return 2
    else:
        systems = run_newskit(sentences)
    report(score(sentences, systems, args.verbose), args.system)
    return 0


if __name__ == "__main__":
    sys.exit(main())
