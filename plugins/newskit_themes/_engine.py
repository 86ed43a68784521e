"""Theme tagging: one token scan over the text, cue hits, scores, roll-up, confidence.

The text is cut into tokens once, in C (``bytes.translate`` + ``bytes.split``, the same
tokens as ``TOKEN_RE``). One dictionary lookup per token, through ``map`` in C, gives a flags
byte cached per surface form: may the word start a cue, may it open or close the opening word
pair of a phrase. Only the flagged positions reach Python:

- single-word cues are counted per group (a word and its spellings that differ only in case)
  with C-level counting, in the whole text, the title and the lead;
- phrases are checked where a word that may open a pair is followed by one that may close
  one, and phrases that open with a function word ("in court") at their anchor word;
- every group's ``(node, weight)`` pairs (the theme and its broader themes) were computed
  when its surface form was first seen, so scoring a group is a few multiplications;
- confidences, the choice of tags and the evidence spans (``bytes.find`` in the blanked
  text) are computed only for the few themes that may be reported.
"""

from __future__ import annotations

import math
import os
import re
import threading
import zlib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence
from itertools import chain, compress, count, islice, repeat
from operator import itemgetter, truediv
from typing import Any, NamedTuple

import newskit
from newskit_themes._config import ThemesConfig
from newskit_themes._rules import (
    TOKEN_RE,
    Cue,
    Rule,
    RuleError,
    merge,
    read_rule_file,
    records_from_hook,
)
from newskit_themes._taxonomy import IPTC, builtin_records, calibration, taxonomy_rules

_CACHE_LIMIT = 400_000
#: Use the C accelerator (``newskit_themes._speedups``) when it is built; tests switch it off
#: to compare both paths (``ThemeTagger(..., accelerate=False)`` does the same per instance).
_USE_SPEEDUPS = True
#: Words never chosen as the anchor of a phrase cue when another word is available (they
#: would make every "the" a candidate); matching itself is unaffected.
_FUNCTION_WORDS = frozenset(
    "a an the of in on at to for with by from and or but is was are were be been it its this that "
    "their his her our your my s as into over out up down off than then so not no".split()
)


class Term:
    __slots__ = ("index", "code", "label", "broader", "parent", "level", "taxonomy", "requires",
                 "rolls_up", "rollup")

    def __init__(self, index: int, rule: Rule) -> None:
        self.index = index
        self.code = rule.code
        self.label = rule.label
        self.broader = rule.broader
        self.parent = -1
        self.level = 1
        self.taxonomy = rule.taxonomy or IPTC
        self.requires = rule.requires
        self.rolls_up = not rule.requires
        self.rollup = rule.rollup


class _CueRow(NamedTuple):
    """One cue of one theme, indexed on its anchor word (the longest, i.e. rarest-looking).

    A named tuple made with ``tuple.__new__``: some 14,000 are built with the component,
    several times faster than instances of a class with an ``__init__``.
    """

    term: int
    weight: float
    negative: bool
    elements: tuple
    anchor: int
    checks: tuple
    bigram: tuple[bytes, bytes] | None
    full: tuple
    key: str
    nodes: dict[int, float]


_new = tuple.__new__

#: elements of a cue -> its anchor, checks, opening word pair, word tests, key and the
#: checks its word pair leaves (the same phrase often serves several themes)
_SHAPES: dict[tuple, tuple] = {}


def _shape(els: tuple) -> tuple:
    """How a cue is matched: ``(anchor, checks, bigram, full, key, pair_checks)`` (see
    ``_CueRow``; ``pair_checks``: the word tests left once the opening word pair matched).

    A phrase found through its opening word pair is never looked up by its anchor word, so
    its ``checks`` are left empty (``_resolve`` reads them only for the other phrases)."""
    # texts as UTF-8 bytes: documents are matched as byte tokens (see split_tokens)
    if len(els) == 1:
        t, st, cs = els[0]
        return 0, (), None, ((0, t.encode(), st, cs),), (t + "*" if st else t), ()
    full = tuple([(k, el[0].encode(), el[1], el[2]) for k, el in enumerate(els)])
    key = " ".join([el[0] + "*" if el[1] else el[0] for el in els])
    # the anchor: the longest word that is not a function word, a case-sensitive one first
    # ("IT" of "IT is"; the last of equals)
    anchor, best = 0, None
    for k, (t, _st, cs) in enumerate(els):
        rank = (t.lower() not in _FUNCTION_WORDS, cs, len(t), k)
        if best is None or rank > best:
            anchor, best = k, rank
    # a phrase that opens with two plain words is found through that word pair, unless the
    # first is a function word ("in court", "on stage"): such pairs would be checked at every
    # "in" or "on", so the phrase is found through its anchor word instead
    (t0, s0, _), (t1, s1, _) = els[0], els[1]
    if not s0 and not s1:
        l0 = t0.lower()
        if l0 not in _FUNCTION_WORDS:
            return anchor, (), (l0.encode(), t1.lower().encode()), full, key, \
                tuple([c for c in full if c[0] >= 2 or c[3]])
    checks = tuple([(k - anchor, b, st, cs) for k, b, st, cs in full if k != anchor])
    return anchor, checks, None, full, key, ()


def build_rules(config: ThemesConfig, hook: Any = None) -> dict[str, Rule]:
    """Merge taxonomy, built-in rules, hook results and ``rule_paths`` (in that order)."""
    rules = taxonomy_rules()
    if config.builtin_rules:
        merge(rules, builtin_records())
    if hook is not None and hasattr(hook, "newskit_theme_rules"):
        merge(rules, records_from_hook(hook.newskit_theme_rules(), "newskit_theme_rules hook"))
    for path in config.rule_paths:
        merge(rules, read_rule_file(os.path.expanduser(path)))
    return rules


#: Harmonic numbers: n repeats of a cue count 1 + 1/2 + … + 1/n times its weight.
_H = [0.0]
for _k in range(1, 4096):
    _H.append(_H[-1] + 1 / _k)


