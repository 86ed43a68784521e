"""The cue lexicon and word classes, loaded from the package's data files.

Everything the component knows about words lives in ``data/cues.toml`` and
``data/grammar.toml``; this module only reads those files once and turns them into the
sets and dicts the finder uses. A new cue verb, phrase or pronoun needs no code.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Any

import attrs

__all__ = ["Cue", "Lexicon", "load_lexicon"]

@attrs.frozen
class Cue:
    """One cue of the lexicon: a verb form or a multi-word phrase."""

    #: The cue's words, lower-case ("said", "according to").
    text: str
    #: "verb" (speaker before, content after) or "source" (source after: "according to").
    role: str = "verb"
    #: The lemma it belongs to ("say"), or the phrase itself.
    lemma: str = ""
    #: Takes a reported clause without "that".
    bare: bool = False
    #: Usually takes a listener object before its clause ("told reporters ...").
    object: bool = False
    #: A cue only next to quotation marks.
    direct_only: bool = False
    #: A verb form in "-ing" (", adding that …"): derived from the text, read in hot loops.
    participle: bool = attrs.field(init=False)
    #: A source phrase ("according to"): ``role == "source"``, precomputed.
    source: bool = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "participle", self.role == "verb" and self.text.endswith("ing"))
        object.__setattr__(self, "source", self.role == "source")


@attrs.frozen
class Lexicon:
    """The compiled lexicon: cue lookups and closed word classes."""

    #: single-word cue form → Cue
    forms: dict[str, Cue]
    #: key word → tuple of (phrase Cue, offset of the key word inside the phrase text)
    phrase_keys: dict[str, tuple[tuple[Cue, int], ...]]
    pronouns: dict[str, tuple[str, str]]
    determiners: frozenset[str]
    skip_before_verb: frozenset[str]
    np_stop: frozenset[str]
    np_link: frozenset[str]
    relative: frozenset[str]
    relative_stop: frozenset[str]
    generic_heads: frozenset[str]
    clause_joins: frozenset[str]
    auxiliaries: frozenset[str]
    np_stop_forward: frozenset[str]
    intro: frozenset[str]
    adverbial_start: frozenset[str]
    #: a time adverbial before a bare reported clause: lead words, then time words
    time_lead: frozenset[str]
    time_words: frozenset[str]
    finite: frozenset[str]
    subject_end: frozenset[str]
    title_before: frozenset[str]
    title_small: frozenset[str]
    org_heads: frozenset[str]
    abbreviations: frozenset[str]
    name_stop: frozenset[str]
    #: endings of the head of a description that names someone mentioned before
    #: ("the 24-year-old")
    anaphoric_heads: tuple[str, ...]
    #: endings of plural nouns ("organisers", "analysts")
    plural_suffixes: tuple[str, ...]
    #: given name → "male" / "female"
    first_names: dict[str, str]
    #: title word ("mrs") → "male" / "female"
    gender_titles: dict[str, str]

    def is_verbish(self, word: str) -> bool:
        """A cue form, a finite word or a verb that ends a subject."""
        return word in self.forms or word in self.finite or word in self.subject_end


def _read(name: str) -> dict[str, Any]:
    with resources.files(__package__).joinpath("data", name).open("rb") as fh:
        return tomllib.load(fh)


def build_lexicon(
    cues: dict[str, Any],
    grammar: dict[str, Any],
    names: dict[str, Any] | None = None,
    given: dict[str, Any] | None = None,
) -> Lexicon:
    """Compile the TOML tables (as dicts) into a ``Lexicon``. ``names`` is the hand-kept
    ``first_names.toml``; ``given`` the generated ``given_names.toml``, which adds names (the
    hand-kept table wins where both give a gender) and removes its ``ambiguous`` ones."""
    names = names or {}
    given = given or {}
    first_names = {n.lower(): g for g in ("male", "female") for n in given.get(g, ())}
    first_names.update({n.lower(): g for g in ("male", "female") for n in names.get(g, ())})
    for n in given.get("ambiguous", ()):
        first_names.pop(n.lower(), None)
    titles = names.get("titles", {})
    gender_titles = {n.lower(): g for g in ("male", "female") for n in titles.get(g, ())}
    forms: dict[str, Cue] = {}
    for lemma, entry in cues.get("verbs", {}).items():
        for form in entry["forms"]:
            forms[form.lower()] = Cue(
                form.lower(),
                "verb",
                lemma,
                bare=bool(entry.get("bare", False)),
                object=bool(entry.get("object", False)),
                direct_only=bool(entry.get("direct_only", False)),
            )
    keys: dict[str, list[tuple[Cue, int]]] = {}
    for group in cues.get("phrases", []):
        role = group.get("role", "verb")
        for text in group["forms"]:
            text = " ".join(text.lower().split())
            words = text.split(" ")
            key = max(words, key=len)
            offset = text.index(key) if text.startswith(key + " ") or text == key else text.index(" " + key) + 1
            cue = Cue(text, role, text, bare=bool(group.get("bare", False)))
            keys.setdefault(key, []).append((cue, offset))
    phrase_keys = {
        k: tuple(sorted(v, key=lambda item: -len(item[0].text))) for k, v in keys.items()
    }
    words = grammar.get("words", {})

    def fs(name: str) -> frozenset[str]:
        return frozenset(w.lower() for w in words.get(name, ()))

    pronouns = {
        p.lower(): (str(v.get("gender", "")), str(v.get("refers", "person")))
        for p, v in grammar.get("pronouns", {}).items()
    }
    return Lexicon(
        forms=forms,
        phrase_keys=phrase_keys,
        pronouns=pronouns,
        determiners=fs("determiners"),
        skip_before_verb=fs("skip_before_verb"),
        np_stop=fs("np_stop"),
        np_link=fs("np_link"),
        relative=fs("relative"),
        relative_stop=fs("relative_stop"),
        generic_heads=fs("generic_heads"),
        clause_joins=fs("clause_joins"),
        auxiliaries=fs("auxiliaries"),
        np_stop_forward=fs("np_stop_forward"),
        intro=fs("intro"),
        adverbial_start=fs("adverbial_start"),
        time_lead=fs("time_lead"),
        time_words=fs("time_words"),
        finite=fs("finite"),
        subject_end=fs("subject_end"),
        title_before=fs("title_before"),
        title_small=fs("title_small"),
        org_heads=fs("org_heads"),
        abbreviations=fs("abbreviations"),
        name_stop=fs("name_stop"),
        anaphoric_heads=tuple(sorted(fs("anaphoric_heads"))),
        plural_suffixes=tuple(sorted(fs("plural_suffixes"))),
        first_names=first_names,
        gender_titles=gender_titles,
    )


@functools.cache
def load_lexicon() -> Lexicon:
    """The bundled lexicon (read on first use, then cached)."""
    return build_lexicon(
        _read("cues.toml"), _read("grammar.toml"), _read("first_names.toml"), _read("given_names.toml")
    )
