"""Rule files: parse, check and merge theme rules (built-in, hook-supplied, user files).

A rule file is TOML (``[[theme]]`` tables) or JSON (``{"theme": [...]}``). Each record::

    [[theme]]
    code = "medtop:20000639"            # IPTC code, or your own ("acme:ai-policy")
    cues = ["diplomat*", "embass{y,ies}", "foreign minister{,s}^2"]
    negative = ["diplomatic immunity"]  # occurrences cancel this theme's cues
    entities = ["tag:embassy", "type:intl_org^0.5", "Q7825"]

Cue syntax: words separated by spaces (or hyphens), matched on whole tokens; ``{a,b}``
lists explicit forms; a trailing ``*`` matches any ending (a stem of 3+ letters); a word
with a capital letter matches case-sensitively, an all-lower-case word in any case; ``^2``
at the end sets the weight (default 1).

Every problem raises ``newskit.ConfigError`` naming the file, the line, the key and the fix.
"""

from __future__ import annotations

import json
import math
import os
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import attrs

import newskit

#: One token: a run of letters and digits (the same on cues and on text).
TOKEN_RE = re.compile(r"[^\W_]+")
_CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*:[A-Za-z0-9_.-]+$")
_QID_RE = re.compile(r"^Q[1-9][0-9]*$")
_ENTITY_PREFIXES = ("type:", "tag:", "qid:")
_KEYS = {
    "code": "the theme's code, e.g. 'medtop:20000639' or 'acme:ai-policy'",
    "label": "the English label (required for a code that is not in the taxonomy)",
    "broader": "the parent code",
    "taxonomy": "the taxonomy name reported in findings",
    "cues": "list of cue patterns",
    "negative": "list of cue patterns that cancel this theme's cues",
    "entities": "list of entity cues: 'type:country', 'tag:central_bank', 'Q212'",
    "requires": "list of theme codes and entity QIDs that must all be present",
    "replace": "true to drop the earlier rules of this code",
    "enabled": "false to switch the theme off",
    "rollup": "share (0 to 1) of this theme's cue weights passed on to its broader themes",
}
MIN_STEM = 3
#: Rule files longer than this are read by tomllib alone.
_FAST_TOML_LIMIT = 5_000_000


class Element(NamedTuple):
    """One word of a cue: ``text`` is lower-cased unless ``case`` is set.

    A named tuple: ten thousand of them are built when the rules load, and a tuple is
    several times cheaper to build than a frozen attrs instance.
    """

    text: str
    stem: bool = False
    case: bool = False

    def matches(self, token: str) -> bool:
        tok = token if self.case else token.lower()
        return tok.startswith(self.text) if self.stem else tok == self.text


class Cue(NamedTuple):
    pattern: str
    elements: tuple[Element, ...]
    weight: float


@attrs.frozen
class EntityCue:
    key: str  # "type:country", "tag:central_bank" or "qid:Q212"
    weight: float


@attrs.define
class Rule:
    """Everything known about one theme code after merging all sources."""

    code: str
    label: str | None = None
    broader: str | None = None
    taxonomy: str | None = None
    cues: list[Cue] = attrs.Factory(list)
    negative: list[Cue] = attrs.Factory(list)
    entities: list[EntityCue] = attrs.Factory(list)
    requires: tuple[str, ...] = ()
    enabled: bool = True
    rollup: float = 1.0
    origin: str = ""


class RuleError(newskit.ConfigError):
    """A rule record that cannot be used; the message names where and how to fix it."""


class _Where:
    """Names a record for error messages: file, line, record number, code."""

    def __init__(self, source: str, index: int, line: int | None, code: Any, lines: Any = None) -> None:
        self.source, self.index, self._line, self.code, self._lines = source, index, line, code, lines

    @property
    def line(self) -> int | None:
        """The record's line in its file (found only when a message needs it)."""
        if self._line is None and self._lines is not None:
            self._line = self._lines(self.index)
        return self._line

    def fail(self, key: str | None, problem: str, fix: str) -> RuleError:
        at = f"{self.source}"
        if self.line is not None:
            at += f", line {self.line}"
        at += f", theme #{self.index + 1}"
        if isinstance(self.code, str):
            at += f" ({self.code})"
        if key:
            at += f", key {key!r}"
        return RuleError(f"{at}: {problem}; {fix}")