class ThemeTagger:
    """The ``themes`` component: ``tagger(view)`` → theme findings."""

    def __init__(self, config: ThemesConfig, rules: Mapping[str, Rule], accelerate: bool = True) -> None:
        self.config = config
        self.calib = calibration()
        def on(rule: Rule) -> bool:  # a switched-off theme takes its narrower themes with it
            seen = set()
            while rule is not None and rule.code not in seen:
                if not rule.enabled:
                    return False
                seen.add(rule.code)
                rule = rules.get(rule.broader) if rule.broader else None
            return True

        enabled = {code: r for code, r in rules.items() if on(r)}
        self.terms: list[Term] = [Term(i, r) for i, r in enumerate(enabled.values())]
        index = {t.code: t.index for t in self.terms}
        self.index = index
        for t in self.terms:
            if t.broader is not None:
                if t.broader not in index:
                    raise RuleError(
                        f"{enabled[t.code].origin}: theme {t.code} names broader {t.broader!r}, "
                        "which is not a known (enabled) theme; fix the code or add a record for it"
                    )
                t.parent = index[t.broader]
        for t in self.terms:  # levels, and cycles in the broader chain
            seen, p = {t.index}, t.parent
            while p >= 0:
                if p in seen:
                    raise RuleError(f"{enabled[t.code].origin}: theme {t.code} is its own "
                                    "ancestor (a cycle in 'broader'); fix the broader codes")
                seen.add(p)
                p = self.terms[p].parent
            t.level = len(seen)
            for req in t.requires:
                if not req.startswith("Q") and req not in index:
                    raise RuleError(f"{enabled[t.code].origin}: theme {t.code} requires "
                                    f"{req!r}, which is not a known theme; fix the code")
        # levels deeper than max_level are dropped (their cues do not count); one pass over
        # the cues builds the rows and the tables that index them
        self.rows: list[_CueRow] = []
        self.entity_rows: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.exact_ci: dict[str, list[int]] = defaultdict(list)
        self.exact_cs: dict[str, list[int]] = defaultdict(list)
        self.stem_ci: dict[str, list[int]] = defaultdict(list)
        self.stem_cs: dict[str, list[int]] = defaultdict(list)
        # per opening word pair: (row, index of its last word, the checks the pair leaves)
        # (and its key and whether it is a negative cue)
        plans: dict[tuple[bytes, bytes], list[tuple]] = defaultdict(list)
        # phrase key -> (node, weight) pairs and nodes: the best weight per theme over the
        # rows with these words (they always match together)
        merged: dict[str, Any] = {}
        # phrase key -> (anchor, bigram): the rows of one key must share them (the C engine
        # relies on it; a key determines its words, so they always do)
        key_shape: dict[str, tuple] = {}
        self._shapes_agree = True
        tables = ((self.exact_ci, self.exact_cs), (self.stem_ci, self.stem_cs))
        rows = self.rows
        append = rows.append
        shapes = _SHAPES
        chains: dict[tuple[int, float], dict[int, float]] = {}
        max_level = config.max_level
        for t in self.terms:
            if t.level > max_level and t.taxonomy == IPTC:
                continue
            r = enabled[t.code]
            ti = t.index
            for negative, cues in ((False, r.cues), (True, r.negative)):
                for cue in cues:
                    els, w = cue[1], cue[2]
                    shape = shapes.get(els)
                    if shape is None:
                        shape = shapes[els] = _shape(els)
                    # the term and, when it rolls up, its ancestors
                    nodes = chains.get((ti, w))
                    if nodes is None:
                        nodes = chains[ti, w] = self._chain(ti, w)
                    i = len(rows)
                    anchor, checks, bigram, full, key, pair_checks = shape
                    append(_new(_CueRow, (ti, w, negative, els, anchor, checks, bigram, full, key, nodes)))
                    if bigram is not None:
                        plans[bigram].append((i, len(full) - 1, pair_checks, key, negative))
                    else:
                        el = els[anchor]
                        tables[el[1]][el[2]][el[0]].append(i)
                    if len(els) > 1:
                        ks = key_shape.setdefault(key, shape)
                        if ks is not shape and (ks[0], ks[2]) != (anchor, bigram):
                            self._shapes_agree = False
                        if negative:
                            continue
                        had = merged.get(key)
                        if had is None:  # most keys have one row: its roll-up chain, shared
                            merged[key] = nodes
                            continue
                        nodes_ = dict(had)
                        for node, ww in nodes.items():
                            if ww > nodes_.get(node, 0.0):
                                nodes_[node] = ww
                        merged[key] = nodes_
            for ec in r.entities:
                self.entity_rows[ec.key].append((ti, ec.weight))
        self.bigrams: dict[tuple[bytes, bytes], tuple[tuple, ...]] = {k: tuple(v) for k, v in plans.items()}
        self.stem_lens_ci = sorted({len(s) for s in self.stem_ci})
        self.stem_lens_cs = sorted({len(s) for s in self.stem_cs})
        # caches by surface form (UTF-8 bytes of a token), filled as words are first seen
        self.single: dict[bytes, tuple] = {}  # group id, (node, weight) rolled up, nodes
        self.own: dict[bytes, dict[int, float]] = {}  # term -> weight (not rolled up)
        self.phrase: dict[bytes, tuple] = {}  # phrase/negative rows anchored on this word
        self.lowof: dict[bytes, bytes] = {}  # the lower-cased spelling
        self._gids: dict[tuple, int] = {}  # (lower-cased spelling, weights) -> group id
        self.gid_of: dict[bytes, int] = {}  # surface form -> group id
        self._own_of: dict[tuple, dict[int, float]] = {}  # shared copies of ``own`` values
        self._gid_pairs: list[tuple] = []  # group id -> (node, weight) pairs
        self._gid_nodes: list[tuple] = []  # group id -> nodes
        # surface form -> flags byte: 1 when it may start a cue (single word, or the anchor of
        # a phrase found without its word pair); bits 1-3: the buckets of the words that may
        # follow it in a phrase's opening word pair; bits 4-6: its own bucket as such a word
        self.flags: dict[bytes, int] = {}
        pair_flags: dict[bytes, int] = defaultdict(int)
        buckets: dict[bytes, int] = {}
        for first, second in self.bigrams:
            bucket = buckets.get(second)
            if bucket is None:
                bucket = buckets[second] = _bucket(second)
            pair_flags[first] |= 2 << bucket
            pair_flags[second] |= 16 << bucket
        self._pair_flags = dict(pair_flags)
        # entity cue key -> node -> weight (rolled up, best weight per node)
        self.entity_nodes: dict[str, dict[int, float]] = {}
        for k, pairs_ in self.entity_rows.items():
            nodes: dict[int, float] = {}
            for term, w in pairs_:
                for node, ww in self._chain(term, w).items():
                    if ww > nodes.get(node, 0.0):
                        nodes[node] = ww
            self.entity_nodes[k] = nodes
        self.entity_pairs = {k: (tuple(v.items()), tuple(v)) for k, v in self.entity_nodes.items()}
        shared: dict[int, tuple] = {}  # id of a nodes dict -> its pairs and nodes
        self.key_pairs = {}
        for k, v in merged.items():
            pn = shared.get(id(v))
            if pn is None:
                pn = shared[id(v)] = (tuple(v.items()), tuple(v))
            self.key_pairs[k] = pn
        self._zero = [0.0] * len(self.terms)
        self._codes = [t.code for t in self.terms]
        self._deep_iptc = [t.taxonomy == IPTC for t in self.terms]
        self._info = [(t.label, t.code, t.broader, t.level, t.taxonomy) for t in self.terms]
        self.story = [t for t in self.terms if t.requires]
        #: QID of an entity -> (type, tags, the entity cue keys they match)
        self._entity_keys: dict[Any, tuple] = {}
        # per node, for the confidence: level, roll-up flag, parent, bias + level offset
        c = self.calib
        self._level_of = [t.level for t in self.terms]
        self._rolls = [t.rolls_up for t in self.terms]
        self._parent = [t.parent for t in self.terms]
        self._zlevel = [c["level"].get(str(min(t.level, 3)), 0.0) for t in self.terms]
        self._coef = (c["bias"], c["log_score"], c["ratio"], c["log_distinct"])
        th = config.threshold
        # the logit of the threshold, a hair lower so that rounding never drops a theme
        self._zcut = -math.inf if th <= 0 else (30.0 if th >= 1 else math.log(th / (1 - th)) - 1e-9)
        # scores below this cannot reach the threshold (ratio 1, generous distinct count)
        self.min_score = self._min_score(config.threshold)
        self._lock: Any = None
        self._lock_pid = -1
        #: the C engine (``_speedups.Engine``) when the accelerator is built and wanted
        self._c: Any = self._build_c() if accelerate and _USE_SPEEDUPS else None

    def _build_c(self) -> Any:
        """The C engine of ``_findings_fast`` over the same tables, or None (not built)."""
        try:
            from newskit_themes import _speedups  # type: ignore[attr-defined]
        except ImportError:
            return None
        if not _current_build(_speedups):
            return None
        rows = self.rows
        key_ids = {k: i for i, k in enumerate(self.key_pairs)}
        if not self._shapes_agree:  # the rows of one phrase key share one shape (see __init__)
            return None
        kget = key_ids.get
        # (the engine reads a row's nodes as a sequence: the keys of its nodes dict)
        c_rows = [(row[7], kget(row[8], -1) if not row[2] and len(row[7]) > 1 else -1,
                   row[2], row[0], row[1], row[9]) for row in rows]
        keys = [pairs for pairs, _nodes in self.key_pairs.values()]
        bigrams = [(a, b, tuple([p[:3] for p in plan])) for (a, b), plan in self.bigrams.items()]
        crank = {code: i for i, code in enumerate(sorted(self._codes))}
        terms = [(t.level, t.parent, t.rolls_up, self._deep_iptc[t.index], self._zlevel[t.index],
                  crank[t.code]) for t in self.terms]
        cfg = self.config
        big = 1 << 60  # longer than any text: larger settings behave the same

        def clamp(v: int) -> int:
            return max(-big, min(big, v))

        config = (cfg.title_weight, cfg.lead_weight, clamp(cfg.lead_chars), clamp(cfg.max_evidence),
                  clamp(cfg.max_level), clamp(cfg.max_tags), cfg.threshold, max(self.min_score, 0.0),
                  self._zcut, *self._coef)
        try:
            return _speedups.Engine(self._describe, _H, config, terms, c_rows, keys, bigrams, _CACHE_LIMIT)
        except (OverflowError, ValueError, TypeError):  # tables the engine cannot hold: Python path
            return None

    def _chain(self, term: int, weight: float) -> dict[int, float]:
        """The weight a cue of ``term`` gives the term and each of its broader terms."""
        nodes = {term: weight}
        if self.terms[term].rolls_up:
            cap = self.config.top_level_cap
            p = self.terms[term].parent
            w = weight * self.terms[term].rollup
            while p >= 0:
                if w <= 0:
                    break
                nodes[p] = min(w, cap) if self.terms[p].parent < 0 else w
                w *= self.terms[p].rollup
                p = self.terms[p].parent
        return nodes

    def _min_score(self, threshold: float) -> float:
        if threshold <= 0:
            return 0.0
        lo, hi = 0.0, 1e6
        for _ in range(60):
            mid = (lo + hi) / 2
            if self.confidence(mid, 1.0, max(1, int(3 * mid) + 1), 2) >= threshold or \
                    self.confidence(mid, 1.0, max(1, int(3 * mid) + 1), 1) >= threshold:
                hi = mid
            else:
                lo = mid
        return lo * 0.9

    # -- token → cues ---------------------------------------------------------------------

    def _lookup(self, btok: bytes) -> tuple:
        """What the cue tables say about one surface form: ``(lower-cased bytes, single,
        own, phrase)``: the (rolled-up) weights of its single-word cues per node, their own
        weights per term, and the phrase or negative rows anchored on it."""
        tok = btok.decode("utf-8")
        lo = tok.lower()
        blo = lo.encode("utf-8")
        found = list(self.exact_ci.get(lo, ()))
        found += self.exact_cs.get(tok, ())
        for k in self.stem_lens_ci:
            if k > len(lo):
                break
            found += self.stem_ci.get(lo[:k], ())
        for k in self.stem_lens_cs:
            if k > len(tok):
                break
            found += self.stem_cs.get(tok[:k], ())
        single: dict[int, float] = {}
        own: dict[int, float] = {}
        phrase = []
        for r in found:
            row = self.rows[r]
            if row.negative or len(row.elements) > 1:
                phrase.append(r)
                continue
            own[row.term] = max(own.get(row.term, 0.0), row.weight)
            for node, w in row.nodes.items():
                if w > single.get(node, 0.0):
                    single[node] = w
        return blo, single, own, phrase

    def _describe(self, btok: bytes) -> tuple:
        """One surface form for the C engine: ``(flags, lower-cased bytes, (node, weight)
        pairs or None, own (term, weight) pairs, (offset of the cue's first word, row) of the
        phrase rows anchored on it)`` (the same lookups as ``_resolve``, nothing cached)."""
        blo, single, own, phrase = self._lookup(btok)
        flags = self._pair_flags.get(blo, 0)
        if single or phrase:
            flags |= 1
        rows = self.rows
        return (flags, blo, tuple(single.items()) if single else None, tuple(own.items()),
                tuple([(-rows[r].anchor, r) for r in phrase]))

    def _resolve(self, btok: bytes) -> int:
        """Look one surface form up in the cue tables once; returns its flags byte (cached)."""
        blo, single, own, phrase = self._lookup(btok)
        self.lowof[btok] = btok if blo == btok else blo  # one object when already lower-case
        flags = self._pair_flags.get(blo, 0)
        if single:
            pairs = tuple(single.items())
            # spellings of one word with the same weights form one group (see score)
            gk = (blo, pairs)
            gid = self._gids.get(gk)
            if gid is None:
                gid = self._gids[gk] = len(self._gids)
                self._gid_pairs.append(pairs)
                self._gid_nodes.append(tuple(single))
            # one object per group, shared by its spellings
            self.single[btok] = (gid, self._gid_pairs[gid], self._gid_nodes[gid])
            self.gid_of[btok] = gid
            self.own[btok] = self._own_of.setdefault(tuple(own.items()), own)
            flags |= 1
        if phrase:  # keyed on the next word to check when that word is a plain one
            # (offset of the cue's first word from this word, row)
            generic: list[tuple[int, int]] = []
            keyed: dict[tuple[int, bytes], list[tuple[int, int]]] = {}
            for r in phrase:
                checks = self.rows[r].checks
                d = -self.rows[r].anchor
                if checks and not checks[0][2]:
                    keyed.setdefault((checks[0][0], checks[0][1]), []).append((d, r))
                else:
                    generic.append((d, r))
            by_off: dict[int, dict[bytes, tuple[tuple[int, int], ...]]] = {}
            for (off, word), rows in keyed.items():
                by_off.setdefault(off, {})[word] = tuple(rows)
            self.phrase[btok] = (tuple(generic), tuple(by_off.items()))
            flags |= 1
        self.flags[btok] = flags
        return flags

    def _fill(self, surfaces: Any) -> None:
        """Resolve the surface forms not seen before (the caches are bounded)."""
        flags = self.flags
        fresh = set(surfaces).difference(flags)
        if fresh:
            if len(flags) + len(fresh) > _CACHE_LIMIT:
                self.single.clear()
                self.own.clear()
                self.phrase.clear()
                self.lowof.clear()
                self._gids.clear()
                self.gid_of.clear()
                self._own_of.clear()
                self._gid_pairs.clear()
                self._gid_nodes.clear()
                flags.clear()
                fresh = set(surfaces)
            for tok in fresh:
                self._resolve(tok)

    # -- one document --------------------------------------------------------------------

    def score(self, text: str, title: str | None, entities: Sequence[Any] = ()) -> dict:
        """Counts of every cue group of the document and the scores they give each theme.

        Returns ``{"score": {node: s}, "distinct": {node: n}, "groups": [...], "contrib":
        {node: [(value, group index)]}, "toks": toks, "line": blanked ASCII text or None}``;
        a group is ``(kind, key, F, first)`` where ``F`` is the saturated, position-weighted
        count and ``first`` locates the first occurrence (token indices) in the text.
        """
        with self._guard():
            S, dcount, groups, gpairs, toks, line = self._score(text, title, entities)
        return {"score": {t: S[t] for t in dcount}, "distinct": dcount, "groups": groups,
                "gpairs": gpairs, "contrib": _contributions(dcount, groups, gpairs),
                "toks": toks, "line": line}

    def _score(self, text: str, title: str | None, entities: Sequence[Any]) -> tuple:
        """The scores of one document: ``(S, dcount, groups, gpairs, toks, line)``.

        ``S[node]`` is a theme's score (meaningful for the nodes in ``dcount``, which counts
        the cue groups behind each); ``groups[gi]`` is ``(kind, key, F, first)`` and
        ``gpairs[gi]`` its ``(node, weight)`` pairs, so that a group gives ``weight * F``.

        The per-document Python work is proportional to the cue hits: one C pass maps every
        word to a flags byte (cached per surface form: may it start a cue, may it open or
        close a word pair of a phrase), and only the flagged positions are looked at.
        """
        cfg = self.config
        toks, line = _split_surface(text)
        n = len(toks)
        title_tok = 0
        lead_chars = cfg.lead_chars
        if lead_chars > 0:
            lead_tok = len(line[:lead_chars].split()) if line is not None else count_tokens(text[:lead_chars])
        else:
            lead_tok = 0
        if title is None:  # a short first line followed by a newline reads as a headline
            nl = text.find("\n", 0, 200)
            if 0 < nl < 160 and not text[:nl].rstrip().endswith((".", ":", "\"", "\u201d")):
                title_tok = count_tokens(text[:nl])
                lead_tok = max(lead_tok, count_tokens(text[: nl + lead_chars]))
        if lead_tok > n:
            lead_tok = n
        if title_tok > n:
            title_tok = n
        ttoks: list[bytes] = []
        if title and not text.startswith(title):
            ttoks = _split_surface(title)[0]
        flags = self.flags
        # one byte of flags per word; 255: not seen before (a C scan finds it)
        lv = bytes(map(flags.get, toks, repeat(255)))
        missing = 255 in lv
        if ttoks and not missing:
            missing = not flags.keys() >= set(ttoks)
        if missing:  # text and title together: a cache cleared past its limit loses neither
            self._fill(toks + ttoks)
            lv = bytes(map(flags.__getitem__, toks))
        idx = list(compress(range(n), lv.translate(_BIT1)))  # positions that may start a cue
        hs = list(map(toks.__getitem__, idx))  # their surfaces, in text order
        counts: dict[bytes, int] = {}
        _count(counts, hs)
        single = self.single
        tw, lw = cfg.title_weight, cfg.lead_weight
        H = _H
        top = len(_H) - 1
        groups: list[tuple] = []
        gpairs: list[tuple] = []
        gnodes: list[tuple] = []
        # single-word cues, counted per group with C-level tools: a group is a word with its
        # spellings that differ only in case ("Police", "police") when they give the same
        # weights, so that a capitalised repeat saturates with the others
        hits = counts.keys() & single.keys()
        ttc: dict[bytes, int] | None = None
        if ttoks:
            ttc = {}
            _count(ttc, ttoks)
            hits |= ttc.keys() & single.keys()
        if hits:
            # in a fixed order (of the first spelling in sorted order), so that ties among
            # evidence rank the same way every run; a group's evidence is the first spelling
            # of it in the text
            hits = sorted(hits)
            gid_of = self.gid_of
            gget = gid_of.get
            gids = list(map(gid_of.__getitem__, hits))
            order = list(dict.fromkeys(gids))
            hgids = list(map(gget, hs))
            if len(order) < len(gids):
                first_form = dict(zip(reversed(gids), reversed(hits)))
                in_text = dict(zip(reversed(hgids), reversed(hs)))
                keys = list(map(in_text.get, order, map(first_form.__getitem__, order)))
            else:
                keys = hits
            gc: dict[Any, int] = {}
            _count(gc, hgids)
            if n < top:
                fs = list(map(H.__getitem__, map(gc.get, order, repeat(0))))
            else:
                fs = [H[min(c, top)] for c in map(gc.get, order, repeat(0))]
            if lead_tok or ttc:  # the groups in the title or the lead count more
                a = bisect_left(idx, title_tok) if title_tok else 0
                b = bisect_left(idx, lead_tok) if lead_tok else 0
                zl: dict[Any, int] = {}
                ztx: dict[Any, int] = {}
                zt: dict[Any, int] = {}
                if b > a:
                    _count(zl, hgids[a:b])
                if a:
                    _count(ztx, hgids[:a])
                if ttoks:
                    _count(zt, map(gget, ttoks))
                special = zl.keys() | ztx.keys() | zt.keys()
                for k in compress(range(len(order)), map(special.__contains__, order)):
                    g = order[k]
                    nti = zt.get(g, 0)
                    nt = nti + ztx.get(g, 0)
                    a3 = gc.get(g, 0) + nti
                    a2 = nt + zl.get(g, 0)
                    if a3 > top:
                        nt, a2, a3 = min(nt, top), min(a2, top), top
                    fs[k] = tw * H[nt] + lw * (H[a2] - H[nt]) + (H[a3] - H[a2])
            groups = list(zip(repeat("w"), keys, fs, repeat(None)))
            gpairs = list(map(self._gid_pairs.__getitem__, order))
            gnodes = list(map(self._gid_nodes.__getitem__, order))
        # phrases and negative cues: found through their opening word pair, or through their
        # anchor word; phrase groups and negative cues are then taken in text order (then the
        # title's), the same order however they were found
        occ: dict[str, list] = {}  # key -> [{position: factor}, first span, order]
        neg: list[tuple] = []
        rows_all = self.rows
        lowof = self.lowof
        phrase = self.phrase
        if n > 1 and self.bigrams:
            # positions whose word may open a pair that the next word may close
            both = (int.from_bytes(lv[:-1].translate(_FIRST_BITS), "big")
                    & int.from_bytes(lv[1:].translate(_SECOND_BITS), "big"))
            if both:
                bget = self.bigrams.get
                for i in compress(range(n - 1), both.to_bytes(n - 1, "big")):
                    plan = bget((lowof[toks[i]], lowof[toks[i + 1]]))
                    if plan is None:
                        continue
                    factor = tw if i < title_tok else (lw if i < lead_tok else 1.0)
                    for r, last, checks, key, negative in plan:
                        end = i + last
                        if end >= n:
                            continue
                        if checks and not _checks_hold(toks, lowof, i, checks):
                            continue
                        if negative:
                            neg.append((i, r, rows_all[r], toks, i, end, factor))
                            continue
                        rec = occ.get(key)
                        if rec is None:
                            occ[key] = [{i: factor}, (i, end), (i, r)]
                        else:
                            rec[0][i] = factor
                            if (i, r) < rec[2]:
                                rec[2] = (i, r)
                                rec[1] = (i, end)
        anchored = counts.keys() & phrase.keys()
        if anchored:
            found: list[tuple[int, int]] = []
            # the positions of these words, in one C pass over the flagged words
            for i, surface in compress(zip(idx, hs), map(anchored.__contains__, hs)):
                generic, keyed = phrase[surface]
                for d, r in generic:
                    found.append((i + d, r))
                for off, words in keyed:
                    k = i + off
                    if 0 <= k < n:
                        t = toks[k]
                        rows = words.get(t)
                        if rows is not None:
                            for d, r in rows:
                                found.append((i + d, r))
                        lt = lowof[t]
                        if lt != t:
                            rows = words.get(lt)
                            if rows is not None:
                                for d, r in rows:
                                    found.append((i + d, r))
            if found:
                self._phrases(found, toks, False, 0, title_tok, lead_tok, occ, neg)
        if ttoks:
            self._title_phrases(ttoks, ttc, occ, neg)
        if occ:
            for key, (at, first, _order) in (sorted(occ.items(), key=_OCC_ORDER) if len(occ) > 1 else occ.items()):
                if len(at) > 1:
                    f = sum(map(truediv, sorted(at.values(), reverse=True), count(1)))
                else:
                    f = next(iter(at.values()))
                groups.append(("p", key, f, first))
                pairs, nodes = self.key_pairs[key]
                gpairs.append(pairs)
                gnodes.append(nodes)
        # entity cues
        if entities and cfg.use_entities and self.entity_rows:
            self._entity_groups(entities, groups, gpairs, gnodes)
        S = self._zero[:]
        for pairs, g in zip(gpairs, groups):
            f = g[2]
            for node, w in pairs:
                S[node] += w * f
        dcount: dict[int, int] = {}
        _count(dcount, chain.from_iterable(gnodes))
        # negative cues cancel the theme's cues they overlap and subtract their weight
        if neg:
            own = self.own
            neg.sort(key=_NEG_ORDER)
            for _z, _r, row, ztoks, start, end, factor in neg:
                masked = 0.0
                for k in range(start, end + 1):
                    o = own.get(ztoks[k])
                    if o:
                        masked = max(masked, o.get(row.term, 0.0))
                amount = max(row.weight, masked) * factor
                for node in row.nodes:
                    if node in dcount:
                        S[node] -= amount
        return S, dcount, groups, gpairs, toks, line

    def _anchor(self, surface: bytes, i: int, ztoks: list[bytes], found: list) -> None:
        """The phrase rows anchored on ``surface`` at token ``i`` that may start there."""
        generic, keyed = self.phrase[surface]
        m = len(ztoks)
        for d, r in generic:
            found.append((i + d, r))
        for off, words in keyed:
            j = i + off
            if 0 <= j < m:
                rows = words.get(ztoks[j])
                if rows is not None:
                    for d, r in rows:
                        found.append((i + d, r))
                lj = self.lowof[ztoks[j]]
                if lj != ztoks[j]:
                    rows = words.get(lj)
                    if rows is not None:
                        for d, r in rows:
                            found.append((i + d, r))

    def _phrases(self, found: list, ztoks: list[bytes], in_title: bool, zone: int, title_tok: int,
                 lead_tok: int, occ: dict, neg: list) -> None:
        """Check the candidate ``(start, row)`` pairs of ``found`` and record the matches."""
        cfg = self.config
        tw, lw = cfg.title_weight, cfg.lead_weight
        rows_all = self.rows
        lowof = self.lowof
        m = len(ztoks)
        for start, r in found:
            row = rows_all[r]
            end = start + len(row.full) - 1
            if start < 0 or end >= m:
                continue
            if not _checks_hold(ztoks, lowof, start, row.full):
                continue
            factor = tw if in_title or start < title_tok else (lw if start < lead_tok else 1.0)
            if row.negative:
                neg.append((zone + start, r, row, ztoks, start, end, factor))
                continue
            order = (zone + start, r)
            rec = occ.get(row.key)
            if rec is None:
                rec = occ[row.key] = [{}, None, order]
            elif order < rec[2]:
                rec[2] = order
            rec[0][zone + start] = factor
            if not in_title and (rec[1] is None or start < rec[1][0]):
                rec[1] = (start, end)

    def _title_phrases(self, ttoks: list[bytes], ttc: Any, occ: dict, neg: list) -> None:
        """Phrases and negative cues in a separate ``Document.title``."""
        m = len(ttoks)
        lowof = self.lowof
        found: list[tuple[int, int]] = []
        if m > 1 and self.bigrams:
            zlow = list(map(lowof.__getitem__, ttoks))
            bv = list(map(self.bigrams.get, zip(zlow, islice(zlow, 1, None))))
            for i in compress(range(m - 1), bv):
                for r, *_plan in bv[i]:
                    found.append((i, r))
        for surface in ttc.keys() & self.phrase.keys():
            for i, h in enumerate(ttoks):
                if h == surface:
                    self._anchor(surface, i, ttoks, found)
        if found:
            self._phrases(found, ttoks, True, 1 << 40, 0, 0, occ, neg)

    def _entity_groups(self, entities: Sequence[Any], groups: list, gpairs: list, gnodes: list) -> None:
        """Entity cue groups: one per cue key, counted over the ``entity`` findings."""
        cfg = self.config
        ecount: dict[str, list] = {}
        by_value = self._entity_keys
        vget = by_value.get
        lead_w, lead_c = cfg.lead_weight, cfg.lead_chars
        for e in entities:
            attrs = e.attributes
            etype = attrs.get("type")
            tags = attrs.get("tags")
            value = e.value
            try:  # the cue keys of an entity, cached by its QID (with its type and tags)
                hit = vget(value)
            except TypeError:  # an unhashable value: not cached
                hit = value = None
            if hit is not None and hit[0] == etype and hit[1] == tags:
                keys = hit[2]
            else:
                keys = self._entity_cue_keys(e.value, etype, tags)
                if value is not None:
                    if len(by_value) > _CACHE_LIMIT:
                        by_value.clear()
                    by_value[value] = (etype, list(tags) if isinstance(tags, list) else tags, keys)
            if not keys:
                continue
            start = e.start
            factor = lead_w if start is not None and start < lead_c else 1.0
            for k in keys:
                rec = ecount.get(k)
                if rec is None:
                    ecount[k] = [[factor], None if start is None else (start, e.end)]
                else:
                    rec[0].append(factor)
                    if rec[1] is None and start is not None:
                        rec[1] = (start, e.end)
        for k, (factors, first) in ecount.items():
            factors.sort(reverse=True)
            f = sum(map(truediv, factors, count(1)))
            groups.append(("e", k, f, first))
            pairs, nodes = self.entity_pairs[k]
            gpairs.append(pairs)
            gnodes.append(nodes)

    def _entity_cue_keys(self, value: Any, etype: Any, tags: Any) -> tuple[str, ...]:
        """The entity cue keys (``qid:``, ``type:``, ``tag:``) of one entity that some rule uses."""
        keys = [f"qid:{value}"] if value is not None else []
        if isinstance(etype, str):
            keys.append(f"type:{etype}")
        if isinstance(tags, (list, tuple)):
            keys.extend(f"tag:{t}" for t in tags if isinstance(t, str))
        er = self.entity_rows
        return tuple(k for k in keys if k in er)

    def confidence(self, s: float, ratio: float, distinct: int, level: int) -> float:
        c = self.calib
        z = (c["bias"] + c["log_score"] * math.log1p(s) + c["ratio"] * ratio
             + c["log_distinct"] * math.log1p(distinct) + c["level"].get(str(min(level, 3)), 0.0))
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    def _evidence(self, nodes: Sequence[int], groups: list, gpairs: list, toks: list[bytes],
                  line: bytes | None, text: str) -> dict[int, list[list[int]]]:
        """Evidence spans of each of ``nodes``: the first text occurrence of its best groups."""
        limit = self.config.max_evidence
        wanted = set(nodes)
        contrib: dict[int, list] = {t: [] for t in nodes}  # node -> [(value, group index)]
        for gi, pairs in enumerate(gpairs):
            if len(pairs) == 1:
                node, w = pairs[0]
                if node in wanted:
                    contrib[node].append((w * groups[gi][2], gi))
                continue
            f = groups[gi][2]
            for node, w in pairs:
                if node in wanted:
                    contrib[node].append((w * f, gi))
        padded = b" " + line + b" " if line is not None else None
        found: dict[int, tuple[int, int] | None] = {}
        out = {}
        for n in nodes:
            items = contrib[n]
            if not items:
                out[n] = []
                continue
            if len(items) > 1:
                items.sort(key=_FIRST, reverse=True)  # stable: ties keep the group order
            spans: list[list[int]] = []
            for _v, gi in items:
                span = found.get(gi, False)
                if span is False:
                    kind, key, _f, first = groups[gi]
                    span = None
                    if kind == "w":
                        if padded is not None:  # a C search in the blanked text
                            p = padded.find(b" " + key + b" ")
                            if p >= 0:
                                span = (p, p + len(key))
                        else:
                            word = key.decode("utf-8")
                            p = _find_token(text, word)
                            if p >= 0:
                                span = (p, p + len(word))
                    elif first is not None:
                        if kind == "e":
                            span = first
                        elif padded is not None:
                            span = _line_span(line, padded, toks, first[0], first[1])
                        else:
                            span = _token_span(text, toks, first[0], first[1])
                    found[gi] = span
                if span is not None:
                    sp = list(span)
                    if sp not in spans:
                        spans.append(sp)
                        if len(spans) >= limit:
                            break
            out[n] = spans
        return out

    def candidates(self, text: str, title: str | None, entities: Sequence[Any] = (),
                   evidence: bool = False) -> list[dict]:
        """Every theme that may pass the threshold, with its features and confidence."""
        raw = self.score(text, title, entities)
        score, distinct = raw["score"], raw["distinct"]
        terms = self.terms
        best: dict[int, float] = defaultdict(float)
        for t, s in score.items():
            term = terms[t]
            if term.rolls_up and s > best[term.level]:
                best[term.level] = s
        cands = {}
        floor = self.min_score
        for t, s in score.items():
            term = terms[t]
            if not term.rolls_up or s <= 0 or s < floor:
                continue
            ratio = s / best[term.level]
            cands[t] = {"term": term, "score": s, "distinct": distinct[t], "ratio": ratio,
                        "confidence": self.confidence(s, ratio, distinct[t], term.level), "requires": ()}
        if self.story:
            qids = {e.value: e for e in entities if e.value is not None}
            for term in self.story:
                ok, s_req, extra = True, math.inf, []
                for req in term.requires:
                    if req.startswith("Q") and req not in self.index:
                        e = qids.get(req)
                        if e is None:
                            ok = False
                            break
                        if e.start is not None:
                            extra.append(("span", e.start, e.end))
                    else:
                        c = cands.get(self.index[req])
                        if c is None or c["confidence"] < self.config.threshold:
                            ok = False
                            break
                        s_req = min(s_req, c["score"])
                        extra.append(("node", self.index[req], None))
                if not ok:
                    continue
                s = max(0.0, score.get(term.index, 0.0)) + (0.0 if s_req == math.inf else s_req)
                if s <= 0:
                    continue
                d = distinct.get(term.index, 0) + 1
                ratio = min(1.0, s / best[term.level]) if best[term.level] > 0 else 1.0
                cands[term.index] = {"term": term, "score": s, "distinct": d, "ratio": ratio,
                                     "confidence": self.confidence(s, ratio, d, term.level),
                                     "requires": tuple(extra)}
        out = sorted(cands.values(), key=lambda c: (-c["confidence"], -c["score"], c["term"].code))
        for c in out:
            c["raw"] = raw
        return out

    def select(self, cands: list[dict]) -> list[dict]:
        """Apply threshold and max_tags, keeping every reported theme's ancestors."""
        cfg = self.config
        by_term = {c["term"].index: c for c in cands}
        chosen: dict[int, dict] = {}
        for c in cands:
            if c["confidence"] < cfg.threshold:
                break
            t = c["term"]
            if t.index in chosen or (t.level > cfg.max_level and t.taxonomy == IPTC):
                continue
            chain, p = [t.index], t.parent
            while p >= 0:
                if p not in chosen:
                    chain.append(p)
                p = self.terms[p].parent
            if len(chosen) + len(chain) > cfg.max_tags:
                continue
            for i in chain:
                chosen[i] = by_term.get(i) or {"term": self.terms[i], "score": c["score"],
                                               "distinct": c["distinct"], "ratio": c["ratio"],
                                               "confidence": c["confidence"], "requires": (),
                                               "raw": c["raw"]}
            # a broader theme is at least as likely as a narrower one it contains
            p = t.parent
            while p >= 0:
                if chosen[p]["confidence"] < c["confidence"]:
                    chosen[p] = dict(chosen[p], confidence=c["confidence"])
                p = self.terms[p].parent
        return sorted(chosen.values(), key=lambda c: (-c["confidence"], -c["score"], c["term"].code))

    def findings(self, text: str, title: str | None, entities: Sequence[Any] = ()) -> list[newskit.Finding]:
        """The theme findings of one document (safe to call from several threads)."""
        with self._guard():
            return self._findings(text, title, entities)

    def _guard(self) -> Any:
        """The lock of this tagger's word caches, one per process.

        Both paths fill the caches as they meet new words (the C engine through
        ``_describe``), several dictionaries and lists at a time; calls from several
        threads therefore take turns (they would anyway: neither path releases the GIL).
        A forked child makes its own lock, as a thread of the parent may have held it.
        """
        pid = os.getpid()
        if self._lock_pid != pid:
            self._lock, self._lock_pid = threading.RLock(), pid
        return self._lock

    def _findings(self, text: str, title: str | None, entities: Sequence[Any] = ()) -> list[newskit.Finding]:
        if not self.story:
            return self._findings_fast(text, title, entities)
        chosen = self.select(self.candidates(text, title, entities))
        if not chosen:
            return []
        raw = chosen[0]["raw"]
        wanted = {c["term"].index for c in chosen}
        for c in chosen:
            wanted.update(a for kind, a, _b in c["requires"] if kind == "node")
        spans = self._evidence(sorted(wanted), raw["groups"], raw["gpairs"], raw["toks"], raw["line"], text)
        out = []
        for rank, c in enumerate(chosen, 1):
            t = c["term"]
            ev = list(spans.get(t.index, []))
            for kind, a, b in c["requires"]:
                extra = [[a, b]] if kind == "span" else spans.get(a, [])
                ev.extend(s for s in extra if s not in ev)
            out.append(newskit.Finding(
                "theme", None, None, None,
                label=t.label, value=t.code,
                confidence=round(min(1.0, max(0.0, c["confidence"])), 4),
                attributes={"evidence": ev[: self.config.max_evidence], "broader": t.broader, "level": t.level,
                            "taxonomy": t.taxonomy, "score": round(c["score"], 3), "rank": rank},
            ))
        return out

    def _findings_fast(self, text: str, title: str | None, entities: Sequence[Any]) -> list[newskit.Finding]:
        """``findings`` without story themes: the same choice as ``select(candidates(...))``
        with confidences computed only where the choice needs them."""
        if self._c is not None:
            fast = self._findings_c(text, title, entities)
            if fast is not None:
                return fast
        cfg = self.config
        S, dcount, groups, gpairs, toks, line = self._score(text, title, entities)
        level_of, rolls, zlevel, parent_of = self._level_of, self._rolls, self._zlevel, self._parent
        floor = self.min_score
        if floor < 0:
            floor = 0.0
        # the themes that may pass; the best score of a level is always among them (the others
        # score below the floor), so the share of the best is computed from these alone
        pool = [t for t in dcount if S[t] >= floor and S[t] > 0 and rolls[t]]
        if not pool:
            return []
        best: dict[int, float] = {}
        for t in pool:
            lv = level_of[t]
            if S[t] > best.get(lv, 0.0):
                best[lv] = S[t]
        bias, a_s, a_r, a_d = self._coef
        log1p = math.log1p
        zcut = self._zcut
        cands: dict[int, float] = {}  # node -> z
        passing = []
        for t in pool:
            s = S[t]
            z = bias + a_s * log1p(s) + a_r * (s / best[level_of[t]]) + a_d * log1p(dcount[t]) + zlevel[t]
            cands[t] = z
            if z >= zcut:
                passing.append(t)
        if not passing:
            return []
        conf: dict[int, float] = {}
        for t in passing:
            conf[t] = _sigmoid(cands[t])
        codes = self._codes
        threshold = cfg.threshold
        if len(passing) > 1:
            passing.sort(key=lambda t: (-conf[t], -S[t], codes[t]))
        chosen: dict[int, list] = {}  # node -> [confidence, score]
        max_level, max_tags = cfg.max_level, cfg.max_tags
        deep = self._deep_iptc
        for t in passing:
            c = conf[t]
            if c < threshold:
                break
            if t in chosen or (level_of[t] > max_level and deep[t]):
                continue
            chain_, p = [t], parent_of[t]
            while p >= 0:
                if p not in chosen:
                    chain_.append(p)
                p = parent_of[p]
            if len(chosen) + len(chain_) > max_tags:
                continue
            s_t = S[t]
            for i in chain_:
                if i in cands:
                    ci = conf.get(i)
                    if ci is None:
                        ci = conf[i] = _sigmoid(cands[i])
                    chosen[i] = [ci, S[i]]
                else:
                    chosen[i] = [c, s_t]
            p = parent_of[t]  # a broader theme is at least as likely as a narrower one
            while p >= 0:
                if chosen[p][0] < c:
                    chosen[p][0] = c
                p = parent_of[p]
        if not chosen:
            return []
        order = sorted(chosen, key=lambda t: (-chosen[t][0], -chosen[t][1], codes[t]))
        spans = self._evidence(order, groups, gpairs, toks, line, text)
        out = []
        max_ev = cfg.max_evidence
        Finding = newskit.Finding
        info = self._info
        for rank, t in enumerate(order, 1):
            label, code, broader, level, taxonomy = info[t]
            c, s_t = chosen[t]
            out.append(Finding(
                "theme", None, None, None,
                label=label, value=code,
                confidence=round(min(1.0, max(0.0, c)), 4),
                attributes={"evidence": spans[t][:max_ev], "broader": broader, "level": level,
                            "taxonomy": taxonomy, "score": round(s_t, 3), "rank": rank},
            ))
        return out

    def _findings_c(self, text: str, title: str | None, entities: Sequence[Any]) -> list[newskit.Finding] | None:
        """``_findings_fast`` through the C engine (the same findings), or None while another
        call is inside the engine (another thread, or a call made from Python code the engine
        ran): the caller then takes the Python path, so the engine's tables are never changed
        under a running call."""
        cfg = self.config
        nl = -1
        if title is None:  # a short first line followed by a newline reads as a headline
            nl = text.find("\n", 0, 200)
            if not (0 < nl < 160 and not text[:nl].rstrip().endswith((".", ":", "\"", "\u201d"))):
                nl = -1
        egroups = None
        if entities and cfg.use_entities and self.entity_rows:
            groups: list = []
            gpairs: list = []
            self._entity_groups(entities, groups, gpairs, [])
            egroups = [(g[2], g[3], pairs) for g, pairs in zip(groups, gpairs)]
        chosen = self._c.run(text, title if title and not text.startswith(title) else None, nl, egroups)
        if chosen is None:
            return None
        Finding = newskit.Finding
        info = self._info
        out = []
        for rank, (t, c, s_t, evidence) in enumerate(chosen, 1):
            label, code, broader, level, taxonomy = info[t]
            out.append(Finding(
                "theme", None, None, None,
                label=label, value=code,
                confidence=round(min(1.0, max(0.0, c)), 4),
                attributes={"evidence": evidence, "broader": broader, "level": level,
                            "taxonomy": taxonomy, "score": round(s_t, 3), "rank": rank},
            ))
        return out

    def __call__(self, view: Any) -> list[newskit.Finding]:
        doc = view.document
        entities = view.of_kind("entity") if self.config.use_entities and self.entity_rows else ()
        return self.findings(doc.text, doc.title, entities)


