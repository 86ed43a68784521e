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

import collections
import functools
import gzip
import json
import re
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from newskit import ConfigError

__all__ = ["KB", "Entity", "load_kb", "KBEntryError", "entries_from_jsonl", "check_entry", "pack"]

LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "EVENT", "OTHER"})
GENDERS = frozenset({"male", "female"})
ID_RE = re.compile(r"^(?:Q[1-9][0-9]*|[A-Za-z][A-Za-z0-9_-]*:[^\s:][^\s]*)$")
#: Offices that one person holds at a time in a country (nominal descriptions resolve to them).
OFFICE_ROLES = ("head_of_state", "head_of_government", "head_of_state_or_government",
                "foreign_minister", "defence_minister", "secretary_general")


class KBEntryError(ConfigError):
    """A knowledge-base entry is malformed (names the source, the line, the field and the fix)."""


_FIELDS = ("id", "name", "label", "type", "tags", "gender", "offices", "country", "capital_of",
           "target", "prior", "user")


class Entity(collections.namedtuple("_EntityFields", _FIELDS)):
    """One KB entity, as the linker sees it (a tuple with named fields, cheap to hold and to
    build by the thousand: the bundled KB stores each entity as this row)."""

    __slots__ = ()

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


#: an entity from a stored row (a list of the fields in order), at C speed
_entity_from_row = functools.partial(tuple.__new__, Entity)
#: how a surface form names an entity; the bundled index stores the position in this tuple
VIAS = ("alias", "acronym", "demonym")


def _end(value: str) -> str:
    return value + "-12-31" if len(value) == 4 else value


class KB:
    """Lookup tables over the entities.

    ``alias``: surface form → tuple of ``(entity index, via)``, best prior first;
    ``short``: surname or short form → tuple of person indices;
    ``by_id``: id → entity index.
    ``ranked=True`` says the tables are already in that form (the bundled index).
    """

    def __init__(self, entities: list[Entity], aliases: dict[str, Any], short: dict[str, Any],
                 *, ranked: bool = False) -> None:
        self.entities = entities
        self.by_id = {e.id: i for i, e in enumerate(entities)}
        if ranked:
            self.alias = aliases
            self.short = short
            return
        ents = entities

        def rank(pair: tuple[int, str]) -> tuple[float, str]:
            e = ents[pair[0]]
            return (-(e.prior + (2.0 if e.user else 0.0)), e.id)

        self.alias = {k: tuple(sorted(v, key=rank)) for k, v in aliases.items()}
        self.short = {k: tuple(v) for k, v in short.items()}

    @functools.cached_property
    def max_tokens(self) -> int:
        return max((k.count(" ") + k.count("-") + 1 for k in self.alias), default=1)

    @functools.cached_property
    def demonyms(self) -> list[str]:
        return sorted({k for k, v in self.alias.items() for _, via in v if via == "demonym"},
                      key=len, reverse=True)

    @functools.cached_property
    def capital_country(self) -> dict[int, int]:
        out = {}
        for i, e in enumerate(self.entities):
            if e.capital_of is not None and e.capital_of in self.by_id:
                out[i] = self.by_id[e.capital_of]
        return out

    def __len__(self) -> int:
        return len(self.entities)

    def get(self, eid: str) -> Entity | None:
        i = self.by_id.get(eid)
        return None if i is None else self.entities[i]


# -- entries ---------------------------------------------------------------------------------


def _bundled() -> dict[str, Any]:
    """The bundled KB, as stored: ``{"version": 2, "fields", "entities", "alias", "short"}``.

    ``entities`` are rows of the ``Entity`` fields; ``alias`` maps each surface form to its
    ranked hits flattened as ``[entity index, via position in VIAS, ...]``; ``short`` maps a
    short form to entity indices. ``pack`` writes it; loading it is one JSON decode."""
    data = resources.files("newskit_entities").joinpath("data", "kb.json.gz").read_bytes()
    doc = json.loads(gzip.decompress(data))
    if doc.get("version") != 2 or tuple(doc.get("fields", ())) != _FIELDS:
        raise ConfigError("newskit_entities/data/kb.json.gz has an unknown layout; "
                          "fix: rebuild it with plugins/newskit_entities/_build/build_kb.py")
    return doc