# -- cue patterns ------------------------------------------------------------------------

_BRACES = re.compile(r"\{([^{}]*)\}")


def _expand(word: str) -> list[str]:
    """``embass{y,ies}`` → ``['embassy', 'embassies']`` (several groups multiply)."""
    m = _BRACES.search(word)
    if not m:
        return [word]
    out = []
    for alt in m.group(1).split(","):
        out.extend(_expand(word[: m.start()] + alt.strip() + word[m.end() :]))
    return out


def _split_weight(
    raw: str, key: str, where: _Where, what: str, example: str, allow_zero: bool = False
) -> tuple[str, float]:
    """``"summit^2"`` → ``("summit", 2.0)``; no ``^`` means weight 1."""
    text, weight = raw.strip(), 1.0
    if "^" in text:
        text, _, w = text.rpartition("^")
        try:
            weight = float(w)
        except ValueError:
            weight = math.nan
        if not (math.isfinite(weight) and (weight > 0 or (allow_zero and weight == 0))):
            raise where.fail(key, f"{what} {raw!r} has a bad weight {w!r}",
                             f"write a positive number after '^', e.g. \"{example}\"")
        text = text.strip()
    return text, weight


_ELEMENTS: dict[tuple[str, bool, bool], Element] = {}


def _element(text: str, stem: bool, case: bool) -> Element:
    """A shared ``Element`` (the same words recur across cues)."""
    k = (text, stem, case)
    el = _ELEMENTS.get(k)
    if el is None:
        el = _ELEMENTS[k] = Element(text, stem, case)
    return el


def parse_cue(raw: Any, key: str, where: _Where, negative: bool = False) -> list[Cue]:
    """One cue pattern → the cues it stands for (one per explicit form).

    A negative cue may weigh 0: it then only cancels the positive cues it overlaps.
    """
    if not isinstance(raw, str):
        raise where.fail(key, f"a cue must be a string, got {type(raw).__name__} {raw!r}",
                         "write it in quotes, e.g. \"diplomat*\"")
    if "^" in raw:
        text, weight = _split_weight(raw, key, where, "cue", "summit^2", allow_zero=negative)
    else:
        text, weight = raw.strip(), 1.0
    if not text:
        raise where.fail(key, f"cue {raw!r} is empty", "remove it or write a word")
    if "{" in text or "}" in text:
        if text.count("{") != text.count("}") or _BRACES.sub("", text).count("{"):
            raise where.fail(key, f"cue {raw!r} has unbalanced or nested braces",
                             "write explicit forms as word{,s,es} with one level of braces")
        i = text.index("{")
        j = text.index("}", i)
        if "{" in text[j:]:
            forms: Sequence[str] = _expand(text)
        else:  # one brace group: the forms directly (as _expand gives them)
            head, tail = text[:i], text[j + 1:]
            forms = [head + alt.strip() + tail for alt in text[i + 1:j].split(",")]
    else:
        forms = (text,)
    cues = []
    # expand the whole pattern (a brace group may hold spaces: "{foreign,defence} minister")
    for form in forms:
        elements = []
        words = (form.replace("-", " ") if "-" in form else form).split()
        for i, word in enumerate(words):
            stem = word.endswith("*")
            body = word[:-1] if stem else word
            if body.isascii() and body.isalnum() and (not stem or len(body) >= MIN_STEM):
                # the common case: one plain ASCII word (TOKEN_RE would find it whole)
                lower = body.lower()
                elements.append(_element(lower, stem, False) if lower == body else _element(body, stem, True))
                continue
            if "*" in body:
                raise where.fail(key, f"cue {raw!r}: '*' may stand only at the end of a word",
                                 "write a stem such as \"diplomat*\"")
            parts = TOKEN_RE.findall(body)
            if not parts:
                if not body:
                    raise where.fail(key, f"cue {raw!r}: '*' alone matches every word",
                                     "give a stem of at least 3 letters before '*'")
                continue
            if stem and len(parts[-1]) < MIN_STEM:
                raise where.fail(key, f"cue {raw!r}: the stem {parts[-1]!r}* is shorter than "
                                 f"{MIN_STEM} characters and would match too many words",
                                 "write a longer stem or the explicit forms in braces")
            for j, part in enumerate(parts):
                case = part != part.lower()
                elements.append(Element(part if case else part.lower(),
                                        stem=stem and j == len(parts) - 1, case=case))
        if not elements:
            raise where.fail(key, f"cue {raw!r} has no letters or digits",
                             "cues match words; write at least one word")
        cues.append(Cue(raw, tuple(elements), weight))
    return cues