def _current_build(module: Any) -> bool:
    """Whether the compiled accelerator was built from the ``_speedups.c`` beside this file.

    An editable install keeps its old build when the C source changes until it is
    reinstalled; such a build is not used (the Python path gives the same findings) and a
    warning says how to rebuild. An installed wheel ships no C source: nothing to compare.
    """
    import hashlib
    from importlib import resources

    try:
        source = resources.files("newskit_themes").joinpath("_speedups.c").read_bytes()
    except OSError:
        return True
    if getattr(module, "SOURCE_SHA256", None) == hashlib.sha256(source).hexdigest():
        return True
    import warnings

    warnings.warn(
        "newskit_themes: the compiled accelerator was built from another version of "
        "_speedups.c, so the slower pure-Python path runs; rebuild it with "
        "`pip install -e .` in the newskit checkout",
        RuntimeWarning,
        stacklevel=2,
    )
    return False


def make_component(config: ThemesConfig | None, hook: Any = None) -> ThemeTagger:
    """The factory of the ``themes`` component."""
    config = config or ThemesConfig()
    return ThemeTagger(config, build_rules(config, hook))


def _find_token(text: str, tok: str, start: int = 0) -> int:
    """Offset of the first whole-token occurrence of ``tok`` at or after ``start`` (or -1)."""
    p = text.find(tok, start)
    n = len(tok)
    while p >= 0 and ((p > 0 and text[p - 1].isalnum()) or (p + n < len(text) and text[p + n].isalnum())):
        p = text.find(tok, p + 1)
    return p


