"""Toy components for the scale-out tests, independent of the bundled plugins.

This module is itself the plugin (module-level hook implementations), so a pipeline config
refers to it by import name ("tests._toy_plugins") and any worker process, forked,
spawned or on a Dask worker, rebuilds the same pipeline from that config.

    caps   provides cap     every capitalised word
    years  provides year    every four-digit year (value: the year as an int)
    tally  provides tally   requires cap: one document-level finding, refs.first → first cap
    boom   provides bang    raises on a text containing "BOOM", else marks each "!"
    after  provides echo    requires bang: a document-level count of bangs
    slow   provides tick    sleeps NEWSKIT_TOY_DELAY seconds per document (for Ctrl-C tests)
    homesick provides none  builds in the process that imported this module, fails elsewhere

``entry_point_env(folder)`` makes it the installed plugin ``toy`` for a subprocess, without
installing anything: a ``.dist-info`` folder on that subprocess's PYTHONPATH.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import newskit

_CAP = re.compile(r"\b[A-Z][a-z]+\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")

#: The process that imported this module (a forked worker inherits the value).
HOME_PID = os.getpid()

#: The components a plain toy pipeline runs (``slow`` only when asked for).
TOY = ("caps", "years", "tally", "boom", "after")


def _caps(config):
    def run(view):
        for m in _CAP.finditer(view.text):
            yield newskit.Finding("cap", m.start(), m.end(), m.group(), label="CAP")

    return run


def _years(config):
    def run(view):
        for m in _YEAR.finditer(view.text):
            yield newskit.Finding("year", m.start(), m.end(), m.group(), value=int(m.group()))

    return run


def _tally(config):
    def run(view):
        caps = view.of_kind("cap")
        refs = {"first": caps[0].id} if caps else {}
        return [newskit.Finding("tally", None, None, None, value=len(caps), refs=refs)]

    return run


def _boom(config):
    def run(view):
        if "BOOM" in view.text:
            raise RuntimeError(f"toy failure on a text of {len(view.text)} characters")
        text = view.text
        return [newskit.Finding("bang", i, i + 1, "!") for i, c in enumerate(text) if c == "!"]

    return run


def _after(config):
    def run(view):
        return [newskit.Finding("echo", None, None, None, value=len(view.of_kind("bang")))]

    return run


def _slow(config):
    delay = float(os.environ.get("NEWSKIT_TOY_DELAY", "0") or 0)

    def run(view):
        if delay:
            time.sleep(delay)
        return []

    return run


def _homesick(config):
    if os.getpid() != HOME_PID:
        raise RuntimeError("this component only builds in the process that imported it")
    return lambda view: []


@newskit.hookimpl
def newskit_components():
    spec = newskit.ComponentSpec
    return [
        spec("caps", factory=_caps, provides="cap", version="1"),
        spec("years", factory=_years, provides="year", version="1"),
        spec("tally", factory=_tally, provides="tally", requires="cap", version="1"),
        spec("boom", factory=_boom, provides="bang", version="1"),
        spec("after", factory=_after, provides="echo", requires="bang", version="1"),
        spec("slow", factory=_slow, provides="tick", version="1"),
        spec("homesick", factory=_homesick, provides="none", version="1"),
    ]


def toy_config(components=TOY, on_error="record"):
    """The plain-dict pipeline config of a toy pipeline (what process_partition takes)."""
    import sys

    return {
        "components": list(components),
        "plugins": [sys.modules[__name__]],
        "entrypoints": False,
        "on_error": on_error,
    }


def toy_records(n=40):
    """JSON document objects: some with ids, some without, every seventh one failing."""
    out = []
    for i in range(n):
        text = f"Story {i}: Alice met Bob in Paris in {1990 + i % 30}! Then Carol spoke."
        if i % 7 == 3:
            text += " BOOM"
        record = {"text": text, "published_at": f"2024-10-{1 + i % 28:02d}"}
        if i % 2:
            record["id"] = f"doc-{i}"
        out.append(record)
    return out


def entry_point_env(folder):
    """Environment for a subprocess where this module is the one installed plugin, ``toy``."""
    folder = Path(folder)
    dist = folder / "newskit_toy-0.1.dist-info"
    dist.mkdir(parents=True, exist_ok=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: newskit-toy\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(f"[newskit]\ntoy = {__name__}\n")
    root = Path(__file__).resolve().parent.parent  # the repository, where tests/ lives
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(folder), str(root), env.get("PYTHONPATH")) if p)
    env["NEWSKIT_LOAD_PLUGINS"] = "toy"
    env.pop("NEWSKIT_DISABLE_PLUGINS", None)
    return env


def write_corpus(path, records, bad_lines=()):
    """A JSONL corpus of ``records``, with the raw lines ``bad_lines`` ({index: line}) put in."""
    import json

    bad = dict(bad_lines)
    with open(path, "w", encoding="utf-8") as fh:
        for i, record in enumerate(records):
            if i in bad:
                fh.write(bad[i] + "\n")
            fh.write(json.dumps(record) + "\n")
    return path
