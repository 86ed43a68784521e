"""Theme tagging: one token scan over the text, cue hits, scores, roll-up, confidence.

The text is cut into tokens once (``TOKEN_RE.findall``, linear time); each distinct
surface form is looked up once in the cue tables and remembered, so the per-token work is
one dictionary read done in C (``map`` + ``compress``). Character offsets are computed
only for the tokens that start a cue.
"""

from __future__ import annotations

import math
import os
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from itertools import compress
from typing import Any

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
#: Words never chosen as the anchor of a phrase cue when another word is available (they
#: would make every "the" a candidate); matching itself is unaffected.
_FUNCTION_WORDS = frozenset(
    "a an the of in on at to for with by from and or but is was are were be been it its this that "
    "their his her our your my s as into over out up down off than then so not no".split()
)


class Term:
    __slots__ = ("index", "code", "label", "broader", "parent", "level", "taxonomy", "requires",
                 "rolls_up")

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


class _CueRow:
    """One cue of one theme, indexed on its anchor word (the longest, i.e. rarest-looking)."""

    __slots__ = ("term", "weight", "negative", "elements", "anchor", "key", "nodes", "checks", "bigram", "full")

    def __init__(self, term: int, cue: Cue, negative: bool) -> None:
        self.term = term
        self.weight = cue.weight
        self.negative = negative
        self.elements = cue.elements
        self.anchor = max(range(len(cue.elements)),
                          key=lambda k: (cue.elements[k].text.lower() not in _FUNCTION_WORDS,
                                         len(cue.elements[k].text), k))
        self.checks = tuple((k - self.anchor, e.text, e.stem, e.case)
                            for k, e in enumerate(cue.elements) if k != self.anchor)
        els = cue.elements
        # a phrase that opens with two plain words is found through that word pair
        self.bigram = (els[0].text.lower(), els[1].text.lower()) \
            if len(els) > 1 and not els[0].stem and not els[1].stem else None
        self.full = tuple((k, e.text, e.stem, e.case) for k, e in enumerate(els))
        self.key = " ".join(e.text + ("*" if e.stem else "") for e in cue.elements)
        self.nodes: dict[int, float] = {}


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

    def __init__(self, config: ThemesConfig, rules: Mapping[str, Rule]) -> None:
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
        # levels deeper than max_level are dropped (their cues do not count)
        self.rows: list[_CueRow] = []
        self.entity_rows: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for t in self.terms:
            if t.level > config.max_level and t.taxonomy == IPTC:
                continue
            r = enabled[t.code]
            for cue in r.cues:
                self.rows.append(_CueRow(t.index, cue, False))
            for cue in r.negative:
                self.rows.append(_CueRow(t.index, cue, True))
            for ec in r.entities:
                self.entity_rows[ec.key].append((t.index, ec.weight))
        for row in self.rows:  # the term and, when it rolls up, its ancestors
            row.nodes = self._chain(row.term, row.weight)
        self.exact_ci: dict[str, list[int]] = defaultdict(list)
        self.exact_cs: dict[str, list[int]] = defaultdict(list)
        self.stem_ci: dict[str, list[int]] = defaultdict(list)
        self.stem_cs: dict[str, list[int]] = defaultdict(list)
        self.bigrams: dict[tuple[str, str], tuple[int, ...]] = {}
        pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, row in enumerate(self.rows):
            if row.bigram is not None:
                pairs[row.bigram].append(i)
        self.bigrams = {k: tuple(v) for k, v in pairs.items()}
        for i, row in enumerate(self.rows):
            if row.bigram is not None:
                continue
            el = row.elements[row.anchor]
            table = (self.stem_cs if el.case else self.stem_ci) if el.stem else \
                (self.exact_cs if el.case else self.exact_ci)
            table[el.text].append(i)
        self.stem_lens_ci = sorted({len(s) for s in self.stem_ci})
        self.stem_lens_cs = sorted({len(s) for s in self.stem_cs})
        self.single: dict[str, dict[int, float]] = {}  # surface -> node -> weight (rolled up)
        self.own: dict[str, dict[int, float]] = {}  # surface -> term -> weight (not rolled up)
        self.phrase: dict[str, tuple[int, ...]] = {}  # surface -> phrase/negative rows anchored here
        self.seen: set[str] = set()
        self.story = [t for t in self.terms if t.requires]
        # scores below this cannot reach the threshold (ratio 1, generous distinct count)
        self.min_score = self._min_score(config.threshold)

    def _chain(self, term: int, weight: float) -> dict[int, float]:
        """The weight a cue of ``term`` gives the term and each of its broader terms."""
        nodes = {term: weight}
        if self.terms[term].rolls_up:
            cap = self.config.top_level_cap
            p = self.terms[term].parent
            while p >= 0:
                nodes[p] = min(weight, cap) if self.terms[p].parent < 0 else weight
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

    def _resolve(self, tok: str) -> None:
        lo = tok.lower()
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
        if single:
            self.single[tok] = single
            self.own[tok] = own
        if phrase:  # keyed on the next word to check when that word is a plain one
            generic: list[int] = []
            keyed: dict[tuple[int, str], list[int]] = {}
            for r in phrase:
                checks = self.rows[r].checks
                if checks and not checks[0][2]:
                    keyed.setdefault((checks[0][0], checks[0][1]), []).append(r)
                else:
                    generic.append(r)
            by_off: dict[int, dict[str, tuple[int, ...]]] = {}
            for (off, word), rows in keyed.items():
                by_off.setdefault(off, {})[word] = tuple(rows)
            self.phrase[tok] = (tuple(generic), tuple(by_off.items()))

    def _tokens(self, text: str) -> list[str]:
        toks = TOKEN_RE.findall(text)
        fresh = set(toks)
        fresh.difference_update(self.seen)
        if fresh:
            if len(self.seen) > _CACHE_LIMIT:
                self.single.clear()
                self.own.clear()
                self.phrase.clear()
                self.seen.clear()
            for tok in fresh:
                self._resolve(tok)
            self.seen.update(fresh)
        return toks

    # -- one document --------------------------------------------------------------------

    def score(self, text: str, title: str | None, entities: Sequence[Any] = ()) -> dict:
        """Counts of every cue group of the document and the scores they give each theme.

        Returns ``{"score": {node: s}, "distinct": {node: n}, "groups": [...], "text": text,
        "toks": toks}``; a group is ``(kind, key, F, first)`` where ``F`` is the saturated,
        position-weighted count and ``first`` locates the first occurrence in the text.
        """
        cfg = self.config
        toks = self._tokens(text)
        n = len(toks)
        title_tok = 0
        lead_tok = len(TOKEN_RE.findall(text, 0, cfg.lead_chars)) if cfg.lead_chars > 0 else 0
        if title is None:  # a short first line followed by a newline reads as a headline
            nl = text.find("\n", 0, 200)
            if 0 < nl < 160 and not text[:nl].rstrip().endswith((".", ":", "\"", "\u201d")):
                title_tok = len(TOKEN_RE.findall(text, 0, nl))
                lead_tok = max(lead_tok, len(TOKEN_RE.findall(text, 0, nl + cfg.lead_chars)))
        ttoks: list[str] = []
        if title and not text.startswith(title):
            ttoks = self._tokens(title)
        single, phrase = self.single, self.phrase
        # single-word cues: counted per surface and zone with C-level tools
        sv = list(map(single.get, toks))
        sidx = list(compress(range(n), sv))
        cand = list(compress(toks, sv))
        a = bisect_left(sidx, title_tok)
        b = bisect_left(sidx, lead_tok)
        zt = Counter(cand[:a])
        if ttoks:
            zt.update(compress(ttoks, map(single.get, ttoks)))
        zl = Counter(cand[a:b])
        zb = Counter(cand[b:])
        tw, lw = cfg.title_weight, cfg.lead_weight
        H = _H
        top = len(_H) - 1
        score: dict[int, float] = defaultdict(float)
        distinct: dict[int, int] = defaultdict(int)
        groups = []
        for surface in set(zt) | set(zl) | set(zb):
            nt, nl_, nb = zt.get(surface, 0), zl.get(surface, 0), zb.get(surface, 0)
            a2 = nt + nl_
            a3 = a2 + nb
            if a3 > top:
                nt, a2, a3 = min(nt, top), min(a2, top), top
            f = tw * H[nt] + lw * (H[a2] - H[nt]) + (H[a3] - H[a2])
            groups.append(("w", surface, f, None))
            for node, w in single[surface].items():
                score[node] += w * f
                distinct[node] += 1
        # phrases and negative cues: checked around their anchor word
        occ: dict[str, list] = {}
        neg = []
        for zone_toks, offset, in_title in ((toks, 0, False), (ttoks, 0, True)):
            if not zone_toks:
                continue
            m = len(zone_toks)
            rows_all = self.rows
            if m > 1 and self.bigrams:
                low = list(map(str.lower, zone_toks))
                bv = list(map(self.bigrams.get, zip(low, low[1:])))
                for i in compress(range(m - 1), bv):
                    for r in bv[i]:
                        row = rows_all[r]
                        end = i + len(row.full) - 1
                        if end >= m:
                            continue
                        ok = True
                        for k, etext, stem, case in row.full:
                            tok = zone_toks[i + k] if case else low[i + k]
                            if not (tok.startswith(etext) if stem else tok == etext):
                                ok = False
                                break
                        if not ok:
                            continue
                        factor = tw if in_title or i < title_tok else (lw if i < lead_tok else 1.0)
                        if row.negative:
                            neg.append((row, zone_toks, i, end, factor))
                        else:
                            rec = occ.setdefault(row.key, [{}, {}, None])
                            rec[0][r] = row
                            rec[1][(in_title, i)] = factor
                            if rec[2] is None and not in_title:
                                rec[2] = (i, end)
            pv = list(map(phrase.get, zone_toks))
            for i in compress(range(m), pv):
                generic, keyed = pv[i]
                todo = list(generic)
                for off, words in keyed:
                    j = i + off
                    if 0 <= j < m:
                        other = zone_toks[j]
                        rows = words.get(other)
                        if rows is not None:
                            todo.extend(rows)
                        low = other.lower()
                        if low != other:
                            rows = words.get(low)
                            if rows is not None:
                                todo.extend(rows)
                for r in todo:
                    row = rows_all[r]
                    els = row.elements
                    start = i - row.anchor
                    end = start + len(els) - 1
                    if start < 0 or end >= m:
                        continue
                    ok = True
                    for off, etext, stem, case in row.checks:
                        tok = zone_toks[i + off]
                        if not case:
                            tok = tok.lower()
                        if not (tok.startswith(etext) if stem else tok == etext):
                            ok = False
                            break
                    if not ok:
                        continue
                    factor = tw if in_title or start < title_tok else (lw if start < lead_tok else 1.0)
                    if row.negative:
                        neg.append((row, zone_toks, start, end, factor))
                    else:
                        rec = occ.setdefault(row.key, [{}, {}, None])
                        rec[0][r] = row
                        rec[1][(in_title, start)] = factor
                        if rec[2] is None and not in_title:
                            rec[2] = (start, end)
        merged: dict[str, dict[int, float]] = {}
        for key, (rows, at, first) in occ.items():
            factors = sorted(at.values(), reverse=True)
            f = sum(v / (k + 1) for k, v in enumerate(factors)) if len(factors) > 1 else factors[0]
            groups.append(("p", key, f, first))
            if len(rows) == 1:
                nodes = next(iter(rows.values())).nodes
            else:  # the same words as a cue of several themes: best weight per theme
                nodes = {}
                for row in rows.values():
                    for node, w in row.nodes.items():
                        if w > nodes.get(node, 0.0):
                            nodes[node] = w
            for node, w in nodes.items():
                score[node] += w * f
                distinct[node] += 1
            merged[key] = nodes
        self._phrase_nodes = merged
        # entity cues
        if entities and cfg.use_entities and self.entity_rows:
            er = self.entity_rows
            ecount: dict[str, list] = {}
            for e in entities:
                attrs = e.attributes
                keys = [f"qid:{e.value}"] if e.value is not None else []
                etype = attrs.get("type")
                if isinstance(etype, str):
                    keys.append(f"type:{etype}")
                tags = attrs.get("tags")
                if isinstance(tags, (list, tuple)):
                    keys.extend(f"tag:{t}" for t in tags if isinstance(t, str))
                factor = cfg.lead_weight if e.start is not None and e.start < cfg.lead_chars else 1.0
                for k in keys:
                    if k in er:
                        rec = ecount.setdefault(k, [[], None])
                        rec[0].append(factor)
                        if rec[1] is None and e.start is not None:
                            rec[1] = (e.start, e.end)
            for k, (factors, first) in ecount.items():
                factors.sort(reverse=True)
                f = sum(v / (j + 1) for j, v in enumerate(factors))
                groups.append(("e", k, f, first))
                nodes: dict[int, float] = {}
                for term, w in er[k]:
                    for node, ww in self._chain(term, w).items():
                        if ww > nodes.get(node, 0.0):
                            nodes[node] = ww
                merged["e:" + k] = nodes
                for node, w in nodes.items():
                    score[node] += w * f
                    distinct[node] += 1
        # negative cues cancel the theme's cues they overlap and subtract their weight
        for row, ztoks, start, end, factor in neg:
            masked = 0.0
            for k in range(start, end + 1):
                masked = max(masked, self.own.get(ztoks[k], {}).get(row.term, 0.0))
            amount = max(row.weight, masked) * factor
            for node in row.nodes:
                if node in score:
                    score[node] -= amount
        return {"score": score, "distinct": distinct, "groups": groups, "nodes": merged, "toks": toks}

    def confidence(self, s: float, ratio: float, distinct: int, level: int) -> float:
        c = self.calib
        z = (c["bias"] + c["log_score"] * math.log1p(s) + c["ratio"] * ratio
             + c["log_distinct"] * math.log1p(distinct) + c["level"].get(str(min(level, 3)), 0.0))
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    def _evidence(self, nodes: Sequence[int], raw: dict, text: str) -> dict[int, list[list[int]]]:
        """Evidence spans of each of ``nodes``: the first text occurrence of its best groups."""
        limit = self.config.max_evidence
        per: dict[int, list] = {n: [] for n in nodes}
        wanted = set(nodes)
        merged = raw["nodes"]
        for g in raw["groups"]:
            kind, key, f, _first = g
            table = self.single.get(key) if kind == "w" else merged.get(key if kind == "p" else "e:" + key)
            if not table:
                continue
            for n in table.keys() & wanted:
                per[n].append((table[n] * f, g))
        found: dict[tuple, tuple[int, int] | None] = {}
        out = {}
        for n, items in per.items():
            items.sort(key=lambda x: -x[0])
            spans: list[list[int]] = []
            for _v, g in items:
                kind, key, _f, first = g
                span = found.get((kind, key), False)
                if span is False:
                    span = None
                    if kind == "w":
                        p = _find_token(text, key)
                        if p >= 0:
                            span = (p, p + len(key))
                    elif first is not None:
                        span = first if kind == "e" else _token_span(text, raw["toks"], first[0], first[1])
                    found[(kind, key)] = span
                if span is not None and list(span) not in spans:
                    spans.append(list(span))
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
        chosen = self.select(self.candidates(text, title, entities))
        if not chosen:
            return []
        raw = chosen[0]["raw"]
        wanted = {c["term"].index for c in chosen}
        for c in chosen:
            wanted.update(a for kind, a, _b in c["requires"] if kind == "node")
        spans = self._evidence(sorted(wanted), raw, text)
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

    def __call__(self, view: Any) -> list[newskit.Finding]:
        doc = view.document
        entities = view.of_kind("entity") if self.config.use_entities and self.entity_rows else ()
        return self.findings(doc.text, doc.title, entities)


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


def _token_span(text: str, toks: list[str], first: int, last: int) -> tuple[int, int] | None:
    """Character span of tokens ``first``..``last`` (indices into ``TOKEN_RE.findall(text)``)."""
    tok = toks[first]
    p = -1
    for _ in range(toks[:first].count(tok) + 1):  # the same word earlier in the text
        p = _find_token(text, tok, p + 1)
        if p < 0:
            return None
    end = p + len(tok)
    for _ in range(last - first):
        m = TOKEN_RE.search(text, end)
        if m is None:
            return None
        end = m.end()
    return p, end