def _contributions(dcount: Any, groups: list, gpairs: list) -> dict[int, list]:
    """node -> [(value, group index)] for every node with a score."""
    contrib: dict[int, list] = {t: [] for t in dcount}
    for gi, (pairs, g) in enumerate(zip(gpairs, groups)):
        f = g[2]
        for node, w in pairs:
            contrib[node].append((w * f, gi))
    return contrib


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


_FIRST = itemgetter(0)
_SECOND = itemgetter(1)
_THIRD = itemgetter(2)
_NO_COUNTS: dict = {}


def _count_py(counts: dict, items: Any) -> None:
    get = counts.get
    for x in items:
        counts[x] = get(x, 0) + 1


try:  # the C helper of collections.Counter: counts[x] += 1 for each item, in C
    from collections import _count_elements as _count  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other Python implementations
    _count = _count_py
_NEG_ORDER = itemgetter(0, 1)


def _OCC_ORDER(item: tuple) -> tuple:
    return item[1][2]


def _token_span(text: str, toks: list[bytes], first: int, last: int) -> tuple[int, int] | None:
    """Character span of tokens ``first``..``last`` (indices into ``split_tokens(text)[0]``).

    The last token is found as the n-th whole-token occurrence of its word; the others are
    then the nearest occurrences of their words before it (only separators lie between).
    """
    btok = toks[last]
    tok = btok.decode("utf-8")
    p = -1
    for _ in range(toks[:last].count(btok) + 1):  # the same word earlier in the text
        p = _find_token(text, tok, p + 1)
        if p < 0:
            return None
    end = p + len(tok)
    for k in range(last - 1, first - 1, -1):
        p = text.rfind(toks[k].decode("utf-8"), 0, p)
        if p < 0:
            return None
    return p, end


