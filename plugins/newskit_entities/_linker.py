"""The entity linker: gazetteer matching over capitalised runs, disambiguation, metonymy,
nominal descriptions and surname coreference. Its lexicons come from ``data/rules.toml``.

Matching: one linear-time regular expression finds runs of capitalised tokens (joined by
spaces, hyphens and lower-case name connectors such as "of" or "al-"); inside each run the
longest alias from the left wins (a dict lookup per candidate span). Text without capitals
costs one C-level scan and nothing else.
"""

from __future__ import annotations

import bisect
import functools
import operator
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from newskit import Finding

from newskit_entities._kb import KB, OFFICE_ROLES

__all__ = ["Linker"]

_UPPER = "".join(c for c in map(chr, range(0x41, 0x250)) if c.isupper())
_UP = f"[{re.escape(_UPPER)}]"
# A token: a dotted acronym (U.S., U.N.) or a capitalised word, possibly with an apostrophe
# part (O'Brien). A possessive "'s" is not part of the token ("Russia's" → "Russia"); it may
# join two tokens of one name ("People's Daily").
_TOK = rf"{_UP}(?:(?<=[A-Z])\.(?:[A-Z]\.)+|[\w&]*(?:['’](?!s\b)[A-Za-z]\w*)?(?:-[a-z]\w*)*)"


_start = operator.methodcaller("start")


def _is_word(ch: str) -> bool:
    """Is ``ch`` a regex word character (``\\w``)?"""
    return ch.isalnum() or ch == "_"


_WORD_RUN = re.compile(r"\w+")


def _standalone(text: str, words: set[str], small: int = 2_000_000) -> list[tuple[int, int, str]]:
    """``(start, -length, word)`` of every occurrence of the words with no word character on
    either side (overlaps included), in no particular order.

    One ``str.find`` loop per word is fastest for an article, but its cost is words × text,
    which a long document (thousands of names, megabytes) turns quadratic; there, one pass
    over the text's word runs looks each up among the first runs of the words."""
    if len(words) * len(text) <= small:
        return [o for w in words for o in _occurrences(text, w)]
    by_first: dict[str, list[str]] = {}
    out = []
    for w in words:
        m = _WORD_RUN.match(w)
        if m is None:  # not starting with a word character: not from the name scan, but exact
            out.extend(_occurrences(text, w))
        else:
            by_first.setdefault(m.group(), []).append(w)
    size, startswith = len(text), text.startswith
    # A standalone occurrence of a word that starts with a word character starts a run.
    for m in _WORD_RUN.finditer(text):
        cands = by_first.get(m.group())
        if cands is not None:
            i = m.start()
            for w in cands:
                j = i + len(w)
                if startswith(w, i) and not (j < size and _is_word(text[j])):
                    out.append((i, -len(w), w))
    return out


def _leftmost_disjoint(matches: list) -> list:
    """``(match, flag)`` pairs in text order, each dropped that overlaps one kept before it."""
    out, end = [], -1
    for item in sorted(matches, key=lambda x: x[0].start()):
        if item[0].start() >= end:
            out.append(item)
            end = item[0].end()
    return out


def _occurrences(text: str, w: str) -> list[tuple[int, int, str]]:
    n = len(w)
    return [(i, -n, w) for i in _alone(text, w)]


def _alone(text: str, w: str) -> Iterator[int]:
    """Where ``w`` stands with no word character on either side, left to right.

    ``str.find``, not a regex with lookarounds: a regex cannot skip ahead to the word's
    first letter, and a long document asks about hundreds of words."""
    size, n, find = len(text), len(w), text.find
    i = find(w)
    while i >= 0:
        j = i + n
        if not ((i and _is_word(text[i - 1])) or (j < size and _is_word(text[j]))):
            yield i
        i = find(w, i + 1)


def _words(items: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(items), key=len, reverse=True))


#: a wire dateline: a place in capitals at the start of the text, an optional ", State" or
#: ", March 3", an optional "(Agency)" and a dash ("TOKYO (Reuters) -", "NEW YORK, March 3 -")
_DATELINE = re.compile(
    r"[ \t\r\n]{0,20}([A-Z][A-Z'’.]{1,24}(?:[- ][A-Z][A-Z'’.]{1,24}){0,3})(?=(?:,[ \t]+[A-Za-z0-9. ]{1,30})?[ \t]*"
    r"(?:\([^()\n]{1,40}\)[ \t]*)?[-–—])"
)

#: ``Linker._plan`` outcome kinds, and the plan of a run that holds nothing
_NIL, _MAYBE, _PENDING = "nil", "maybe", "pending"
_NOTHING = ((), ())
#: at most this many run plans are cached (then the cache starts afresh)
_PLAN_CACHE = 50_000


class _Mention:
    __slots__ = ("start", "end", "cands", "ent", "via", "conf", "value", "literal", "drop", "nil", "surface")

    def __init__(self, start: int, end: int, cands: tuple, surface: str) -> None:
        self.start = start
        self.end = end
        self.cands = cands
        self.surface = surface
        self.ent = None  # entity index when linked
        self.via = "alias"
        self.conf = 0.9
        self.value: Any = None
        self.literal: Any = None
        self.drop = False
        self.nil = False


