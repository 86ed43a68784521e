"""Find direct, indirect and mixed quotes and attribute them to speakers.

The work per document is a cheap trigger scan followed by Python only near candidates:

1. ``find_quoted`` pairs the quotation marks (C-level regex over mark characters only).
2. Cue words are found in one C-level scan of the lower-cased text by a single pattern
   holding every cue word and phrase key as a trie (``_text.trie_pattern``).
3. Each quoted stretch looks for a cue right after its closing mark ('"…," she said') or
   right before its opening one ('She said: "…"'); two stretches around one cue merge
   into an interrupted quote. Quoted stretches with no cue are continuation quotes (they
   inherit the previous speaker) unless they are scare quotes, titles or names.
4. Each remaining cue looks for a reported clause: "X said (on Monday) that …",
   "X said the talks …", "…, X said.", "According to X, …", "…, according to X.".
   A clause that contains a quoted fragment is a mixed quote.
5. Speakers are resolved in document order (see ``_speakers``).
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_left, bisect_right, insort
from itertools import chain, islice
from typing import Any

from newskit import Finding

from newskit_quotes._lexicon import Cue, Lexicon
from newskit_quotes._marks import Quoted, find_quoted
from newskit_quotes._speakers import Resolver, Speaker
from newskit_quotes._text import TOKEN, Sentences, tokens, trie_pattern

__all__ = ["QuoteFinder"]

_PUNCT_STRIP = " \t\r\n,;:—–-"
_span = re.Match.span
#: forms of "be": before a participle cue they make it passive ("It is said that")
_BE = frozenset(("is", "was", "are", "were", "be", "been", "being"))
_QUOTE_CHARS = frozenset("\"“”„«»'‘’‹›")
#: how far after a closing mark a cue may stand ('"…," the foreign minister said')
_AFTER_REACH = 90
#: the longest reported clause (characters, before a quoted fragment extends it): a longer
#: "sentence" is text without punctuation, and an unbounded clause per cue would make the
#: output (so the time) grow with the square of such a sentence
_MAX_CLAUSE = 1000
#: from this length on (characters), the garbage collector pauses while a document is read
_GC_PAUSE_CHARS = 200_000
#: listeners that a cue like "told" takes before its clause ("told reporters the …")
_LISTENERS = frozenset((
    "him", "her", "them", "me", "us", "reporters", "journalists", "mps", "parliament",
    "lawmakers", "supporters", "viewers", "listeners",
))
#: words that cannot open a bare reported clause ("said goodbye", "said so")
_NOT_CLAUSE_START = frozenset((
    "so", "to", "about", "of", "with", "by", "as", "goodbye", "sorry", "yes", "no", "nothing",
    "something", "anything", "little", "thanks",
))
#: tokens that end a bare clause's object before any verb (a relative clause follows)
_RELATIVE = frozenset(("that", "which", "who", "whose", "where", ";", ":", "("))
#: how many tokens after its first a bare reported clause's verb may stand ("said the demand
#: for a share of the total catch was …": a subject with prepositional phrases)
_BARE_REACH = 12
#: how many characters before a cue the subject scan reads first (see ``subject_before``)
_SHORT = 40
#: "the answer needs tokens before the window read so far"
_MORE: Any = object()
#: ``_relative_head``: the clause hangs on a generic head ("people who say"): no speaker
_NO_SPEAKER: Any = object()
#: characters stripped off a word before its verb test (``_subject_only``)
_WORD_STRIP = ".,;:'\"“”‘’()"
#: words that open an embedded question: a verb cue before them does not introduce the quote
#: that follows ('asked whether "…"')
_EMBEDDED_QUESTION = ("if", "whether", "what", "how", "why", "when")
#: noun-phrase stop words that may still open a phrase after a cue ("said this week")
_NP_FIRST_KEPT = ("this",)
#: "that" after a title's closing mark ("her memoir, "Threads," that …"): the clause start
_THAT_AFTER = re.compile(r"[,”\"’']*\s*,?\s*that\s+")
#: words allowed between a cue verb and "that" ("told reporters in Moscow on Monday that")
_GAP = 8


class _Cand:
    """A quote candidate before speaker resolution."""

    __slots__ = ("label", "parts", "cue", "speaker", "mode", "quoted", "pos")

    def __init__(self, label: str, parts: list[tuple[int, int]], cue: tuple[int, int] | None,
                 speaker: tuple[int, int] | None, mode: str, quoted: Quoted | None = None) -> None:
        self.label = label
        self.parts = parts
        self.cue = cue
        self.speaker = speaker  # the mention span
        self.mode = mode  # "np", "pronoun", "inherit", "none"
        self.quoted = quoted
        self.pos = parts[0][0]


def _safe_lower(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


class QuoteFinder:
    """The ``quotes`` component: ``finder(view) -> list[Finding]``."""

    def __init__(self, lex: Lexicon, config: Any, accelerate: bool = True) -> None:
        self.lex = lex
        self.min_words = int(getattr(config, "min_words", 4))
        self.single_quotes = bool(getattr(config, "single_quotes", True))
        self.indirect = bool(getattr(config, "indirect", True))
        self.inherit = bool(getattr(config, "inherit_speaker", True))
        # unions of word classes that the hot loops test together (one set lookup, not three)
        #: a cue form, a finite word or a verb that ends a subject (``Lexicon.is_verbish``)
        self.verbish = frozenset(lex.forms) | lex.finite | lex.subject_end
        #: words that end a speaker's noun phrase scanned backwards (unless capitalised)
        self.stop_back = self.verbish | lex.np_stop
        #: linking words and determiners trimmed off the end of a forward noun phrase
        self.link_or_det = lex.np_link | lex.determiners
        # trigger word → (its single-word cue or None, its phrases as (cue, offset of the
        # word in the phrase, phrase length) or None)
        triggers: dict[str, tuple[Cue | None, tuple[tuple[Cue, int, int], ...] | None]] = {}
        for word in set(lex.forms) | set(lex.phrase_keys):
            phrases = lex.phrase_keys.get(word)
            triggers[word] = (
                lex.forms.get(word),
                tuple((c, off, len(c.text)) for c, off in phrases) if phrases else None,
            )
        self._triggers = triggers
        #: name → guessed gender (see ``Resolver.guess_gender``), kept across documents
        self._genders: dict[str, str] = {}
        # every trigger word as a whole word, in one pass: the pattern starts with the
        # character before the word (any but an ASCII letter or digit), so ``re`` skips at
        # C speed to the next word start and tries the words there as one trie; a
        # non-ASCII letter or digit before the word is rejected in Python (rare)
        trie = trie_pattern(triggers)
        self._trigger_rx = re.compile(r"[^0-9A-Za-z](" + trie + r")(?![^\W_])")
        #: how much of the text's start to copy (after a space) to find a trigger word
        #: there with the same pattern: longer than any word, so the check after the
        #: word reads the text's own next character
        self._head = max(map(len, triggers), default=0) + 2
        #: the C accelerator (``_speedups``) built on these tables, or ``None``: the
        #: pure-Python code is the reference and the fallback (``accelerate=False``, or no
        #: compiled extension); both give the same findings
        self._accel: Any = _load_accelerator(self) if accelerate else None

    # -- entry point -------------------------------------------------------------------

    def __call__(self, view: Any) -> list[Finding]:
        text = view.text
        if not text:
            return []
        entities = view.of_kind("entity")
        if len(text) < _GC_PAUSE_CHARS or not gc.isenabled():
            return self.find(text, entities)
        # a very long document creates many objects that live until the end of the call;
        # each full collection of the cyclic garbage collector walks all of them, so the
        # time would grow faster than the text. The call leaves no reference cycle behind
        # (the resolver's callback is unlinked at the end), so the collector pauses for
        # the call and resumes after it, even on error.
        gc.disable()
        try:
            return self.find(text, entities)
        finally:
            gc.enable()

    def find(self, text: str, entities: tuple[Any, ...] = ()) -> list[Finding]:
        accel = self._accel
        low = accel.lower(text) if accel is not None else None
        if low is None:
            low = _safe_lower(text)
        if accel is not None:
            quoted = accel.find_quoted(text, self.single_quotes, Quoted)
            cues, phrase_spans = accel.scanner.cues(low)
            if phrase_spans is not None:
                cues = _drop_inside_phrases(cues, phrase_spans)
        else:
            quoted = find_quoted(text, self.single_quotes)
            cues = self._cues(text, low)
        if not quoted and not cues:
            return []
        doc = _Doc(self, text, low, quoted, cues)
        cands = doc.direct()
        if self.indirect and cues:
            cands = doc.indirect(cands)
        if not cands:
            return []
        cands.sort(key=lambda c: c.pos)
        return doc.findings(cands, entities)

    # -- trigger scan ------------------------------------------------------------------

    def _cues(self, text: str, low: str) -> list[tuple[int, int, Cue]]:
        triggers = self._triggers
        out: list[tuple[int, int, Cue]] = []
        phrase_spans: list[tuple[int, int]] = []
        m0 = self._trigger_rx.match(" " + low[: self._head])
        found = [(0, m0.end() - 1, m0.group(1))] if m0 is not None else []
        found += [
            (i + 1, m.end(), m.group(1))
            for m in self._trigger_rx.finditer(low)
            if not low[(i := m.start())].isalnum()
        ]
        n = len(low)
        for i, j, word in found:
            cue, phrases = triggers[word]
            if phrases is None:
                out.append((i, j, cue))  # type: ignore[arg-type]
                continue
            for phrase, off, size in phrases:
                a = i - off
                b = a + size
                if a >= 0 and low.startswith(phrase.text, a) and (
                    a == 0 or not low[a - 1].isalnum()
                ) and (b >= n or not low[b].isalnum()):
                    out.append((a, b, phrase))
                    phrase_spans.append((a, b))
                    break
            else:
                if cue is not None:
                    out.append((i, j, cue))
        if phrase_spans:
            out = _drop_inside_phrases(out, phrase_spans)
        return out


def _drop_inside_phrases(
    out: list[tuple[int, int, Cue]], phrase_spans: list[tuple[int, int]]
) -> list[tuple[int, int, Cue]]:
    """Sort the cues and drop single words inside a phrase found around them."""
    # a phrase starts before its key word: only then can the order change (the single
    # words come in order from one scan)
    out.sort(key=_cue_order)
    phrase_spans.sort()
    starts = [a for a, _ in phrase_spans]
    kept = []
    for c in out:
        k = bisect_right(starts, c[0]) - 1
        if k >= 0 and not c[2].source and " " not in c[2].text and phrase_spans[k][0] <= c[0] and c[1] <= phrase_spans[k][1]:
            continue
        kept.append(c)
    return kept


#: the word classes the C accelerator reads, in the order of its class bits (its enum);
#: each is built from the lexicon or from this module's own constants, never written in C
_CLASSES = (
    "forms", "finite", "verbish", "np_stop", "np_link", "determiners", "adverbial_start",
    "skip_before_verb", "pronouns", "listeners", "not_clause_start", "relative_tokens", "be",
    "stop_back", "relative", "relative_stop", "generic_heads", "np_stop_kept", "of_about",
    "and_but", "appositive_end", "the_a", "that", "comma", "one", "i", "noun_endings",
    "clause_joins", "auxiliaries", "subject_end", "strip", "embedded_question",
    "np_stop_forward", "np_stop_first", "time_lead", "time_words",
)
#: the words of the literal tests in ``_Doc``'s checks (the same constants), named for the C accelerator
_NP_STOP_KEPT = ("it", "this", "these", "those", "there")  # object pronouns that may open a bare clause
_OF_ABOUT = ("of", "about")
_THE_A = ("the", "a")
_AND_BUT = ("and", "but")
_APPOSITIVE_END = (",", ".", '"', "“", "”", ";", ":")
_ONE = ("one",)  # a determiner that can be a head
_I = ("i",)  # a pronoun inside a name
_NOUN_ENDINGS = ("'s", "’s", "s'", "s’")  # possessive endings
_LITERALS: dict[str, tuple[str, ...]] = {
    "np_stop_kept": _NP_STOP_KEPT,  # _that_or_bare
    "of_about": _OF_ABOUT,
    "the_a": _THE_A,
    "that": ("that",),
    "comma": (",",),
    "and_but": _AND_BUT,  # _subject
    "appositive_end": _APPOSITIVE_END,
    "one": _ONE,  # _np_back
    "i": _I,
    "noun_endings": _NOUN_ENDINGS,  # _is_noun_use
    "strip": tuple(_WORD_STRIP),  # _subject_only: the characters stripped off a word
    "embedded_question": _EMBEDDED_QUESTION,  # _before_frame: 'asked whether "…"'
}
#: returned by the accelerator when the Python code must decide (a rare branch)
_FALLBACK: Any = object()


def _class_words(finder: "QuoteFinder", name: str) -> list[str]:
    lex = finder.lex
    own = {
        "forms": lex.forms, "verbish": finder.verbish, "stop_back": finder.stop_back,
        "pronouns": lex.pronouns, "listeners": _LISTENERS,
        "not_clause_start": _NOT_CLAUSE_START, "relative_tokens": _RELATIVE, "be": _BE,
        "np_stop_first": lex.np_stop - frozenset(_NP_FIRST_KEPT),
    }
    if name in _LITERALS:
        return list(_LITERALS[name])
    if name in own:
        return sorted(own[name])
    return sorted(getattr(lex, name))


class _Accelerator:
    """The compiled module's functions and this component's tables in C."""

    __slots__ = ("find_quoted", "sentences", "lower", "scanner")

    def __init__(self, module: Any, finder: "QuoteFinder") -> None:
        self.find_quoted = module.find_quoted
        self.lower = module.lower
        self.sentences = module.sentences
        words = list(finder._triggers)
        self.scanner = module.Scanner(
            words,
            [finder._triggers[w][0] for w in words],
            [
                None if finder._triggers[w][1] is None
                else tuple((c, c.text, off, size) for c, off, size in finder._triggers[w][1])
                for w in words
            ],
        )
        self.scanner.set_classes(
            [_class_words(finder, name) for name in _CLASSES], _FALLBACK, "np", "pronoun", "none"
        )


def _load_accelerator(finder: "QuoteFinder") -> _Accelerator | None:
    """The C accelerator for ``finder``, or ``None`` when the extension is not compiled."""
    try:
        from newskit_quotes import _speedups
    except ImportError:
        return None
    if not all(hasattr(_speedups.Scanner, name) for name in _SCANNER_API) or not all(
        hasattr(_speedups, name) for name in _MODULE_API
    ):
        return None  # a stale build of an older source: the Python code decides
    if not _current_build(_speedups):
        return None
    return _Accelerator(_speedups, finder)


def _current_build(module: Any) -> bool:
    """Whether the compiled accelerator was built from the ``_speedups.c`` beside this file.

    An editable install keeps its old build when the C source changes until it is
    reinstalled; such a build is not used (the Python path gives the same findings) and a
    warning says how to rebuild. An installed wheel ships no C source: nothing to compare.
    """
    import hashlib
    from importlib import resources

    try:
        source = resources.files("newskit_quotes").joinpath("_speedups.c").read_bytes()
    except OSError:
        return True
    if getattr(module, "SOURCE_SHA256", None) == hashlib.sha256(source).hexdigest():
        return True
    import warnings

    warnings.warn(
        "newskit_quotes: the compiled accelerator was built from another version of "
        "_speedups.c, so the slower pure-Python path runs; rebuild it with "
        "`pip install -e .` in the newskit checkout",
        RuntimeWarning,
        stacklevel=2,
    )
    return False


#: the module functions and the ``Scanner`` methods this module calls
_MODULE_API = ("find_quoted", "sentences", "lower")
_SCANNER_API = ("cues", "set_classes", "is_noun_use", "that_or_bare", "subject_before",
                "find_cuts", "after", "before", "np_forward", "inverted_rest")


def _cue_order(c: tuple[int, int, Cue]) -> tuple[int, int]:
    return (c[0], -c[1])


class _Doc:
    """The state of one document's analysis."""

    def __init__(self, finder: QuoteFinder, text: str, low: str, quoted: list[Quoted],
                 cues: list[tuple[int, int, Cue]]) -> None:
        self.f = finder
        self.lex = finder.lex
        self.text = text
        self.low = low
        self.n = len(text)
        self.quoted = quoted
        self.qopens = [q.open for q in quoted]
        self.cues = cues
        self.cstarts = [c[0] for c in cues]
        self.used: set[int] = set()  # indexes of cues already attributed
        self.abbr = self.lex.abbreviations
        accel = finder._accel
        self.sent = Sentences(text, self.abbr, accel.sentences if accel is not None else None)
        #: the C accelerator's per-candidate checks, or ``None`` (pure Python)
        self.fast = accel.scanner if accel is not None else None
        self._cuts: tuple[list[int], list[int]] | None = None

    # -- small helpers -----------------------------------------------------------------

    def word(self, span: tuple[int, int]) -> str:
        return self.low[span[0] : span[1]]

    def _inside_quote(self, pos: int) -> Quoted | None:
        k = bisect_right(self.qopens, pos) - 1
        while k >= 0:
            q = self.quoted[k]
            if q.open < pos < q.close:
                return q
            if pos - q.open > 20000:
                break
            k -= 1
            if k >= 0 and self.quoted[k].close < pos and pos - self.quoted[k].close > 0:
                # stretches do not nest except singles inside doubles, which are dropped
                break
        return None

    def _is_noun_use(self, start: int, floor: int) -> bool:
        """A cue word used as a noun: "the claims", "his remarks", "Russia's warning"."""
        if self.fast is not None:
            return self.fast.is_noun_use(self.text, self.low, start, floor)
        text = self.text
        j = start - 1
        while j >= floor and text[j] == " ":
            j -= 1
        if j < floor:
            return False
        # the previous word runs back to a space (the usual case: found at C speed) …
        k = text.rfind(" ", max(floor, j - 24), j)
        if k != -1:
            word = text[k + 1 : j + 1]
            if not (word.isalnum() or word.replace("'", "").replace("’", "").isalnum()):
                k = -1
        if k == -1:
            # … or to some other character: walk back to it
            k = j
            while k >= floor and (text[k].isalnum() or text[k] in "'’"):
                k -= 1
        prev = self.low[k + 1 : j + 1]
        if not prev:
            return False
        return prev in self.lex.determiners or prev.endswith(_NOUN_ENDINGS)

    def _participle_at(self, v: int) -> bool:
        """Whether the cue at ``v`` is a past participle (after "is", "was" … it is passive)."""
        low = self.low
        cue_word = low[v : v + 12].split(" ", 1)[0]
        return cue_word.endswith(("ed", "said", "told", "written", "thought")) and not (
            low.startswith(("quoted as", "reported as", "cited as", "reported to"), v)
        )

    def subject_before(
        self, v: int, floor: int, toks: list[tuple[int, int]] | None = None
    ) -> tuple[tuple[int, int] | None, str]:
        """The subject noun phrase that ends right before the cue at ``v`` (``toks``: the
        tokens of that window when the caller has them already; never modified)."""
        if self.fast is not None:
            # (with ``toks``, the window is exactly text[floor:v]: see ``_after``)
            got = self.fast.subject_before(self.text, self.low, v, floor, toks is not None)
            if got is not _FALLBACK:
                return got
        if toks is None:
            lo = max(floor, v - 90)
            if v - lo > _SHORT + 8:
                # most subjects end a few words before the cue: read the last ``_SHORT``
                # characters first, from a space (so every token there is whole and the
                # same as in the full window); the scan says when it would have needed a
                # token before them, and only then is the full window read
                k = self.text.find(" ", v - _SHORT, v)
                if k != -1:
                    got = self._subject(v, tokens(self.text, k + 1, v), True)
                    if got is not None:
                        return got
            toks = tokens(self.text, lo, v)
        return self._subject(v, toks, False)  # type: ignore[return-value]

    def _subject(
        self, v: int, toks: list[tuple[int, int]], partial: bool
    ) -> tuple[tuple[int, int] | None, str] | None:
        """``subject_before`` on the tokens ``toks`` of a window ending at ``v``; with
        ``partial`` (the window may start after the full one), ``None`` when the answer
        could depend on a token before the window."""
        lex = self.lex
        low = self.low
        i = len(toks) - 1
        while i >= 0:
            w = low[toks[i][0] : toks[i][1]]
            if w in _BE and self._participle_at(v):
                return None, "none"  # passive: "It is said that …" names no speaker
            if w in lex.skip_before_verb or (
                w.endswith("ly") and len(w) > 4 and self.text[toks[i][0]].islower()
                and w not in lex.np_link
            ):
                i -= 1
                continue
            break
        if i < 0:
            return None if partial else (None, "none")
        w = low[toks[i][0] : toks[i][1]]
        appositive: tuple[int, int] | None = None
        if w == ",":
            # "Smith, 54, said" / "Jane Doe, who chairs the committee, said"
            j = i - 1
            while j >= 0 and i - j <= 14 and (
                low[toks[j][0] : toks[j][1]] not in _APPOSITIVE_END
                or self._in_number(toks[j][0])  # "which employs 3,000 people"
            ):
                j -= 1
            if j < 0 and partial:
                return None
            if j < 0 or low[toks[j][0] : toks[j][1]] != ",":
                return None, "none"
            appositive = (toks[j + 1][0], toks[i - 1][1]) if j + 1 <= i - 1 else None
            i = j - 1
            if i < 0:
                return None if partial else (None, "none")
            w = low[toks[i][0] : toks[i][1]]
        if w in lex.pronouns:
            return toks[i], "pronoun"
        if w in _AND_BUT:
            if i > 0:
                # "Groups welcomed the move but said …": the subject of the first verb
                return self.main_subject(self.sent.start(toks[i][0]), toks[i][0])
            if partial:
                return None
        span = self._np_back(toks, i, partial)
        if span is _MORE:
            return None
        if appositive is None:
            head = self._relative_head(toks, i, span, partial, v)
            if head is _MORE:
                return None
            if head is _NO_SPEAKER:
                return None, "none"
            if head is not None:
                span = head
        if span is None:
            return None, "none"
        if appositive is not None:
            # "The Green Party's leader, Omar Farouk, said": a description, then a name
            head_words = self.text[span[0] : self._head_end(span)].split()
            app_words = self.text[appositive[0] : appositive[1]].split()
            if (
                head_words
                and head_words[-1][:1].islower()
                and 1 <= len(app_words) <= 4
                and app_words[0].lower() not in lex.np_stop
                and all(t[:1].isupper() for t in app_words)
            ):
                return appositive, "np"
        return span, "np"

    def _verbish(self, tok: tuple[int, int]) -> bool:
        """Does this token end a clause rather than a noun phrase ("where the fire started")?"""
        w = self.low[tok[0] : tok[1]]
        return w in self.lex.finite or (len(w) > 4 and w.endswith("ed") and self.text[tok[0]].islower())

    def _in_number(self, p: int) -> bool:
        """Is the mark at ``p`` a digit group separator ("3,000", "2.5")?"""
        text = self.text
        return 0 < p < len(text) - 1 and text[p - 1].isdigit() and text[p + 1].isdigit()

    def _relative_head(
        self, toks: list[tuple[int, int]], i: int, span: Any, partial: bool, v: int
    ) -> Any:
        """The noun phrase that a relative clause ending with token ``i`` hangs on, when the
        cue follows the clause ("Residents who had waited outside since early morning
        said"), or ``None``; ``_MORE`` when the clause could begin before ``toks[0]``.

        ``span`` is the noun phrase right before the cue. When it follows the relative word
        directly ("a dinner where the prime minister told"), the cue is the clause's own
        verb and ``span`` its subject. Punctuation and a conjunction end the search ("X,
        who …, said" is the appositive's business)."""
        lex = self.lex
        relative, stop = lex.relative, lex.relative_stop
        low, text = self.low, self.text
        # the full window reaches 90 characters back: no relative word there, no clause
        # (a hit inside a longer word only costs the scan below)
        near = low[max(0, v - 92) : v]
        if not any(w in near for w in relative):
            return None
        k = i
        while k >= 0 and i - k < 16:
            a, b = toks[k]
            w = low[a:b]
            if not text[a].isalnum() or w in stop:
                return None
            if w in relative:
                if (span is not None and k + 1 < len(toks) and span[0] == toks[k + 1][0]
                        and not self._verbish(toks[i])):
                    return None  # "a dinner where the prime minister told": its own subject
                if k == 0:
                    return _MORE if partial else None
                head = self._np_back(toks, k - 1, partial)
                if head is None or head is _MORE:
                    return head
                if low[head[0] : head[1]] in lex.generic_heads:
                    return _NO_SPEAKER
                return head
            k -= 1
        return _MORE if k < 0 and partial else None

    def _head_end(self, span: tuple[int, int]) -> int:
        """End of a noun phrase's head: before its first linking preposition."""
        words = self.low[span[0] : span[1]].split()
        if all(map(str.isalpha, words)) and self.lex.np_link.isdisjoint(words[1:]):
            return span[1]  # cheap: words of letters only (so tokens), none a linking word
        for a, b in tokens(self.text, span[0], span[1]):
            if a > span[0] and self.low[a:b] in self.lex.np_link:
                return a
        return span[1]

    def _np_back(self, toks: list[tuple[int, int]], i: int, partial: bool = False) -> Any:
        """The noun phrase ending with token ``i``, or ``None``; with ``partial``, ``_MORE``
        when the answer could depend on a token before ``toks[0]``."""
        lex = self.lex
        low = self.low
        text = self.text
        stop_back = self.f.stop_back
        w = low[toks[i][0] : toks[i][1]]
        if not (text[toks[i][0]].isalnum()) or w in lex.np_stop or w in lex.finite or w in lex.np_link or w in lex.determiners and w not in _ONE:
            return None
        start = i
        det = False
        k = i - 1
        while k >= 0 and i - k < 10:
            a, b = toks[k]
            w = low[a:b]
            if not text[a].isalnum():
                break
            if w in lex.np_link:
                if k == 0:
                    if partial:
                        return _MORE
                    break
                k -= 1
                continue
            if det:
                # after a determiner, only a linking preposition lets the phrase go on
                if low[toks[k + 1][0] : toks[k + 1][1]] not in lex.np_link:
                    break
                det = False
            if w in stop_back and not text[a].isupper():
                break  # ("State", "Post" in a name are no verbs)
            if w in lex.pronouns and w not in _I:
                break
            if w in lex.determiners:
                det = True
            if w.endswith("ed") and text[a].islower() and len(w) > 4:
                break
            start = k
            k -= 1
        if k < 0 and partial:
            return _MORE
        # drop a leading linking preposition ("to the minister")
        while start < i and low[toks[start][0] : toks[start][1]] in lex.np_link:
            start += 1
        return (toks[start][0], toks[i][1])

    def np_forward(self, pos: int, limit: int) -> tuple[int, int] | None:
        """The noun phrase starting at ``pos`` ("said Jane Doe, …", "according to X, …")."""
        if self.fast is not None:
            return self.fast.np_forward(self.text, self.low, pos, limit)
        lex = self.lex
        # only the first ten tokens are ever read
        toks = islice(map(_span, TOKEN.finditer(self.text, pos, min(limit, pos + 100))), 10)
        low = self.low
        text = self.text
        end = -1
        start = -1
        for a, b in toks:
            w = low[a:b]
            if not text[a].isalnum():
                if w in ("'", "’") and end != -1:
                    continue
                break
            if start == -1:
                if w in lex.np_stop and w not in _NP_FIRST_KEPT or w in lex.forms:
                    return None
                start = a
                end = b
                continue
            if w in lex.np_stop_forward or w in lex.forms or w in lex.finite:
                break
            if w.endswith("ed") and text[a].islower() and len(w) > 4:
                break
            end = b
        if start == -1:
            return None
        # drop trailing linking words ("officials in")
        while True:
            parts = text[start:end].rsplit(None, 1)
            if len(parts) == 2 and parts[1].lower() in self.f.link_or_det:
                end = start + len(parts[0])
                continue
            break
        return (start, end)

    def main_subject(self, ss: int, v: int) -> tuple[tuple[int, int] | None, str]:
        """The subject of the sentence starting at ``ss`` (for ", noting that …")."""
        lex = self.lex
        text = self.text
        low = self.low
        # only the subject's first eleven tokens are read: tokenise lazily, never the
        # whole sentence (a sentence may be a whole document long)
        it = map(_span, TOKEN.finditer(text, ss, v))
        first = next(it, None)
        if first is None:
            return None, "none"
        if low[first[0] : first[1]] in lex.intro:
            # "However, the minister …": the subject follows the first comma
            c = text.find(",", first[1], v)
            if c == -1:
                return None, "none"
            toks = list(islice(map(_span, TOKEN.finditer(text, c + 1, v)), 11))
        else:
            toks = [first]
            toks += islice(it, 10)
        i = 0
        if i >= len(toks):
            return None, "none"
        w = low[toks[i][0] : toks[i][1]]
        if w in lex.pronouns:
            return toks[i], "pronoun"
        if not self.text[toks[i][0]].isalnum() or w in lex.np_stop:
            return None, "none"
        end = i
        k = i + 1
        while k < len(toks) and k - i < 10:
            a, b = toks[k]
            w = low[a:b]
            if not self.text[a].isalnum() or w in lex.np_stop or w in self.f.verbish:
                break
            if w.endswith("ed") and self.text[a].islower() and len(w) > 4:
                break
            end = k
            k += 1
        if k >= len(toks) or k - i >= 10:
            return None, "none"
        return (toks[i][0], toks[end][1]), "np"

    def _speak(self, ci: int, sp: tuple[int, int] | None, mode: str) -> None:
        """Record the speaker found for cue ``ci``."""
        if ci not in self.spoken:
            insort(self.spoken_keys, ci)
        self.spoken[ci] = (sp, mode)

    def _after_comma_or_while(self, a: int, ss: int) -> bool:
        """Whether the sentence so far ends with ",", "while" or "before" (spaces aside)."""
        # the end of the sentence so far, without its trailing spaces (never a copy of the
        # whole sentence: a sentence may be very long)
        text = self.text
        j = a
        while j > ss and text[j - 1].isspace():
            j -= 1
        prev = text[max(ss, j - 8) : j]
        return prev.endswith(",") or prev.endswith("while") or prev.endswith("before")

    def _speaker_for(self, ci: int, ss: int) -> tuple[tuple[int, int] | None, str]:
        """The speaker mention of the verb cue ``ci`` (subject, or main subject for -ing)."""
        a, b, cue = self.cues[ci]
        # the end of the sentence so far, without its trailing spaces (never a copy of the
        # whole sentence: a sentence may be very long)
        if cue.participle and self._after_comma_or_while(a, ss):
            # ", adding that …": the speaker of the sentence so far (the latest cue of
            # this sentence that already has one)
            keys = self.spoken_keys
            k = bisect_left(keys, ci) - 1
            if k >= 0 and self.cues[keys[k]][0] >= ss:
                return self.spoken[keys[k]]
            return self.main_subject(ss, a)
        return self.subject_before(a, ss)

    # -- direct quotes -----------------------------------------------------------------

    def _after(self, q: Quoted) -> tuple[int, tuple[int, int] | None, str, int] | None:
        """A cue right after the closing mark: (cue index, speaker, mode, frame end)."""
        p = q.close + 1
        k = bisect_left(self.cstarts, p)
        if k >= len(self.cues):
            return None
        a, b, cue = self.cues[k]
        if a - p > _AFTER_REACH or k in self.used:
            return None
        if self.fast is not None:
            got = self.fast.after(self.text, self.low, p, a, q.start, q.end, cue)
            if got is None:
                return None
            if got is True:  # no frame: the speaker follows the cue
                sp = self.np_forward(b, self.sent.end(b))
                if sp is None:
                    return None
                return k, sp, "np", max(b, sp[1])
            if got is not _FALLBACK:
                return k, got[0], got[1], b
        nl = self.text.find("\n", p, a)
        if nl != -1:
            return None
        window = tokens(self.text, p, a)  # also the subject's window: a - p <= _AFTER_REACH
        low = self.low
        lex = self.lex
        f0 = 0
        while f0 < len(window) and low[window[f0][0] : window[f0][1]] in (",", "—", "–", "-"):
            f0 += 1
        frame = window[f0:] if f0 else window
        content_end = self.text[q.end - 1] if q.end > q.start else ""
        first = frame[0][0] if frame else a
        if content_end == "." and not self.text[first].islower():
            return None
        if not frame:
            if cue.participle:
                return None
            sp = self.np_forward(b, self.sent.end(b))
            if sp is None:
                return None
            return k, sp, "np", max(b, sp[1])
        if cue.source:
            return None
        for t in frame:
            w = low[t[0] : t[1]]
            if w in ('"', "“", "”", ".", "!", "?", ";", ":", "'", "‘", "’") or w in lex.forms or (
                w in lex.np_stop and w not in lex.skip_before_verb
            ):
                return None
        if len(frame) > 12:
            return None
        sp, mode = self.subject_before(a, p, window)
        if sp is None:
            return None
        return k, sp, mode, b

    def _before(self, q: Quoted) -> tuple[int, tuple[int, int] | None, str] | None:
        """A cue right before the opening mark: (cue index, speaker, mode)."""
        o = q.open
        k = bisect_left(self.cstarts, o) - 1
        if k < 0:
            return None
        a, b, cue = self.cues[k]
        if b > o or k in self.used or o - b > 120:
            return None
        if self.fast is not None:
            if not self.fast.before(self.text, self.low, b, o, cue.source):
                return None
        elif not self._before_frame(b, o, cue.source):
            return None
        if cue.source:
            sp = self.np_forward(b, o)
            if sp is None:
                return None
            return k, sp, "np"
        ss = self.sent.start(a)
        if self._is_noun_use(a, ss):
            return None
        sp, mode = self._speaker_for(k, ss)
        if sp is None:
            return None
        return k, sp, mode

    def _before_frame(self, b: int, o: int, source: bool) -> bool:
        """Whether the text between a cue ending at ``b`` and an opening mark at ``o`` lets
        the cue introduce the quote: for a source cue, some words and a final ":", "," or
        dash ("According to the minister: "…""); for a verb cue, at most six words that are
        no verb, no "that" and no word opening an embedded question ("asked whether"), and
        a final mark when there are any ("told the BBC: "…"", "said "…"")."""
        if self.text.find("\n", b, o) != -1:
            return False
        if source:
            frame = tokens(self.text, b, o)
        else:
            # a verb cue takes at most six words before the mark (and a final ":" / ","):
            # with eight tokens read, the answer is already no (the rest is never read)
            frame = list(islice(map(_span, TOKEN.finditer(self.text, b, o)), 8))
            if len(frame) == 8:
                return False
        low = self.low
        punct = ""
        if frame and low[frame[-1][0] : frame[-1][1]] in (":", ",", "—", "–", "-"):
            punct = low[frame[-1][0] : frame[-1][1]]
            frame.pop()
        if source:
            return bool(frame) and bool(punct)
        if len(frame) > 6:
            return False
        for t in frame:
            w = low[t[0] : t[1]]
            if not self.text[t[0]].isalnum() or w == "that" or w in self.f.verbish or w in _EMBEDDED_QUESTION:
                return False
        return not frame or bool(punct)

    def _title_like(self, q: Quoted) -> bool:
        """A title, name or term: after "so-called", "the film" …, or in Title Case."""
        lex = self.lex
        before = self.low[max(0, q.open - 30) : q.open].split()[-2:]
        if before and before[-1][-1:] == "," and before[-1][:-1] in lex.title_before:
            # an apposition: "the inquiry's report, "Lessons Ignored", found …", "in her
            # memoir, "Threads," she …": a title when the words are in Title Case
            return self._title_case(self.text[q.start : q.end].rstrip(","))
        if before and not before[-1][-1:].isalnum():
            return False  # "… programme. "Hospitals are full"": punctuation, no title word
        # the word right before the mark ("the film "…"", "so-called '…'"), or the one
        # before a small word ("known as "…"", "dubbed the "…"")
        if before and before[-1] in lex.title_before:
            return True
        if len(before) == 2 and before[1] in ("as", "the", "a", "an", "of") and before[0] in lex.title_before:
            return True
        content = self.text[q.start : q.end]
        if content[-1:] in ".!?,":
            return False
        return self._title_case(content)

    def _title_case(self, content: str) -> bool:
        """At most eight words, each capitalised but for small words ("Lord of the Rings"),
        and no sentence end."""
        if content[-1:] in ".!?":
            return False
        words = content.split()
        if len(words) > 8:
            return False
        caps = [w for w in words if w.lower() not in self.lex.title_small]
        return bool(caps) and all(w[:1].isupper() or not w[:1].isalpha() for w in caps)

    def _words(self, q: Quoted) -> int:
        """The number of words in ``q``, counted up to ``min_words`` (only whether it reaches
        that, or is 0, is ever asked)."""
        need = self.f.min_words
        n = 0
        for s, e in q.parts:
            if e - s > 400:
                return 1000
            n += len(self.text[s:e].split(None, need))
            if n >= need:
                return n
        return n

    def direct(self) -> list[_Cand]:
        out: list[_Cand] = []
        self.spoken: dict[int, tuple[tuple[int, int] | None, str]] = {}
        self.spoken_keys: list[int] = []  # the keys of ``spoken``, sorted
        #: quoted stretches that are not quotes by themselves (``Quoted`` hashes by identity)
        self.fragments: set[Quoted] = set()
        quoted = self.quoted
        doubles_seen = any(not q.single for q in quoted)
        skip_next = -1
        for idx, q in enumerate(quoted):
            if idx == skip_next:
                continue
            words = self._words(q)
            after = self._after(q)
            before = None if after is not None else self._before(q)
            if after is not None:
                ci, sp, mode, frame_end = after
                if words < self.f.min_words and not self._opens_sentence(q):
                    self.fragments.add(q)
                    continue
                self.used.add(ci)
                self._speak(ci, sp, mode)
                parts = list(q.parts)
                # an interrupted quote: '"We will," he said, "win."'
                if idx + 1 < len(quoted):
                    nq = quoted[idx + 1]
                    between = self.text[frame_end : nq.open] if nq.open - frame_end < 40 else "x."
                    if nq.single == q.single and between.strip(" ,") == "" and "," in between:
                        parts.extend(nq.parts)
                        skip_next = idx + 1
                a, b, _ = self.cues[ci]
                out.append(_Cand("direct", parts, (a, b), sp, mode, q))
            elif before is not None:
                ci, sp, mode = before
                if words < self.f.min_words and self.text[q.end - 1 : q.end] not in ".!?" or (
                    self.text[q.end - 1 : q.end] == "," and self._title_like(q)
                ):
                    # 'said "no"' — a one-word answer is still a quote, a term is not
                    if self._title_like(q) or words < 1:
                        self.fragments.add(q)
                        continue
                self.used.add(ci)
                self._speak(ci, sp, mode)
                a, b, _ = self.cues[ci]
                out.append(_Cand("direct", list(q.parts), (a, b), sp, mode, q))
            else:
                sentence_like = (
                    self._opens_sentence(q)
                    and self.text[q.end - 1] in ".!?"
                    and self.text[q.start].isupper()
                )
                if (
                    (words < self.f.min_words and not sentence_like)
                    or self._title_like(q)
                    or (q.single and doubles_seen)
                    or not (self._opens_sentence(q) or self.text[q.end - 1] in ".!?")
                ):
                    # a term, a title, or a fragment quoted inside someone else's sentence
                    self.fragments.add(q)
                    continue
                out.append(_Cand("direct", list(q.parts), None, None, "inherit", q))
        return out

    def _opens_sentence(self, q: Quoted) -> bool:
        j = q.open - 1
        while j >= 0 and self.text[j] in " \t":
            j -= 1
        return j < 0 or self.text[j] in ".!?:\n\"”’'"

    # -- indirect quotes ---------------------------------------------------------------

    def _clause_end(self, cs: int) -> int:
        text = self.text
        e = self.sent.end(cs)
        if e - cs > _MAX_CLAUSE:
            e = self._cap(cs)
        # the clause stops at the first ", adding …" / ", according to …" after its start
        # (a comma then a participle or source cue; found by bisection in a table built once)
        cuts = self._cuts if self._cuts is not None else self._find_cuts()
        k = bisect_right(cuts[0], cs)
        while k < len(cuts[0]) and cuts[0][k] < e:
            if cuts[1][k] > cs:
                e = cuts[1][k]
                break
            k += 1
        # a quoted stretch that starts inside the clause ends inside it too (only one that
        # opens within 3,000 characters can matter: it must close within them)
        i = bisect_left(self.qopens, cs)
        quoted = self.quoted
        reach = cs + 3000
        while i < len(quoted) and quoted[i].open < e and quoted[i].open < reach:
            q = quoted[i]
            if q.close >= e and q.close - cs < 3000:
                e2 = self.sent.end(q.close + 1)
                e = max(e, min(e2, q.close + 1) if e2 == q.close + 1 else q.close + 1)
            i += 1
        while e > cs and text[e - 1] in _PUNCT_STRIP:
            e -= 1
        return e

    def _cap(self, s: int) -> int:
        """Where a clause starting at ``s`` must end at the latest: the last space within
        ``_MAX_CLAUSE`` characters (or that many characters on if there is none)."""
        k = self.text.rfind(" ", s + 1, s + _MAX_CLAUSE)
        return k if k != -1 else s + _MAX_CLAUSE

    def _find_cuts(self) -> tuple[list[int], list[int]]:
        """Where reported clauses must end: (cue or verb starts, comma positions), sorted.

        A comma before a participle or source cue (", adding …", ", according to …"); a
        comma before a new clause with its own cue (", but critics said …"); and the comma
        closing a parenthetical participle ("X, noting that …, called for talks")."""
        if self.fast is not None:
            sent = self.sent
            if sent.ends is None:
                sent._scan()
            self._cuts = self.fast.find_cuts(self.text, self.low, self.cues, sent.starts, sent.ends)
            return self._cuts
        text, low, lex = self.text, self.low, self.lex
        joins = lex.clause_joins
        cuts: list[tuple[int, int]] = []
        for a, b, cue in self.cues:
            j = a - 1
            while j > 0 and text[j] == " ":
                j -= 1
            if cue.participle or cue.source:
                # a clause starts on a non-space, so the comma is never before its start
                if j >= 0 and text[j] == ",":
                    cuts.append((a, j))
                    if cue.participle and self._subject_only(j):
                        close = self._parenthetical_close(b)
                        if close is not None:
                            cuts.append(close)
                continue
            # ", but critics said": a comma, a joining word, then only words up to the cue
            c = text.rfind(",", max(0, a - 80), a)
            if c != -1:
                words = low[c + 1 : a].split()
                # the words between are a short subject: "but Tory Liam Fox said", not "but
                # did not believe …", "and his alleged …", "but what he failed to reveal"
                subject = words[1:]
                if (words and words[0] in joins and 1 <= len(subject) <= 4
                        and subject[0] != "that" and subject[-1] not in lex.determiners
                        and all(w.isalpha() and w not in lex.np_stop and not self._verb_like(w)
                                for w in subject)):
                    cuts.append((a, c))
        cuts.sort()
        self._cuts = ([s for s, _ in cuts], [c for _, c in cuts])
        return self._cuts

    def _verb_like(self, w: str) -> bool:
        """A verb or auxiliary, or a word that looks like a past form ("sued", "called")."""
        return self.lex.is_verbish(w) or w in self.lex.auxiliaries or (len(w) > 3 and w.endswith("ed"))

    def _subject_only(self, comma: int) -> bool:
        """Is the sentence up to ``comma`` only a subject (no verb yet), so that ", noting
        that …," is a parenthetical whose sentence goes on with its own verb?"""
        start = self.sent.start(comma)
        if comma - start > 200:
            return False  # no subject is that long (and a bounded look keeps time linear)
        verb_like = self._verb_like
        return not any(verb_like(w.strip(_WORD_STRIP)) for w in self.low[start:comma].split())

    def _parenthetical_close(self, b: int) -> tuple[int, int] | None:
        """``(verb start, comma)`` of the comma that closes ", noting that …," when a verb
        of the sentence's subject follows it ("…, called for talks"), else ``None``."""
        text, low = self.text, self.low
        end = self.sent.end(b)
        c = text.find(",", b, min(end, b + 300))
        if c == -1:
            return None
        v = c + 1
        while v < end and text[v] == " ":
            v += 1
        w = v
        while w < end and text[w].isalpha():
            w += 1
        word = low[v:w]
        if not word or not text[v].islower() or word in self.lex.auxiliaries:
            return None
        if word in self.lex.subject_end or (len(word) > 4 and word.endswith("ed")):
            return v, c
        return None

    def _that_or_bare(self, ci: int) -> int | None:
        """Where the reported clause after cue ``ci`` starts, or ``None``."""
        a, b, cue = self.cues[ci]
        if self.fast is not None:
            ends = self.sent.ends if self.sent.ends is not None else self.sent._scan()
            return self.fast.that_or_bare(self.text, self.low, a, b, cue.bare, cue.object, ends)
        text = self.text
        low = self.low
        lex = self.lex
        has_that = low.find("that", b, b + 90) != -1
        if not cue.bare and not has_that:
            return None  # cheap: no "that" near and no bare clause possible
        # cheap: a cue followed by punctuation other than a comma (", he said." "said:")
        # has neither a "that" clause nor a bare one
        j = b
        n = self.n
        while j < n and text[j] == " ":
            j += 1
        if j >= n:
            return None
        c = text[j]
        if c != "," and not c.isalnum() and not c.isspace():
            return None
        # tokens are read lazily, only as far as each step needs them: the "that" scan
        # reads at most _GAP + 2, the listener at most five, the bare clause _BARE_REACH more
        it = map(_span, TOKEN.finditer(text, b, min(n, b + 90)))
        # "said (on Monday / to reporters / in a statement) that …"
        if has_that:
            toks = list(islice(it, _GAP + 2))
            first: str | None = None
            for idx, (s, e) in enumerate(toks[: _GAP + 1]):
                w = low[s:e]
                if w == "that":
                    if first is not None and not (
                        cue.object or first in lex.adverbial_start or first.endswith("ly")
                    ):
                        break  # "suggests a model for cooperation that …": a relative clause
                    if idx + 1 < len(toks):
                        return toks[idx + 1][0]
                    return None
                if w == ",":
                    continue
                if first is None:
                    first = w
                if w in lex.adverbial_start:
                    continue
                if not text[s].isalnum() or w in lex.np_stop or w in self.f.verbish or w in _OF_ABOUT:
                    break
            if not cue.bare:
                return None
            if len(toks) < 5:
                toks += islice(it, 5 - len(toks))
        else:
            toks = list(islice(it, 5))
        if not toks:
            return None
        i = 0
        if cue.object:
            # "told reporters the …", "told the BBC the …"
            w = low[toks[0][0] : toks[0][1]]
            if w in _LISTENERS:
                i = 1
            elif w in _THE_A and len(toks) > 2 and text[toks[1][0]].isupper():
                i = 2
                while i < len(toks) and i < 4 and text[toks[i][0]].isupper():
                    i += 1
            elif text[toks[0][0]].isupper():
                i = 1
                while i < len(toks) and i < 3 and text[toks[i][0]].isupper():
                    i += 1
            else:
                return None
        if i >= len(toks):
            return None
        w = low[toks[i][0] : toks[i][1]]
        if w in lex.time_lead or w in lex.time_words:
            # "said on Monday it would …": the clause may start after a time adverbial
            i = self._after_time(toks, i, it)
        s0, e0 = toks[i]
        if not self._opens_clause(s0, e0):
            return None
        clause_end = self.sent.end(s0)
        count = 0
        finite = lex.finite
        forms = lex.forms
        # after ", said" (no listener) the cue may be an inverted frame whose speaker ends at
        # a comma: "…, said Jane Doe of Acme in Leeds, is …" holds no bare clause
        j = a - 1
        while j > 0 and text[j] == " ":
            j -= 1
        inverted = not cue.object and j >= 0 and text[j] == ","
        prev = ""
        for s, e in chain(toks[i + 1 :], it):
            if s >= clause_end:
                break
            count += 1
            if count > _BARE_REACH:
                break
            w = low[s:e]
            if w in _RELATIVE:
                break  # an object with a relative clause, not a reported clause
            if ((w in finite or w in forms) and not text[s].isupper()) or (
                w.endswith("ed") and len(w) > 3 and text[s].islower()
            ):
                # (a capitalised "Report", "May" or "Will" is part of a name)
                if inverted and prev == ",":
                    break
                return s0
            prev = w
        return None

    def _opens_clause(self, s: int, e: int) -> bool:
        """Whether the token ``text[s:e]`` may open a reported clause without "that"."""
        w = self.low[s:e]
        lex = self.lex
        if not self.text[s].isalnum() or w in lex.np_link or w in _NOT_CLAUSE_START:
            return False
        return not (w in lex.forms or (w in lex.np_stop and w not in _NP_STOP_KEPT))

    def _after_time(self, toks: list[tuple[int, int]], i: int, it: Any) -> int:
        """The index of the token after a time adverbial starting at token ``i`` ("on
        Monday", "last week", "earlier this month": at most four words of ``time_lead`` and
        ``time_words``, the last a time word) when a clause may open there with a word that
        is no possessive, else ``i``.
        ``toks`` is extended from the token stream ``it`` as far as it is read."""
        low, lead, times = self.low, self.lex.time_lead, self.lex.time_words
        j = end = i
        while j - i < 4:
            if j >= len(toks):
                toks.extend(islice(it, 1))
                if j >= len(toks):
                    break
            w = low[toks[j][0] : toks[j][1]]
            if w in times:
                j += 1
                end = j
            elif w in lead:
                j += 1
            else:
                break
        if end == i:
            return i
        if end >= len(toks):
            toks.extend(islice(it, 1))
        if (end < len(toks) and self._opens_clause(*toks[end])
                and not low[toks[end][0] : toks[end][1]].endswith(_NOUN_ENDINGS)):
            return end  # ("said Monday night's vote …": the time words were a possessive's)
        return i

    def _inverted(self, ci: int, ss: int) -> tuple[list[tuple[int, int]], tuple[int, int] | None, str] | None:
        """", X said." / ", said X." / "The talks, he said, will resume.": (parts, speaker, mode)."""
        a, b, cue = self.cues[ci]
        text = self.text
        low = self.low
        lex = self.lex
        se = self.sent.end(b)
        if text.rfind(",", max(ss, a - 120), a) == -1:
            return None  # cheap: an inverted cue ("…, X said") stands after a comma
        prev_end = a
        while prev_end > ss and text[prev_end - 1] == " ":
            prev_end -= 1
        if prev_end > ss and text[prev_end - 1] == ",":
            # ", said X."
            sp = self.np_forward(b, se)
            if sp is None:
                return None
            comma = prev_end - 1
            mode = "pronoun" if low[sp[0] : sp[1]] in lex.pronouns else "np"
            frame_end = sp[1]
        else:
            sp, mode = self.subject_before(a, ss)
            if sp is None:
                return None
            j = sp[0] - 1
            # the subject must follow a comma (skipping adverbs between: ", he later said")
            while j > ss and text[j] == " ":
                j -= 1
            if j <= ss or text[j] != ",":
                return None
            comma = j
            frame_end = b
        if comma - ss < 2 or comma - ss > _MAX_CLAUSE:
            return None
        if text[comma - 1] in _QUOTE_CHARS:
            return None  # '"…," he said' belongs to the direct quote
        # after the cue: at most a few words of adverbial, then the end or ", rest of the sentence"
        if self.fast is not None:
            second = self.fast.inverted_rest(text, low, frame_end, se)
        else:
            second = self._inverted_rest(frame_end, se)
        if second is False:
            return None
        if second is None and comma - ss < 8:
            return None
        if frame_end != b and second is None and not self._clause_starts(ss, comma, True):
            # ", said X.": what stands before the comma is the reported clause, so it has a
            # verb; "Jane Doe, 58, of Leeds, admitted three charges" is a subject, and the
            # cue's verb has a noun object: no report
            return None
        parts = []
        first_end = comma
        start = ss
        if text[start] in _QUOTE_CHARS:
            return None
        parts.append((start, first_end))
        if second is not None:
            # "The talks, he said, will resume." — the clause goes on after the frame
            if first_end - start > 60 or self._clause_starts(start, first_end):
                pass
            else:
                e2 = second[1]
                if e2 - second[0] > _MAX_CLAUSE:
                    e2 = self._cap(second[0])
                while e2 > second[0] and text[e2 - 1] in _PUNCT_STRIP:
                    e2 -= 1
                parts.append((second[0], e2))
        return parts, sp, mode

    def _inverted_rest(self, frame_end: int, se: int) -> tuple[int, int] | None | bool:
        """After the frame of an inverted cue ("…, he said"), ending at ``frame_end``, in the
        sentence ending at ``se``: at most seven tokens of adverbial, then the sentence's end
        (``None``) or ", rest of the sentence" (its span, when longer than three
        characters, else ``None``); ``False`` when something else follows (not a frame)."""
        text = self.text
        low = self.low
        finite = self.lex.finite
        # read lazily: the loop stops early
        rest = map(_span, TOKEN.finditer(text, frame_end, min(se + 1, frame_end + 90)))
        for idx, (s, e) in enumerate(rest):
            w = low[s:e]
            if w == ",":
                tail = s + 1
                while tail < se and text[tail] == " ":
                    tail += 1
                return (tail, se) if se - tail > 3 else None
            if idx >= 7 or w in finite or w in ("that",) or not text[s].isalnum() and w not in (".", "!", "?"):
                if w in (".", "!", "?"):
                    return None
                return False
        return None

    def _clause_starts(self, s: int, e: int, present: bool = False) -> bool:
        """Whether ``text[s:e]`` already holds a finite verb (so it is a whole clause); with
        ``present``, a lower-case word in "-s" counts as one too ("the chip uses …")."""
        lex = self.lex
        text = self.text
        for a, b in map(_span, TOKEN.finditer(text, s, e)):  # lazily: stops early
            w = self.low[a:b]
            if w in lex.finite or (w.endswith("ed") and len(w) > 3):
                return True
            if present and len(w) > 3 and w[-1] == "s" and w[-2] != "s" and text[a].islower():
                return True
        return False

    def _according(self, ci: int, ss: int) -> tuple[list[tuple[int, int]], tuple[int, int] | None] | None:
        a, b, cue = self.cues[ci]
        text = self.text
        low = self.low
        lex = self.lex
        se = self.sent.end(b)
        # a lead of intro words only ("According to …", "But, according to …"): read
        # lazily, it stops at the first other word
        initial = a - ss <= _MAX_CLAUSE and all(
            low[s:e] in lex.intro or low[s:e] == "," for s, e in map(_span, TOKEN.finditer(text, ss, a))
        )
        sp = self.np_forward(b, se)
        if sp is None:
            return None
        if initial:
            # "According to a report by the World Bank, …": the source runs to the comma
            j = text.find(",", sp[1], min(se, sp[1] + 80))
            if j == -1:
                return None
            end = j
            while end > sp[0] and text[end - 1] == " ":
                end -= 1
            sp = (sp[0], end)
            cs = j + 1
            while cs < se and text[cs] == " ":
                cs += 1
            if cs < self.n and text[cs] in _QUOTE_CHARS:
                return None  # the direct quote took it
            ce = self._clause_end(cs)
            if ce - cs < 8:
                return None
            return [(cs, ce)], sp
        e = a
        while e > ss and text[e - 1] in _PUNCT_STRIP:
            e -= 1
        if e - ss < 8 or e - ss > _MAX_CLAUSE or text[e - 1] in _QUOTE_CHARS:
            return None
        return [(ss, e)], sp

    def indirect(self, cands: list[_Cand]) -> list[_Cand]:
        lex = self.lex
        text = self.text
        found: list[_Cand] = []
        used = self.used
        quoted = self.quoted
        qopens = self.qopens
        sent = self.sent
        sstarts: list[int] | None = sent.starts if sent.ends is not None else None
        for ci, (a, b, cue) in enumerate(self.cues):
            if cue.direct_only or ci in used:
                continue
            if quoted:
                # inside a quoted stretch (``_inside_quote``; its common case inline)
                k = bisect_right(qopens, a) - 1
                if k >= 0:
                    q = quoted[k]
                    if q.open < a < q.close:
                        continue
                    if k >= 1 and quoted[k - 1].close >= a and self._inside_quote(a) is not None:
                        continue
            # the sentence start (``Sentences.start`` inline: the table is built on first use)
            if sstarts is None:
                sent._scan()
                sstarts = sent.starts
            k = bisect_right(sstarts, a) - 1
            ss = sstarts[k] if k >= 0 else 0
            if cue.source:
                got = self._according(ci, ss)
                if got is None:
                    continue
                parts, sp = got
                mode = "pronoun" if self.low[sp[0] : sp[1]] in lex.pronouns else "np"
                found.append(_Cand("indirect", parts, (a, b), sp, mode))
                self.used.add(ci)
                self._speak(ci, sp, mode)
                continue
            if self._is_noun_use(a, ss):
                continue
            cs = self._that_or_bare(ci)
            if cs is None and quoted and self.fragments:
                cs = self._that_after_title(b)
            if cs is not None:
                if cs < self.n and text[cs] in _QUOTE_CHARS and self._quote_at(cs) is not None:
                    pass  # 'said that "…"' — a mixed quote, handled below as a clause
                ce = self._clause_end(cs)
                if ce - cs < 3:
                    continue
                sp, mode = self._speaker_for(ci, ss)
                if sp is None:
                    # passive "It is said that …" or no subject: no speaker, no quote
                    continue
                found.append(_Cand("indirect", [(cs, ce)], (a, b), sp, mode))
                self.used.add(ci)
                self._speak(ci, sp, mode)
                continue
            got = self._inverted(ci, ss)
            if got is not None:
                parts, sp, mode = got
                found.append(_Cand("indirect", parts, (a, b), sp, mode))
                self.used.add(ci)
                self._speak(ci, sp, mode)
        if not found:
            return cands
        return self._merge(cands, found)

    def _that_after_title(self, b: int) -> int | None:
        """Where the clause starts after "wrote in her memoir, "Threads," that …": a title in
        quotation marks within a few words after the cue at ``b``, then "that"."""
        k = bisect_left(self.qopens, b)
        if k >= len(self.quoted):
            return None
        q = self.quoted[k]
        if q.open - b > 40 or q not in self.fragments or not self._title_like(q):
            return None
        between = self.low[b : q.open]
        if "\n" in between or any(c in between for c in ".;:!?\"“”"):
            return None
        m = _THAT_AFTER.match(self.low, q.close + 1)
        return m.end() if m is not None else None

    def _quote_at(self, pos: int) -> Quoted | None:
        k = bisect_left(self.qopens, pos)
        if k < len(self.quoted) and self.quoted[k].open == pos:
            return self.quoted[k]
        return None

    def _merge(self, direct: list[_Cand], indirect: list[_Cand]) -> list[_Cand]:
        """Mark clauses with quoted fragments as mixed; drop what they absorb or overlap."""
        absorbed: set[int] = set()
        keep_ind: list[_Cand] = []
        dstarts = [c.quoted.open if c.quoted else c.pos for c in direct]
        for c in indirect:
            s, e = c.parts[0][0], c.parts[-1][1]
            clash = False
            mixed = False
            k = bisect_left(dstarts, s - 1)
            while k < len(direct) and dstarts[k] < e:
                d = direct[k]
                q = d.quoted
                if q is not None and q.open >= s - 1 and q.close <= e + 1:
                    if d.cue is None:
                        absorbed.add(k)
                        mixed = True
                    else:
                        clash = True
                elif q is not None:
                    clash = True
                k += 1
            if clash:
                continue
            if not mixed:
                # scare-quoted fragments inside the clause make it mixed too
                i = bisect_left(self.qopens, s)
                while i < len(self.quoted) and self.quoted[i].open < e:
                    if self.quoted[i] in self.fragments and not self._title_like(self.quoted[i]):
                        mixed = True
                        break
                    i += 1
            if mixed:
                c.label = "mixed"
            keep_ind.append(c)
        out = [d for k, d in enumerate(direct) if k not in absorbed]
        out.extend(keep_ind)
        return out

    # -- findings ----------------------------------------------------------------------

    def findings(self, cands: list[_Cand], entities: tuple[Any, ...]) -> list[Finding]:
        text = self.text
        resolver = Resolver(text, self.low, entities, self.lex, self.sent, self.f._genders)

        def subject_of(lo: int, hi: int) -> Speaker | None:
            sp, mode = self.main_subject(lo, hi)
            if sp is None or mode != "np":
                return None
            group = resolver.group(sp[0], sp[1])
            if group is not None:
                return group  # "Jenny and Carlos Ruiz …": "they" may call them
            head_end = self._head_end(sp)
            ent = resolver._covering(sp[0], head_end)
            if ent is not None:
                return resolver._entity_speaker(ent, sp[0])
            return Speaker(text[sp[0] : sp[1]], None, "", resolver.refers_of(sp[0], head_end), sp[0])

        resolver.subject_of = subject_of
        out: list[Finding] = []
        seen: set[tuple[int, int]] = set()
        inherit = self.f.inherit
        named, pronoun = resolver.named, resolver.pronoun
        for c in cands:
            parts = c.parts
            s, e = parts[0][0], parts[-1][1]
            if e <= s:
                continue
            key = (s, e)
            if key in seen:
                continue
            seen.add(key)
            sp: Speaker | None = None
            mode, speaker, cue = c.mode, c.speaker, c.cue
            if speaker is not None:
                if mode == "np":
                    sp = named(speaker[0], speaker[1])
                elif mode == "pronoun":
                    sp = pronoun(speaker[0], speaker[1])
            elif mode == "inherit" and inherit:
                sp = resolver.inherit(s)
            attrs: dict[str, Any] = {
                "speaker": sp.name if sp is not None else None,
                "speaker_span": [speaker[0], speaker[1]] if speaker is not None else None,
                "cue": text[cue[0] : cue[1]] if cue is not None else None,
                "cue_span": [cue[0], cue[1]] if cue is not None else None,
            }
            if len(parts) > 1:
                attrs["parts"] = [list(p) for p in parts]
            refs = {"speaker": sp.ref} if sp is not None and sp.ref else None
            out.append(Finding("quote", s, e, text[s:e], label=c.label, attributes=attrs, refs=refs))
        resolver.subject_of = None  # break the resolver ↔ callback cycle: freed at once
        return out