def _checks_hold(toks: list[bytes], lowof: dict[bytes, bytes], base: int, checks: Any) -> bool:
    """Do the words at ``base + k`` match a phrase's ``(k, text, stem, case)`` checks?"""
    for k, etext, stem, case in checks:
        tok = toks[base + k] if case else lowof[toks[base + k]]
        if not (tok.startswith(etext) if stem else tok == etext):
            return False
    return True


def _line_span(line: bytes, padded: bytes, toks: list[bytes], first: int, last: int) -> tuple[int, int] | None:
    """``_token_span`` in the blanked ASCII text (``line``; ``padded`` is it between spaces):
    the first occurrence of these words with only separators (spaces) between them.

    What ``re.search(b" word1 +word2 +… ")`` finds, without compiling a pattern for each new
    phrase (a one-pass run over a corpus met ~1,600 of them: a tenth of its time)."""
    seq = toks[first:last + 1]
    head = b" " + seq[0] + b" "
    size = len(padded)
    p = padded.find(head)
    while p >= 0:
        q = p + len(head)
        for tok in seq[1:]:
            while q < size and padded[q] == 32:
                q += 1
            e = q + len(tok)
            if not (padded.startswith(tok, q) and padded[e:e + 1] == b" "):
                break
            q = e + 1
        else:
            return p, q - 2
        p = padded.find(head, p + 1)
    return None


