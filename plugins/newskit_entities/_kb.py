"""The knowledge base: bundled entities, user JSONL files and hook entries, as lookup tables.

An entry (bundled, user or hook) is a mapping with these keys; only ``id``, ``name`` and
``label`` are required::

    {"id": "acme:ceo", "name": "Jane Roe", "label": "PERSON", "type": "person",
     "aliases": ["Jane Roe", "J. Roe"], "acronyms": [], "demonyms": [], "short": ["Roe"],
     "tags": ["business"], "gender": "female", "country": "Q30",
     "offices": [{"role": "ceo", "country": "Q30", "start": "2020-01-01", "end": null}],
     "capital_of": null, "target": null, "prior": 0.7}

``id`` is a Wikidata QID (``Q7747``) or a namespaced id (``acme:ceo``, ``newskit:org/...``).
Entries from users and hooks replace bundled entries with the same id, and their aliases win
over bundled entities that share the alias.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from newskit import ConfigError

__all__ = ["KB", "Entity", "load_kb", "KBEntryError", "entries_from_jsonl", "check_entry"]

LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "EVENT", "OTHER"})
GENDERS = frozenset({"male", "female"})
ID_RE = re.compile(r"^(?:Q[1-9][0-9]*|[A-Za-z][A-Za-z0-9_-]*:[^\s:][^\s]*)$")
#: Offices that one person holds at a time in a country (nominal descriptions resolve to them).
OFFICE_ROLES = ("head_of_state", "head_of_government", "head_of_state_or_government",
                "foreign_minister", "defence_minister", "secretary_general")


class KBEntryError(ConfigError):
    """A knowledge-base entry is malformed (names the source, the line, the field and the fix)."""


class Entity:
    """One KB entity, as the linker sees it (a slotted record, cheap to hold by the thousand)."""

    __slots__ = ("id", "name", "label", "type", "tags", "gender", "offices", "country",
                 "capital_of", "target", "prior", "user")

    def __init__(self, id, name, label, type, tags, gender, offices, country, capital_of,
                 target, prior, user):
        self.id = id
        self.name = name
        self.label = label
        self.type = type
        self.tags = tags
        self.gender = gender
        self.offices = offices
        self.country = country
        self.capital_of = capital_of
        self.target = target
        self.prior = prior
        self.user = user

    def __repr__(self) -> str:
        return f"Entity({self.id!r}, {self.name!r}, {self.type!r})"

    def active(self, roles: Iterable[str], country: str | None, when: str | None) -> bool:
        """Does this person hold one of ``roles`` (of ``country``) at ``when`` (ISO date)?"""
        for role, where, start, end in self.offices:
            if role not in roles or (country is not None and where != country):
                continue
            if when is None:
                if end is None:
                    return True
                continue
            if start is not None and start > when:
                continue
            if end is not None and _end(end) < when:
                continue
            return True
        return False


def _end(value: str) -> str:
    return value + "-12-31" if len(value) == 4 else value


class KB:
    """Lookup tables over the entities.

    ``alias``: surface form → tuple of ``(entity index, via)``, best prior first;
    ``short``: surname or short form → tuple of person indices;
    ``by_id``: id → entity index.
    """

    def __init__(self, entities: list[Entity], aliases: dict[str, list[tuple[int, str]]],
                 short: dict[str, list[int]]) -> None:
        self.entities = entities
        self.by_id = {e.id: i for i, e in enumerate(entities)}
        ents = entities

        def rank(pair: tuple[int, str]) -> tuple[float, str]:
            e = ents[pair[0]]
            return (-(e.prior + (2.0 if e.user else 0.0)), e.id)

        self.alias = {k: tuple(sorted(v, key=rank)) for k, v in aliases.items()}
        self.short = {k: tuple(v) for k, v in short.items()}
        self.max_tokens = max((k.count(" ") + k.count("-") + 1 for k in self.alias), default=1)
        self.demonyms = sorted({k for k, v in self.alias.items() for _, via in v if via == "demonym"},
                               key=len, reverse=True)
        self.capital_country: dict[int, int] = {}
        for i, e in enumerate(entities):
            if e.capital_of is not None and e.capital_of in self.by_id:
                self.capital_country[i] = self.by_id[e.capital_of]

    def __len__(self) -> int:
        return len(self.entities)

    def get(self, eid: str) -> Entity | None:
        i = self.by_id.get(eid)
        return None if i is None else self.entities[i]


# -- entries ---------------------------------------------------------------------------------


def _bundled_entries() -> list[dict[str, Any]]:
    data = resources.files("newskit_entities").joinpath("data", "kb.json.gz").read_bytes()
    doc = json.loads(gzip.decompress(data))
    return doc["entities"]


def _from_bundled(e: dict[str, Any]) -> tuple[Entity, list[str], list[str], list[str], list[str]]:
    offices = tuple(tuple(o) for o in e.get("o", ()))
    ent = Entity(e["id"], e["n"], e["l"], e.get("t", "other"), tuple(e.get("tg", ())), e.get("g"),
                 offices, e.get("c"), e.get("of"), e.get("tgt"), float(e.get("p", 0.5)), False)
    return ent, e.get("a", []), e.get("ac", []), e.get("dm", []), e.get("sh", [])


def _fail(source: str, line: int | None, field: str, problem: str, fix: str) -> KBEntryError:
    where = f"{source}, line {line}" if line is not None else source
    return KBEntryError(f"{where}: field {field!r} {problem}; fix: {fix}")


def check_entry(raw: Any, source: str, line: int | None = None) -> dict[str, Any]:
    """Validate one user or hook entry and return it normalised (raises ``KBEntryError``)."""
    if not isinstance(raw, Mapping):
        raise _fail(source, line, "(record)", f"is a {type(raw).__name__}, not a JSON object",
                    'write one object per line, e.g. {"id": "acme:widget", "name": "Widget", "label": "ORG"}')
    for key in ("id", "name", "label"):
        if key not in raw:
            raise _fail(source, line, key, "is missing", f"add \"{key}\" (required fields: id, name, label)")
    eid = raw["id"]
    if not isinstance(eid, str) or not ID_RE.match(eid):
        raise _fail(source, line, "id", f"is {eid!r}, neither a Wikidata QID nor a namespaced id",
                    'use a QID such as "Q7747" or give your own ids a namespace, e.g. "acme:widget"')
    name = raw["name"]
    if not isinstance(name, str) or not name.strip():
        raise _fail(source, line, "name", f"is {name!r}", "give the canonical name as a non-empty string")
    label = raw["label"]
    if label not in LABELS:
        raise _fail(source, line, "label", f"is {label!r}", f"use one of {', '.join(sorted(LABELS))}")
    out: dict[str, Any] = {"id": eid, "name": name.strip(), "label": label}
    for key in ("aliases", "acronyms", "demonyms", "short", "tags"):
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise _fail(source, line, key, f"is {value!r}", f"give {key} as a list of non-empty strings")
        out[key] = [v.strip() for v in value]
    gender = raw.get("gender")
    if gender is not None and gender not in GENDERS:
        raise _fail(source, line, "gender", f"is {gender!r}", 'use "male", "female" or leave it out')
    out["gender"] = gender
    offices = raw.get("offices", [])
    if not isinstance(offices, list):
        raise _fail(source, line, "offices", f"is {offices!r}", "give a list of {role, country, start, end} objects")
    norm = []
    for o in offices:
        if not isinstance(o, Mapping) or not isinstance(o.get("role"), str):
            raise _fail(source, line, "offices", f"has the item {o!r}",
                        'write each office as {"role": "head_of_state", "country": "Q30", "start": "2021-01-20", "end": null}')
        for key in ("start", "end"):
            v = o.get(key)
            if v is not None and not (isinstance(v, str) and re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", v)):
                raise _fail(source, line, f"offices.{key}", f"is {v!r}", "write dates as YYYY, YYYY-MM or YYYY-MM-DD, or null")
        norm.append((o["role"], o.get("country"), o.get("start"), o.get("end")))
    out["offices"] = tuple(norm)
    for key in ("type", "country", "capital_of", "target"):
        v = raw.get(key)
        if v is not None and not isinstance(v, str):
            raise _fail(source, line, key, f"is {v!r}", f"give {key} as a string (an id for country/capital_of/target)")
        out[key] = v
    prior = raw.get("prior", 0.8)
    if not isinstance(prior, (int, float)) or isinstance(prior, bool) or not 0 <= prior <= 1:
        raise _fail(source, line, "prior", f"is {prior!r}", "give a number between 0 and 1")
    out["prior"] = float(prior)
    unknown = sorted(set(raw) - {"id", "name", "label", "aliases", "acronyms", "demonyms", "short", "tags",
                                 "gender", "offices", "type", "country", "capital_of", "target", "prior"})
    if unknown:
        raise _fail(source, line, unknown[0], "is not a KB field",
                    "remove it; fields are id, name, label, type, aliases, acronyms, demonyms, short, "
                    "tags, gender, offices, country, capital_of, target, prior")
    return out


def entries_from_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read and validate a user KB file (JSON Lines, one entry a line; ``#`` lines are comments)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KBEntryError(f"{path}: the KB file does not exist; fix: correct the path in entities.kb_paths") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KBEntryError(f"{path}: cannot read the KB file ({exc}); fix: save it as UTF-8 JSON Lines") from None
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _fail(str(path), n, "(record)", f"is not valid JSON ({exc.msg} at column {exc.colno})",
                        "write one JSON object per line") from None
        out.append(check_entry(raw, str(path), n))
    return out


def _from_user(d: dict[str, Any]) -> tuple[Entity, list[str], list[str], list[str], list[str]]:
    kind = d.get("type") or {"PERSON": "person", "GPE": "place", "LOC": "place"}.get(d["label"], "other")
    ent = Entity(d["id"], d["name"], d["label"], kind, tuple(d["tags"]), d["gender"], d["offices"],
                 d.get("country"), d.get("capital_of"), d.get("target"), d["prior"], True)
    aliases = [d["name"], *d["aliases"]]
    short = list(d["short"])
    if kind == "person" and not short and " " in d["name"]:
        short.append(d["name"].split()[-1])
    return ent, aliases, d["acronyms"], d["demonyms"], short


def load_kb(user_entries: Iterable[dict[str, Any]] = ()) -> KB:
    """The bundled KB, with checked user/hook entries replacing or adding entities."""
    rows = [_from_bundled(e) for e in _bundled_entries()]
    extra = [_from_user(d) for d in user_entries]
    if extra:
        replaced = {r[0].id for r in extra}
        rows = [r for r in rows if r[0].id not in replaced] + extra
    entities: list[Entity] = []
    aliases: dict[str, list[tuple[int, str]]] = {}
    short: dict[str, list[int]] = {}
    for i, (ent, al, ac, dm, sh) in enumerate(rows):
        entities.append(ent)
        for forms, via in ((al, "alias"), (ac, "acronym"), (dm, "demonym")):
            for a in forms:
                slot = aliases.setdefault(a, [])
                if not any(j == i for j, _ in slot):
                    slot.append((i, via))
        for s in sh:
            short.setdefault(s, []).append(i)
    return KB(entities, aliases, short)
