"""Pair quotation marks into quoted stretches, robustly.

Marks are classified by what stands on either side of them (an opening mark follows a
space or the start of a paragraph and precedes a word; a closing one follows a word), then
paired left to right within a paragraph. A paragraph whose quote is still open continues
when the next paragraph starts with an opening mark (the newspaper convention for a quote
over several paragraphs). A mark that cannot be paired is dropped: an unbalanced mark
costs at most the quote it belongs to, never the rest of the document.

Single quotation marks are paired only outside double-quoted stretches (inside, they are
nested quotes and belong to the outer quote); an apostrophe between two letters is no mark.
"""

from __future__ import annotations

import re
from bisect import bisect_right

__all__ = ["Quoted", "find_quoted"]

_DOUBLE_MARKS = '"“”„«»'
#: a single mark not between two letters or digits (between them it is an apostrophe,
#: "it's", "O'Neill", which ``_role_single`` would drop anyway: most of them never reach
#: Python; ``[^\W_]`` is exactly ``str.isalnum``)
_SINGLE_MARKS = "'‘’‹›"
#: one pattern per mark character: a pattern that starts with a literal character is
#: scanned several times faster by ``re`` than one that starts with a character class,
#: and a character absent from the text (checked with ``in``) costs no scan at all
_DOUBLE_RX = tuple((ch, re.compile(re.escape(ch))) for ch in _DOUBLE_MARKS)
_SINGLE_RX = tuple(
    (ch, re.compile(ch + "(?:(?<![^\\W_]" + ch + ")|(?![^\\W_]))")) for ch in _SINGLE_MARKS
)

_OPEN, _CLOSE, _EITHER = 1, 2, 3
_start = re.Match.start

#: characters after which a mark opens (besides whitespace)
_OPEN_LEFT = frozenset("([{—–-/\"“”„'‘’«»‹›")
#: characters before which a mark closes (besides whitespace)
_CLOSE_RIGHT = frozenset(".,;:!?)]}—–-…\"“”„'‘’«»‹›/")
#: how far a continuing paragraph's opening mark may stand from the paragraph break
_MAX_INDENT = 12


class Quoted:
    """A quoted stretch: the positions of its marks and its content parts."""

    __slots__ = ("open", "close", "parts", "single", "start", "end")

    def __init__(self, open_: int, close: int, parts: list[tuple[int, int]], single: bool) -> None:
        self.open = open_
        self.close = close
        #: the content parts (never changed after construction)
        self.parts = parts
        self.single = single
        #: where the content starts and ends (stored: read in hot loops)
        self.start = parts[0][0]
        self.end = parts[-1][1]

    def __repr__(self) -> str:
        return f"Quoted({self.open}, {self.close}, {self.parts}, single={self.single})"


def _role_double(text: str, i: int, n: int) -> int:
    ch = text[i]
    left = text[i - 1] if i > 0 else " "
    right = text[i + 1] if i + 1 < n else " "
    lo = left.isspace() or left in _OPEN_LEFT
    rc = right.isspace() or right in _CLOSE_RIGHT
    if ch in "“„«":
        return _CLOSE if (rc and not lo and right.isspace()) else _OPEN
    if ch in "”»":
        return _OPEN if (lo and left.isspace() and not rc) else _CLOSE
    if lo and not rc:
        return _OPEN
    if rc and not lo:
        return _CLOSE
    if lo and rc:
        # a mark between spaces is noise; after a bracket or dash and before a space it closes
        return 0 if left.isspace() else _CLOSE
    return _EITHER


def _role_single(text: str, i: int, n: int) -> int:
    ch = text[i]
    left = text[i - 1] if i > 0 else " "
    right = text[i + 1] if i + 1 < n else " "
    if left.isalnum() and right.isalnum():
        return 0  # an apostrophe: it's, O'Neill
    lo = left.isspace() or left in _OPEN_LEFT
    rc = right.isspace() or right in _CLOSE_RIGHT
    if ch in "‘‹":
        return _OPEN if not right.isspace() else 0
    if lo and right.isalpha():
        if ch == "’":
            return 0  # ’90s, ’em: elision, not a mark
        return _OPEN
    if rc and not left.isspace():
        return _CLOSE
    return 0


def _pair(text: str, positions: list[int], role, single: bool) -> list[Quoted]:
    n = len(text)
    out: list[Quoted] = []
    open_at = -1  # position of the pending opening mark
    content = 0  # start of the current part
    parts: list[tuple[int, int]] = []
    last = 0  # position after the last mark of the pending quote
    for i in positions:
        r = role(text, i, n)
        if not r:
            continue
        if open_at >= 0:
            nl = text.find("\n", last, i)
            if nl != -1:
                # a paragraph break inside an open quote: continue or drop it
                last_nl = text.rfind("\n", nl, i)
                if (
                    r & _OPEN
                    and i - last_nl <= _MAX_INDENT
                    and (last_nl + 1 == i or text[last_nl + 1 : i].isspace())
                    and (last_nl == nl or (last_nl - nl <= _MAX_INDENT and text[nl:last_nl].isspace()))
                ):
                    end = nl
                    while end > content and text[end - 1].isspace():
                        end -= 1
                    if end > content:
                        parts.append((content, end))
                    content = i + 1
                    last = i + 1
                    continue
                open_at = -1
                parts = []
            else:
                if r & _CLOSE:
                    if i > content:
                        parts.append((content, i))
                    if parts:
                        out.append(Quoted(open_at, i, parts, single))
                    open_at = -1
                    parts = []
                    continue
                # a second opening mark: the pending one was never closed; start again here
                open_at = i
                content = i + 1
                last = i + 1
                parts = []
                continue
        if r & _OPEN:
            open_at = i
            content = i + 1
            last = i + 1
            parts = []
    return out


def _positions(text: str, patterns: tuple[tuple[str, re.Pattern[str]], ...]) -> list[int]:
    """Where the patterns match in ``text``, in order (one scan per character present)."""
    found: list[int] = []
    kinds = 0
    for ch, rx in patterns:
        if ch in text:
            found += map(_start, rx.finditer(text))
            kinds += 1
    if kinds > 1:
        found.sort()
    return found


def find_quoted(text: str, single_quotes: bool = True) -> list[Quoted]:
    """All quoted stretches of ``text``, in order (double marks, then top-level singles)."""
    positions = _positions(text, _DOUBLE_RX)
    doubles = _pair(text, positions, _role_double, False) if positions else []
    if not single_quotes:
        return doubles
    positions = _positions(text, _SINGLE_RX)
    if not positions:
        return doubles
    if doubles:
        starts = [q.open for q in doubles]
        keep = []
        for p in positions:
            k = bisect_right(starts, p) - 1
            if k >= 0 and doubles[k].open < p < doubles[k].close:
                continue
            keep.append(p)
        positions = keep
    singles = _pair(text, positions, _role_single, True)
    if not singles:
        return doubles
    return sorted(doubles + singles, key=lambda q: q.open)