class Linker:
    """Callable component: ``linker(view) -> list[Finding]``."""

    def __init__(self, kb: KB, rules: Mapping[str, Any], *, min_confidence: float = 0.0,
                 nominals: bool = True, metonymy: bool = True) -> None:
        self.kb = kb
        self.min_confidence = min_confidence
        self.nominals = nominals
        self.metonymy = metonymy
        conn = _words(rules["connectors"])
        sep = r"(?:[ \t\u00a0]+|-|['’]s[ \t\u00a0]+|(?<=s)['’][ \t\u00a0]+|(?<=\b[A-Z])\.[ \t\u00a0]*)"
        # group 1 is None for a one-token run (the common case, looked up directly)
        self.run_re = re.compile(
            rf"{_TOK}((?:{sep}(?=[a-z&{re.escape(_UPPER)}])(?:(?:{conn}){sep}|d['’])*{_TOK})+)?"
        )
        # first token of every multi-token alias → the most tokens an alias starting with it has
        self.first: dict[str, int] = {}
        self.tok_re = tok_re = re.compile(_TOK)
        for key in kb.alias:
            if key.isalpha():
                continue  # letters only: one token at most
            toks = tok_re.findall(key)
            if len(toks) > 1:
                self.first[toks[0]] = max(self.first.get(toks[0], 0), len(toks))
        # abbreviated titles ("Mr. Smith"); the capitalised word is checked against the titles
        self.abbr_re = re.compile(rf"({_UP}[a-z]{{0,4}})\.[ \t\u00a0]+(?={_UP})")
        self.titles = set()
        for t in rules["titles"]:
            self.titles.update(t.replace("-", " ").split())
        self.given = frozenset(rules["given_names"])
        self.non_names = frozenset(rules["non_names"])
        self.not_person = frozenset(rules.get("not_person_words", ()))
        self.person_conn = frozenset(rules.get("person_connectors", ()))
        self.coordinators = frozenset(rules.get("name_coordinators", ()))
        self.role_nouns = frozenset(rules.get("role_nouns", ()))
        #: cities ranked below this prior are read as part of a name next to an unknown word
        self.small_city_prior = float(rules.get("places", {}).get("small_city_prior", 0.0))
        m = rules["metonymy"]
        self.lit_before = frozenset(m["literal_before"])
        self.lit_after = frozenset(w for w in m["literal_after"] if not w.startswith("-"))
        self.agent_before = frozenset(w for w in m["agent_before"] if w != "and")
        self.agent_after = frozenset(w for w in m["agent_after"] if w != "and")
        self.skip_after = frozenset(m["skip_after"])
        #: "warnings from Brussels": a noun of pressure or speech before the preposition makes
        #: the place an agent although the preposition alone would make it literal
        self.agent_nouns = frozenset(m.get("agent_nouns", ()))
        self.agent_noun_preps = frozenset(m.get("agent_noun_preps", ()))
        self.lower_conn = frozenset(w for w in rules["connectors"] if w.isalpha())
        self.meto_targets = dict(m.get("targets", {}))
        self.left_re = re.compile(r"([A-Za-z][A-Za-z'-]*)[ \t\u00a0]+(?:the[ \t\u00a0]+)?$")
        self.right_re = re.compile(r"(['’]s)?(?:(-based)|[ \t\u00a0]+([a-z]+)(?:[ \t\u00a0]+([a-z]+))?)?")
        self.coord_re = re.compile(r"[ \t\u00a0]*(?:,[ \t\u00a0]*(?:and[ \t\u00a0]+)?|and[ \t\u00a0]+|or[ \t\u00a0]+)$")
        tw = _words(rules["title_words"])
        self.title_after_re = re.compile(
            rf"[ \t\u00a0]+(?:(?:{tw})|(?:{_words(t for t in rules['titles'] if t[0].isupper())}))[ \t\u00a0]+{_UP}",
        )
        self.roles = {k: tuple(v) for k, v in rules["nominal"]["roles"].items()}
        self.precise = frozenset(rules["nominal"]["precise"])
        # the modifier: a demonym ("Russian", "South Korean") or a country's acronym ("US")
        # or the role before "of" and its country: "the emir of Qatar" (group 3 the country)
        nominal = (rf"he[ \t\u00a0]+(?:({_UP}[a-z]+(?:[ \t\u00a0]{_UP}[a-z]+)?|[A-Z]{{2,3}})[ \t\u00a0]+)?"
                   rf"({_words(self.roles)})\b(?:[ \t\u00a0]+of[ \t\u00a0]+(?:the[ \t\u00a0]+)?"
                   rf"({_UP}[a-z]+(?:[ \t\u00a0]{_UP}[a-z]+)?)\b|(?![ \t\u00a0]*(?:-|of\b|{_UP}|and\b)))")
        self._nominal_pattern = "[Tt]" + nominal  # compiled when needed (``nominal_re``)
        # a country's possessive: "Russia's president", "South Korea's foreign minister"
        self.possessive_re = re.compile(
            rf"({_UP}[a-z]+(?:[ \t\u00a0]{_UP}[a-z]+)?)['’]s[ \t\u00a0]+({_words(self.roles)})\b"
            rf"(?![ \t\u00a0]*(?:-|of\b|{_UP}|and\b))"
        )
        # its tail alone starts with a literal, so it rules most documents out at a scan
        self.possessive_tail_re = re.compile(rf"['’]s[ \t\u00a0]+(?:{_words(self.roles)})\b")
        # the same, one pattern per initial: a literal prefix scans several times faster
        self.nominal_lower_re = re.compile("t" + nominal)
        self.nominal_upper_re = re.compile("T" + nominal)
        self.ambiguous: dict[str, list[tuple[str, float, tuple[str, ...]]]] = {}
        cue_lists = rules.get("cue_lists", {})
        for amb in rules.get("ambiguous", []):
            self.ambiguous[amb["surface"]] = [
                (r["id"], float(r["prior"]),
                 tuple(r.get("cues", [])) + tuple(cue_lists.get(r.get("cue_list", ""), ())))
                for r in amb["readings"]
            ]
        acr = rules.get("acronyms", {})
        #: entity types whose acronyms link only in context (``[acronyms]`` in rules.toml)
        self.ctx_types = frozenset(acr.get("context_types", ()))
        self.acr_never = frozenset(acr.get("never", ()))
        self.acr_always = frozenset(acr.get("always", ()))
        #: one-word names of ``ctx_types`` ("Likud", "Labour") are gated as their acronyms are
        self.ctx_names = bool(acr.get("names_too", False))
        #: lower-case words after which such a one-word name is a common word ("Labour market")
        self.name_common_before = frozenset(acr.get("names_not_before", ()))
        self.next_word_re = re.compile(r"[ \t\u00a0]+([a-z]+)")
        #: surface → does it name an entity of ``ctx_types`` by acronym (filled lazily)
        self._ctx_surface: dict[str, bool] = {}
        self.cap_after_re = re.compile(rf"[ \t\u00a0]+{_UP}")
        #: (entity, via, literal) or (NIL surface, via) → label, value and the shared attributes
        self._attr_cache: dict[tuple, tuple] = {}
        self._holders: dict[tuple, list[int]] = {}
        #: run surface → what it holds (``_plan``); document-independent, so shared by documents
        self._plans: dict[str, tuple] = {}
        #: surface → does it name parties of several countries ("Labour Party"; filled lazily)
        self._shared_names: dict[str, bool] = {}

    @functools.cached_property
    def nominal_re(self) -> re.Pattern:
        """A description: "the (Russian) leader" (group 1 the demonym, group 2 the role)."""
        return re.compile(self._nominal_pattern)

    # -- entry point -----------------------------------------------------------------------

    def __call__(self, view: Any) -> list[Finding]:
        doc = view.document
        when = doc.published_at.isoformat()[:10] if doc.published_at is not None else None
        return self.link(doc.text, when)

    def link(self, text: str, when: str | None = None) -> list[Finding]:
        mentions: list[_Mention] = []
        pending: list[tuple[int, int, bool]] = []  # single unmatched tokens: start, end, after title
        nil_short: dict[str, str] = {}  # a NIL person's last word → the full name first seen
        titles = self.titles
        titled = {m.end() for m in self.abbr_re.finditer(text) if m.group(1) in titles}
        maybe_nil: list[tuple[int, int, str]] = []  # unknown capitalised names, decided after the scan
        maybe_last: set[str] = set()  # their last words
        fuzzy_last: dict[str, int] = {}  # last word of a name matched by its first and last words
        alias = self.kb.alias
        plans = self._plans
        if len(plans) > _PLAN_CACHE:
            plans.clear()
        for m in self.run_re.finditer(text):
            surface = m.group()
            plan = plans.get(surface)
            if plan is None:
                plan = plans[surface] = self._plan(surface, m.group(1) is None)
            if plan is _NOTHING:
                continue
            s = m.start()
            found, stretches = plan
            for rs, re_, hit, key in found:
                mentions.append(_Mention(s + rs, s + re_, hit, key))
                if key not in alias:  # a name matched by its first and last words ("Salva Kiir")
                    fuzzy_last.setdefault(key.rsplit(" ", 1)[-1], hit[0][0])
            for rel, if_plain, if_titled in stretches:
                if s + rel in titled or (if_titled is not if_plain and if_titled[0] is _NIL
                                         and self._role_before(text, s + rel)):
                    out = if_titled
                else:
                    out = if_plain
                if out is None:
                    continue
                what, rs, re_, word = out[:4]
                if what is _PENDING:
                    if out[4] or word in nil_short or (out[5] and word in maybe_last) or word in fuzzy_last:
                        pending.append((s + rs, s + re_, out[6]))
                elif what is _NIL:
                    ms = _Mention(s + rs, s + re_, (), out[4])
                    ms.nil = True
                    mentions.append(ms)
                    nil_short.setdefault(word, out[4])
                else:
                    maybe_nil.append((s + rs, s + re_, word))
                    maybe_last.add(word)
        if maybe_nil:
            self._repeated_names(text, maybe_nil, mentions, nil_short)
        if text[:2].isupper():
            self._dateline(text, mentions)
        if not mentions and not pending:
            return self._nominal_only(text, when, mentions)
        self._resolve(text, mentions)
        if nil_short:
            self._place_surnames(text, mentions, nil_short)
        # entities named in the document: their short forms ("Putin", "City") link to them
        named = {mm.ent for mm in mentions if mm.ent is not None and not mm.drop}
        self._shorts(text, pending, named, nil_short, mentions, when, fuzzy_last)
        if self.metonymy:
            self._metonymy(text, mentions)
        mentions.sort(key=lambda mm: mm.start)
        if self.nominals:
            self._nominal(text, when, mentions)
        return self._findings(text, mentions)

    # -- matching --------------------------------------------------------------------------

    def _plan(self, run: str, single: bool) -> tuple:
        """What one run of capitalised tokens holds, as offsets into the run (cached by surface).

        Returns ``(found, stretches)``: ``found`` are the alias matches ``(start, end, hits, key)``,
        longest from the left; ``stretches`` are the unmatched token stretches
        ``(offset of the first token, outcome, outcome after an abbreviated title)``, since
        whether an abbreviated title ("Mr. Smith", "Gen. Ali") stands before the stretch is known
        only per document (unabbreviated titles are capitalised and so part of the run). An
        outcome is ``None`` or ``(_NIL, start, end, last word, surface)`` (an unknown person),
        ``(_MAYBE, start, end, last word)`` (a person if the last word recurs alone) or
        ``(_PENDING, start, end, word, always, or_if_maybe_last, after_title)`` (a possible
        surname, kept if ``always``, if the word is a NIL person's surname in the document, or
        if ``or_if_maybe_last`` and it is the last word of an undecided name).
        """
        alias = self.kb.alias
        non_names = self.non_names
        hit = alias.get(run)
        if hit is not None:  # the whole run is one name ("Vladimir Putin", "Russia")
            return ((0, len(run), hit, run),), ()
        if single:
            surface = run
            if "-" in surface:  # "Moscow-based": the name before the hyphen
                surface = surface.split("-", 1)[0]
                hit = alias.get(surface)
                if hit is not None:
                    return ((0, len(surface), hit, surface),), ()
            if surface in non_names:
                return _NOTHING
            n = len(surface)
            return (), ((0, (_PENDING, 0, n, surface, surface in self.kb.short, True, False),
                         (_PENDING, 0, n, surface, True, True, True)),)
        toks = [t.span() for t in self.tok_re.finditer(run)]
        words = [run[ts:te] for ts, te in toks]
        n = len(toks)
        covered = [False] * n
        found = []
        given = self.given
        first = self.first
        i = 0
        while i < n:
            hit = None
            ts = toks[i][0]
            for j in range(min(n, i + first.get(words[i], 1)) - 1, i - 1, -1):
                te = toks[j][1]
                key = run[ts:te]
                h = alias.get(key)
                if h is None and i == j and "-" in key:
                    key = key.split("-", 1)[0]
                    te = ts + len(key)
                    h = alias.get(key)
                if h is not None:
                    hit = (j, te, h, key)
                    break
            if hit is None:
                i += 1
                continue
            j, te, h, key = hit
            # a place name used as a first name: "Jordan Henderson", "Paris Hilton" (but not
            # "Paris-based Euronext": a name with a suffix is no first name)
            if (i == j and te == toks[j][1] and key in given and j + 1 < n and run[te:toks[j + 1][0]].strip() == ""
                    and self.kb.entities[h[0][0]].type != "person"):
                nxt = words[j + 1]
                if nxt not in alias and nxt not in non_names:
                    i += 1
                    continue
            # a place or club name as a surname after a given name: "Maria Santos", "Ana
            # Paris" (a given name that is itself a place, "Austin Texas", stays a place)
            if (i == j and i > 0 and not covered[i - 1] and words[i - 1] in given
                    and words[i - 1] not in alias and run[toks[i - 1][1]:ts].strip() == ""
                    and all(self.kb.entities[c[0]].type != "person" for c in h)):
                i += 1
                continue
            # a smaller city's one-word name next to an unknown word of the same run is part of
            # a longer name ("Tran Van Hoa", "Lindsay Davenport", "Van Gogh", "Stamford Bridge")
            if (i == j and all(self._small_city(c[0]) for c in h)
                    and ((0 < i and not covered[i - 1] and run[toks[i - 1][1]:ts] == " "
                          and self._name_word(words[i - 1]))
                         or (j + 1 < n and run[te:toks[j + 1][0]] == " " and self._name_word(words[j + 1])))):
                i += 1
                continue
            # an unknown given name before a person's name makes another person's name
            # ("Mahamat Idriss Déby" is not "Idriss Déby"): the whole name may still name one
            # KB person by its first and last words ("Mahamat Déby Itno")
            if (i > 0 and not covered[i - 1] and run[toks[i - 1][1]:ts] == " "
                    and all(self.kb.entities[c[0]].type == "person" for c in h)
                    and words[i - 1] not in self.titles and words[i - 1] not in non_names
                    and words[i - 1] not in alias):
                other = self._fuzzy_person(words[i - 1], words[j])
                if other is not None:
                    ts = toks[i - 1][0]
                    found.append((ts, te, ((other, "alias"),), run[ts:te]))
                    covered[i - 1:j + 1] = [True] * (j + 2 - i)
                    i = j + 1
                    continue
            found.append((ts, te, h, key))
            covered[i:j + 1] = [True] * (j + 1 - i)
            i = j + 1
        # unmatched stretches of tokens a..b: NIL persons and short forms
        stretches: list = []
        coordinators = self.coordinators
        k = 0
        while k < n:
            if covered[k]:
                k += 1
                continue
            a0 = k
            b0 = k
            while b0 + 1 < n and not covered[b0 + 1]:
                b0 += 1
            k = b0 + 1
            # "Maria Santos and Kenji Paris" is two names: split at a coordinating word
            cuts = [x for x in range(a0, b0)
                    if run[toks[x][1]:toks[x + 1][0]].strip(" \t\u00a0") in coordinators]
            for a, b in zip([a0, *(x + 1 for x in cuts)], [*cuts, b0]):
                hit = self._fuzzy_stretch(run, toks, words, a, b)
                if hit is not None:
                    found.append(hit)
                else:
                    self._stretch(run, toks, words, a, b, stretches)
        if not found and not stretches:
            return _NOTHING
        return tuple(found), tuple(stretches)

    @functools.cached_property
    def _small_ids(self) -> frozenset[int]:
        """Indices of the smaller cities (``[places] small_city_prior``)."""
        return frozenset(i for i, e in enumerate(self.kb.entities)
                         if e.type == "city" and e.prior < self.small_city_prior)

    def _small_city(self, idx: int) -> bool:
        return idx in self._small_ids

    def _name_word(self, word: str) -> bool:
        """Is ``word`` a capitalised word that names nothing in the KB and is no title or
        sentence word ("Lindsay", "Gogh"; not "President", "The", "Russia")?"""
        return (word not in self.kb.alias and word not in self.titles and word not in self.non_names
                and not word.isupper())

    def _role_before(self, text: str, pos: int) -> bool:
        """Does a lower-case role noun stand right before ``pos`` ("the army chief Min Aung
        Hlaing", "striker Divock Origi"), or before it with a comma ("a volunteer, Keira Dunn,
        said")? It marks the name after it as a person's, as a title does."""
        if pos < 2 or not text[pos - 1].isspace():
            return False
        tail = text[pos - 30 if pos > 30 else 0:pos].split()
        return bool(tail) and (tail[-1] in self.role_nouns
                               or tail[-1][-1:] == "," and tail[-1][:-1] in self.role_nouns)

    @functools.cached_property
    def _first_other(self) -> dict[tuple[str, str], set[int]]:
        """(first word, a later word) of every person's name and alias → the persons."""
        ents = self.kb.entities
        out: dict[tuple[str, str], set[int]] = {}
        for key, hits in self.kb.alias.items():
            if " " not in key:
                continue
            persons = [i for i, via in hits if via == "alias" and ents[i].type == "person"]
            if not persons:
                continue
            parts = key.split()
            for w in parts[1:]:
                if w[:1].isupper():
                    out.setdefault((parts[0], w), set()).update(persons)
        return out

    def _fuzzy_person(self, first: str, last: str) -> int | None:
        """The one KB person whose name starts with ``first`` and has ``last`` among its later
        words ("Recep Erdogan" → "Recep Tayyip Erdoğan"), or None. Two given names
        ("Juan Carlos") are a name of their own, never a short form of a longer one."""
        if last == first or (first in self.given and last in self.given):
            return None
        got = self._first_other.get((first, last))
        if got is not None and len(got) == 1:
            return next(iter(got))
        return None

    def _fuzzy_stretch(self, run: str, toks: list, words: list[str], a: int, b: int) -> tuple | None:
        """An unmatched name of two to four words that names one KB person by its first and
        last words, as a found alias match, or None."""
        while a <= b and (words[a].rstrip(".") in self.titles or words[a] in self.non_names):
            a += 1
        if not 1 <= b - a <= 3:
            return None
        if any(run[toks[x][1]:toks[x + 1][0]] != " " for x in range(a, b)):
            return None
        other = self._fuzzy_person(words[a], words[b])
        if other is None:
            return None
        ts, te = toks[a][0], toks[b][1]
        return (ts, te, ((other, "alias"),), run[ts:te])

    def _stretch(self, run: str, toks: list, words: list[str], a: int, b: int, stretches: list) -> None:
        """The plan of the unmatched tokens ``a..b`` of a run (joined only by a name's own
        connectors): a NIL person, a maybe-person (decided by a repeated last word) or a
        pending short form."""
        given, non_names, titles = self.given, self.non_names, self.titles
        rel = toks[a][0]  # an abbreviated title before the stretch is looked up here
        titled = False
        while a <= b and words[a].rstrip(".") in titles:
            a += 1
            titled = True
        while a <= b and words[a] in non_names:
            a += 1
        # "Democrat Raphael Warnock": the name starts at a given name, unless only given
        # names come before it ("Alexander Graham Bell", "Jose Manuel Barroso": one name)
        for x in range(a + 1, b):
            if words[x] in given:
                if not all(w in given for w in words[a:x]):
                    a = x
                break
        size = b - a + 1
        if 2 <= size <= 3:
            ts, te = toks[a][0], toks[b][1]
            surface = run[ts:te]
            if surface in self.kb.short:  # a double surname: "López Obrador", "Suu Kyi"
                after = (_PENDING, ts, te, surface, True, False, True)
                stretches.append((rel, (_PENDING, ts, te, surface, True, False, titled), after))
                return
        if 2 <= size <= 4:
            names = words[a:b + 1]
            if any(w in non_names or w in self.not_person for w in names):
                return
            if any(not self.person_conn.issuperset(run[toks[x][1]:toks[x + 1][0]].strip(" \t\u00a0-'’.").split())
                   for x in range(a, b)):
                return  # joined by "for", "of", "&": not one person's name ("von der" is)
            ts, te = toks[a][0], toks[b][1]
            nil = (_NIL, ts, te, names[-1], run[ts:te])
            if titled or names[0] in given:
                plain = nil
            elif size <= 3 and not names[-1].isupper():
                # a person if the last name comes back on its own ("... Stoltenberg said")
                plain = (_MAYBE, ts, te, names[-1])
            else:
                plain = None
            stretches.append((rel, plain, nil))
        elif size == 1:
            word = words[a]
            if word in non_names or word in self.not_person:
                return  # "Florida State University": no surname "University"
            ts, te = toks[a]
            after = (_PENDING, ts, te, word, True, False, True)
            plain = after if titled else (_PENDING, ts, te, word, word in self.kb.short, False, False)
            stretches.append((rel, plain, after))

    def _repeated_names(self, text: str, maybe: list, mentions: list, nil_short: dict) -> None:
        """Unknown two- or three-word names whose last word recurs alone are NIL persons.

        A word counts where it stands alone (no word character on either side); as with one
        alternation of the words tried longest first, occurrences are taken from the left and
        never overlap."""
        words = {w for _, _, w in maybe}
        count = text.count
        if not any(count(w) > 1 for w in words):
            return  # no last word comes back at all (the common case)
        occ = _standalone(text, words)
        counts: dict[str, int] = {}
        occ.sort()
        last = 0
        for i, n, w in occ:
            if i >= last:
                counts[w] = counts.get(w, 0) + 1
                last = i - n
        for s, e, w in maybe:
            if counts.get(w, 0) > 1:
                ms = _Mention(s, e, (), text[s:e])
                ms.nil = True
                mentions.append(ms)
                nil_short.setdefault(w, ms.surface)

    def _dateline(self, text: str, mentions: list) -> None:
        """A wire dateline in capitals at the start of the text ("TOKYO (Reuters) -",
        "NEW YORK, March 3 -") names its place in title case."""
        m = _DATELINE.match(text)
        if m is None:
            return
        s, e = m.span(1)
        if any(mm.start < e and s < mm.end for mm in mentions):
            return
        conn = self.lower_conn
        key = " ".join(w.lower() if w.lower() in conn else w.capitalize() for w in m.group(1).split())
        hit = self.kb.alias.get(key)
        if hit is None:
            return
        ents = self.kb.entities
        places = tuple(c for c in hit if ents[c[0]].label in ("GPE", "LOC") and c[1] == "alias")
        if places:
            mentions.append(_Mention(s, e, places, key))

    def _place_surnames(self, text: str, mentions: list, nil_short: dict) -> None:
        """A place name that is the last word of a person named earlier in the document is that
        person again ("Michael Jordan ... Jordan won six titles"), unless a preposition of place
        stands before it ("in Jordan")."""
        # most documents name no place like a person's last word: one pass rules them out
        if not any(not mm.nil and mm.surface in nil_short for mm in mentions):
            return
        first_nil: dict[str, int] = {}
        for mm in mentions:
            if mm.nil and not mm.drop and " " in mm.surface:
                last = mm.surface.rsplit(" ", 1)[1]
                if last in nil_short and mm.start < first_nil.get(last, len(text) + 1):
                    first_nil[last] = mm.start
        if not first_nil:
            return
        ents = self.kb.entities
        for mm in mentions:
            if mm.nil:
                continue
            ent = mm.ent
            if mm.drop:  # a smaller city dropped for want of its country is still a surname
                if not (mm.cands and all(self._small_city(i) for i, _ in mm.cands)):
                    continue
                ent = mm.cands[0][0]
            if ent is None:
                continue
            start = first_nil.get(mm.surface)
            if start is None or start >= mm.start or ents[ent].label not in ("GPE", "LOC"):
                continue  # a company keeps its name ("Bill Ford ... Ford said sales fell")
            if self._left_cue(text, mm) == "literal":
                continue
            mm.nil, mm.ent, mm.via, mm.cands, mm.drop = True, None, "surname", (), False
            mm.value = nil_short[mm.surface]

    # -- disambiguation -------------------------------------------------------------------

    @staticmethod
    def _has_cue(text: str, cue: str) -> bool:
        """Does ``cue`` stand alone (no word character on either side) somewhere in text?"""
        return next(_alone(text, cue), None) is not None

    def _is_ctx(self, surface: str) -> bool:
        got = self._ctx_surface.get(surface)
        if got is None:
            ents = self.kb.entities
            one_word = self.ctx_names and " " not in surface
            got = any((via == "acronym" or one_word) and ents[i].type in self.ctx_types
                      for i, via in self.kb.alias.get(surface, ()))
            if len(self._ctx_surface) > _PLAN_CACHE:
                self._ctx_surface.clear()
            self._ctx_surface[surface] = got
        return got

    def _doc_countries(self, mentions: list[_Mention], skip: set = frozenset(),
                       offices: bool = True) -> dict[str, int]:
        """Countries the document mentions, each with how many mentions point to it: named
        countries (or demonyms), the countries of the places, parties and bodies named in it and
        of the offices its persons hold (mentions in ``skip`` left out, and a name that the
        context itself must settle: several candidates of a context-bound type)."""
        ents = self.kb.entities
        types = self.ctx_types
        ctx: dict[str, int] = {}
        for mm in mentions:
            if mm.nil or mm.drop or id(mm) in skip or not mm.cands:
                continue
            if len(mm.cands) > 1 and ents[mm.cands[0][0]].type in types:
                continue  # "Democratic Party": a country of its own choosing is no context
            e = ents[mm.ent if mm.ent is not None else mm.cands[0][0]]
            here = set()
            if e.type in ("country", "territory"):
                here.add(e.id)
            if e.country is not None:
                here.add(e.country)
            if e.capital_of is not None:
                here.add(e.capital_of)
            if offices:
                for o in e.offices:
                    if o[1] is not None:
                        here.add(o[1])
            for c in here:
                ctx[c] = ctx.get(c, 0) + 1
        return ctx

    def _context_acronyms(self, text: str, mentions: list[_Mention]) -> None:
        """Acronyms and one-word names of context-bound types (parties: "SNP", "Likud",
        "Labour") keep a candidate only if its country is mentioned in the document, an acronym
        does not run on into a longer capitalised name and is no common abbreviation, and a
        one-word name is not followed by a noun that makes it a common word ("Labour market");
        a mention left with no candidate is dropped."""
        is_ctx = self._is_ctx
        bound = [mm for mm in mentions if not mm.nil and is_ctx(mm.surface)]
        if not bound:
            return
        ents = self.kb.entities
        ctx = self._doc_countries(mentions, {id(mm) for mm in bound})
        types, never, always = self.ctx_types, self.acr_never, self.acr_always
        for mm in bound:
            run_on = self.cap_after_re.match(text, mm.end) is not None
            one_word = " " not in mm.surface
            common = False
            if one_word:
                nxt = self.next_word_re.match(text, mm.end)
                common = nxt is not None and nxt.group(1) in self.name_common_before
            keep = []
            for idx, via in mm.cands:
                e = ents[idx]
                if e.type in types and (via == "acronym" or one_word):
                    if common:
                        continue
                    if e.id not in always and (
                            (via == "acronym" and (run_on or mm.surface in never)) or e.country not in ctx):
                        continue
                keep.append((idx, via))
            if not keep:
                mm.drop = True
            elif len(keep) < len(mm.cands):
                mm.cands = tuple(keep)

    def _context_small_cities(self, mentions: list[_Mention]) -> None:
        """A smaller city ("Mariupol", "Bergamo") links only when the document names its country
        (by name, demonym, or another place, party, body or office holder of it): its one-word
        name is too often something else ("Halifax" the bank, "Munster" the rugby team)."""
        small = self._small_ids
        bound = [mm for mm in mentions if mm.cands and mm.cands[0][0] in small and not mm.nil
                 and not mm.drop and all(i in small for i, _ in mm.cands)]
        if not bound:
            return
        ents = self.kb.entities
        ctx = self._doc_countries(mentions, {id(mm) for mm in bound})
        for mm in bound:
            keep = tuple(c for c in mm.cands if ents[c[0]].country in ctx)
            if not keep:
                mm.drop = True
            elif len(keep) < len(mm.cands):
                mm.cands = keep

    def _resolve(self, text: str, mentions: list[_Mention]) -> None:
        ents = self.kb.entities
        by_id = self.kb.by_id
        countries = set()
        present: dict[str, bool] = {}  # cue word → found in this document
        ctx_types = self.ctx_types
        doc_countries = None  # country → mentions pointing to it, computed when first needed
        shared_names = self._shared_names
        if len(shared_names) > _PLAN_CACHE:
            shared_names.clear()
        if self.ctx_types:
            self._context_acronyms(text, mentions)
        if self.small_city_prior:
            self._context_small_cities(mentions)
        for mm in mentions:
            if mm.nil or mm.drop:
                continue
            if len(mm.cands) == 1 or mm.surface not in self.ambiguous:
                idx, via = mm.cands[0]
                mm.ent = idx
                mm.via = via
                e = ents[idx]
                if e.type == "country" and len(mm.cands) == 1:
                    countries.add(e.id)
        for mm in mentions:
            if mm.nil or mm.drop:
                continue
            readings = self.ambiguous.get(mm.surface)
            if readings is not None:
                best_id, best, second = None, -1.0, -1.0
                for rid, prior, cues in readings:
                    hits = 0
                    for c in cues:
                        got = present.get(c)
                        if got is None:
                            got = present[c] = self._has_cue(text, c)
                        hits += got
                    score = prior + 0.25 * hits
                    if score > best:
                        best_id, second, best = rid, best, score
                    elif score > second:
                        second = score
                if not best_id or best_id not in by_id:
                    mm.drop = True
                    continue
                mm.ent = by_id[best_id]
                mm.via = next((v for i, v in mm.cands if i == mm.ent), "alias")
                mm.conf = round(min(0.95, 0.55 + 0.4 * (best - max(second, 0)) / max(best, 1e-9)), 3)
                continue
            if len(mm.cands) > 1:
                scored = []
                # a party name of several countries ("Labour Party"): the country the document
                # points to most often (places, demonyms, office holders) chooses
                shared = shared_names.get(mm.surface)
                if shared is None:
                    shared = shared_names[mm.surface] = len(
                        {ents[i].country for i, _ in mm.cands if ents[i].type in ctx_types} - {None}) > 1
                for idx, via in mm.cands:
                    e = ents[idx]
                    score = e.prior + (2.0 if e.user else 0.0)
                    if e.country in countries or e.capital_of in countries:
                        score += 0.3
                    if shared and e.type in ctx_types and e.country is not None:
                        if doc_countries is None:
                            doc_countries = self._doc_countries(mentions)
                        n = doc_countries.get(e.country, 0)
                        if n:
                            score += 0.3 + 0.01 * min(n, 20)
                    scored.append((score, idx, via))
                scored.sort(key=lambda x: (-x[0], ents[x[1]].id))
                best, idx, via = scored[0]
                mm.ent, mm.via = idx, via
                margin = best - scored[1][0]
                mm.conf = round(min(0.9, 0.5 + margin), 3)
            else:
                e = ents[mm.ent]
                mm.conf = 0.95 if e.type == "country" else 0.9
                if mm.via == "acronym" and len(mm.surface) <= 3:
                    mm.conf = 0.85

    def _shorts(self, text: str, pending: list, persons: set, nil_short: dict, mentions: list,
                when: str | None = None, fuzzy_last: dict | None = None) -> None:
        countries = None  # the document's countries, computed when first needed
        ents = self.kb.entities
        short = self.kb.short
        for s, e, after_title in pending:
            word = text[s:e]
            cands = short.get(word)
            if not cands and fuzzy_last and word in fuzzy_last:
                cands = (fuzzy_last[word],)  # the last word of how the document named the person
            if cands:
                inside = [i for i in cands if i in persons]
                if len(inside) == 1:
                    mm = _Mention(s, e, (), word)
                    mm.ent, mm.conf = inside[0], 0.9
                    mm.via = "surname" if ents[inside[0]].type == "person" else "short"
                    mentions.append(mm)
                    continue
                if len(inside) > 1:
                    continue
            if word in nil_short or (after_title and word not in self.given):
                mm = _Mention(s, e, (), word)
                mm.nil, mm.via = True, "surname"
                mm.value = nil_short.get(word)  # the full name this surname stands for
                mentions.append(mm)
                continue
            if cands and len(cands) == 1 and word not in self.given and not after_title:
                p = ents[cands[0]]
                if p.type == "person" and any(o[0] in OFFICE_ROLES for o in p.offices):
                    # without an antecedent, only an office holder of a country the document
                    # mentions, in office at the publication date when it is known
                    if countries is None:
                        countries = self._doc_countries(mentions, offices=False)
                    if not any(o[0] in OFFICE_ROLES and o[1] in countries for o in p.offices):
                        continue
                    if when is not None and not p.active(OFFICE_ROLES, None, when):
                        continue
                    mm = _Mention(s, e, (), word)
                    mm.ent, mm.via, mm.conf = cands[0], "surname", 0.6
                    mentions.append(mm)

    # -- metonymy ---------------------------------------------------------------------------

    def _place_kind(self, mm: _Mention) -> int | None:
        """The entity a place stands for when used as an agent, or None."""
        if mm.ent is None or mm.drop:
            return None
        e = self.kb.entities[mm.ent]
        if e.type == "seat_of_power" and e.target:
            return self.kb.by_id.get(e.target)
        if e.capital_of is not None:
            target = self.meto_targets.get(e.id, e.capital_of)
            return self.kb.by_id.get(target)
        return None

    def _left_cue(self, text: str, mm: _Mention) -> str | None:
        left = self.left_re.search(text, max(0, mm.start - 40), mm.start)
        if left is not None and left.end() == mm.start:
            w = left.group(1).lower()
            if w in self.lit_before:
                if w in self.agent_noun_preps:  # "warnings from Brussels", "pressure from Beijing"
                    s = left.start()
                    noun = self.left_re.search(text, max(0, s - 40), s)
                    if noun is not None and noun.end() == s and noun.group(1).lower() in self.agent_nouns:
                        return "agent"
                return "literal"
            if w in self.agent_before:
                return "agent"
        return None

    def _cue(self, text: str, mm: _Mention) -> str | None:
        cue = self._left_cue(text, mm)
        if cue is not None:
            return cue
        r = self.right_re.match(text, mm.end)
        if r is not None:
            poss, based, w1, w2 = r.groups()
            if based:
                return "literal"
            if w1 in self.skip_after and w2:
                if w2 in self.agent_after or (w2.endswith("ed") and w2 not in self.lit_after):
                    return "agent"
            if w1 == "and" and w2 in ("its", "their", "other"):
                return "agent"  # "Kyiv and its allies"
            if w1:
                if w1 in self.lit_after:
                    return "literal"
                if w1 in self.agent_after:
                    return "agent"
                if not poss and w1.endswith("ed") and len(w1) > 4:
                    return "agent"
            if poss:
                return "agent"
        return None

    def _metonymy(self, text: str, mentions: list[_Mention]) -> None:
        places = [mm for mm in mentions if self._place_kind(mm) is not None]
        if not places:
            return
        places.sort(key=lambda mm: mm.start)
        # coordinated places share one reading: "between Moscow and Beijing", "Moscow and Beijing will"
        chains: list[list[_Mention]] = []
        for mm in places:
            if chains:
                prev = chains[-1][-1]
                gap = text[prev.end:mm.start]
                if len(gap) < 12 and self.coord_re.match(gap) and self.coord_re.match(gap).end() == len(gap):
                    chains[-1].append(mm)
                    continue
            chains.append([mm])
        ents = self.kb.entities
        for chain in chains:
            cues = [self._cue(text, mm) for mm in chain]
            decided = next((c for c in cues if c is not None), None)
            if len(chain) > 1:
                head = self._left_cue(text, chain[0])
                if head is not None:  # "in Moscow and Beijing", "between Moscow and Beijing"
                    cues = [head] * len(chain)
                    decided = head
            for mm, cue in zip(chain, cues):
                reading = cue or decided
                e = ents[mm.ent]
                if reading is None:
                    reading = "agent" if e.type == "seat_of_power" else "literal"
                    conf = 0.6
                else:
                    conf = 0.85 if cue is not None else 0.75
                if reading == "agent":
                    mm.literal = mm.ent
                    mm.ent = self._place_kind(mm)
                    mm.via = "metonym"
                    mm.conf = conf
                else:
                    mm.conf = min(mm.conf, conf if cue is None else 0.9)

    # -- nominal descriptions ---------------------------------------------------------------

    def _nominal_only(self, text: str, when: str | None, mentions: list) -> list[Finding]:
        return []  # a nominal needs an antecedent or a demonym; neither is present

    def _nominal_matches(self, text: str) -> list:
        """``nominal_re.finditer(text)``, from the two faster one-initial patterns.

        Each list is leftmost-first and non-overlapping; if no match of one overlaps a match of
        the other, their merge is exactly what the two-initial pattern finds."""
        lower = list(self.nominal_lower_re.finditer(text))
        if "The" not in text:
            return lower
        upper = list(self.nominal_upper_re.finditer(text))
        if not upper:
            return lower
        if not lower:
            return upper
        both = sorted(lower + upper, key=_start)
        end = -1
        for m in both:
            if m.start() < end:
                return list(self.nominal_re.finditer(text))  # the rare overlap: the plain way
            end = m.end()
        return both

    def _nominal(self, text: str, when: str | None, mentions: list[_Mention]) -> None:
        the = "he " in text or "he\u00a0" in text
        possessive = ("'s " in text or "’s " in text) and self.possessive_tail_re.search(text) is not None
        if not the and not possessive:
            return
        ents = self.kb.entities
        alias = self.kb.alias
        persons: dict[int, list[int]] = {}
        for mm in mentions:  # mentions are sorted, so each position list is too
            if mm.ent is not None and not mm.drop and mm.via != "metonym" and ents[mm.ent].type == "person":
                persons.setdefault(mm.ent, []).append(mm.start)
        active: dict[tuple, bool] = {}
        holders_cache = self._holders
        new = []
        found = [(m, False) for m in self._nominal_matches(text)] if the else []
        if possessive:
            owned = [(m, True) for m in self.possessive_re.finditer(text)]
            if owned:
                found = _leftmost_disjoint(found + owned)
        for m, owner in found:
            if m.start() and text[m.start() - 1].isalnum():
                continue  # "bathe", "clothe"
            if not owner and m.group(3) is not None:  # "the emir of Qatar": the role, then its country
                if m.group(1):
                    continue  # "the Russian president of ..."
                role, dem = m.group(2), m.group(3)
                span = (m.start(2), m.end(3))
                owner = None
            else:
                dem, role = m.group(1), m.group(2)
                span = (m.start(1) if dem else m.start(2), m.end(2))
            roles = self.roles[role]
            country = None
            if dem:
                hit = alias.get(dem)
                if not hit:
                    continue
                if owner is not False or dem.isupper():  # "Russia's president", "the US president"
                    named = next((i for i, _ in hit if ents[i].type == "country"), None)
                    if named is None:
                        continue
                    country = ents[named].id
                elif any(v == "demonym" for _, v in hit):
                    country = ents[next(i for i, v in hit if v == "demonym")].id
                else:
                    continue
            start = span[0]
            before: dict[int, int] = {}
            anywhere = []
            for idx, positions in persons.items():
                key = (idx, roles, country)
                ok = active.get(key)
                if ok is None:
                    ok = active[key] = ents[idx].active(roles, country, when)
                if not ok:
                    continue
                anywhere.append(idx)
                k = bisect.bisect_left(positions, start)
                if k:
                    before[idx] = positions[k - 1]
            pick, conf = None, 0.0
            if before:
                if len(before) == 1:
                    pick, conf = next(iter(before)), 0.85
                else:
                    pick = max(before, key=before.get)
                    conf = 0.6
            elif len(anywhere) == 1:
                pick, conf = anywhere[0], 0.7
            elif not anywhere and country is not None and role in self.precise and when is not None:
                hkey = (roles, country, when)
                holders = holders_cache.get(hkey)
                if holders is None:
                    holders = holders_cache[hkey] = [
                        i for i, p in enumerate(ents) if p.type == "person" and p.active(roles, country, when)
                    ]
                if len(holders) == 1:
                    pick, conf = holders[0], 0.6
            if pick is None:
                continue
            mm = _Mention(start, span[1], (), text[start:span[1]])
            mm.ent, mm.via, mm.conf = pick, "nominal", conf
            new.append(mm)
        if not new:
            return
        starts = [mm.start for mm in new]  # found left to right, never overlapping
        ends = [mm.end for mm in new]
        for mm in mentions:
            k = bisect.bisect_left(starts, mm.end)
            if k and ends[k - 1] > mm.start:
                mm.drop = True
        mentions.extend(new)
        mentions.sort(key=lambda mm: mm.start)

    # -- output -----------------------------------------------------------------------------

    def _findings(self, text: str, mentions: list[_Mention]) -> list[Finding]:
        ents = self.kb.entities
        out = []
        min_conf = self.min_confidence
        title_after = self.title_after_re
        cache = self._attr_cache
        if len(cache) > 50_000:
            cache.clear()
        finding = Finding
        for mm in mentions:
            if mm.drop or mm.conf < min_conf:
                continue
            start, end, via = mm.start, mm.end, mm.via
            surface = text[start:end]
            if mm.nil:
                name = mm.value or surface
                key = (surface, via, name)  # a str first: never the key of a linked entity
                attrs = {"name": name, "via": via, "type": "person", "tags": []}
                out.append(finding("entity", start, end, surface, label="PERSON", value=None,
                                   confidence=0.5, attributes=attrs))
                continue
            if mm.ent is None:
                continue
            if via == "demonym" and title_after.match(text, end):
                continue  # "Chinese leader Xi Jinping": the adjective belongs to the title
            key = (mm.ent, via, mm.literal)
            hit = cache.get(key)
            if hit is None:
                e = ents[mm.ent]
                extra = {}
                if e.gender is not None:
                    extra["gender"] = e.gender
                if mm.literal is not None:
                    extra["literal"] = ents[mm.literal].id
                hit = cache[key] = (e.label, e.id, e.name, e.type, e.tags, extra)
            # every finding gets its own mapping and tags list: a list in a mapping shared
            # between findings (and documents) could be changed through any one of them
            attrs = {"name": hit[2], "via": via, "type": hit[3], "tags": list(hit[4])}
            if hit[5]:
                attrs.update(hit[5])
            out.append(finding("entity", start, end, surface, label=hit[0], value=hit[1],
                               confidence=mm.conf, attributes=attrs))
        return out