_new_cue = tuple.__new__
#: weight text -> weight (the same few weights recur across thousands of cues)
_WEIGHTS: dict[str, float] = {}
#: word of a cue form -> its Element, or None when the word needs the general path
_WORDS: dict[str, Element | None] = {}


def _word_element(word: str) -> Element | None:
    """The Element of one plain ASCII word (``stem*`` allowed), or None (general path)."""
    el = _WORDS.get(word, False)
    if el is False:
        stem = word.endswith("*")
        body = word[:-1] if stem else word
        el = None
        if body.isascii() and body.isalnum() and (not stem or len(body) >= MIN_STEM):
            lower = body.lower()
            el = _element(lower, stem, False) if lower == body else _element(body, stem, True)
        _WORDS[word] = el
    return el  # type: ignore[return-value]


def _fast_cue(raw: str, negative: bool) -> list[Cue] | None:
    """``parse_cue`` for the common cue (plain ASCII words, at most one brace group, a valid
    weight), the same cues; None for anything else (``parse_cue`` then decides or explains)."""
    text = raw.strip()
    weight = 1.0
    if "^" in text:
        text, _, w = text.rpartition("^")
        weight = _WEIGHTS.get(w)  # type: ignore[assignment]
        if weight is None:
            try:
                weight = float(w)
            except ValueError:
                return None
            if not (math.isfinite(weight) and weight > 0):
                return None
            _WEIGHTS[w] = weight
        text = text.strip()
    if "{" in text:
        i = text.find("{")
        j = text.find("}")
        if j < i or text.count("{") != 1 or text.count("}") != 1:
            return None
        head, tail = text[:i], text[j + 1:]
        forms: Sequence[str] = [head + alt.strip() + tail for alt in text[i + 1:j].split(",")]
    elif "}" in text:
        return None
    else:
        forms = (text,)
    cues = []
    words_get = _WORDS.get
    for form in forms:
        words = (form.replace("-", " ") if "-" in form else form).split()
        if not words:
            return None
        elements = tuple([words_get(w) or _word_element(w) for w in words])
        if None in elements:
            return None
        cues.append(_new_cue(Cue, (raw, elements, weight)))
    return cues


def _parse_cues(raws: list[Any], name: str, where: _Where, negative: bool) -> tuple[Cue, ...]:
    """The cues of a record's ``cues`` (or ``negative``) list, in order."""
    out: list[Cue] = []
    for i, raw in enumerate(raws):
        cues = _fast_cue(raw, negative) if type(raw) is str else None
        out.extend(cues if cues is not None else parse_cue(raw, f"{name}[{i}]", where, negative=negative))
    return tuple(out)


def parse_entity_cue(raw: Any, key: str, where: _Where) -> EntityCue:
    if not isinstance(raw, str):
        raise where.fail(key, f"an entity cue must be a string, got {raw!r}",
                         "write e.g. \"tag:central_bank\", \"type:country\" or \"Q212\"")
    text, weight = _split_weight(raw, key, where, "entity cue", "tag:central_bank^2")
    if _QID_RE.match(text):
        return EntityCue("qid:" + text, weight)
    if text.startswith(_ENTITY_PREFIXES) and len(text.split(":", 1)[1].strip()) > 0:
        prefix, value = text.split(":", 1)
        value = value.strip()
        if prefix == "qid" and not _QID_RE.match(value):
            raise where.fail(key, f"entity cue {raw!r}: {value!r} is not a Wikidata QID",
                             "write it as Q followed by digits, e.g. \"Q212\"")
        return EntityCue(f"{prefix}:{value}", weight)
    raise where.fail(key, f"entity cue {raw!r} is not 'type:…', 'tag:…' or a QID",
                     "write e.g. \"type:country\", \"tag:football_club\" or \"Q212\"")