#: ASCII letters and digits stay, every other ASCII byte becomes a space; bytes of
#: non-ASCII characters stay (the non-ASCII characters that are not letters or digits are
#: replaced by spaces first), so ``bytes.split`` yields the tokens of ``TOKEN_RE``.
_BYTE_TABLE = bytes(b if b >= 128 or chr(b).isalnum() else 32 for b in range(256))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ASCII_BYTES = bytes(range(128))
#: Byte tables that keep one flag of a word's flags byte (as 0 or 1).
_BIT1 = bytes(v & 1 for v in range(256))
#: Byte tables that keep the buckets a word may open a pair with (bits 1-3) and the bucket
#: it may close one in (bits 4-6), both moved to bits 0-2: the AND of the two is not zero
#: only where a word pair of some phrase may stand.
_FIRST_BITS = bytes((v >> 1) & 7 for v in range(256))
_SECOND_BITS = bytes((v >> 4) & 7 for v in range(256))


_FUNCTION_BYTES = frozenset(w.encode() for w in _FUNCTION_WORDS)


def _bucket(word: bytes) -> int:
    """One of three buckets of a word that closes an opening word pair of a phrase: function
    words ("of", "the"), which follow nearly every word, have a bucket of their own."""
    return 0 if word in _FUNCTION_BYTES else 1 + zlib.crc32(word) % 2
