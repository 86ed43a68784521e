"""Speakers: from a mention at the cue to a name, and to an entity finding when linked.

A named mention is linked to the entity finding that covers its head (the part before
"of/to/for…": "a former ambassador to Russia" is not Russia). A description ("the Russian
leader") is linked the same way, through the entity that the ``entities`` component
resolved it to. A pronoun goes to the most salient compatible speaker or entity: earlier
speakers in its own sentence, then each earlier sentence in turn, its subject (leftmost
mention) first. Gender comes from the entities' ``gender`` attribute.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from typing import Any

from newskit_quotes._lexicon import Lexicon
from newskit_quotes._text import NAME as _NAME
from newskit_quotes._text import TOKEN, Sentences

#: " and " then one to three capitalised words, the second side of "Jenny and Carlos Ruiz"
_AND_NAME = re.compile(r" and ([A-Z][\w’'\-]+(?: [A-Z][\w’'\-]+){0,2})(?![\w’'\-]| [A-Z])")
#: one to three capitalised words
_CAPITALISED = re.compile(r"[A-Z][\w’'\-]+(?: [A-Z][\w’'\-]+){0,2}")

__all__ = ["Resolver", "Speaker"]

#: entity label → what a pronoun may call it
_REFERS = {"PERSON": "person", "ORG": "org", "GPE": "org", "LOC": "org", "NORP": "group"}
#: preference among entities covering one mention
_PRIORITY = {"PERSON": 0, "ORG": 1, "GPE": 2, "LOC": 3}
#: how far back (characters) a pronoun looks for its antecedent
_LOOKBACK = 2500
#: how many sentences back a pronoun looks
_SENTENCES = 6
#: the gender of a person whose title contradicts its link: agrees with no pronoun
_CONFLICT = "?"
#: up to this many speakers, the history is read in one pass (no position index)
_SHORT_HISTORY = 64


class Speaker:
    """A resolved speaker: its name, the entity id when linked, and what it can be called."""

    __slots__ = ("name", "ref", "gender", "refers", "pos")

    def __init__(self, name: str | None, ref: str | None, gender: str, refers: str, pos: int) -> None:
        self.name = name
        self.ref = ref
        self.gender = gender
        self.refers = refers
        self.pos = pos


def _compatible(gender: str, refers: str, want_gender: str, want_refers: str) -> bool:
    if want_refers == "person":
        return refers == "person" and not (gender and want_gender and gender != want_gender)
    if want_refers == "org":
        return refers == "org"
    return refers in ("group", "org")


class Resolver:
    """Resolves speaker mentions of one document, in document order."""

    def __init__(
        self,
        text: str,
        low: str,
        entities: tuple[Any, ...],
        lex: Lexicon,
        sent: Sentences,
        genders: dict[str, str] | None = None,
    ) -> None:
        self.sent = sent
        #: name → guessed gender, shared across documents by the caller (a pure function
        #: of the name and the lexicon)
        self._genders: dict[str, str] = {} if genders is None else genders
        #: id() of an entity finding (alive as long as the view) → (name, gender, refers):
        #: its speaker fields, worked out once
        self._ent_fields: dict[Any, tuple[Any, str, str]] = {}
        self.text = text
        self.low = low
        self.lex = lex
        self.ents = [e for e in entities if e.start is not None]
        self.starts = [e.start for e in self.ents]
        self.history: list[Speaker] = []
        #: (position, index in ``history``) of every speaker, sorted; built on first use
        #: (only a history longer than ``_SHORT_HISTORY`` is read through it)
        self._by_pos: list[tuple[int, int]] | None = None
        #: callback (sentence start, end) → the sentence's subject as a Speaker, or None
        self.subject_of: Any = None
        #: (start, end) of a sentence → its personal names / its subject: successive
        #: pronouns walk back over the same sentences (both are pure functions of the
        #: document, and their Speakers are only read, never changed)
        self._names_cache: dict[tuple[int, int], list[Speaker]] = {}
        self._subject_cache: dict[tuple[int, int], Speaker | None] = {}

    # -- entities ----------------------------------------------------------------------

    def guess_gender(self, name: str) -> str:
        """A gender from a title ("Mrs") or a known given name, else ""."""
        got = self._genders.get(name)
        if got is None:
            got = self._guess_gender(name)
            if len(self._genders) >= 50_000:
                self._genders.clear()  # bounded memory over a long stream
            self._genders[name] = got
        return got

    def _guess_gender(self, name: str) -> str:
        lex = self.lex
        for word in name.split()[:4]:
            w = word.lower().strip(".,")
            if w in lex.gender_titles:
                return lex.gender_titles[w]
            if w in lex.name_stop or w in lex.determiners:
                continue
            return lex.first_names.get(w, "")
        return ""

    def _entity_speaker(self, e: Any, pos: int) -> Speaker:
        fields = self._ent_fields.get(id(e))
        if fields is None:
            fields = self._ent_fields[id(e)] = self._entity_fields(e)
        return Speaker(fields[0], e.id, fields[1], fields[2], pos)

    def _entity_fields(self, e: Any) -> tuple[Any, str, str]:
        attrs = e.attributes
        if attrs.get("via") == "metonym":
            name = e.text  # "the Kremlin said": the institution speaks, linked to its state
        else:
            name = attrs.get("name") or e.text
        refers = _REFERS.get(e.label or "", "org")
        gender = str(attrs.get("gender") or "")
        if refers == "person":
            # the entities' gender, else a gendered title just before the mention ("Princess
            # Anne", "Mrs May"), else a known given name in the mention or the canonical name
            before = self.text[max(0, e.start - 12) : e.start].split()[-1:]
            title = self.lex.gender_titles.get(before[0].lower().strip(".,"), "") if before else ""
            if title and not gender and name != e.text:
                gender = self.guess_gender(name)  # the given name of the person linked to
            if title and gender and title != gender:
                gender = _CONFLICT  # "Mrs Howard" linked to a man: no he/she goes to it
            else:
                gender = gender or title or self.guess_gender(e.text) or self.guess_gender(name)
        return name, gender, refers

    def _covering(self, s: int, e: int) -> Any | None:
        """The best entity covering the head of ``[s, e)``, not a possessor ("China's ministry")."""
        if not self.ents:
            return None
        k = bisect_left(self.starts, e)
        best = None
        best_key: tuple[int, int] | None = None
        i = k - 1
        while i >= 0:
            ent = self.ents[i]
            if ent.start < s - 200:
                break
            if ent.end > s and ent.end >= e - 1:
                # the entity must cover the head (the last word): "the Australian
                # government" is not Australia, "China's ministry" is not China
                after = self.low[ent.end : ent.end + 2]
                if not (after in ("'s", "’s") and ent.end < e):
                    key = (_PRIORITY.get(ent.label or "", 9), -ent.end)
                    if best_key is None or key < best_key:
                        best, best_key = ent, key
            i -= 1
        return best

    # -- mentions ----------------------------------------------------------------------

    def _head_end(self, s: int, e: int) -> int:
        """End of a noun phrase's head: before the first linking preposition."""
        link = self.lex.np_link
        low = self.low
        words = low[s:e].split()
        if all(map(str.isalpha, words)) and link.isdisjoint(words[1:]):
            return e  # cheap: words of letters only (so tokens), none a linking word
        for m in TOKEN.finditer(self.text, s, e):
            a, b = m.span()
            if a > s and low[a:b] in link:
                end = a
                while end > s and self.text[end - 1].isspace():
                    end -= 1
                return end
        return e

    def named(self, s: int, e: int) -> Speaker:
        """A noun-phrase mention: linked when an entity covers its head."""
        words = self.low[s:e].split()
        if all(map(str.isalpha, words)) and self.lex.np_link.isdisjoint(words[1:]):
            head_end = e  # ``_head_end``'s cheap case, inline
        else:
            head_end = self._head_end(s, e)
        ent = self._covering(s, head_end) if self.ents else None
        if words[0] == "the" and 1 < len(words) <= 3 and (
            words[-1].endswith(self.lex.anaphoric_heads)
            or (len(words) == 2 and not words[1].endswith("s") and ent is not None
                and ent.attributes.get("via") == "demonym")
        ):
            # "the 24-year-old", "the Croatian" (one person; "the Israelis" are a side):
            # the person named before
            found = self._antecedent(s, "", "person")
            if found is not None:
                sp = Speaker(found.name, found.ref, found.gender, found.refers, s)
                self._remember(sp)
                return sp
            if ent is not None and ent.label != "PERSON":
                ent = None  # a person, not the country
        if ent is not None and ent.label != "PERSON" and ent.start > s:
            # "Carlos Medina" is a person even if "Medina" is also a city
            first = self.text[s:ent.start].split()[-1:]
            if first and first[0].lower() in self.lex.first_names:
                ent = None
        if ent is not None:
            sp = self._entity_speaker(ent, s)
        else:
            mention = self.text[s:e]
            refers = self.refers_of(s, head_end)
            gender = self.guess_gender(mention) if refers == "person" else ""
            sp = Speaker(mention, None, gender, refers, s)
        self._remember(sp)
        return sp

    def group(self, s: int, e: int) -> Speaker | None:
        """People coordinated as a subject: "Jenny and Carlos Ruiz" when ``[s, e)`` is
        "Jenny" (a name, then "and", then a name), at least one side a person (a PERSON
        entity, a known given name or a gendered title) and neither side a place or an
        organisation the entities know. The group is what "they" may call them."""
        m = _AND_NAME.match(self.text, e)
        if m is None or not _CAPITALISED.fullmatch(self.text, s, e):
            return None
        sides = ((s, e), (m.start(1), m.end(1)))
        person = False
        for a, b in sides:
            ent = self._covering(a, b) if self.ents else None
            if ent is not None:
                if ent.label != "PERSON":
                    return None
                person = True
                continue
            words = self.low[a:b].split()
            if words[0] in self.lex.name_stop or words[0] in self.lex.determiners:
                return None
            if words[0] in self.lex.gender_titles or words[0] in self.lex.first_names:
                person = True
        if not person:
            return None
        return Speaker(self.text[s : m.end(1)], None, "", "group", s)

    def refers_of(self, s: int, head_end: int) -> str:
        """What an unlinked noun phrase is: "person", "group" (plural) or "org"."""
        words = self.text[s:head_end].split()
        head = words[-1].strip(".,").lower() if words else ""
        if head in self.lex.org_heads:
            return "org"
        if head.endswith("s") and not head.endswith("ss") and (
            not words[-1][:1].isupper() or (len(words) == 1 and head.endswith(self.lex.plural_suffixes))
        ):
            return "group"  # "officials", "Organisers" (a capitalised "Jones" stays a person)
        return "person"

    def pronoun(self, s: int, e: int) -> Speaker:
        """A pronoun mention: the most salient compatible speaker or entity before it."""
        word = self.low[s:e]
        gender, refers = self.lex.pronouns.get(word, ("", "person"))
        found = self._antecedent(s, gender, refers)
        if found is None:
            sp = Speaker(self.text[s:e], None, gender, refers, s)
        else:
            sp = Speaker(found.name, found.ref, found.gender or gender, found.refers, s)
        self._remember(sp)
        return sp

    def inherit(self, pos: int) -> Speaker | None:
        """The previous speaker, for a quote that has no cue of its own."""
        for sp in reversed(self.history):
            if sp.pos < pos and pos - sp.pos < _LOOKBACK:
                if sp.name is None:
                    return None
                out = Speaker(sp.name, sp.ref, sp.gender, sp.refers, pos)
                self._remember(out)
                return out
            if sp.pos < pos:
                break
        return None

    def _names_in(self, a: int, b: int) -> list[Speaker]:
        """Personal names (two or more capitalised words) in ``text[a:b]``, left to right."""
        got = self._names_cache.get((a, b))
        if got is None:
            got = self._names_cache[(a, b)] = self._find_names(a, b)
        return got

    def _find_names(self, a: int, b: int) -> list[Speaker]:
        lex = self.lex
        out = []
        if b - a > 1500:
            a = b - 1500
        for m in _NAME.finditer(self.text, a, b):
            words = m.group().split()
            k = len(words)
            while k > 0 and words[k - 1].lower() not in lex.name_stop and words[k - 1].lower() not in lex.intro:
                k -= 1
            title = words[k - 1] if k > 0 else ""
            words = words[k:]
            if len(words) < 2 or words[-1].lower() in lex.org_heads:
                continue
            if self.ents:
                i = bisect_right(self.starts, m.end() - 1) - 1
                if i >= 0 and self.ents[i].end > m.start() and self.ents[i].label != "PERSON":
                    continue  # a place or an organisation the entities know
            name = " ".join(words[-3:])
            gender = self.guess_gender(f"{title} {name}")
            out.append(Speaker(name, None, gender, "person", m.start()))
        return out

    def _remember(self, sp: Speaker) -> None:
        """Append ``sp`` to the history and to its index by position."""
        self.history.append(sp)
        if self._by_pos is not None:
            insort(self._by_pos, (sp.pos, len(self.history) - 1))

    def _recent(self, pos: int) -> list[Speaker]:
        """The named speakers less than ``_LOOKBACK`` characters before ``pos``, in the order
        they were found (read through the position index: never the whole history)."""
        history = self.history
        if len(history) <= _SHORT_HISTORY:
            # a short history (every news article): one pass is cheaper than the index
            return [h for h in history if h.pos < pos and pos - h.pos < _LOOKBACK and h.name is not None]
        by_pos = self._by_pos
        if by_pos is None:
            # (the same list as inserting each speaker in turn: the pairs are distinct)
            by_pos = self._by_pos = sorted((h.pos, k) for k, h in enumerate(history))
        i = bisect_left(by_pos, (pos - _LOOKBACK + 1, -1))
        j = bisect_left(by_pos, (pos, -1))
        found = sorted(k for _, k in by_pos[i:j])
        return [history[k] for k in found if history[k].name is not None]

    def _antecedent(self, pos: int, gender: str, refers: str) -> Speaker | None:
        """Walk back sentence by sentence: earlier speakers in each sentence first, then its
        entities (or, failing those, its personal names / its subject) from left to right."""
        # (compatibility does not depend on the sentence: tested once per speaker)
        history = [h for h in self._recent(pos) if _compatible(h.gender, h.refers, gender, refers)]
        hi = pos
        lo = self.sent.start(pos)
        for step in range(_SENTENCES):
            for h in reversed(history):
                if lo <= h.pos < hi:
                    return h
            if step > 0:
                if self.ents:
                    # (entities of a very long sentence: only those within twice the
                    # look-back, so that each pronoun's walk stays bounded)
                    i = bisect_left(self.starts, max(lo, pos - 2 * _LOOKBACK))
                    j = bisect_right(self.starts, hi - 1)
                    for ent in self.ents[i:j]:
                        sp = self._entity_speaker(ent, ent.start)
                        if sp.name and _compatible(sp.gender, sp.refers, gender, refers):
                            after = self.low[ent.end : ent.end + 2]
                            if after in ("'s", "’s") and sp.refers != "person":
                                continue
                            return sp
                if refers == "person":
                    for sp in self._names_in(lo, hi):
                        if _compatible(sp.gender, sp.refers, gender, refers):
                            return sp
                elif self.subject_of is not None:
                    key = (lo, hi)
                    if key in self._subject_cache:
                        sp = self._subject_cache[key]
                    else:
                        sp = self._subject_cache[key] = self.subject_of(lo, hi)
                    if sp is not None and _compatible(sp.gender, sp.refers, gender, refers):
                        return sp
            if lo <= 0 or pos - lo > _LOOKBACK:
                break
            hi = lo
            lo = self.sent.start(max(0, lo - 1))
            if lo >= hi:
                break
        return None