# -- records -----------------------------------------------------------------------------


def _str_list(record: Mapping[str, Any], key: str, where: _Where) -> list[Any]:
    value = record.get(key, [])
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise where.fail(key, f"expected a list, got {type(value).__name__}",
                         f"write {key} = [\"...\", \"...\"]")
    return value


@attrs.frozen
class Record:
    """A checked rule record, not yet merged."""

    code: str
    fields: Mapping[str, Any]
    cues: tuple[Cue, ...]
    negative: tuple[Cue, ...]
    entities: tuple[EntityCue, ...]
    requires: tuple[str, ...]
    where: Any = attrs.field(eq=False, repr=False)


def check_record(record: Any, where: _Where, default_taxonomy: str | None) -> Record:
    if not isinstance(record, Mapping):
        raise where.fail(None, f"a theme record must be a table, got {type(record).__name__}",
                         "write it as a [[theme]] table (TOML) or an object (JSON)")
    unknown = sorted(set(record) - set(_KEYS))
    if unknown:
        raise where.fail(unknown[0], "unknown key",
                         "the keys are: " + ", ".join(f"{k} ({v})" for k, v in _KEYS.items()))
    code = record.get("code")
    if not isinstance(code, str) or not _CODE_RE.match(code):
        raise where.fail("code", f"missing or malformed code {code!r}",
                         "write code = \"medtop:20000639\" (or prefix:name for your own themes)")
    fields: dict[str, Any] = {}
    for key in ("label", "broader", "taxonomy"):
        if key in record:
            value = record[key]
            if not isinstance(value, str) or not value.strip():
                raise where.fail(key, f"expected a non-empty string, got {value!r}",
                                 f"write {key} = \"...\"")
            if key == "broader" and not _CODE_RE.match(value):
                raise where.fail(key, f"{value!r} is not a code", "write e.g. \"medtop:11000000\"")
            fields[key] = value.strip()
    if "taxonomy" not in fields and default_taxonomy:
        fields["taxonomy"] = default_taxonomy
    if "rollup" in record:
        value = record["rollup"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
            raise where.fail("rollup", f"expected a number from 0 to 1, got {value!r}",
                             "write rollup = 0.5 (half of each cue weight reaches the broader themes)")
        fields["rollup"] = float(value)
    for key in ("replace", "enabled"):
        if key in record:
            if not isinstance(record[key], bool):
                raise where.fail(key, f"expected true or false, got {record[key]!r}",
                                 f"write {key} = true")
            fields[key] = record[key]
    cues = _parse_cues(_str_list(record, "cues", where), "cues", where, False)
    negative = _parse_cues(_str_list(record, "negative", where), "negative", where, True)
    entities = tuple(parse_entity_cue(raw, f"entities[{i}]", where)
                     for i, raw in enumerate(_str_list(record, "entities", where)))
    requires = []
    for i, raw in enumerate(_str_list(record, "requires", where)):
        if not isinstance(raw, str) or not (_QID_RE.match(raw) or _CODE_RE.match(raw)):
            raise where.fail(f"requires[{i}]", f"{raw!r} is neither a theme code nor a QID",
                             "write a code such as \"medtop:20000062\" or a QID such as \"Q212\"")
        requires.append(raw)
    return Record(code, fields, cues, negative, entities, tuple(requires), where)


class _LazyLines:
    """``_record_lines`` of a file, computed on first use (only error messages need it)."""

    def __init__(self, text: str, n: int, fmt: str) -> None:
        self._args: tuple | None = (text, n, fmt)
        self._lines: list[int | None] = []

    def __call__(self, index: int) -> int | None:
        if self._args is not None:
            self._lines, self._args = _record_lines(*self._args), None
        return self._lines[index] if index < len(self._lines) else None


def _record_lines(text: str, n: int, fmt: str) -> list[int | None]:
    """Best-effort line numbers of the records of a file (for error messages)."""
    lines: list[int | None] = []
    if fmt == "toml":
        for i, line in enumerate(text.splitlines(), 1):
            if re.match(r"\s*\[\[\s*theme\s*\]\]", line):
                lines.append(i)
    else:
        for i, line in enumerate(text.splitlines(), 1):
            if re.search(r'"code"\s*:', line):
                lines.append(i)
    lines += [None] * (n - len(lines))
    return lines[:n] if len(lines) >= n else lines


# -- a fast reader for the plain TOML of rule files ----------------------------------------

_TOML_COMMENT = r"(?:\#[^\x00-\x08\x0a-\x1f\x7f]*)?"
_TOML_STR = r'"[^"\\\x00-\x08\x0a-\x1f\x7f]*"'
_TOML_GAP = r"(?:[ \t]|\r?\n|\#[^\x00-\x08\x0a-\x1f\x7f]*\r?\n)*"  # inside an array
#: One statement of the TOML subset the rule files are written in: a blank or comment line,
#: a ``[[name]]`` or ``[name]`` header, or ``key = value`` where the value is a basic string
#: without escapes, a plain decimal number, a boolean or an array of such strings. Every
#: alternative starts with a distinct character, so matching is linear.
_TOML_STMT = re.compile(
    r"[ \t]*(?:"
    r"\[\[[ \t]*(?P<aot>[A-Za-z0-9_-]+)[ \t]*\]\]"
    r"|\[[ \t]*(?P<table>[A-Za-z0-9_-]+)[ \t]*\]"
    r"|(?P<key>[A-Za-z0-9_-]+)[ \t]*=[ \t]*(?:"
    rf"(?P<str>{_TOML_STR})"
    r"|(?P<num>[+-]?(?:0|[1-9][0-9]*)(?P<frac>\.[0-9]+)?)"
    r"|(?P<bool>true|false)"
    rf"|(?P<arr>\[{_TOML_GAP}(?:{_TOML_STR}{_TOML_GAP},{_TOML_GAP})*(?:{_TOML_STR}{_TOML_GAP})?\])"
    r"))?"
    rf"[ \t]*{_TOML_COMMENT}(?:\r?\n|\Z)"
)
_TOML_ARRAY_ITEM = re.compile(r'(\#[^\n]*)|"([^"]*)"')
_TOML_ARRAY_STR = re.compile(r'"([^"]*)"')


def fast_toml(text: str) -> dict[str, Any] | None:
    """``tomllib.loads(text)`` for the plain TOML that rule files use, several times faster;
    ``None`` for anything outside that subset (the caller then uses ``tomllib``, which also
    reports syntax errors). A test checks that it agrees with ``tomllib`` wherever it answers.
    """
    root: dict[str, Any] = {}
    arrays: set[str] = set()  # names of the [[name]] arrays of tables
    table = root
    pos, n = 0, len(text)
    match = _TOML_STMT.match
    while pos < n:
        m = match(text, pos)
        if m is None or m.end() == pos:
            return None
        pos = m.end()
        key = m.group("key")
        if key is not None:
            if key in table:
                return None
            if m.group("str") is not None:
                table[key] = m.group("str")[1:-1]
            elif m.group("num") is not None:
                table[key] = float(m.group("num")) if m.group("frac") else int(m.group("num"))
            elif m.group("bool") is not None:
                table[key] = m.group("bool") == "true"
            else:
                arr = m.group("arr")
                if "#" in arr:  # a comment between the items (or a '#' in an item)
                    table[key] = [item for comment, item in _TOML_ARRAY_ITEM.findall(arr) if not comment]
                else:
                    table[key] = _TOML_ARRAY_STR.findall(arr)
            continue
        name = m.group("aot")
        if name is not None:
            if name in root and name not in arrays:
                return None
            arrays.add(name)
            table = {}
            root.setdefault(name, []).append(table)
            continue
        name = m.group("table")
        if name is not None:
            if name in root:
                return None
            table = root[name] = {}
    return root


def read_rule_text(text: str, source: str, fmt: str) -> list[Record]:
    """Parse the text of a rule file (``fmt`` is ``toml`` or ``json``)."""
    try:
        data = ((fast_toml(text) if len(text) < _FAST_TOML_LIMIT else None) or tomllib.loads(text)) \
            if fmt == "toml" else json.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{source}: not valid TOML: {exc}; fix the syntax at that line") from None
    except json.JSONDecodeError as exc:
        raise RuleError(f"{source}, line {exc.lineno}: not valid JSON: {exc.msg}; "
                        "fix the syntax at that line") from None
    if isinstance(data, list) and fmt == "json":
        data = {"theme": data}
    if not isinstance(data, Mapping):
        raise RuleError(f"{source}: a rule file must hold a table with a 'theme' list; "
                        "write [[theme]] tables (TOML) or {\"theme\": [...]} (JSON)")
    unknown = sorted(set(data) - {"theme", "taxonomy"})
    if unknown:
        raise RuleError(f"{source}: unknown top-level key {unknown[0]!r}; a rule file holds "
                        "[[theme]] tables and an optional [taxonomy] table with a name")
    default_taxonomy = None
    meta = data.get("taxonomy")
    if meta is not None:
        if not isinstance(meta, Mapping) or not isinstance(meta.get("name"), str):
            raise RuleError(f"{source}: [taxonomy] must be a table with a string 'name' "
                            "(e.g. name = \"newsroom\"); other keys such as 'credit' are free text")
        default_taxonomy = meta["name"]
    records = data.get("theme", [])
    if not isinstance(records, list):
        raise RuleError(f"{source}: 'theme' must be a list of tables; write [[theme]] (TOML) "
                        "or \"theme\": [{...}] (JSON)")
    lines = _LazyLines(text, len(records), fmt)
    out = []
    for i, record in enumerate(records):
        code = record.get("code") if isinstance(record, Mapping) else None
        out.append(check_record(record, _Where(source, i, None, code, lines), default_taxonomy))
    return out


def read_rule_file(path: str | os.PathLike[str] | Any) -> list[Record]:
    """Read a rule file from a path (or an ``importlib.resources`` traversable)."""
    name = str(path)
    fmt = "json" if name.lower().endswith(".json") else "toml"
    if not name.lower().endswith((".json", ".toml")):
        raise RuleError(f"rule file {name!r}: unknown format; name it *.toml or *.json")
    try:
        text = path.read_text(encoding="utf-8") if hasattr(path, "read_text") else \
            Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleError(f"rule file {name!r} does not exist; fix the path in "
                        "themes.rule_paths (relative paths start at the working directory)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read rule file {name!r}: {exc}") from None
    return read_rule_text(text, name, fmt)


def records_from_hook(results: Iterable[Any], source: str) -> list[Record]:
    """The records that ``newskit_theme_rules`` implementations returned."""
    out: list[Record] = []
    for items in results:
        if items is None:
            continue
        if isinstance(items, (str, os.PathLike)) or isinstance(items, Mapping):
            items = [items]
        n = 0
        for item in items:
            if isinstance(item, (str, os.PathLike)):
                out.extend(read_rule_file(item))
            else:
                code = item.get("code") if isinstance(item, Mapping) else None
                out.append(check_record(item, _Where(source, n, None, code), None))
                n += 1
    return out


def merge(rules: dict[str, Rule], records: Sequence[Record]) -> None:
    """Apply records in order: add cues, or replace/disable/relabel a code."""
    for rec in records:
        f = rec.fields
        rule = rules.get(rec.code)
        if rule is None or f.get("replace"):
            base = rule
            rule = Rule(rec.code, origin=rec.where.source)
            if base is not None:  # keep what the taxonomy said unless given anew
                rule.label, rule.broader, rule.taxonomy = base.label, base.broader, base.taxonomy
            rules[rec.code] = rule
        rule.label = f.get("label", rule.label)
        rule.broader = f.get("broader", rule.broader)
        rule.taxonomy = f.get("taxonomy", rule.taxonomy)
        rule.enabled = f.get("enabled", rule.enabled)
        rule.rollup = f.get("rollup", rule.rollup)
        rule.cues.extend(rec.cues)
        rule.negative.extend(rec.negative)
        rule.entities.extend(rec.entities)
        if rec.requires:
            rule.requires = rec.requires
        if rule.label is None:
            raise rec.where.fail("label", f"{rec.code} is not in the taxonomy and has no label",
                                 "add label = \"...\" (and broader = \"<parent code>\" to place it)")