#: More distinct non-ASCII separators than this: tokenise with TOKEN_RE instead.
_MAX_REPLACE = 24


def _ascii_safe(text: str) -> str | None:
    """``text`` with its non-ASCII non-word characters replaced by spaces (None: too many)."""
    # the non-ASCII characters: the UTF-8 bytes without the ASCII ones, decoded (all in C)
    others = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    try:
        chars = set(others.decode("utf-8", "surrogatepass"))
    except UnicodeDecodeError:  # pragma: no cover - cannot happen for a str's own encoding
        chars = set(_NON_ASCII.findall(text))
    bad = [c for c in chars if not c.isalnum()]
    if len(bad) > _MAX_REPLACE:
        return None
    for c in bad:
        text = text.replace(c, " ")
    return text


def split_tokens(text: str) -> tuple[list[bytes], list[bytes]]:
    """The tokens of ``text`` (``TOKEN_RE``) as UTF-8 bytes, and the same lower-cased.

    Linear time and nearly all of it in C: one ``translate`` and one ``split``.
    """
    toks, low, _line = _split(text)
    return toks, low


def _split_surface(text: str) -> tuple[list[bytes], bytes | None]:
    """The tokens of ``text`` as UTF-8 bytes and, when the text is ASCII once its non-word
    characters are blanked, that blanked text (see ``_split``)."""
    if text.isascii():
        raw = text.encode("ascii").translate(_BYTE_TABLE)
        return raw.split(), raw
    safe = _ascii_safe(text)
    if safe is None:
        return [t.encode("utf-8") for t in TOKEN_RE.findall(text)], None
    if safe.isascii():  # only separators such as "£" or curly quotes were non-ASCII
        raw = safe.encode("ascii").translate(_BYTE_TABLE)
        return raw.split(), raw
    return safe.encode("utf-8").translate(_BYTE_TABLE).split(), None


