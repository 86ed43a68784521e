"""Building the component: the knowledge base from its three sources, and the rules."""

from __future__ import annotations

import gc
import tomllib
from importlib import resources
from typing import Any

from newskit_entities._kb import KBEntryError, check_entry, entries_from_jsonl, load_kb
from newskit_entities._linker import Linker

__all__ = ["build", "load_rules"]


def load_rules() -> dict[str, Any]:
    data = resources.files("newskit_entities").joinpath("data", "rules.toml").read_bytes()
    return tomllib.loads(data.decode("utf-8"))


def hook_entries(hook: Any) -> list[dict[str, Any]]:
    """Entries from every ``newskit_kb_entries`` implementation, checked."""
    if hook is None or not hasattr(hook, "newskit_kb_entries"):
        return []
    out = []
    for batch in hook.newskit_kb_entries():
        if batch is None:
            continue
        if isinstance(batch, dict):
            raise KBEntryError(
                "hook newskit_kb_entries: field '(result)' is one dict, not a list of entries; "
                "fix: return a list of dicts"
            )
        for n, raw in enumerate(batch, 1):
            out.append(check_entry(raw, "hook newskit_kb_entries", n))
    return out


def build(config: Any, hook: Any = None) -> Linker:
    entries: list[dict[str, Any]] = []
    for path in config.kb_paths:
        entries.extend(entries_from_jsonl(path))
    entries.extend(hook_entries(hook))
    # The build allocates tens of thousands of small containers that all live on; the cyclic
    # collector would traverse them again and again while they are made (a third of the load
    # time) and can find no garbage among them, so it waits until the tables are built.
    enabled = gc.isenabled()
    gc.disable()
    try:
        kb = load_kb(entries)
        return Linker(kb, load_rules(), min_confidence=config.min_confidence,
                      nominals=config.nominals, metonymy=config.metonymy)
    finally:
        if enabled:
            gc.enable()
