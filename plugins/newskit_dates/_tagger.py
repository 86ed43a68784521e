"""The dates tagger: find temporal expressions and normalise them to TIMEX3.

One compiled regex (the grammar of ``_grammar.py`` filled from ``lexicon.toml``) scans the
lower-cased text once; Python then looks only at its matches: it rejects the ones that
context shows to be names or numbers ("Theresa May", "about 2000 people"), and resolves
the rest against the publication date or the last date before them.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from newskit import Finding, finding_id

from newskit_dates._config import DatesConfig
from newskit_dates._grammar import (
    HEADS,
    SCAN_PUNCTUATION,
    TRIGGER_NEEDLES,
    TRIGGER_PATTERNS,
    build_rules,
    join_rules,
    left_words,
    trigger_body,
    word_trigger_body,
    trigger_words,
)
from newskit_dates._timex import easter, fmt, nth_weekday, shift, undef

__all__ = ["Tagger"]

_PREV_WORD = re.compile(r"([a-z0-9'.&$£€#-]+)[^\S\n]*[,(]?[^\S\n]*$")
_NEXT_WORD = re.compile(r"[^\S\n]*([a-z%]+|\S)")
_SENTENCE_END = re.compile(r"[.!?\n]")
#: A value that "the same period a year earlier" can shift by years: FY prefix, year, part.
_PERIOD_VALUE = re.compile(r"(FY)?(\d{4})(-(?:Q[1-4]|H[12]|W\d\d|\d\d))$")
_MONEY_BEFORE = re.compile(r"(?:[\d%]|\d(?:bn|m|k)|million|billion|pounds|dollars|euros|cents?)[^\S\n]*$")
_YEAR_IN = re.compile(r"(?<![\d$£€])(1[0-9]\d\d|20\d\d)(?![\d%])")
_DATE_VALUE = re.compile(r"(\d{4})(?:-(?:(\d\d)(?:-(\d\d))?|W(\d\d)|Q(\d)))?$")
_TIME_THEN_DATE = re.compile(r"[^\S\n]*(?:,|on|of)?[^\S\n]*(?:on[^\S\n]+)?$")
#: What ``_PREV_WORD`` reads: its word characters, and the whitespace other than a newline.
_PREV_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789'.&$£€#-")
_HSPACE_CHARS = frozenset("\t\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
                          "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_OPENERS = "\"'“‘([-—–"

_MISSING = object()
_NON_ASCII_WORD_OR_SPACE = re.compile(r"[^\x00-\x7f](?<=[\w\s])")


def _scan_passes(body: str, word_body: str, words: Iterable[str]
                 ) -> tuple[dict[int, str], list[tuple[re.Pattern[str], str]]]:
    """The translation table and the prefixed word patterns of ``Tagger._triggers``.

    No passes when the trigger patterns hold a non-ASCII character other than ’ (which the
    tagger replaces before scanning), or a trigger word starts with a mark or holds one
    that is not in ``SCAN_PUNCTUATION``: the copy could not stand for the text then.
    """
    ok = set(SCAN_PUNCTUATION) | {"_"}
    for w in words:
        if not w or not (w[0].isalnum() or w[0] == "_") or \
                not all(ch.isalnum() or ch.isspace() or ch in ok for ch in w):
            return {}, []
    table: dict[int, str] = {}
    for i in range(128):
        c = chr(i)
        if c.isspace():
            table[i] = " "
        elif not (c.isalnum() or c == "_" or c in SCAN_PUNCTUATION):
            table[i] = "\x01"
    if not body.replace("’", "").isascii():
        return table, []
    return table, [(re.compile(re.escape(c) + word_body), c) for c in (" ", "\x01", *SCAN_PUNCTUATION)]


#: The needle classes, each found at every word start where it matches (zero-width, so
#: overlapping starts are all seen).
_NEEDLE_RX = {cls: re.compile(rf"\b(?=(?:{TRIGGER_PATTERNS[cls]}))") for cls in TRIGGER_NEEDLES}


#: A date item before resolution: where it is, what it is, and how to resolve it.

class _Cased(str):
    """The lower-cased text, carrying the original (``.original``) for case-aware cues."""

    original: str

class _Item:
    __slots__ = ("s", "e", "label", "kind", "p", "mod", "value", "anchor", "ref", "finding")

    def __init__(self, s: int, e: int, label: str, kind: str, p: dict, mod: str | None = None):
        self.s, self.e, self.label, self.kind, self.p, self.mod = s, e, label, kind, p, mod
        self.value: str | None = None
        self.anchor: str | None = None
        self.ref: _Item | None = None
        self.finding: Finding | None = None


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class Tagger:
    """A compiled tagger: built once per configuration, then called per document."""

    def __init__(self, lex: Mapping[str, Any], config: DatesConfig) -> None:
        self.config = config
        self.lex = lex
        self.branches, self.groups = build_rules(lex)
        self.words = trigger_words(lex)
        body = trigger_body(self.words)
        self.trigger = re.compile(r"\b" + body)  # the plain scan, kept for texts the fast one cannot read
        self._trigger_at = re.compile(body)
        self._scan_table, self._scan_passes = _scan_passes(body, word_trigger_body(self.words), self.words)
        # the characters of the word passes that a trigger word holds (a space: any whitespace)
        self._scan_inside = frozenset(c for _, c in self._scan_passes
                                      if any(c in w or (c == " " and any(ch.isspace() for ch in w))
                                             for w in self.words))
        self.left = left_words(lex)
        self._by_classes: dict[frozenset[str], re.Pattern[str]] = {}
        self._single_class: dict[str | None, frozenset[str]] = {}
        self._rule_groups: dict[frozenset[str], dict[str, tuple[tuple[str, ...], tuple[int, ...]]]] = {}
        self._attributes: dict[tuple[str | None, str | None], Any] = {}
        self._anchors: dict[str, tuple[_dt.date, str] | None] = {}
        self._picked: dict[tuple, str] = {}
        self.months = {**lex["months"], **lex["month_abbreviations"]}
        self.full_months = dict(lex["months"])
        amb = lex["ambiguity"]
        self.ambiguous = frozenset(amb["ambiguous_months"])
        self.month_cues = frozenset(amb["month_cues"])
        self.quantity_cues = frozenset(amb["quantity_cues"])
        self.count_nouns = frozenset(amb["count_nouns"])
        self.year_capital_ok = frozenset(amb["year_capital_ok"])
        self.year_strong = frozenset(amb["year_strong_cues"])
        self.season_cues = frozenset(amb["season_cues"])
        self.cap_names = frozenset(amb["capitalised_names"])
        self.wd_followers = tuple(amb["weekday_name_followers"])
        self.wd_leaders = frozenset(amb["weekday_name_leaders"])
        self.weekdays = {**lex["weekdays"], **lex["weekdays_plural"]}
        self.numbers = dict(lex["numbers"])
        tens = {k: v for k, v in self.numbers.items() if isinstance(v, int) and 20 <= v <= 90}
        ones = {k: v for k, v in self.numbers.items() if isinstance(v, int) and 1 <= v <= 9}
        for t, tv in tens.items():
            for o, ov in ones.items():
                self.numbers[f"{t}-{o}"] = tv + ov
        self.vague = dict(lex["vague_numbers"])
        self.ordinals = dict(lex["ordinals"])
        self.units = {k: tuple(v) for k, v in lex["units"].items()}
        self.grains = dict(lex["grains"])
        self.relatives = {k: tuple(v) for k, v in lex["relatives"].items()}
        self.date_mods = dict(lex["date_mods"])
        self.amount_mods = dict(lex["amount_mods"])
        self.references = {k: tuple(v) for k, v in lex["references"].items()}
        self.ref_needs = {k: frozenset(v) for k, v in lex["reference_needs"].items()}
        self.ref_blocked = {k: frozenset(v) for k, v in lex["reference_blocked"].items()}
        self.pods = dict(lex["parts_of_day"])
        self.deictic = dict(lex["deictic_days"])
        self.deictic_parts = dict(lex["deictic_parts"])
        self.times_of_day = dict(lex["times_of_day"])
        self.seasons = dict(lex["seasons"])
        self.zones = dict(lex["zones"])
        self.time_cues = frozenset(lex["time_cues"]["words"])
        self.holidays = dict(lex["holidays"])
        self.tables = {k: {int(y): v for y, v in t.items()} for k, t in lex["tables"].items()}
        self.decade_words = dict(lex["decade_words"])
        self.freq_adverbs = dict(lex["frequency_adverbs"])
        self.quarters = dict(lex["quarters"])
        self.halves = dict(lex["halves"])
        self.half_context = frozenset(lex.get("half_context", ()))
        cues = lex["direction"]
        self.future_words = frozenset(w for w in cues["future"] if " " not in w)
        self.future_pairs = frozenset(tuple(w.split()[:2]) for w in cues["future"] if " " in w)
        self.past_words = frozenset(w for w in cues["past"] if " " not in w)
        #: a clause ends at a sentence end or one of ``clause_breaks``; a reporting clause after
        #: a comma (", the mayor said") is not the date's clause
        breaks = "".join(re.escape(b) for b in cues.get("clause_breaks", ()))
        self._clause_end = re.compile(rf"[.!?\n{breaks}]")
        self.clause_breaks = tuple(cues.get("clause_breaks", ()))
        self.reporting = frozenset(cues.get("reporting", ()))
        self.reporting_reach = int(cues.get("reporting_reach", 5))
        #: a verb of putting off, then "to"/"until" right before the date: the date is ahead
        self.postpone_verbs = frozenset(cues.get("postpone_verbs", ()))
        self.target_preps = frozenset(cues.get("postpone_targets", ()))
        self.postpone_between = frozenset(cues.get("postpone_between", ()))
        ranges = lex.get("ranges", {})
        self.range_links = frozenset(ranges.get("links", ()))
        self.range_openers = frozenset(ranges.get("openers", ()))
        self.range_open_links = frozenset(ranges.get("open_links", ()))
        #: words after "the N months" that make it a period named by its end ("to March")
        self.period_ends = frozenset(lex.get("period_ends", ()))
        self._pair_first = frozenset(a for a, _ in self.future_pairs)
        self._pair_second = frozenset(b for _, b in self.future_pairs)
        self._cues: dict[str, tuple[str, int]] = {}
        self.types = frozenset(config.types)
        self.handlers: dict[str, Callable[..., list[_Item] | None]] = {
            name: getattr(self, "_h_" + name) for name in self.groups
        }
        self._resolvers: dict[str, Callable[..., bool]] = {
            name[3:]: getattr(self, name) for name in dir(self) if name.startswith("_r_")
        }

    # -- entry point ---------------------------------------------------------------------

    def tag(self, text: str, published: _dt.date | _dt.datetime | None) -> list[Finding]:
        """The date findings of ``text`` published at ``published``."""
        lower = text.lower()
        if len(lower) != len(text):  # a few characters grow when lower-cased (İ)
            lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        if "’" in lower:
            lower = lower.replace("’", "'")
        items = self._scan(text, lower)
        if not items:
            return []
        if isinstance(published, _dt.datetime):
            pub = published.date()
        else:
            pub = published
        self._inherit(items, lower)
        cased = _Cased(lower)
        cased.original = text  # tense cues need the case: "United" is no verb in -ed
        return self._resolve(items, text, cased, pub)

    def grammar(self, classes: frozenset[str]) -> re.Pattern[str]:
        """The alternation of the rules that contain one of these trigger classes."""
        rx = self._by_classes.get(classes)
        if rx is None:
            rules = [name for name, heads in HEADS.items() if classes.intersection(heads)]
            rx = self._by_classes[classes] = re.compile(join_rules(self.branches, rules))
            # each rule's local group names and their numbers in this pattern
            self._rule_groups[classes] = {
                rule: (self.groups[rule], tuple(rx.groupindex[f"{rule}__{k}"] for k in self.groups[rule]))
                for rule in rules
            }
        return rx

    def _triggers(self, lower: str) -> list[tuple[int, int, str | None]]:
        """Every trigger of ``self.trigger.finditer(lower)``: (start, end, class).

        The plain scan tries the trigger alternation at every word start. This one reads a
        copy of the text where every whitespace is a space and every punctuation mark that
        no trigger pattern names is ``\\x01``, so a trigger starts right after one of a few
        characters; each is found by one pattern with that character as a literal prefix,
        which the regex engine skips to without trying the alternation elsewhere.
        """
        passes = self._scan_passes
        if not passes:
            return [(t.start(), t.end(), t.lastgroup) for t in self.trigger.finditer(lower)]
        if lower.isascii():
            proxy = lower.translate(self._scan_table)
        else:  # other characters become "?" (a mark), a space, or "_" (a letter)
            proxy = lower.encode("ascii", "replace").decode("ascii")
            special = _NON_ASCII_WORD_OR_SPACE.search(lower)
            if special is not None:
                parts = []
                last = 0
                while special is not None:
                    i = special.start()
                    c = lower[i]
                    if c.isdecimal():  # a digit the patterns read as \d: use the plain scan
                        return [(t.start(), t.end(), t.lastgroup) for t in self.trigger.finditer(lower)]
                    parts.append(proxy[last:i])
                    parts.append(" " if c.isspace() else "_")
                    last = i + 1
                    special = _NON_ASCII_WORD_OR_SPACE.search(lower, last)
                parts.append(proxy[last:])
                proxy = "".join(parts)
            proxy = proxy.translate(self._scan_table)
        at = self._trigger_at.match
        found: list[tuple[int, int, str | None]] = []
        seen: set[int] = set()
        t = at(proxy)
        if t is not None and (proxy[0].isalnum() or proxy[0] == "_"):
            found.append((0, t.end(), t.lastgroup))
            seen.add(0)
        inside = self._scan_inside
        for rx, c in passes:  # words, after each kind of character that can precede one
            for t in rx.finditer(proxy):
                p = t.start() + 1
                cls = t.lastgroup
                if cls != "w":  # the word scan lacks the classes tried before this one
                    ch = proxy[p]
                    if not (ch.isalnum() or ch == "_"):
                        continue
                    t = at(proxy, p)
                    if t is None:
                        continue
                    cls = t.lastgroup
                e = t.end()
                found.append((p, e, cls))
                seen.add(p)
                if c in inside or cls != "w":  # a trigger that the pass stepped over in this one
                    j = proxy.find(c, p, e)
                    while j >= 0:
                        q = j + 1
                        inner = at(proxy, q)
                        if inner is not None and q not in seen:
                            found.append((q, inner.end(), inner.lastgroup))
                            seen.add(q)
                            e = max(e, inner.end())
                        j = proxy.find(c, q, e)
        starts = []
        for cls, needle in TRIGGER_NEEDLES.items():
            if needle in proxy:
                starts.extend(n.start() for n in _NEEDLE_RX[cls].finditer(proxy))
        for p in starts:  # the whole alternation decides what starts here
            if p not in seen:  # (a needle class can start where a word pass did)
                t = at(proxy, p)
                if t is not None:
                    found.append((p, t.end(), t.lastgroup))
                    seen.add(p)
        found.sort()
        out = []
        end = 0
        for cand in found:
            if cand[0] >= end:
                out.append(cand)
                end = cand[1]
        return out

    def _scan(self, text: str, lower: str) -> list[_Item]:
        """Find the triggers, then match the grammar only around them."""
        items: list[_Item] = []
        handlers, words, left = self.handlers, self.words, self.left
        by_classes, rule_groups = self._by_classes, self._rule_groups
        single = self._single_class
        cursor = 0
        for p, e, cls in self._triggers(lower):
            if p < cursor:
                continue
            if cls == "w":
                w = lower[p:e]
                if "’" in w:
                    w = w.replace("’", "'")
                classes = words.get(w) or words.get(" ".join(w.split()))
                if classes is None:
                    continue
            else:
                classes = single.get(cls) or single.setdefault(cls, frozenset((cls,)))
            if classes <= _CAPITALISED and not text[p].isupper():
                continue
            # Candidate starts: the trigger, and the words before it that can open an expression.
            starts = [p]
            lo = p - 60
            if lo < cursor:
                lo = cursor
            pos = p
            while pos > lo and not lower[pos - 1].isspace():  # the start of the trigger's token
                pos -= 1
            if pos < p:
                starts.append(pos)
            chunk = lower[lo:pos].split()
            for tok in reversed(chunk[-6:]):
                if tok[-1] == "-" and len(tok) > 1:
                    tok = tok[:-1]
                if tok[-1] in ".;:!?)\"”" and tok not in left or not (tok in left or tok[0].isdigit() or tok[0] in "'’"):
                    break
                pos = lower.rfind(tok, lo, pos)
                starts.append(pos)
            if p and lower[p - 1] in "'’" and cls == "decade_short":
                starts.append(p - 1)
            rx = by_classes.get(classes) or self.grammar(classes)
            groups_of = rule_groups[classes]
            for st in reversed(starts):
                m = rx.match(lower, st)
                if m is None or m.end() <= p:
                    continue
                rule = m.lastgroup
                keys, index = groups_of[rule]
                got = handlers[rule](m, dict(zip(keys, m.group(*index))) if len(index) > 1
                                     else {keys[0]: m.group(index[0])} if index else {}, text, lower)
                if got:
                    items.extend(got)
                    cursor = m.end()
                    break
        return items

    # -- context -------------------------------------------------------------------------

    def _prev(self, lower: str, s: int) -> str:
        """The word before ``s`` (as ``_PREV_WORD`` would find it, without its quadratic search)."""
        lo = s - 40 if s > 40 else 0
        j = s
        if j > lo and lower[j - 1] == "\n":  # ``$`` also matches before a final newline
            j -= 1
        while j > lo and lower[j - 1] in _HSPACE_CHARS:
            j -= 1
        if j > lo and lower[j - 1] in ",(":
            j -= 1
            while j > lo and lower[j - 1] in _HSPACE_CHARS:
                j -= 1
        k = j
        while k > lo and lower[k - 1] in _PREV_CHARS:
            k -= 1
        return lower[k:j].strip(".") if k < j else ""

    def _next(self, lower: str, e: int) -> str:
        m = _NEXT_WORD.match(lower, e, e + 40)
        return m.group(1) if m else ""

    @staticmethod
    def _sentence_start(text: str, s: int) -> bool:
        i = s - 1
        while i >= 0 and (text[i].isspace() or text[i] in _OPENERS):
            i -= 1
        return i < 0 or text[i] in ".!?:;\n"

    def _direction(self, lower: str, s: int, e: int) -> str:
        """"past" or "future" from the tense cue nearest to ``lower[s:e]`` in its clause.

        The words are read outwards from the expression, alternately before and after it:
        the first cue decides (a cue before wins over one after at the same distance). The
        clause ends at a sentence end or a clause break (";"), and before a reporting clause
        after a comma (", the council said"): a cue there is not the date's.
        """
        lo = max(0, s - 200)
        left = max(lower.rfind(". ", lo, s), lower.rfind("\n", lo, s), lower.rfind("? ", lo, s),
                   lower.rfind("! ", lo, s))
        for b in self.clause_breaks:
            left = max(left, lower.rfind(b, lo, s))
        left = left + 1 or lo
        m = self._clause_end.search(lower, e, e + 200)
        right = m.start() if m else min(len(lower), e + 200)
        before = lower[left:s].split()
        rest = lower[e:right]
        after = (self._own_clause(rest) if "," in rest else rest).split()
        if before and not self.postpone_verbs.isdisjoint(before):
            # "delayed the budget to November 17", "extended the deadline until May",
            # "moved to 3 p.m. on Thursday": the target, then at most a clock time and "on"
            k, stop, between = len(before) - 1, len(before) - 5, self.postpone_between
            while k > stop and k > 0 and (before[k] in between or before[k][:1].isdigit()):
                k -= 1
            if before[k] in self.target_preps:
                return "future"
        original = getattr(lower, "original", None)
        if original is not None:
            # A capitalised word in -ed ("United", "Red") is a name, not a past verb.
            proper_before = {j for j, t in enumerate(original[left:s].split()) if t[:1].isupper()}
            proper_after = {i for i, t in enumerate(original[e:right].split()) if t[:1].isupper()}
        else:
            proper_before = proper_after = set()
        future, pairs = self.future_words, self.future_pairs
        cue = self._cue
        # the nearest cue before: its distance and direction
        far = len(before)
        verdict = None
        j = far - 1
        while j >= 0:
            w, code = cue(before[j])
            if code & 2 and j in proper_before and w not in self.past_words:
                code &= ~2
            if code:
                if code & 1 or (code & 4 and j and (before[j - 1], w) in pairs):
                    verdict = "future"
                    far = len(before) - 1 - j
                    break
                if code & 2:
                    if j >= 2 and before[j - 1] in ("be", "been") and before[j - 2] in future:
                        verdict = "future"
                    elif j >= 1 and before[j - 1] in future:  # "will last", "could ended"
                        verdict = "future"
                    else:
                        verdict = "past"
                    far = len(before) - 1 - j
                    break
            j -= 1
        # a cue after that is nearer
        n = len(after)
        for i in range(n if verdict is None else min(n, far)):
            w, code = cue(after[i])
            if code & 2 and i in proper_after and w not in self.past_words:
                code &= ~2
            if code:
                if code & 1 or (code & 8 and i + 1 < n and (w, after[i + 1]) in pairs):
                    return "future"
                if code & 2:
                    if i and after[i - 1] in ("be", "been"):
                        return "future" if i >= 2 and after[i - 2] in future else "past"
                    return "past"
        return verdict or self.config.default_direction

    def _own_clause(self, rest: str) -> str:
        """The text after a date up to a comma that opens a reporting clause (", X said")."""
        reach, reporting = self.reporting_reach + 1, self.reporting
        i = rest.find(",")
        while i >= 0:
            for w in rest[i + 1:i + 120].split()[:reach]:
                if w.strip(",;:\"'()“”") in reporting:
                    return rest[:i + 1]
            i = rest.find(",", i + 1)
        return rest

    def _cue(self, token: str) -> tuple[str, int]:
        """A token stripped of punctuation, and what it can cue: 1 future word, 2 past word
        or verb in -ed, 4 second word of a future pair, 8 first word of one."""
        got = self._cues.get(token)
        if got is None:
            w = token.strip(",;:\"'()“”")
            code = (1 if w in self.future_words else 0) \
                | (2 if w in self.past_words or (len(w) > 4 and w.endswith("ed")) else 0) \
                | (4 if w in self._pair_second else 0) | (8 if w in self._pair_first else 0)
            if len(self._cues) > 200_000:
                self._cues.clear()
            got = self._cues[token] = (w, code)
        return got

    # -- handlers: one per grammar rule; each returns items or None to reject ----------------

    def _month_ok(self, text: str, lower: str, m: re.Match, rule: str, alone: bool) -> bool:
        """Whether the month word of this match is a month (not "May said", "march")."""
        s = m.start(f"{rule}__m")
        e = m.end(f"{rule}__m")
        word = lower[s:e].rstrip(".")
        if not text[s].isupper():
            return False
        if lower[e:e + 1] in ("'", "’") and alone:  # "May's government": a name's possessive
            return False
        if word not in self.full_months and alone:
            return False
        if alone and word in self.ambiguous:
            start = m.start(rule)
            if start != s:  # a modifier precedes ("early May")
                return True
            return self._prev(lower, s) in self.month_cues
        return True

    def _h_iso(self, m, g, text, lower):
        y, mo, d = int(g["y"]), int(g["m"]), int(g["d"])
        try:
            day = _dt.date(y, mo, d)
        except ValueError:
            return None
        if g["h"]:
            return [_Item(m.start(), m.end(), "TIME", "value",
                          {"value": f"{day.isoformat()}T{g['h']}:{g['mi']}"})]
        return [_Item(m.start(), m.end(), "DATE", "value", {"value": day.isoformat()})]

    def _h_numeric(self, m, g, text, lower):
        a, b, y = int(g["a"]), int(g["b"]), int(g["y"])
        day_first = self.config.day_first
        if day_first is None:
            day_first = a > 12 and b <= 12
        d, mo = (a, b) if day_first else (b, a)
        try:
            day = _dt.date(y, mo, d)
        except ValueError:
            return None
        return [_Item(m.start(), m.end(), "DATE", "value", {"value": day.isoformat()})]

    def _md_item(self, s, e, mo, d, y, wd=None) -> _Item | None:
        if not 1 <= d <= 31 or (mo == 2 and d > 29) or (mo in (4, 6, 9, 11) and d > 30):
            return None
        return _Item(s, e, "DATE", "md", {"m": mo, "d": d, "y": y, "wd": wd})

    @staticmethod
    def _day(value: str) -> int:
        return int(value.rstrip("stndrh"))

    def _h_range_md(self, m, g, text, lower):
        if not self._month_ok(text, lower, m, "range_md", False):
            return None
        mo = self.months[g["m"].rstrip(".")]
        y = int(g["y"]) if g["y"] else None
        a = self._md_item(m.start(), m.end("range_md__d1"), mo, self._day(g["d1"]), y)
        b = self._md_item(m.start("range_md__d2"), m.end(), mo, self._day(g["d2"]), y)
        if a is None or b is None or a.p["d"] >= b.p["d"]:
            return None
        b.p["link"] = a
        return [a, b]

    def _h_range_dm(self, m, g, text, lower):
        if not self._month_ok(text, lower, m, "range_dm", False):
            return None
        mo = self.months[g["m"].rstrip(".")]
        y = int(g["y"]) if g["y"] else None
        a = self._md_item(m.start(), m.end("range_dm__d1"), mo, self._day(g["d1"]), y)
        b = self._md_item(m.start("range_dm__d2"), m.end(), mo, self._day(g["d2"]), y)
        if a is None or b is None or a.p["d"] >= b.p["d"]:
            return None
        a.p["link"] = b
        return [a, b]

    def _h_mdy(self, m, g, text, lower):
        if not self._month_ok(text, lower, m, "mdy", False):
            return None
        mo = self.months[g["m"].rstrip(".")]
        item = self._md_item(m.start(), m.end(), mo, self._day(g["d"]), int(g["y"]) if g["y"] else None)
        if item is not None and not g["y"] and self._next(lower, m.end()) in self.count_nouns:
            return None
        return [item] if item else None

    def _h_dmy(self, m, g, text, lower):
        if not self._month_ok(text, lower, m, "dmy", False):
            return None
        mo = self.months[g["m"].rstrip(".")]
        item = self._md_item(m.start(), m.end(), mo, self._day(g["d"]), int(g["y"]) if g["y"] else None)
        return [item] if item else None

    def _h_anniversary(self, m, g, text, lower):
        return [_Item(m.start(), m.end(), "DATE", "anniversary", {"n": int(g["n"])})]

    def _h_century(self, m, g, text, lower):
        o = g["o"]
        n = int(o[:-2]) if o[0].isdigit() else self.ordinals.get(o)
        if not n or n > 21:
            return None
        return [_Item(m.start(), m.end(), "DATE", "value", {"value": f"{n - 1:02d}"},
                      self._date_mod(g))]

    def _date_mod(self, g) -> str | None:
        mod = g.get("mod")
        if not mod:
            return None
        return self.date_mods.get(" ".join(mod.split())) or None

    def _h_decade(self, m, g, text, lower):
        if g["y4"]:
            value = g["y4"][:3]
        elif g["y2"]:
            value = ("20" if int(g["y2"]) <= 20 else "19") + g["y2"][0]
        else:
            if not (g["the"] or g["mod"]):
                return None
            value = "19" + str(self.decade_words[g["w"]])
        return [_Item(m.start(), m.end(), "DATE", "value", {"value": value}, self._date_mod(g))]

    def _year_of(self, g, key: str = "y") -> int | None:
        y = g.get(key)
        if not y:
            return None
        y = y.lstrip("'")
        return int(y) if len(y) == 4 else 2000 + int(y)

    def _h_quarter(self, m, g, text, lower):
        o = g["o"]
        q = int(o[0]) if o[0].isdigit() else self.ordinals.get(o)
        if not q or q > 4:
            return None
        p: dict = {"n": q, "grain": "quarter", "y": self._year_of(g) or self._year_of(g, "y2")}
        if g["fy"]:
            return [_Item(m.start(), m.end(), "DATE", "value",
                          {"value": f"FY{self._year_of(g, 'fyy')}-Q{q}"}, self._date_mod(g))]
        if g["rel"]:
            p["rel"] = self.relatives[g["rel"]][1]
        elif "the year" in " ".join(lower[m.start():m.end()].split()):
            p["rel"] = 0
        return [_Item(m.start(), m.end(), "DATE", "part", p, self._date_mod(g))]

    def _h_qn(self, m, g, text, lower):
        if not text[m.start()].isupper():
            return None
        q = self.quarters[g["q"]]
        return [_Item(m.start(), m.end(), "DATE", "part",
                      {"n": q, "grain": "quarter", "y": self._year_of(g)})]

    def _h_last_part(self, m, g, text, lower):
        grain = g["u"]
        return self._part(m, g, 4 if grain == "quarter" else 2, grain)

    def _part(self, m, g, n: int, grain: str) -> list[_Item]:
        """Part ``n`` (a quarter or a half) of the year written, or of the year a relative
        word points to, or of the publication year."""
        p: dict = {"n": n, "grain": grain, "y": self._year_of(g)}
        if g["rel"]:
            p["rel"] = self.relatives[g["rel"]][1]
        elif not g["y"]:
            p["rel"] = 0
        return [_Item(m.start(), m.end(), "DATE", "part", p)]

    def _h_same_period(self, m, g, text, lower):
        offset = self.relatives[g["rel"]][1] if g["rel"] else -1
        return [_Item(m.start(), m.end(), "DATE", "same", {"offset": offset})]

    def _sentence_words(self, lower: str, s: int, e: int) -> list[str]:
        left = max(lower.rfind(". ", 0, s), lower.rfind("\n", 0, s)) + 1
        m = _SENTENCE_END.search(lower, e)
        return re.findall(r"[a-z]+", lower[left:m.start() if m else len(lower)])

    def _h_half(self, m, g, text, lower):
        if g["bare"] is not None and self.half_context.isdisjoint(
                self._sentence_words(lower, m.start(), m.end())):
            return None  # "scored in the first half": no reporting period in the sentence
        return self._part(m, g, 1 if g["o"] in ("first", "1st") else 2, "half")

    def _h_hn(self, m, g, text, lower):
        if not text[m.start()].isupper():
            return None
        return [_Item(m.start(), m.end(), "DATE", "part",
                      {"n": self.halves[g["h"]], "grain": "half", "y": self._year_of(g)})]

    def _h_fiscal(self, m, g, text, lower):
        return [_Item(m.start(), m.end(), "DATE", "value", {"value": f"FY{self._year_of(g)}"})]

    def _h_holiday(self, m, g, text, lower):
        name = " ".join(g["h"].split())
        s = m.start("holiday__h")
        if not text[s].isupper():
            return None
        p = {"rule": self.holidays[name], "y": self._year_of(g), "rel": None}
        rel = " ".join(g["rel"].split()) if g["rel"] else None
        start = m.start()
        if rel == "the":  # "the Christmas period": the holiday alone, dated by tense
            rel = None
            if f"the {name}" not in self.holidays:  # a name with "the" keeps it ("the Fourth of July")
                start = s
        if rel:
            p["rel"] = self.relatives[rel]
        return [_Item(start, m.end(), "DATE", "holiday", p)]

    def _h_season(self, m, g, text, lower):
        p: dict = {"s": self.seasons[g["s"]], "y": self._year_of(g), "rel": None}
        rel = " ".join(g["rel"].split()) if g["rel"] else None
        if rel:
            p["rel"] = self.relatives[rel]
        if self._next(lower, m.end()) == "of" and not g["y"]:
            return None
        if not (g["y"] or g["mod"] or (rel and rel != "the")):
            if self._prev(lower, m.start()) not in self.season_cues:
                return None
        if rel == "the":
            p["rel"] = None
        return [_Item(m.start(), m.end(), "DATE", "season", p, self._date_mod(g))]

    def _h_deictic(self, m, g, text, lower):
        w = g["w"]
        s = m.start("deictic__w")
        if text[s].isupper() and w in self.cap_names and not self._sentence_start(text, s):
            return None
        pod = self.pods[g["pod"]] if g["pod"] else self.deictic_parts.get(w)
        return [_Item(m.start(), m.end(), "DATE", "deictic",
                      {"offset": self.deictic[w], "pod": pod}, self._date_mod(g))]

    def _h_pod_rel(self, m, g, text, lower):
        rel = g["rel"]
        pod = self.pods[g["pod"]]
        offset = {"this": 0, "tomorrow": 1, "yesterday": -1}.get(rel, -1 if pod in ("NI", "EV") else 0)
        if rel == "last" and pod not in ("NI", "EV"):
            offset = -1
        return [_Item(m.start(), m.end(), "DATE", "deictic", {"offset": offset, "pod": pod})]

    def _h_weekday(self, m, g, text, lower):
        s = m.start("weekday__wd")
        if not text[s].isupper():
            return None
        if self._prev(lower, s) in self.wd_leaders:
            return None
        after = " ".join(lower[m.end("weekday__wd"):m.end("weekday__wd") + 20].split())
        if after.startswith(self.wd_followers):
            return None
        rel = " ".join(g["rel"].split()) if g["rel"] else None
        if rel == "the":
            return None
        p = {"wd": self.weekdays[g["wd"]], "rel": self.relatives[rel] if rel else None,
             "pod": self.pods[g["pod"]] if g["pod"] else None}
        return [_Item(m.start(), m.end(), "DATE", "weekday", p, self._date_mod(g))]

    def _h_weekday_set(self, m, g, text, lower):
        if not text[m.start()].isupper():
            return None
        return [_Item(m.start(), m.end(), "SET", "value",
                      {"value": f"XXXX-WXX-{self.weekdays[g['wd']]}"})]

    def _amount(self, n: str | None) -> float | str | None:
        if n is None:
            return None
        n = " ".join(n.split())
        if n[0].isdigit():
            return float(n)
        if n in self.numbers:
            return self.numbers[n]
        return "X" if n in self.vague else None

    def _duration(self, n: float | str, unit: str) -> str:
        letter, is_time = self.units[unit]
        if letter[0].isdigit():
            k = int(letter[:-1])
            letter = letter[-1]
            n = n if n == "X" else float(n) * k
        amount = n if n == "X" else _num(float(n))
        return f"P{'T' if is_time else ''}{amount}{letter}"

    def _h_every(self, m, g, text, lower):
        n = g["n"]
        if g["u"]:
            amount = 2 if n == "other" else (self._amount(n) if n else 1)
            if amount is None:
                return None
            value = self._duration(amount, g["u"])
        elif g["wd"]:
            value = f"XXXX-WXX-{self.weekdays[g['wd']]}"
            if g["wpod"]:  # "every Monday night"
                value += f"T{self.pods[g['wpod']]}"
        elif g["pod"]:
            value = f"XXXX-XX-XXT{self.pods[g['pod']]}"
        elif g["s"]:
            value = f"XXXX-{self.seasons[g['s']]}"
        elif g["m"]:
            mo = self.months.get(g["m"].rstrip("."))
            if mo is None or g["m"].rstrip(".") not in self.full_months:
                return None
            value = f"XXXX-{mo:02d}"
        else:
            value = "XXXX-WXX-WE"
        if n and not g["u"]:
            return None
        return [_Item(m.start(), m.end(), "SET", "value", {"value": value})]

    def _h_frequency(self, m, g, text, lower):
        return [_Item(m.start(), m.end(), "SET", "value", {"value": self._duration(1, g["u"])})]

    def _h_per(self, m, g, text, lower):
        return [_Item(m.start(), m.end(), "SET", "value", {"value": self._duration(1, g["u"])})]

    def _h_adverb(self, m, g, text, lower):
        s = m.start()
        if text[s].isupper() and not self._sentence_start(text, s):
            return None
        if text[s].isupper() and self._next(lower, m.end()) in ("mail", "telegraph", "express", "star", "record", "news", "show"):
            return None
        return [_Item(s, m.end(), "SET", "value", {"value": self.freq_adverbs[" ".join(g["fa"].split())]})]

    def _h_ago(self, m, g, text, lower):
        n = self._amount(g["n"]) if g["n"] else "X"
        if n is None:
            return None
        mod = self.amount_mods.get(" ".join(g["amod"].split())) if g["amod"] else None
        return [_Item(m.start(), m.end(), "DATE", "shift",
                      {"n": n, "sign": -1, "unit": g["u"], "anchor": "published"}, mod)]

    def _h_later(self, m, g, text, lower):
        n = self._amount(g["n"])
        if n is None:
            return None
        sign = 1 if g["dir"] in ("later", "afterwards", "after") else -1
        mod = self.amount_mods.get(" ".join(g["amod"].split())) if g["amod"] else None
        return [_Item(m.start(), m.end(), "DATE", "shift",
                      {"n": n, "sign": sign, "unit": g["u"], "anchor": "previous"}, mod)]

    def _h_day_before(self, m, g, text, lower):
        return [_Item(m.start(), m.end(), "DATE", "rel",
                      {"grain": g["g"], "anchor": "previous", "offset": 1 if g["ba"] == "after" else -1})]

    def _h_the_past(self, m, g, text, lower):
        w, unit = g["w"], g["u"]
        n = self._amount(g["n"]) if g["n"] else None
        if g["n"] and n is None:
            return None
        plural = unit.endswith(("s", "ies"))
        if n is None:
            if plural:
                if w in ("coming", "next"):
                    return [_Item(m.start(), m.end(), "DATE", "value", {"value": "FUTURE_REF"})]
                if w in ("past", "last"):
                    return [_Item(m.start(), m.end(), "DATE", "value", {"value": "PAST_REF"})]
                return None
            if w in ("next", "following", "previous", "coming"):
                grain = self.grains.get(unit)
                if grain is None:
                    return None
                anchor, offset = self.relatives["the " + w]
                return [_Item(m.start(), m.end(), "DATE", "rel",
                              {"grain": grain, "anchor": anchor, "offset": offset})]
            if w in ("first", "final"):
                return None
            n = 1
        return [_Item(m.start(), m.end(), "DURATION", "value", {"value": self._duration(n, unit)})]

    def _h_relative(self, m, g, text, lower):
        rel = " ".join(g["rel"].split())
        mod = self._date_mod(g)
        if rel == "the" and not g["mod"]:
            if g["g"] != "weekend":
                return None
            return [_Item(m.start(), m.end(), "DATE", "rel",
                          {"grain": "weekend", "anchor": "published", "offset": None})]
        if rel == "that" and g["g"] not in ("day", "week", "month", "year"):
            return None
        anchor, offset = self.relatives[rel]
        return [_Item(m.start(), m.end(), "DATE", "rel",
                      {"grain": self.grains[g["g"]], "anchor": anchor, "offset": offset}, mod)]

    def _h_duration(self, m, g, text, lower):
        n = self._amount(g["n"])
        if n is None:
            return None
        if g["half"] and n != "X":
            n = float(n) + 0.5
        mod = self.amount_mods.get(" ".join(g["amod"].split())) if g["amod"] else None
        s, e = m.start(), m.end()
        unit = g["u"]
        nword = " ".join(g["n"].split())
        if nword in ("a", "an") and not g["amod"] and _MONEY_BEFORE.search(lower, max(0, s - 16), s):
            return [_Item(s, e, "SET", "value", {"value": self._duration(1, unit)})]
        nxt = self._next(lower, e)
        if nxt == "old":  # an age: "a 12-year-old"
            return None
        if nxt in self.period_ends and self._prev(lower, s) == "the":
            return None  # "the three months to March": a reporting period named by its end
        if lower[e:e + 4] == "-old":
            return None
        prev = self._prev(lower, s)
        grain = self.grains.get(unit)
        if prev == "in" and grain and not mod and self._direction(lower, s, e) == "future":
            return [_Item(s, e, "DATE", "shift", {"n": n, "sign": 1, "unit": unit, "anchor": "published"})]
        return [_Item(s, e, "DURATION", "value", {"value": self._duration(n, unit)}, mod)]

    def _h_plural(self, m, g, text, lower):
        if self._prev(lower, m.start()) not in ("for", "in", "over", "within", "took", "take", "takes"):
            return None
        if self._next(lower, m.end()) in ("of", "old", "ago"):
            return None
        return [_Item(m.start(), m.end(), "DURATION", "value", {"value": self._duration("X", m.group())})]

    def _time_item(self, m, h: int, mi: int, zone: str | None) -> list[_Item] | None:
        if not (0 <= h <= 24 and 0 <= mi <= 59):
            return None
        return [_Item(m.start(), m.end(), "TIME", "time",
                      {"t": f"{h:02d}:{mi:02d}", "z": self.zones.get(" ".join(zone.split())) if zone else ""})]

    def _h_time(self, m, g, text, lower):
        h = int(g["h"])
        if not 1 <= h <= 12:
            return None
        ap = g["ap"][0]
        h = h % 12 + (12 if ap == "p" else 0)
        items = self._time_item(m, h, int(g["mi"] or 0), g["z"])
        if items and g["amod"]:  # "about 5 a.m."
            items[0].mod = "APPROX"
        return items

    def _h_clock(self, m, g, text, lower):
        if not g["z"] and self._prev(lower, m.start()) not in self.time_cues:
            return None
        return self._time_item(m, int(g["h"]), int(g["mi"]), g["z"])

    def _h_hhmm(self, m, g, text, lower):
        return self._time_item(m, int(g["h"]), int(g["mi"]), g["z"])

    def _h_oclock(self, m, g, text, lower):
        h = g["h"]
        n = int(h) if h.isdigit() else self.numbers.get(" ".join(h.split()))
        if not isinstance(n, int) or not 1 <= n <= 12:
            return None
        return self._time_item(m, n, 0, None)

    def _h_time_word(self, m, g, text, lower):
        hm = self.times_of_day[g["t"]]
        h, mi = hm.split(":")
        return self._time_item(m, int(h), int(mi), None)

    def _h_month(self, m, g, text, lower):
        if not self._month_ok(text, lower, m, "month", not g["y"]):
            return None
        word = g["m"].rstrip(".")
        if word not in self.full_months and not g["y"]:
            return None
        rel = g["rel"]
        if rel and g["y"]:
            return None  # "last June 2020": not one expression
        return [_Item(m.start(), m.end(), "DATE", "month",
                      {"m": self.months[word], "y": self._year_of(g), "rel": rel}, self._date_mod(g))]

    def _h_year(self, m, g, text, lower):
        s = m.start("year__y")
        y = int(g["y"])
        if not (g["mod"] or g["the"]):
            prev = self._prev(lower, s)
            before = text[s - 1] if s else ""
            if before in "$£€#" or prev in self.quantity_cues:
                return None
            if self._next(lower, m.end()) in self.count_nouns:
                return None
            if prev and not self._sentence_start(text, s):
                j = s - 1
                while j >= 0 and text[j].isspace():
                    j -= 1
                k = j
                while k >= 0 and (text[k].isalnum() or text[k] in "'’-."):
                    k -= 1
                word = text[k + 1:j + 1]
                if (word[:1].isupper() and prev not in self.year_capital_ok
                        and prev not in self.full_months and prev not in self.months):
                    return None
            if not 1900 <= y <= 2040 and prev not in self.year_strong:
                return None
        return [_Item(m.start(), m.end(), "DATE", "value", {"value": f"{y:04d}"}, self._date_mod(g))]

    def _h_reference(self, m, g, text, lower):
        phrase = g["r"]
        if phrase not in self.references:
            phrase = " ".join(phrase.split())
        needs = self.ref_needs.get(phrase)
        blocked = self.ref_blocked.get(phrase)
        if needs or blocked:  # the word before matters for this phrase
            prev = self._prev(lower, m.start())
            if needs and prev not in needs:
                return None
            if blocked and prev in blocked:
                return None
        s = m.start()
        if text[s].isupper() and phrase in self.cap_names and not self._sentence_start(text, s):
            return None
        label, value = self.references[phrase]
        return [_Item(s, m.end(), label, "value", {"value": value})]

    # -- ranges --------------------------------------------------------------------------

    _CONNECTOR = re.compile(r"\s*(?:-|–|—|to|until|till|through|thru|and|or)\s*$")

    def _inherit(self, items: list[_Item], lower: str) -> None:
        """Range endpoints share a year: "from May to July 2023", "March 3 and May 5, 2024"."""
        for a, b in zip(items, items[1:]):
            if a.kind in ("md", "month") and b.kind in ("md", "month") and a.p["y"] is None \
                    and b.p["y"] is not None and b.s - a.e <= 12 \
                    and self._CONNECTOR.match(lower, a.e, b.s):
                y = b.p["y"]
                a.p["y"] = y - 1 if a.p["m"] > b.p["m"] else y

    # -- resolution ----------------------------------------------------------------------

    def _pick(self, cands: Iterable[tuple[_dt.date, _dt.date, Any]], pub: _dt.date, direction: str):
        cands = sorted(cands, key=lambda c: c[0])
        if direction == "past":
            ok = [c for c in cands if c[0] <= pub]
            return (ok[-1] if ok else cands[0])[2]
        if direction == "future":
            ok = [c for c in cands if c[1] >= pub]
            return (ok[0] if ok else cands[-1])[2]
        for c in cands:
            if c[0] <= pub <= c[1]:
                return c[2]
        return min(cands, key=lambda c: min(abs((c[0] - pub).days), abs((c[1] - pub).days)))[2]

    def _resolve(self, items: list[_Item], text: str, lower: str, pub: _dt.date | None) -> list[Finding]:
        last: tuple[_dt.date, str, _Item] | None = None
        types = self.types
        config = self.config
        kept: list[_Item] = []
        resolvers = self._resolvers
        anchors = self._anchors
        if len(anchors) > 50_000:
            anchors.clear()
        for item in items:
            if kept and item.s < kept[-1].e:
                continue
            try:
                ok = resolvers[item.kind](item, pub, last, lower)
            except (ValueError, OverflowError):
                ok = False
            if not ok or item.value is None or item.label not in types:
                continue
            if pub is None and item.anchor == "published" and not config.emit_unresolved:
                continue
            kept.append(item)
            if item.label == "DATE":
                parsed = anchors.get(item.value, _MISSING)
                if parsed is _MISSING:
                    parsed = anchors[item.value] = self._as_anchor(item.value)
                if parsed is not None:
                    last = (parsed[0], parsed[1], item)
        # A clock time takes the day of the date right after it: "3 p.m. on Tuesday".
        for a, b in zip(kept, kept[1:]):
            if a.kind == "time" and b.label == "DATE" and b.e - a.e < 40 and \
                    _TIME_THEN_DATE.match(lower, a.e, b.s):
                parsed = self._as_anchor(b.value)
                if parsed is not None and parsed[1] == "day":
                    a.value = f"{b.value}{a.value[a.value.index('T'):]}"
                    a.anchor, a.ref = "previous", b
        finding = self._finding
        return [item.finding or finding(item, text) for item in kept]

    def _finding(self, item: _Item, text: str) -> Finding:
        """The item's finding, made after the finding it is anchored on (for its ref)."""
        if item.finding is not None:
            return item.finding
        refs: dict[str, Any] | None = None
        if item.anchor == "previous" and item.ref is not None:
            attributes: Any = {"anchor": finding_id("date", item.ref.s, item.ref.e)}
            if item.mod:
                attributes = {"mod": item.mod, **attributes}
            refs = {"anchor": self._finding(item.ref, text)}
        else:  # one shared read-only mapping per (mod, anchor)
            key = (item.mod or None, "published" if item.anchor == "published" else None)
            attributes = self._attributes.get(key)
            if attributes is None:
                attributes = {k: v for k, v in zip(("mod", "anchor"), key) if v}
                if attributes:
                    attributes = Finding("date", 0, 0, "", attributes=attributes).attributes
                self._attributes[key] = attributes
        value = item.value
        if item.label == "DATE" and "T" in value and not value.endswith("_REF"):
            item.label = "TIME"  # "this morning", "Sunday night": a part of a day
        item.finding = Finding("date", item.s, item.e, text[item.s:item.e], label=item.label,
                               value=value, attributes=attributes or None, refs=refs)
        return item.finding

    @staticmethod
    def _as_anchor(value: str) -> tuple[_dt.date, str] | None:
        if "T" in value and not value.endswith("_REF"):  # "Friday night": its day anchors
            value = value[:value.index("T")]
        m = _DATE_VALUE.match(value)
        if m is None:
            return None
        y = int(m.group(1))
        if m.group(3):
            return _dt.date(y, int(m.group(2)), int(m.group(3))), "day"
        if m.group(2):
            return _dt.date(y, int(m.group(2)), 1), "month"
        if m.group(4):
            return _dt.date.fromisocalendar(y, int(m.group(4)), 1), "week"
        if m.group(5):
            return _dt.date(y, 3 * int(m.group(5)) - 2, 1), "quarter"
        return _dt.date(y, 1, 1), "year"

    def _r_value(self, item, pub, last, lower):
        item.value = item.p["value"]
        return True

    def _r_md(self, item, pub, last, lower):
        p = item.p
        mo, d, y = p["m"], p["d"], p["y"]
        if y is not None:
            item.value = _dt.date(y, mo, d).isoformat()
            return True
        item.anchor = "published"
        if pub is None:
            item.value = f"XXXX-{mo:02d}-{d:02d}"
            return True
        link = p.get("link")
        if link is not None and link.value and link.value[:4].isdigit():  # the other end of a range
            item.value = _dt.date(int(link.value[:4]), mo, d).isoformat()
            return True
        direction = self._direction(lower, link.s if link is not None else item.s, item.e)
        start = self._range_start(item, last, lower) if link is None else None
        cands = []
        for yy in (pub.year - 1, pub.year, pub.year + 1):
            try:
                day = _dt.date(yy, mo, d)
            except ValueError:
                continue
            cands.append((day, day, day))
        if not cands:
            return False
        day = self._pick(cands, pub, direction)
        if start is not None and day < start:  # the end of a range is not before its start
            day = next((c for c, _, _ in cands if c >= start), day)
        item.value = day.isoformat()
        return True

    def _r_month(self, item, pub, last, lower):
        mo, y = item.p["m"], item.p["y"]
        if y is not None:
            item.value = f"{y:04d}-{mo:02d}"
            return True
        item.anchor = "published"
        if pub is None:
            item.value = f"XXXX-{mo:02d}"
            return True
        rel = item.p.get("rel")
        if rel is not None:  # "last June": the June before this month; "next June": after it
            yy = pub.year
            if rel == "last" and mo >= pub.month:
                yy -= 1
            elif rel == "next" and mo <= pub.month:
                yy += 1
            item.value = f"{yy:04d}-{mo:02d}"
            return True
        direction = self._direction(lower, item.s, item.e)
        key = ("month", mo, pub, direction)
        value = self._picked.get(key)
        if value is None:
            cands = []
            for yy in (pub.year - 1, pub.year, pub.year + 1):
                start = _dt.date(yy, mo, 1)
                cands.append((start, shift(start, "month", 1) - _dt.timedelta(days=1), yy))
            yy = self._pick(cands, pub, direction)
            value = self._remember(key, f"{yy:04d}-{mo:02d}")
        start = self._range_start(item, last, lower)
        if start is not None and (int(value[:4]), mo) < (start.year, start.month):
            value = f"{start.year + (mo < start.month):04d}-{mo:02d}"  # "from November to [February]"
        item.value = value
        return True

    def _r_same(self, item, pub, last, lower):
        """"the same period last year": the last date's quarter, half, month or week, in the
        year ``offset`` from it; with no such date, the year itself."""
        offset = item.p["offset"]
        prev = last[2].value if last is not None else None
        got = _PERIOD_VALUE.match(prev) if prev else None
        if got is not None:
            item.anchor, item.ref = "previous", last[2]
            item.value = f"{got.group(1) or ''}{int(got.group(2)) + offset:04d}{got.group(3)}"
            return True
        item.anchor = "published"
        item.value = f"{pub.year + offset:04d}" if pub is not None else "XXXX"
        return True

    def _remember(self, key: tuple, value: str) -> str:
        """Keep a resolved value for the same expression, date and direction."""
        if len(self._picked) > 50_000:
            self._picked.clear()
        self._picked[key] = value
        return value

    def _r_part(self, item, pub, last, lower):
        p = item.p
        n, grain, y = p["n"], p["grain"], p["y"]
        letter = "Q" if grain == "quarter" else "H"
        if y is not None:
            item.value = f"{y:04d}-{letter}{n}"
            return True
        item.anchor = "published"
        if pub is None:
            item.value = f"XXXX-{letter}{n}"
            return True
        if "rel" in p:
            item.value = f"{pub.year + p['rel']:04d}-{letter}{n}"
            return True
        months = 3 if grain == "quarter" else 6
        cands = []
        for yy in (pub.year - 1, pub.year, pub.year + 1):
            start = _dt.date(yy, months * (n - 1) + 1, 1)
            cands.append((start, shift(start, "month", months) - _dt.timedelta(days=1), yy))
        yy = self._pick(cands, pub, self._direction(lower, item.s, item.e))
        item.value = f"{yy:04d}-{letter}{n}"
        return True

    def _holiday_date(self, rule: str, year: int) -> _dt.date | None:
        kind, _, arg = rule.partition(":")
        if kind == "fixed":
            mo, d = arg.split("-")
            return _dt.date(year, int(mo), int(d))
        if kind == "easter":
            return easter(year) + _dt.timedelta(days=int(arg))
        if kind == "nth":
            parts = [int(x) for x in arg.split(":")]
            day = nth_weekday(year, parts[0], parts[1], parts[2])
            return day + _dt.timedelta(days=parts[3]) if len(parts) > 3 else day
        if kind == "table":
            md = self.tables.get(arg, {}).get(year)
            if md is None:
                return None
            mo, d = md.split("-")
            return _dt.date(year, int(mo), int(d))
        return None

    def _r_holiday(self, item, pub, last, lower):
        p = item.p
        rule, y, rel = p["rule"], p["y"], p["rel"]
        if y is not None:
            day = self._holiday_date(rule, y)
            if day is None:
                return False
            item.value = day.isoformat()
            return True
        item.anchor = "published"
        if pub is None:
            kind, _, arg = rule.partition(":")
            item.value = f"XXXX-{arg}" if kind == "fixed" else "XXXX-XX-XX"
            return True
        cands = []
        for yy in range(pub.year - 2, pub.year + 3):
            day = self._holiday_date(rule, yy)
            if day is not None:
                cands.append((day, day, day))
        if not cands:
            return False
        if rel is not None and rel[0] == "published":
            offset = rel[1]
            if offset < 0:
                ok = [c for c in cands if c[0] < pub]
                day = ok[-1][2] if ok else None
            elif offset > 0:
                ok = [c for c in cands if c[0] > pub]
                day = ok[0][2] if ok else None
            else:
                day = next((c[2] for c in cands if c[0].year == pub.year), None)
        else:
            day = self._pick(cands, pub, self._direction(lower, item.s, item.e))
        if day is None:
            return False
        item.value = day.isoformat()
        return True

    _SEASON_ORDER = {"SP": 0, "SU": 1, "FA": 2, "WI": 3}

    def _r_season(self, item, pub, last, lower):
        p = item.p
        code, y, rel = p["s"], p["y"], p["rel"]
        if y is not None:
            item.value = f"{y:04d}-{code}"
            return True
        if rel is not None and rel[0] == "previous":
            base = last[0].year if last else (pub.year if pub else None)
            item.anchor = "previous" if last else "published"
            item.ref = last[2] if last else None
            item.value = f"{base + rel[1]:04d}-{code}" if base else f"XXXX-{code}"
            return True
        item.anchor = "published"
        if pub is None:
            item.value = f"XXXX-{code}"
            return True
        mo = pub.month
        cur = (pub.year, 3) if mo == 12 else (pub.year - 1, 3) if mo <= 2 else (pub.year, (mo - 3) // 3)
        want = self._SEASON_ORDER[code]
        cands = [(yy, want) for yy in (pub.year - 2, pub.year - 1, pub.year, pub.year + 1)]
        if rel is not None:
            offset = rel[1]
            if offset == 0:
                yy = pub.year
            elif offset < 0:
                yy = max(c for c in cands if c < cur)[0]
            else:
                yy = min(c for c in cands if c > cur)[0]
        else:
            direction = self._direction(lower, item.s, item.e)
            if direction == "future":
                yy = min(c for c in cands if c >= cur)[0]
            else:
                yy = max(c for c in cands if c <= cur)[0]
        item.value = f"{yy:04d}-{code}"
        return True

    def _r_deictic(self, item, pub, last, lower):
        p = item.p
        item.anchor = "published"
        base = "XXXX-XX-XX" if pub is None else (pub + _dt.timedelta(days=p["offset"])).isoformat()
        item.value = base + (f"T{p['pod']}" if p["pod"] else "")
        return True

    def _range_start(self, item: _Item, last, lower: str) -> _dt.date | None:
        """The start day when ``item`` ends a range whose start is the last date ("from Monday
        to [Friday]", "between March and [May]"), else None."""
        if last is None:
            return None
        start = last[2]
        link = lower[start.e:item.s].strip()
        if link in self.range_links:
            return last[0]
        if link in self.range_open_links and self._prev(lower, start.s) in self.range_openers:
            return last[0]
        return None

    def _r_weekday(self, item, pub, last, lower):
        p = item.p
        wd, rel, pod = p["wd"], p["rel"], p["pod"]
        suffix = f"T{pod}" if pod else ""
        if rel is not None and rel[0] == "previous":
            if last is None or last[1] not in ("day", "week"):
                return False
            base = last[0]
            item.anchor, item.ref = "previous", last[2]
            day = base + _dt.timedelta(days=(wd - base.isoweekday()) % 7 or 7)
            item.value = day.isoformat() + suffix
            return True
        item.anchor = "published"
        if pub is None:
            item.value = f"XXXX-WXX-{wd}{suffix}"
            return True
        today = pub.isoweekday()
        if rel is not None:
            offset = rel[1]
            if offset < 0:
                day = pub - _dt.timedelta(days=(today - wd) % 7 or 7)
            elif offset > 0:
                day = pub + _dt.timedelta(days=(wd - today) % 7 or 7)
            else:
                day = pub + _dt.timedelta(days=wd - today)
        elif (start := self._range_start(item, last, lower)) is not None:
            day = start + _dt.timedelta(days=(wd - start.isoweekday()) % 7 or 7)  # "to Friday"
        else:
            direction = self._direction(lower, item.s, item.e)
            back = pub - _dt.timedelta(days=(today - wd) % 7)
            ahead = pub + _dt.timedelta(days=(wd - today) % 7)
            if direction == "future":
                day = ahead
            elif direction == "past":
                day = back
            else:
                day = back if (pub - back) <= (ahead - pub) else ahead
        item.value = day.isoformat() + suffix
        return True

    def _grain_of(self, unit: str) -> str:
        return self.grains.get(unit, "day")

    def _r_shift(self, item, pub, last, lower):
        p = item.p
        n, sign, unit = p["n"], p["sign"], p["unit"]
        grain = self._grain_of(unit)
        base: _dt.date | None = pub
        item.anchor = "published"
        if p["anchor"] == "previous" and last is not None \
                and _FINER.get(last[1], 9) <= _FINER.get(grain, 9):
            base = last[0]
            item.anchor, item.ref = "previous", last[2]
        if n == "X":
            item.value = "PAST_REF" if sign < 0 else "FUTURE_REF"
            return True
        letter = self.units[unit][0]
        if letter[0].isdigit():
            n = float(n) * int(letter[:-1])
        if base is None:
            item.value = undef(grain)
            return True
        item.value = fmt(shift(base, grain, sign * float(n)), grain)
        return True

    def _r_rel(self, item, pub, last, lower):
        p = item.p
        grain, anchor, offset = p["grain"], p["anchor"], p["offset"]
        base: _dt.date | None = pub
        item.anchor = "published"
        if anchor == "previous":
            if last is not None and _FINER.get(last[1], 9) <= _FINER.get(grain, 9):
                base = last[0]
                item.anchor, item.ref = "previous", last[2]
            elif last is not None:
                return False
        if base is None:
            item.value = undef(grain)
            return True
        if offset is None:  # "the weekend": the one of this week if it is here, else by tense
            if base.isoweekday() >= 6:
                offset = 0
            else:
                offset = -1 if self._direction(lower, item.s, item.e) == "past" else 0
        item.value = fmt(shift(base, grain, offset), grain)
        return True

    def _r_time(self, item, pub, last, lower):
        p = item.p
        day = None
        if last is not None and last[1] == "day" and abs(item.s - last[2].e) <= 40:
            day = last[0].isoformat()
            item.anchor, item.ref = "previous", last[2]
        elif pub is not None:
            day = pub.isoformat()
            item.anchor = "published"
        else:
            day = "XXXX-XX-XX"
            item.anchor = "published"
        item.value = f"{day}T{p['t']}{p['z']}"
        return True

    def _r_anniversary(self, item, pub, last, lower):
        left = max(lower.rfind(".", 0, item.s), lower.rfind("\n", 0, item.s)) + 1
        m = _SENTENCE_END.search(lower, item.e)
        right = m.start() if m else len(lower)
        years = [int(y.group(1)) for y in _YEAR_IN.finditer(lower, left, right)
                 if not (item.s <= y.start() < item.e)]
        if not years:
            return False
        value = years[0] + item.p["n"]
        if pub is not None and value > pub.year + 5:
            return False
        item.value = f"{value:04d}"
        return True


#: Trigger classes whose words count only capitalised ("May", not "may").
_CAPITALISED = frozenset({"month", "weekday", "weekday_plural", "quarter_code", "half_code"})

#: Granularities from fine to coarse, for anaphoric anchors.
_FINER = {"day": 0, "week": 1, "weekend": 1, "fortnight": 1, "month": 2, "quarter": 3, "half": 4,
          "year": 5, "decade": 6, "century": 7}


if __name__ == "__main__":  # a demo: python -m newskit_dates._tagger
    from newskit_dates import load_lexicon

    sample = (
        "On October 2 Xi Jinping named relations between Moscow and Beijing a win-win "
        "interaction. The talks began last week and will resume on Friday at 3 p.m. EDT. "
        "Profits fell 4% in the third quarter, two years after the merger of 2022; the "
        "board meets every Monday. Three days later, prices rose for the first time in a decade. "
        "Theresa May said the Boeing 747 was grounded after a 2-1 vote."
    )
    tagger = Tagger(load_lexicon(), DatesConfig())
    for published in (_dt.date(2024, 10, 2), None):
        print(f"published_at={published}")
        for f in tagger.tag(sample, published):
            extra = {k: v for k, v in f.attributes.items()}
            print(f"  {f.start:4d}-{f.end:<4d} {f.text!r:28} {f.label:9} {f.value:22} {extra}")