def _split(text: str) -> tuple[list[bytes], list[bytes], bytes | None]:
    """``split_tokens`` and, when the text is ASCII once its non-word characters are blanked,
    that blanked text as bytes: one byte per character, so byte offsets are text offsets."""
    if text.isascii():
        raw = text.encode("ascii").translate(_BYTE_TABLE)
        return raw.split(), raw.lower().split(), raw
    safe = _ascii_safe(text)
    if safe is None:
        toks = [t.encode("utf-8") for t in TOKEN_RE.findall(text)]
    elif safe.isascii():  # only separators such as "£" or curly quotes were non-ASCII
        raw = safe.encode("ascii").translate(_BYTE_TABLE)
        return raw.split(), raw.lower().split(), raw
    else:
        toks = safe.encode("utf-8").translate(_BYTE_TABLE).split()
        low = safe.lower().encode("utf-8").translate(_BYTE_TABLE).split()
        if len(low) == len(toks):  # lower-casing kept every token whole
            return toks, low, None
    return toks, [t.decode("utf-8").lower().encode("utf-8") for t in toks], None


def count_tokens(text: str) -> int:
    """How many ``TOKEN_RE`` tokens ``text`` holds."""
    if text.isascii():
        return len(text.encode("ascii").translate(_BYTE_TABLE).split())
    return len(TOKEN_RE.findall(text))
