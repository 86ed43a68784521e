"""The grammar of temporal expressions: one declaration per expression form.

Each rule is a regular expression over the *lower-cased* text, written with placeholders
that are filled from the word tables in ``lexicon.toml`` (``{MONTH}`` becomes a trie of
every month name and abbreviation, and so on). ``_`` stands for a run of whitespace.
Rules are tried in the order below at each position, so a longer form comes before a
shorter one that would match its beginning. Named groups are local to their rule; the
code that reads them lives in ``_tagger.py`` (one handler per rule name).

Every pattern is linear: no nested unbounded repetition, and every alternation is a
trie of literal words, so the scan cannot backtrack catastrophically.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

#: Fixed pieces that are not word lists.
PIECES: dict[str, str] = {
    "DAY": r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d])",
    "YEAR": r"(?:1[0-9]|20)\d\d(?![\d])",
    "ORDN": r"\d\d?(?:st|nd|rd|th)",
    "HOUR": r"(?:[01]?\d|2[0-3])",
    "AMPM": r"(?:a\.m\.|p\.m\.|a\.m|p\.m|am|pm)(?![a-z])",
    "RANGE": r"(?:_?(?:-|–|—)_?|_(?:and|to|until|till|through|thru)_)",
}

#: The rules, in the order they are tried: name -> pattern template.
RULES: tuple[tuple[str, str], ...] = (
    ("iso", r"(?P<y>{YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\d])"
            r"(?:t(?P<h>{HOUR}):(?P<mi>[0-5]\d))?"),
    ("numeric", r"(?P<a>\d\d?)(?P<sep>[/.])(?P<b>\d\d?)(?P=sep)(?P<y>{YEAR})"),
    ("range_md", r"(?:(?P<wd>{WEEKDAY}),?_)?(?P<m>{MONTH})_(?P<d1>{DAY}){RANGE}(?P<d2>{DAY})"
                 r"(?:,?_(?P<y>{YEAR}))?(?!_?{MONTH}\b)"),
    ("range_dm", r"(?P<d1>{DAY}){RANGE}(?P<d2>{DAY})_(?:of_)?(?P<m>{MONTH})(?:,?_(?P<y>{YEAR}))?"),
    ("mdy", r"(?:(?P<wd>{WEEKDAY}),?_)?(?P<m>{MONTH})_(?P<d>{DAY})(?:,?_(?P<y>{YEAR}))?"
            r"(?![:.]\d)"),
    ("dmy", r"(?:(?P<wd>{WEEKDAY}),?_)?(?:the_)?(?P<d>{DAY})_(?:of_)?(?P<m>{MONTH})"
            r"(?:,?_(?P<y>{YEAR}))?"),
    ("anniversary", r"(?:the_)?(?P<n>\d{1,3})(?:st|nd|rd|th)_anniversary"),
    ("century", r"(?:(?P<mod>{DATE_MOD})[_-])?(?:the_)?(?P<o>{ORDN}|{ORDINAL})[_-]century"),
    ("decade", r"(?:(?P<mod>{DATE_MOD})[_-])?(?P<the>the_)?(?:(?P<y4>(?:1[0-9]|20)\d0)'?s"
               r"|['‘’](?P<y2>\d0)'?s|(?P<w>{DECADE_WORD}))(?![a-z])"),
    ("last_part", r"(?:the_)?(?P<o>{LAST_ORDINAL})[_-](?P<u>quarter|half)_of_(?:(?P<y>{YEAR})"
                  r"|(?P<rel>this|last|next)_year|the_year)(?![a-z\d])"),
    ("same_period", r"the_same_(?P<p>{PERIOD_WORD})_(?:(?P<rel>last|next|this)_year"
                    r"|a_year_(?P<ago>earlier|ago|before)|the_(?P<prev>previous|prior|preceding)_year)"
                    r"(?![a-z])"),
    ("quarter", r"(?:(?P<mod>{DATE_MOD})_)?(?:the_)?(?P<o>{ORDINAL}|{ORDN})[_-](?P<fq>fiscal_)?quarter"
                r"(?:_of_(?:(?P<y>{YEAR})|(?P<rel>this|last|next)_year|the_year"
                r"|(?P<fy>{FISCAL})_?(?P<fyy>{YEAR}))|,?_(?P<y2>{YEAR}))?"),
    ("qn", r"(?P<q>{QUARTER})(?:[_-]|_?')?(?P<y>{YEAR}|\d\d(?![\d]))?(?![a-z\d])"),
    ("half", r"(?:the_)?(?P<o>first|second|1st|2nd)_half(?:_of_(?:(?P<y>{YEAR})|(?P<rel>this|last|next)"
             r"_year|(?P<ty>the_year))|(?P<bare>(?!_of(?![a-z]))(?![a-z-])))"),
    ("hn", r"(?P<h>{HALF})_?(?P<y>{YEAR})"),
    ("fiscal", r"(?P<f>{FISCAL})_?'?(?P<y>{YEAR}|\d\d(?![\d]))"),
    ("holiday", r"(?:(?P<rel>{RELATIVE})_)?(?P<h>{HOLIDAY})(?:,?_(?P<y>{YEAR}))?(?![a-z])"),
    ("season", r"(?:(?P<mod>{DATE_MOD})[_-])?(?:(?P<rel>{RELATIVE})_)?(?P<s>{SEASON})"
               r"(?:_(?:of_)?(?P<y>{YEAR}))?(?![a-z])"),
    ("deictic", r"(?:(?P<mod>{DATE_MOD})_)?(?P<w>{DEICTIC})(?:_(?P<pod>{PART_OF_DAY}))?(?![a-z])"),
    ("pod_rel", r"(?P<rel>this|last|tomorrow|yesterday)_(?P<pod>{PART_OF_DAY})(?![a-z])"),
    ("weekday", r"(?:(?P<mod>{DATE_MOD})_)?(?:(?P<rel>{RELATIVE})_)?(?P<wd>{WEEKDAY})"
                r"(?:_(?P<pod>{PART_OF_DAY}))?(?![a-z])"),
    ("weekday_set", r"(?P<wd>{WEEKDAY_PLURAL})(?![a-z])"),
    ("every", r"(?P<e>every|each)_(?:(?P<n>{NUMBER}|other)_)?(?:(?P<u>{UNIT})|(?P<wd>{WEEKDAY})"
              r"(?:_(?P<wpod>{PART_OF_DAY})(?![a-z]))?"
              r"|(?P<pod>{PART_OF_DAY})|(?P<s>{SEASON})|(?P<m>{MONTH})|(?P<we>weekend))(?![a-z])"),
    ("frequency", r"(?P<f>{FREQUENCY})_(?:a|an|per|each|every)_(?P<u>{UNIT})(?![a-z])"),
    ("per", r"per_(?P<u>{UNIT})(?![a-z])"),
    ("adverb", r"(?P<fa>{FREQ_ADVERB})(?![a-z-])"),
    ("ago", r"(?:(?:(?P<amod>{AMOUNT_MOD})_)?(?P<n>{NUMBER}|{VAGUE})[_-])?(?P<u>{UNIT})_ago(?![a-z])"),
    ("later", r"(?:(?P<amod>{AMOUNT_MOD})_)?(?P<n>{NUMBER}|{VAGUE})_(?P<u>{UNIT})_(?P<dir>later|earlier"
              r"|afterwards|beforehand|(?:after|before|prior)(?=\s*(?:[,.;:!?)]|$)))"),
    ("day_before", r"the_(?P<g>day|week|month|year)_(?P<ba>before|after)(?=\s*(?:[,.;:!?)]|$))"),
    ("the_past", r"the_(?P<w>past|last|next|coming|first|following|previous|final)_"
                 r"(?:(?P<n>{NUMBER}|{VAGUE})_)?(?P<u>{UNIT})(?![a-z])"),
    ("relative", r"(?:(?P<mod>{DATE_MOD})[_-])?(?P<rel>{RELATIVE})_(?P<g>{GRAIN})(?![a-z])"),
    ("duration", r"(?:(?P<amod>{AMOUNT_MOD})_)?(?P<n>{NUMBER}|{VAGUE})[_-](?:{DURATION_ADJ}_)?(?P<u>{UNIT})"
                 r"(?P<half>_and_a_half)?(?![a-z])"),
    ("plural", r"(?P<u>years|decades|months|weeks|centuries)(?![a-z])"),
    ("time", r"(?:(?P<amod>{APPROX_MOD})_)?(?P<h>{HOUR})(?:[:.](?P<mi>[0-5]\d))?_?(?P<ap>{AMPM})(?:_(?P<z>{ZONE})(?![a-z]))?"),
    ("clock", r"(?P<h>{HOUR}):(?P<mi>[0-5]\d)(?![\d])(?:_(?P<z>{ZONE})(?![a-z]))?"),
    ("hhmm", r"(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d)_?(?:hrs|hours|h)?_?(?P<z>{ZONE})(?![a-z])"),
    ("oclock", r"(?P<h>\d\d?|{NUMBER})_o['’]clock"),
    ("time_word", r"(?P<t>{TIME_OF_DAY})(?![a-z])"),
    ("month", r"(?:(?P<mod>{DATE_MOD})[_-])?(?:(?P<rel>last|next|this)_)?(?P<m>{MONTH})"
              r"(?:,?_(?:of_)?(?P<y>{YEAR}))?(?![a-z])"),
    ("year", r"(?:(?P<mod>{DATE_MOD})[_-])?(?P<the>the_year_)?(?P<y>{YEAR})(?!_?%|_per_?cent|[.,]\d|[a-z])"),
    ("reference", r"(?P<r>{REFERENCE})(?![a-z])"),
)


def trie_pattern(words: Iterable[str]) -> str:
    """One regex alternation for a word list, factored as a trie (fast in ``re``).

    A space inside a word matches any run of whitespace; an apostrophe matches ' or ’.
    """
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def esc(ch: str) -> str:
        if ch == " ":
            return r"\s+"
        if ch in "'’":
            return "['’]"
        return re.escape(ch)

    def emit(node: dict) -> str:
        alts = [esc(k) + emit(v) for k, v in sorted(node.items()) if k]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return "(?:" + body + ")?"
        return body

    return "(?:" + emit(root) + ")"


def placeholders(lex: Mapping) -> dict[str, str]:
    """The word-list placeholders, each a trie of the lexicon's keys."""
    numbers = dict(lex["numbers"])
    tens = [k for k, v in numbers.items() if isinstance(v, int) and 20 <= v <= 90 and v % 10 == 0]
    ones = [k for k, v in numbers.items() if isinstance(v, int) and 1 <= v <= 9 and k not in ("a", "an")]
    compounds = [f"{t}-{o}" for t in tens for o in ones]
    month_words = list(lex["months"]) + list(lex["month_abbreviations"])
    return {
        "MONTH": trie_pattern(month_words) + r"(?![a-z])(?:\.(?=\s*\d))?",
        "WEEKDAY": trie_pattern(lex["weekdays"]),
        "WEEKDAY_PLURAL": trie_pattern(lex["weekdays_plural"]),
        "NUMBER": r"(?:\d+(?:\.\d+)?(?![\d,])|" + trie_pattern(list(numbers) + compounds) + r"(?![a-z]))",
        "VAGUE": trie_pattern(lex["vague_numbers"]),
        "ORDINAL": trie_pattern(lex["ordinals"]),
        "UNIT": trie_pattern(lex["units"]),
        "GRAIN": trie_pattern(lex["grains"]),
        "RELATIVE": trie_pattern(lex["relatives"]),
        "DATE_MOD": trie_pattern(lex["date_mods"]),
        "AMOUNT_MOD": trie_pattern(lex["amount_mods"]),
        "APPROX_MOD": trie_pattern([k for k, v in lex["amount_mods"].items() if v == "APPROX"]),
        "REFERENCE": trie_pattern(lex["references"]),
        "PART_OF_DAY": trie_pattern(lex["parts_of_day"]),
        "DEICTIC": trie_pattern(lex["deictic_days"]),
        "TIME_OF_DAY": trie_pattern(lex["times_of_day"]),
        "SEASON": trie_pattern(lex["seasons"]),
        "ZONE": trie_pattern(lex["zones"]),
        "HOLIDAY": trie_pattern(lex["holidays"]),
        "DECADE_WORD": trie_pattern(lex["decade_words"]),
        "FREQ_ADVERB": trie_pattern(lex["frequency_adverbs"]),
        "FREQUENCY": trie_pattern(lex["frequencies"]),
        "FISCAL": trie_pattern(lex["fiscal"]["words"]),
        "QUARTER": trie_pattern(lex["quarters"]),
        "HALF": trie_pattern(lex["halves"]),
        "LAST_ORDINAL": trie_pattern(lex["last_ordinals"]),
        "DURATION_ADJ": trie_pattern(lex["duration_adjectives"]),
        "PERIOD_WORD": trie_pattern(lex["period_words"]),
    }


