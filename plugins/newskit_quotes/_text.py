"""Small text helpers: tokens in a window, sentence bounds around a position.

All patterns here are linear (no nested quantifiers) and run only on short windows
around a candidate, never over the whole document.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from typing import Any

__all__ = ["TOKEN", "tokens", "Sentences", "Words", "trie_pattern"]

#: a word (with inner apostrophes, dots, hyphens: "Russia's", "U.S", "Xi-led") or one symbol
#: (possessive quantifiers: a word never gives characters back, which ``re`` runs faster)
TOKEN = re.compile(r"\w++(?:[’'&.\-]\w++)*+|[^\w\s]")
#: two or more capitalised words in a row: a personal name candidate ("Farid Haddad")
NAME = re.compile(r"[A-Z][a-z’'\-]+(?:[ ][A-Z][a-z’'\-]+)+")

_span = re.Match.span


def trie_pattern(words: list[str] | set[str] | frozenset[str]) -> str:
    """A regex alternation matching exactly ``words``, written as a trie ("sa(?:id|ys?)"):
    ``re`` then tests each position against a few first letters instead of every word."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        alts = [re.escape(ch) + emit(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" not in node:
            return body
        return ("(?:" + body + ")?") if len(alts) == 1 and len(body) > 1 else body + "?"

    return emit(root)


def tokens(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The (start, end) of every token in ``text[start:end]``."""
    return list(map(_span, TOKEN.finditer(text, start, end)))


#: a sentence boundary: final punctuation (and closing marks) then space or the end, or a
#: newline (the same language as ``[.!?]+[closers]*(?:\s+|\Z)|\n``, written to start with one
#: character class so that ``re`` skips ahead to candidates at C speed)
_BOUNDS = re.compile(r"[.!?\n](?:(?<=\n)|[.!?]*[\"”’')\]]*(?:\s+|\Z))")


#: a period after a letter-like character, unless five ASCII letters precede it, and
#: followed by what a sentence boundary needs after it: a superset of the boundaries that
#: ``_abbreviation`` must look at (the pattern starts with the literal period so that ``re``
#: jumps from one to the next at C speed)
_ABBR_DOT = re.compile(r"\.(?<![a-zA-Z]{5}\.)(?<=[^\W\d_]\.)(?=[.!?]*[\"”’')\]]*(?:\s|\Z))")
_start = re.Match.start
_end = re.Match.end


_STRIP = "(\"“‘'"
_LEAD = re.compile("[" + re.escape(_STRIP) + "]*")


def _abbreviation(text: str, dot: int, abbreviations: frozenset[str]) -> bool:
    """Whether the period at ``dot`` closes an abbreviation or an initial ("Mr.", "J.")."""
    if dot == 0 or not text[dot - 1].isalpha():
        return False
    k = text.rfind(" ", max(0, dot - 12), dot)
    if k == -1 and dot > 12:
        # no space near: the "word" runs from the start of the text; it is short only
        # if the text opens with a run of marks (read in constant time, not a copy of
        # the text so far, which would make a text without spaces quadratic)
        lead = _LEAD.match(text).end()  # type: ignore[union-attr]
        if dot - lead >= 12:
            return False
        word = text[lead:dot]
    else:
        word = text[k + 1 : dot].lstrip(_STRIP)
    if len(word) == 1:
        return word.isupper()
    return len(word) < 12 and word.lower() in abbreviations


@functools.lru_cache(maxsize=8)
def _endings(abbreviations: frozenset[str]) -> frozenset[str]:
    """The last two characters of every abbreviation of two characters or more."""
    return frozenset(w[-2:] for w in abbreviations if len(w) >= 2)


class Sentences:
    """Sentence boundaries of one document, found in one pass and searched by bisection.

    ``start(pos)`` is where the sentence holding ``pos`` starts; ``end(pos)`` is where it
    ends (before its final punctuation, or at a line break).
    """

    __slots__ = ("ends", "starts", "n", "text", "abbreviations", "fast")

    def __init__(self, text: str, abbreviations: frozenset[str], fast: Any = None) -> None:
        self.text = text
        self.abbreviations = abbreviations
        self.n = len(text)
        self.ends: list[int] | None = None
        self.starts: list[int] = []
        #: the C accelerator's ``sentences(text, abbreviations, endings)``, or ``None``
        self.fast = fast

    def _scan(self) -> list[int]:
        # found on first use: a document with no candidate never pays for it
        text = self.text
        if self.fast is not None:
            ends, self.starts = self.fast(text, self.abbreviations, _endings(self.abbreviations))
            self.ends = ends
            return ends
        found = list(_BOUNDS.finditer(text))
        ends = list(map(_start, found))
        starts = list(map(_end, found))
        # periods that may close an abbreviation: after a letter, not after five ASCII
        # letters (a word of five letters or more never is one), where a boundary may
        # start; checked exactly below, and their boundaries dropped (rare)
        abbreviations = self.abbreviations
        endings = _endings(abbreviations)
        for a in map(_start, _ABBR_DOT.finditer(text)):
            if (
                text[a - 1 : a].isalpha()
                and not text[a - 5 : a].isalpha()
                # two letters before the period that end no abbreviation: a word of
                # two letters or more that is none (cheap, exact: see _abbreviation)
                and not (a >= 2 and text[a - 2].isalpha() and text[a - 2 : a].lower()[-2:] not in endings)
                and _abbreviation(text, a, abbreviations)
            ):
                k = bisect_left(ends, a)
                if k < len(ends) and ends[k] == a:
                    del ends[k]
                    del starts[k]
        self.ends = ends
        self.starts = starts
        return ends

    def start(self, pos: int) -> int:
        if self.ends is None:
            self._scan()
        k = bisect_right(self.starts, pos) - 1
        return self.starts[k] if k >= 0 else 0

    def end(self, pos: int) -> int:
        ends = self.ends if self.ends is not None else self._scan()
        k = bisect_left(ends, pos)
        return ends[k] if k < len(ends) else self.n


class Words:
    """Lower-cased words of a token list, read lazily: ``w[i]``."""

    __slots__ = ("low", "toks")

    def __init__(self, low: str, toks: list[tuple[int, int]]) -> None:
        self.low = low
        self.toks = toks

    def __getitem__(self, i: int) -> str:
        s, e = self.toks[i]
        return self.low[s:e]

    def __len__(self) -> int:
        return len(self.toks)
