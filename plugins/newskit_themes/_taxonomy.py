"""The built-in taxonomy (IPTC Media Topics, © IPTC, CC BY 4.0) and rule files, read lazily."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from newskit_themes._rules import Record, Rule, read_rule_text

IPTC = "iptc-mediatopic"


def _data():
    return resources.files("newskit_themes") / "data"


@functools.cache
def taxonomy_rows() -> tuple[tuple[str, int, str | None, str], ...]:
    """``(code, level, broader, label)`` for every term of ``data/taxonomy.tsv``."""
    rows = []
    text = (_data() / "taxonomy.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#") or line.startswith("code\t"):
            continue
        code, level, broader, label = line.split("\t")
        rows.append((code, int(level), broader or None, label))
    return tuple(rows)


def taxonomy_rules() -> dict[str, Rule]:
    """A fresh ``Rule`` (no cues yet) for every taxonomy term."""
    return {code: Rule(code, label=label, broader=broader, taxonomy=IPTC, origin="taxonomy.tsv")
            for code, _level, broader, label in taxonomy_rows()}


@functools.cache
def builtin_records() -> tuple[Record, ...]:
    """The records of the bundled rule files, in file-name order."""
    out: list[Record] = []
    folder = _data() / "rules"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".toml"):
            out.extend(read_rule_text(entry.read_text(encoding="utf-8"),
                                      f"newskit_themes/data/rules/{entry.name}", "toml"))
    return tuple(out)


@functools.cache
def calibration() -> dict[str, Any]:
    """Logistic calibration of scores to probabilities (fitted by _build/fit_calibration.py)."""
    return json.loads((_data() / "calibration.json").read_text(encoding="utf-8"))
