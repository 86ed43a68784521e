"""Theme tagging: one token scan over the text, cue hits, scores, roll-up, confidence.

The text is cut into tokens once (``TOKEN_RE.findall``, linear time); each distinct
surface form is looked up once in the cue tables and remembered, so the per-token work is
one dictionary read done in C (``map`` + ``compress``). Character offsets are computed
only for the tokens that start a cue.
"""

from __future__ import annotations

import math
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
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
    __slots__ = ("term", "weight", "negative", "first", "tail", "key")

    def __init__(self, term: int, cue: Cue, negative: bool, key: int) -> None:
        self.term = term
        self.weight = cue.weight
        self.negative = negative
        self.first = cue.elements[0]
        self.tail = cue.elements[1:]
        self.key = key


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
        self.entity_rows: dict[str, list[tuple[int, float, int]]] = defaultdict(list)
        key = 0
        for t in self.terms:
            if t.level > config.max_level and t.taxonomy == IPTC:
                continue
            r = enabled[t.code]
            for cue in r.cues:
                self.rows.append(_CueRow(t.index, cue, False, key))
                key += 1
            for cue in r.negative:
                self.rows.append(_CueRow(t.index, cue, True, key))
                key += 1
            for ec in r.entities:
                self.entity_rows[ec.key].append((t.index, ec.weight, key))
                key += 1
        self.exact_ci: dict[str, list[int]] = defaultdict(list)
        self.exact_cs: dict[str, list[int]] = defaultdict(list)
        self.stem_ci: dict[str, list[int]] = defaultdict(list)
        self.stem_cs: dict[str, list[int]] = defaultdict(list)
        for i, row in enumerate(self.rows):
            el = row.first
            table = (self.stem_cs if el.case else self.stem_ci) if el.stem else \
                (self.exact_cs if el.case else self.exact_ci)
            table[el.text].append(i)
        self.stem_lens_ci = sorted({len(s) for s in self.stem_ci})
        self.stem_lens_cs = sorted({len(s) for s in self.stem_cs})
        self.cache: dict[str, tuple[int, ...]] = {}
        self.seen: set[str] = set()
        self.story = [t for t in self.terms if t.requires]

    # -- token → cue rows ----------------------------------------------------------------

    def _resolve(self, tok: str) -> tuple[int, ...]:
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
        return tuple(found)

    def _scan(self, text: str, title_tok: int, lead_tok: int, zone_factor: float | None,
              with_spans: bool) -> list[tuple[int, float, int, int, int | None, int | None]]:
        """Hits in ``text``: (row, factor, first token, last token, start, end)."""
        toks = TOKEN_RE.findall(text)
        if not toks:
            return []
        cache, seen = self.cache, self.seen
        fresh = set(toks)
        fresh.difference_update(seen)
        if fresh:
            if len(seen) > _CACHE_LIMIT:
                cache.clear()
                seen.clear()
            for tok in fresh:
                found = self._resolve(tok)
                if found:
                    cache[tok] = found
            seen.update(fresh)
        vals = list(map(cache.get, toks))
        idxs = list(compress(range(len(toks)), vals))
        if not idxs:
            return []
        rows = self.rows
        n = len(toks)
        hits = []
        starts: dict[int, int] = {}
        if with_spans:  # char offset of every candidate token (see module docstring)
            pos = 0
            find = text.find
            for i in idxs:
                tok = toks[i]
                p = find(tok, pos)
                while p >= 0 and ((p > 0 and text[p - 1].isalnum())
                                  or (p + len(tok) < len(text) and text[p + len(tok)].isalnum())):
                    p = find(tok, p + 1)
                if p < 0:  # cannot happen for a token of this text; stay safe
                    break
                starts[i] = p
                pos = p + len(tok)
        for i in idxs:
            if zone_factor is not None:
                factor = zone_factor
            else:
                factor = self.config.title_weight if i < title_tok else (
                    self.config.lead_weight if i < lead_tok else 1.0)
            for r in vals[i]:
                row = rows[r]
                last = i
                if row.tail:
                    last = i + len(row.tail)
                    if last >= n:
                        continue
                    ok = True
                    for k, el in enumerate(row.tail, 1):
                        if not el.matches(toks[i + k]):
                            ok = False
                            break
                    if not ok:
                        continue
                start = end = None
                if with_spans and i in starts:
                    start = starts[i]
                    if last == i:
                        end = start + len(toks[i])
                    else:
                        end = start
                        for m, _ in zip(TOKEN_RE.finditer(text, start), range(last - i + 1)):
                            end = m.end()
                hits.append((r, factor, i, last, start, end,
                             toks[i].lower() if last == i else " ".join(toks[i:last + 1]).lower()))
        return hits

    # -- one document --------------------------------------------------------------------

    def score(self, text: str, title: str | None, entities: Sequence[Any] = ()) -> dict[int, Any]:
        """Per-term raw results: {term: [score, distinct, evidence[(value, start, end)]]}."""
        cfg = self.config
        title_tok = 0
        lead_tok = len(TOKEN_RE.findall(text, 0, cfg.lead_chars)) if cfg.lead_chars > 0 else 0
        if title is None:  # a short first line followed by a newline reads as a headline
            nl = text.find("\n", 0, 200)
            if 0 < nl < 160 and not text[:nl].rstrip().endswith((".", ":", "\"", "”")):
                title_tok = len(TOKEN_RE.findall(text, 0, nl))
                lead_tok = max(lead_tok, len(TOKEN_RE.findall(text, 0, nl + cfg.lead_chars)))
        hits = self._scan(text, title_tok, lead_tok, None, True)
        if title and not text.startswith(title):
            hits += [(r, f, i - 1_000_000, j - 1_000_000, None, None, g)
                     for r, f, i, j, _s, _e, g in self._scan(title, 0, 0, cfg.title_weight, False)]
        rows = self.rows
        # group positive hits by (term, cue key); negatives mask overlapping hits
        pos_hits: dict[int, list] = defaultdict(list)
        neg_hits: dict[int, list] = defaultdict(list)
        for h in hits:
            row = rows[h[0]]
            (neg_hits if row.negative else pos_hits)[row.term].append(h)
        if entities and cfg.use_entities and self.entity_rows:
            er = self.entity_rows
            for n_ent, e in enumerate(entities):
                attrs = e.attributes
                keys = []
                if e.value is not None:
                    keys.append(f"qid:{e.value}")
                etype = attrs.get("type")
                if isinstance(etype, str):
                    keys.append(f"type:{etype}")
                tags = attrs.get("tags")
                if isinstance(tags, (list, tuple)):
                    keys.extend(f"tag:{t}" for t in tags if isinstance(t, str))
                if e.start is None:
                    factor = 1.0
                else:
                    factor = cfg.lead_weight if e.start < cfg.lead_chars else 1.0
                for k in keys:
                    for term, weight, ckey in er.get(k, ()):
                        pos_hits[term].append((("e", ckey, weight), factor, -1 - n_ent, -1 - n_ent,
                                               e.start, e.end, k))
        out: dict[int, Any] = {}
        for term, hs in pos_hits.items():
            negs = neg_hits.get(term)
            penalty = 0.0
            if negs:
                masked = set()
                for r, f, i, j, _s, _e, _g in negs:
                    penalty += rows[r].weight * f
                    for n, h in enumerate(hs):
                        if h[2] <= j and i <= h[3]:  # same zone and overlapping tokens
                            masked.add(n)
                if masked:
                    penalty -= sum(self._weight(h) * h[1] for n, h in enumerate(hs) if n in masked)
                    penalty = max(penalty, 0.0)
                    hs = [h for n, h in enumerate(hs) if n not in masked]
            hits_w = [(self._weight(h), h) for h in hs]
            s, d = self._aggregate(hits_w)
            s -= penalty
            if s > 0:
                out[term] = [s, d, hits_w]
        return out

    @staticmethod
    def _aggregate(hits_w: list) -> tuple[float, int]:
        """Score of a set of hits: each position counts once (its best cue); repeats of the
        same words saturate (1, 1/2, 1/3 … of their weight × position factor)."""
        best: dict[tuple[int, int], tuple[float, Any]] = {}
        for w, h in hits_w:
            k = (h[2], h[3]) if h[4] is None or h[2] < -1 else (h[4], h[5])
            cur = best.get(k)
            if cur is None or w > cur[0]:
                best[k] = (w, h)
        groups: dict[str, list[float]] = defaultdict(list)
        for w, h in best.values():
            groups[h[6]].append(w * h[1])
        s = 0.0
        for vals in groups.values():
            vals.sort(reverse=True)
            s += sum(v / (k + 1) for k, v in enumerate(vals))
        return s, len(groups)

    def _weight(self, h: tuple) -> float:
        return h[0][2] if isinstance(h[0], tuple) else self.rows[h[0]].weight

    def rollup(self, raw: dict[int, Any]) -> dict[int, Any]:
        """Scores with each term's descendants' hits merged in (a position counts once)."""
        terms = self.terms
        pooled: dict[int, list] = {}
        penalty: dict[int, float] = {}
        for t, (s, _d, hw) in raw.items():
            pooled.setdefault(t, []).extend(hw)
            own, _ = self._aggregate(hw)
            penalty[t] = penalty.get(t, 0.0) + max(0.0, own - s)
            if not terms[t].rolls_up:
                continue
            p = terms[t].parent
            while p >= 0:
                pooled.setdefault(p, []).extend(hw)
                p = terms[p].parent
        total = {}
        for t, hw in pooled.items():
            s, d = self._aggregate(hw)
            s -= penalty.get(t, 0.0)
            if s > 0:
                total[t] = [s, d, [(w * h[1], h[4], h[5]) for w, h in hw if h[4] is not None]]
        return total

    def confidence(self, s: float, ratio: float, distinct: int, level: int) -> float:
        c = self.calib
        z = (c["bias"] + c["log_score"] * math.log1p(s) + c["ratio"] * ratio
             + c["log_distinct"] * math.log1p(distinct) + c["level"].get(str(min(level, 3)), 0.0))
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    def candidates(self, text: str, title: str | None, entities: Sequence[Any] = ()) -> list[dict]:
        """Every scored theme with its features and confidence, best first."""
        raw = self.score(text, title, entities)
        total = self.rollup(raw)
        terms = self.terms
        best: dict[int, float] = defaultdict(float)
        for t, (s, _d, _ev) in total.items():
            if terms[t].rolls_up:
                lv = terms[t].level
                best[lv] = max(best[lv], s)
        cands = {}
        for t, (s, d, ev) in total.items():
            term = terms[t]
            if not term.rolls_up:
                continue
            ratio = s / best[term.level] if best[term.level] > 0 else 0.0
            cands[t] = {"term": term, "score": s, "distinct": d, "ratio": ratio,
                        "confidence": self.confidence(s, ratio, d, term.level), "evidence": ev}
        if self.story:
            qids = {e.value: e for e in entities if e.value is not None}
            for term in self.story:
                ok, s_req, ev = True, math.inf, []
                for req in term.requires:
                    if req.startswith("Q") and req not in self.index:
                        e = qids.get(req)
                        if e is None:
                            ok = False
                            break
                        if e.start is not None:
                            ev.append((1.0, e.start, e.end))
                    else:
                        c = cands.get(self.index[req])
                        if c is None or c["confidence"] < self.config.threshold:
                            ok = False
                            break
                        s_req = min(s_req, c["score"])
                        ev.extend(c["evidence"])
                if not ok:
                    continue
                own = total.get(term.index, [0.0, 0, []])
                s = own[0] + (0.0 if s_req == math.inf else s_req)
                if s <= 0:
                    continue
                d = own[1] + 1
                ratio = min(1.0, s / best[term.level]) if best[term.level] > 0 else 1.0
                cands[term.index] = {"term": term, "score": s, "distinct": d, "ratio": ratio,
                                     "confidence": self.confidence(s, ratio, d, term.level),
                                     "evidence": own[2] + ev}
        return sorted(cands.values(), key=lambda c: (-c["confidence"], -c["score"], c["term"].code))

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
                                               "confidence": c["confidence"], "evidence": []}
            # a broader theme is at least as likely as a narrower one it contains
            p = t.parent
            while p >= 0:
                if chosen[p]["confidence"] < c["confidence"]:
                    chosen[p] = dict(chosen[p], confidence=c["confidence"])
                p = self.terms[p].parent
        return sorted(chosen.values(), key=lambda c: (-c["confidence"], -c["score"], c["term"].code))

    def findings(self, text: str, title: str | None, entities: Sequence[Any] = ()) -> list[newskit.Finding]:
        out = []
        cfg = self.config
        for rank, c in enumerate(self.select(self.candidates(text, title, entities)), 1):
            t = c["term"]
            spans, seen = [], set()
            for _v, s, e in sorted(c["evidence"], key=lambda x: (-x[0], x[1])):
                if (s, e) in seen:
                    continue
                seen.add((s, e))
                spans.append([s, e])
                if len(spans) >= cfg.max_evidence:
                    break
            out.append(newskit.Finding(
                "theme", None, None, None,
                label=t.label, value=t.code,
                confidence=round(min(1.0, max(0.0, c["confidence"])), 4),
                attributes={"evidence": spans, "broader": t.broader, "level": t.level,
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