def _from_bundled(e: dict[str, Any]) -> tuple[Entity, list[str], list[str], list[str], list[str]]:
    """One entity as written by the build script (short keys), with its surface forms."""
    offices = tuple(tuple(o) for o in e.get("o", ()))
    ent = Entity(e["id"], e["n"], e["l"], e.get("t", "other"), tuple(e.get("tg", ())), e.get("g"),
                 offices, e.get("c"), e.get("of"), e.get("tgt"), float(e.get("p", 0.5)), False)
    return ent, e.get("a", []), e.get("ac", []), e.get("dm", []), e.get("sh", [])


def pack(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The stored form of the bundled KB (see ``_bundled``) from the build script's entities."""
    kb = _index([_from_bundled(e) for e in entries])
    return {
        "version": 2,
        "fields": list(_FIELDS),
        "entities": [list(e) for e in kb.entities],
        "alias": {k: [x for i, via in v for x in (i, VIAS.index(via))] for k, v in kb.alias.items()},
        "short": {k: list(v) for k, v in kb.short.items()},
    }


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


def _index(rows: list[tuple[Entity, list[str], list[str], list[str], list[str]]]) -> KB:
    """The KB of entities given with their aliases, acronyms, demonyms and short forms."""
    entities: list[Entity] = []
    aliases: dict[str, list[tuple[int, str]]] = {}
    short: dict[str, list[int]] = {}
    for ent, al, ac, dm, sh in rows:
        _add(ent, al, ac, dm, sh, entities, aliases, short)
    return KB(entities, aliases, short)


def _add(ent: Entity, al: list[str], ac: list[str], dm: list[str], sh: list[str],
         entities: list[Entity], aliases: dict, short: dict) -> None:
    i = len(entities)
    entities.append(ent)
    for forms, via in ((al, "alias"), (ac, "acronym"), (dm, "demonym")):
        for a in forms:
            slot = aliases.setdefault(a, [])
            if not any(j == i for j, _ in slot):
                slot.append((i, via))
    for s in sh:
        short.setdefault(s, []).append(i)


def load_kb(user_entries: Iterable[dict[str, Any]] = ()) -> KB:
    """The bundled KB, with checked user/hook entries replacing or adding entities."""
    doc = _bundled()
    rows = doc["entities"]
    extra = [_from_user(d) for d in user_entries]
    vias = VIAS
    if not extra:  # the stored index as it is
        alias = {k: ((v[0], vias[v[1]]),) if len(v) == 2 else tuple(zip(v[::2], map(vias.__getitem__, v[1::2])))
                 for k, v in doc["alias"].items()}
        short = {k: tuple(v) for k, v in doc["short"].items()}
        return KB(list(map(_entity_from_row, rows)), alias, short, ranked=True)
    # user entries replace bundled ones with the same id: renumber, add, rank again
    replaced = {r[0].id for r in extra}
    keep = [i for i, r in enumerate(rows) if r[0] not in replaced]
    new = {old: n for n, old in enumerate(keep)}
    entities = [_entity_from_row(rows[i]) for i in keep]
    aliases: dict[str, list[tuple[int, str]]] = {}
    for k, v in doc["alias"].items():
        hits = [(new[i], vias[c]) for i, c in zip(v[::2], v[1::2]) if i in new]
        if hits:
            aliases[k] = hits
    short: dict[str, list[int]] = {}
    for k, v in doc["short"].items():
        got = [new[i] for i in v if i in new]
        if got:
            short[k] = got
    for ent, al, ac, dm, sh in extra:
        _add(ent, al, ac, dm, sh, entities, aliases, short)
    return KB(entities, aliases, short)