_PLACEHOLDER = re.compile(r"\{([A-Z_]+)\}")
_GROUP = re.compile(r"\(\?P([<=])([a-z0-9]+)")


def build_rules(lex: Mapping) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Each rule as a regex branch, and each rule's local group names.

    Group ``x`` of rule ``r`` is renamed ``r__x``; the rule itself is the group ``r``,
    so ``match.lastgroup`` names the rule that matched.
    """
    fill = {**PIECES, **placeholders(lex)}
    branches: dict[str, str] = {}
    groups: dict[str, tuple[str, ...]] = {}
    for name, template in RULES:
        body = template
        for _ in range(3):  # pieces may themselves hold placeholders
            body = _PLACEHOLDER.sub(lambda m: fill[m.group(1)], body)
        body = body.replace("_?", r"\s*").replace("_", r"\s+")
        names: list[str] = []

        def rename(m: re.Match, name: str = name, names: list = names) -> str:
            if m.group(1) == "<":
                names.append(m.group(2))
            return f"(?P{m.group(1)}{name}__{m.group(2)}"

        body = _GROUP.sub(rename, body)
        branches[name] = f"(?P<{name}>{body})"
        groups[name] = tuple(dict.fromkeys(names))
    return branches, groups


def join_rules(branches: Mapping[str, str], names: Iterable[str]) -> str:
    """One alternation of these rules, in grammar order."""
    wanted = set(names)
    return r"(?<![\w'’])(?:" + "|".join(b for n, b in branches.items() if n in wanted) + ")"


def _table(lex: Mapping, key: str) -> Iterable[str]:
    node = lex
    for part in key.split("."):
        node = node[part]
    return node


def trigger_words(lex: Mapping) -> dict[str, frozenset[str]]:
    """Trigger word -> the classes it belongs to (a phrase is found by its first content word)."""
    out: dict[str, set[str]] = {}
    for cls, tables in TRIGGER_TABLES.items():
        for table in tables:
            for phrase in _table(lex, table):
                words = [w for w in phrase.split() if w not in TRIGGER_SKIP] or phrase.split()
                out.setdefault(words[-1].replace("’", "'"), set()).add(cls)
    return {w: frozenset(c) for w, c in out.items()}


#: The end of a trigger word: no letter, digit or hyphen follows, and no apostrophe unless it
#: starts a possessive "'s" ("Thursday's vote", "last year's total").
_WORD_END = r"(?![\w-]|['’](?!s(?![\w'’-])))"


def trigger_body(words: Iterable[str]) -> str:
    """The trigger alternation: a trigger word (group ``w``) or a digit form (group = its class)."""
    digit = "|".join(f"(?P<{cls}>{pat})" for cls, pat in TRIGGER_PATTERNS.items())
    return rf"(?:(?P<w>{trie_pattern(words)}){_WORD_END}|{digit})"


def word_trigger_body(words: Iterable[str]) -> str:
    """The trigger alternation without the digit and the needle classes (the word scan)."""
    rest = "".join(f"|(?P<{cls}>{pat})" for cls, pat in TRIGGER_PATTERNS.items()
                   if cls not in DIGIT_TRIGGERS and cls not in TRIGGER_NEEDLES)
    digits = "|".join(f"(?P<{cls}>{pat})" for cls, pat in TRIGGER_PATTERNS.items() if cls in DIGIT_TRIGGERS)
    # the digit classes, tried only where a digit follows
    return rf"(?:(?P<w>{trie_pattern(words)}){_WORD_END}{rest}|(?=[0-9])(?:{digits}))"


def trigger_pattern(words: Iterable[str]) -> str:
    """The scan: a trigger at the start of a word."""
    return r"\b" + trigger_body(words)


def left_words(lex: Mapping) -> frozenset[str]:
    """Words that may precede a trigger inside an expression."""
    words = set(LEFT_WORDS)
    for table in ("numbers", "vague_numbers", "ordinals", "relatives", "date_mods", "amount_mods",
                  "frequencies", "weekdays", "months", "month_abbreviations", "duration_adjectives",
                  "period_words"):
        for phrase in lex[table]:
            words.update(phrase.split())
    for tables in TRIGGER_TABLES.values():  # the words before the trigger word of a phrase
        for table in tables:
            for phrase in _table(lex, table):
                words.update(w.replace("’", "'") for w in phrase.split()[:-1])
    for w in list(words):
        words.add(w + ",")
    return frozenset(words)


#: Which trigger classes each rule contains. The scan looks only for trigger words (built
#: from the lexicon tables in ``TRIGGER_TABLES``) and digit forms (``TRIGGER_PATTERNS``);
#: around each trigger it tries only the rules that contain its class.
HEADS: dict[str, tuple[str, ...]] = {
    "iso": ('year4',),
    "numeric": ('year4',),
    "range_md": ('month', 'weekday'),
    "range_dm": ('month',),
    "mdy": ('month', 'weekday'),
    "dmy": ('month', 'weekday'),
    "anniversary": ('anniversary',),
    "century": ('unit',),
    "decade": ('year4', 'decade_short', 'decade_word'),
    "last_part": ('unit', 'year4'),
    "same_period": ('unit', 'grain'),
    "quarter": ('unit',),
    "qn": ('quarter_code',),
    "half": ('unit', 'year4', 'half_word'),
    "hn": ('half_code',),
    "fiscal": ('fiscal', 'year4'),
    "holiday": ('holiday',),
    "season": ('season',),
    "deictic": ('deictic',),
    "pod_rel": ('pod', 'deictic'),
    "weekday": ('weekday',),
    "weekday_set": ('weekday_plural',),
    "every": ('unit', 'weekday', 'pod', 'season', 'month', 'grain'),
    "frequency": ('unit',),
    "per": ('unit',),
    "adverb": ('freq_adverb',),
    "ago": ('unit',),
    "later": ('unit',),
    "day_before": ('unit',),
    "the_past": ('unit', 'reference'),
    "relative": ('unit', 'grain'),
    "duration": ('unit',),
    "plural": ('unit',),
    "time": ('clock',),
    "clock": ('clock',),
    "hhmm": ('clock',),
    "oclock": ('oclock',),
    "time_word": ('time_word',),
    "month": ('month',),
    "year": ('year4',),
    "reference": ('reference',),
}

#: Trigger classes made of lexicon words: class -> lexicon tables (``a.b`` = nested key).
TRIGGER_TABLES: dict[str, tuple[str, ...]] = {
    "month": ("months", "month_abbreviations"),
    "weekday": ("weekdays",),
    "weekday_plural": ("weekdays_plural",),
    "unit": ("units",),
    "grain": ("grains",),
    "deictic": ("deictic_days",),
    "pod": ("parts_of_day",),
    "season": ("seasons",),
    "holiday": ("holidays",),
    "reference": ("references",),
    "freq_adverb": ("frequency_adverbs",),
    "decade_word": ("decade_words",),
    "quarter_code": ("quarters",),
    "half_code": ("halves",),
    "fiscal": ("fiscal.words",),
    "time_word": ("times_of_day",),
    "half_word": ("half_words",),
}

#: Trigger classes of fixed words or digit forms: class -> regex (lower-cased text).
TRIGGER_PATTERNS: dict[str, str] = {
    "year4": r"(?:1[0-9]|20)\d\d(?:'?s)?(?![\w])",
    "decade_short": r"\d0'?s(?![\w])",
    "clock": r"(?:[01]?\d|2[0-3])(?:(?:[:.][0-5]\d)?\s?(?:a\.?m|p\.?m)(?![a-z])|:[0-5]\d(?!\d)"
             r"|[0-5]\d\s?(?:gmt|utc|bst|hrs))",
    "oclock": r"o['’]clock",
    "anniversary": r"anniversary(?![\w])",
}

#: The ASCII punctuation that the trigger patterns (``TRIGGER_PATTERNS`` and the trigger
#: words) match literally. The scan reads a copy of the text in which every other
#: punctuation mark is one placeholder character and every whitespace a space, so that it
#: looks for triggers only after a few distinct characters (see ``Tagger._triggers``);
#: a trigger pattern that matches another punctuation mark must add it here.
SCAN_PUNCTUATION = "'-.:"

#: Trigger classes whose matches all start with an ASCII digit: the word scan tries them
#: only where a word starts with one.
DIGIT_TRIGGERS = frozenset({"year4", "decade_short", "clock"})

#: Rare trigger classes and a piece of text that each of their matches contains: the scan
#: looks for the class only in a text that holds the piece.
TRIGGER_NEEDLES: dict[str, str] = {"oclock": "clock", "anniversary": "anniversary"}

#: Words skipped when choosing a phrase's trigger word, its last content word ("the past"
#: is found by "past", "new year's eve" by "eve").
TRIGGER_SKIP = frozenset({"the", "a", "an", "of", "in", "at", "for", "on", "st"})

#: Words that may stand before a trigger inside an expression, besides the words of the
#: number, modifier, relative, ordinal, weekday and month tables ("the end of", "every").
LEFT_WORDS = frozenset({"the", "of", "every", "each", "per", "other", "fiscal", "financial", "fy",
                        "year", "and", "half", "a", "an", "-", "–", "to", "until", "through",
                        "till", "thru", "or", "end", "start", "beginning", "middle", "close",
                        "turn", "than", "least", "most", "over", "under", "just", "well", "few",
                        "several", "many", "couple", "dozen", "number", "dozens", "hundreds",
                        "thousands", "matter", "past", "last", "next", "coming", "following",
                        "previous", "prior", "preceding", "same", "this", "that", "current",
                        "first", "second", "third", "fourth", "final", "early", "mid", "late",
                        "the", "once", "twice", "times", "recent", "near", "present"})
