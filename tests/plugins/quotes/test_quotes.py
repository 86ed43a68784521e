"""Tests of the ``quotes`` component, one phenomenon at a time.

Entity findings are built by hand and passed as ``prior`` so these tests do not depend on
the entities plugin.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newskit
from newskit import Finding
from newskit.testing import assert_valid_findings, make_document, run_component, stamp

SEED = Path(__file__).resolve().parents[3] / "seeds" / "000_2e2a1c2ac25b84df.txt"


def quotes(text: str, prior=(), **config):
    return run_component("quotes", text, prior=list(prior), config=config or None)


def by_text(found, fragment: str):
    """The one quote whose span contains ``fragment``."""
    hits = [f for f in found if fragment in f.text]
    assert len(hits) == 1, f"expected one quote containing {fragment!r}, got {[f.text for f in found]}"
    return hits[0]


def entity(text: str, mention: str, label: str, qid: str | None, name: str, occurrence: int = 0, **attrs):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(mention, start + 1)
    return Finding(
        "entity", start, start + len(mention), mention, label=label, value=qid,
        attributes={"name": name, **attrs},
    )


# -- direct quotes ---------------------------------------------------------------------


def test_direct_quote_with_cue_after():
    text = '"We will win this election," she said.'
    (q,) = quotes(text)
    assert q.label == "direct"
    assert q.text.startswith("We will win this election")
    assert q.attributes["cue"] == "said"
    assert text[slice(*q.attributes["speaker_span"])] == "she"


def test_cue_glued_to_its_colon_and_mark_is_found():
    # no space between the cue, the colon and the opening mark: the cue word is still a
    # whole word and still introduces the quote
    text = 'Coach Marta Lindqvist told:"Our defence has to improve before the final."'
    (q,) = quotes(text)
    assert q.text == "Our defence has to improve before the final."
    assert q.attributes["cue"] == "told"
    assert q.attributes["speaker"] == "Coach Marta Lindqvist"


def test_direct_quote_with_cue_before_and_colon():
    text = 'Finance Minister Helena Varga said: "The deficit will fall next year."'
    (q,) = quotes(text)
    assert q.label == "direct"
    assert q.text == "The deficit will fall next year."
    assert q.attributes["speaker"] == "Finance Minister Helena Varga"


def test_curly_quotes_and_verb_first_cue():
    text = "“This is a dark day for our industry,” said Tomas Lindqvist, chief executive of the firm."
    (q,) = quotes(text)
    assert q.text.startswith("This is a dark day")
    assert q.attributes["speaker"] == "Tomas Lindqvist"


def test_single_top_level_quotes_with_nested_double():
    text = "'The crowd was chanting \"no more war\" all night,' said Jane Moreau, a witness."
    (q,) = quotes(text)
    assert 'chanting "no more war" all night' in q.text
    assert q.attributes["speaker"] == "Jane Moreau"


def test_interrupted_quote_has_parts():
    text = '"We will not be intimidated," Mayor Rosa Delgado said, "and we will not back down."'
    (q,) = quotes(text)
    parts = q.attributes["parts"]
    assert len(parts) == 2
    assert text[slice(*parts[0])].startswith("We will not be intimidated")
    assert text[slice(*parts[1])] == "and we will not back down."
    assert (q.start, q.end) == (parts[0][0], parts[1][1])
    assert q.attributes["speaker"] == "Mayor Rosa Delgado"


def test_multi_paragraph_quote_continues_after_unclosed_paragraph():
    text = (
        'Dr Hannah Weiss said: "Hospitals are running out of beds.\n\n'
        '"If nothing changes, we will cancel routine operations."'
    )
    (q,) = quotes(text)
    assert len(q.attributes["parts"]) == 2
    assert q.text.startswith("Hospitals") and q.text.endswith("operations.")
    assert q.attributes["speaker"] == "Dr Hannah Weiss"


def test_continuation_quote_inherits_previous_speaker():
    text = '"We were second best," said Marco Bellini. "The players know it and the fans know it."'
    found = quotes(text)
    assert len(found) == 2
    second = by_text(found, "The players know it")
    assert second.attributes["cue"] is None
    assert second.attributes["speaker"] == "Marco Bellini"


def test_continuation_inheritance_can_be_switched_off():
    text = '"We were second best," said Marco Bellini. "The players know it and the fans know it."'
    second = by_text(quotes(text, inherit_speaker=False), "The players know it")
    assert second.attributes["speaker"] is None


# -- not quotes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'The so-called "special operation" entered its third year.',
        "The so-called 'peace dividend' has yet to appear.",
        'The book, called "The Long Road Home", has sold a million copies.',
        'The striker, nicknamed "The Hammer" by fans, scored twice.',
        'The operation, codenamed "Silver Dawn", began before sunrise.',
        'Residents described the scene as "apocalyptic" on Monday.',
        "Observers note the emphasis on deeper cooperation in areas ranging from defence to energy.",
        "He stressed the importance of early detection in rural areas.",
        "Officials said goodbye to the delegation at the airport.",
        "The commitment suggests a durable model for cooperation that goes beyond rhetoric.",
    ],
)
def test_traps_are_not_quotes(text):
    assert quotes(text) == []


def test_document_without_quotes():
    text = "The factory, which employs 1,200 people, has been closed since March.\n\nIt may reopen in May."
    assert quotes(text) == []
    assert quotes("") == []


# -- unbalanced marks ------------------------------------------------------------------


def test_unbalanced_mark_costs_at_most_one_quote():
    text = (
        'He said "we will fight on and never give up.\n'
        '"Our patience has limits," the minister said.\n'
        'The spokesman said the talks would resume next week.'
    )
    found = quotes(text)
    assert_valid_findings(make_document(text), found)
    assert by_text(found, "Our patience has limits").attributes["speaker"] == "the minister"
    assert by_text(found, "the talks would resume").label == "indirect"


def test_odd_number_of_straight_marks_keeps_later_quotes():
    text = 'The 5" pipe burst. "We fixed it within the hour," said engineer Anna Berg.'
    (q,) = quotes(text)
    assert q.text.startswith("We fixed it within the hour")
    assert q.attributes["speaker"] == "engineer Anna Berg"


# -- indirect and mixed quotes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        ("Putin stated that the ties would grow stronger.", "stated", "the ties would grow stronger"),
        ("Putin is quoted as saying that the parties will strengthen ties.", "quoted as saying", "the parties will strengthen ties"),
        ("The minister expressed confidence that the deal would be signed.", "expressed confidence", "the deal would be signed"),
        ("The ministry said on Tuesday that it had lodged a protest.", "said", "it had lodged a protest"),
        ("Analysts at Carver Bank predict the currency will weaken further.", "predict", "the currency will weaken further"),
        ("Officials told reporters the plan was dead.", "told reporters", "the plan was dead"),
        ("The talks will resume next month, a spokesman for the UN said.", "said", "The talks will resume next month"),
        ("Inflation remains above target, said the central bank.", "said", "Inflation remains above target"),
    ],
)
def test_indirect_quotes(text, cue, content):
    (q,) = quotes(text)
    assert q.label == "indirect"
    assert q.text == content
    assert q.attributes["cue"] == cue


def test_according_to_before_and_after():
    found = quotes(
        "According to the Russian leader, the interaction is at its highest level. "
        "Both delegations have softened their positions, according to diplomats."
    )
    first = by_text(found, "the interaction is at its highest level")
    assert first.attributes["speaker"] == "the Russian leader"
    assert first.attributes["cue"] == "According to"
    assert by_text(found, "softened their positions").attributes["speaker"] == "diplomats"


def test_participle_cue_takes_the_sentence_subject():
    text = (
        "A former ambassador to the Russian Federation spoke about the conflict, noting that "
        "China seeks to balance its partnership with Moscow."
    )
    (q,) = quotes(text)
    assert q.text == "China seeks to balance its partnership with Moscow"
    assert q.attributes["speaker"].lower().startswith("a former ambassador")
    assert q.refs == {}


def test_interrupted_indirect_quote():
    text = "The data, he said, are still incomplete."
    (q,) = quotes(text)
    assert q.label == "indirect"
    assert [text[a:b] for a, b in q.attributes["parts"]] == ["The data", "are still incomplete"]


def test_mixed_quote_contains_quoted_fragment():
    text = 'Union leader Patrick Doyle said the offer was "an insult to every nurse in this country".'
    (q,) = quotes(text)
    assert q.label == "mixed"
    assert q.text == 'the offer was "an insult to every nurse in this country"'


def test_quote_words_inside_a_direct_quote_are_not_indirect_quotes():
    text = '"I said that we would win, and we did," the coach told reporters.'
    (q,) = quotes(text)
    assert q.label == "direct"


def test_passive_attribution_without_speaker_is_skipped():
    assert quotes("It is said that the castle is haunted.") == []


# -- speakers with entity findings ------------------------------------------------------


def test_speaker_linked_to_entity_and_pronoun_follows_gender():
    text = (
        "Prime Minister Anna Lind met President Jan Novak on Friday. "
        "She said the two countries would remove tariffs. He said that he welcomed the plan."
    )
    prior = [
        entity(text, "Anna Lind", "PERSON", "acme:lind", "Anna Lind", gender="female"),
        entity(text, "Jan Novak", "PERSON", "acme:novak", "Jan Novak", gender="male"),
    ]
    found = quotes(text, prior)
    she = by_text(found, "remove tariffs")
    he = by_text(found, "welcomed the plan")
    assert she.attributes["speaker"] == "Anna Lind"
    assert she.refs["speaker"] == "entity:" + str(text.index("Anna Lind")) + "-" + str(text.index("Anna Lind") + 9)
    assert he.attributes["speaker"] == "Jan Novak"


def test_description_speaker_resolved_through_entity():
    text = "According to the Russian leader, the interaction is at its highest level."
    prior = [entity(text, "Russian leader", "PERSON", "Q7747", "Vladimir Putin", via="nominal", gender="male")]
    (q,) = quotes(text, prior)
    assert q.attributes["speaker"] == "Vladimir Putin"
    assert q.refs["speaker"].startswith("entity:")


def test_organisation_is_its_own_speaker_and_modifiers_do_not_link():
    text = "The Kremlin said the sanctions were illegal. The Australian government said it disagreed."
    prior = [
        entity(text, "Kremlin", "GPE", "Q159", "Russia", via="metonym"),
        entity(text, "Australian", "GPE", "Q408", "Australia", via="demonym"),
    ]
    found = quotes(text, prior)
    kremlin = by_text(found, "sanctions were illegal")
    assert kremlin.attributes["speaker"] == "Kremlin"
    assert kremlin.refs["speaker"].startswith("entity:")
    aus = by_text(found, "it disagreed")
    assert aus.attributes["speaker"] == "The Australian government"
    assert aus.refs == {}


def test_unnamed_source_keeps_its_text():
    text = "A senior official, who asked not to be named, said the vaccine rollout would be delayed."
    (q,) = quotes(text)
    assert q.attributes["speaker"] == "A senior official"
    assert q.refs == {}


def test_speakers_without_entities_are_mention_text():
    (q,) = quotes("Russian President Vladimir Putin stated that ties would grow.")
    assert q.attributes["speaker"] == "Russian President Vladimir Putin"
    assert q.refs == {}


# -- the sample article ----------------------------------------------------------------


def _sample_text() -> str:
    return SEED.read_text(encoding="utf-8")


def test_sample_article_statements_and_speakers():
    text = _sample_text()

    def ent(mention, label, qid, name, occurrence=0, **attrs):
        return entity(text, mention, label, qid, name, occurrence, **attrs)

    prior = [
        ent("Vladimir Putin", "PERSON", "Q7747", "Vladimir Putin", gender="male"),
        ent("Moscow", "GPE", "Q159", "Russia", via="metonym"),
        ent("head of state", "PERSON", "Q7747", "Vladimir Putin", via="nominal", gender="male"),
        ent("Xi Jinping", "PERSON", "Q15031", "Xi Jinping", gender="male"),
        ent("Putin", "PERSON", "Q7747", "Vladimir Putin", 1, via="surname", gender="male"),
        ent("Putin", "PERSON", "Q7747", "Vladimir Putin", 2, via="surname", gender="male"),
        ent("Russian leader", "PERSON", "Q7747", "Vladimir Putin", via="nominal", gender="male"),
        ent("Xi Jinping", "PERSON", "Q15031", "Xi Jinping", 1, gender="male"),
        ent("Russian Federation", "GPE", "Q159", "Russia", 2),
    ]
    found = quotes(text, prior)
    assert_valid_findings(make_document(text), stamp(prior) + found)
    expected = {
        "stated that": "Vladimir Putin",
        "expressed confidence that": "Vladimir Putin",
        "is quoted as saying that": "Vladimir Putin",
        "He also noted that": "Vladimir Putin",
        "According to the Russian leader": "Vladimir Putin",
        "He stated that": "Xi Jinping",
    }
    for intro, speaker in expected.items():
        start = text.index(intro) + len(intro)
        q = next((f for f in found if 0 <= f.start - start <= 3), None)
        assert q is not None, f"no quote after {intro!r}"
        assert q.attributes["speaker"] == speaker, intro
        assert q.refs.get("speaker"), intro
    noting = by_text(found, "China seeks to balance")
    assert "ambassador" in noting.attributes["speaker"].lower()
    assert noting.refs == {}
    assert not any("emphasis on deeper cooperation" in f.text for f in found)


# -- contract and robustness -----------------------------------------------------------


def test_findings_follow_the_contract():
    text = '"We will win," she said. Officials said that the vote would go ahead.'
    found = quotes(text)
    assert_valid_findings(make_document(text), found)
    for f in found:
        assert f.kind == "quote" and f.value is None
        assert f.label in {"direct", "indirect", "mixed"}
        for key in ("speaker", "speaker_span", "cue", "cue_span"):
            assert key in f.attributes
        assert f.text == text[f.start : f.end]
        assert not f.text.endswith(".") or f.label == "direct"


def test_pipeline_result_round_trips():
    result = newskit.Pipeline(components=["quotes"])('"We will win," she said, "and soon."')
    newskit.testing.assert_valid_result(result)


def test_config_is_validated():
    with pytest.raises(newskit.ConfigError):
        newskit.Pipeline(components=["quotes"], config={"quotes": {"min_words": 0}})


def test_min_words_controls_scare_quotes():
    text = 'The minister called the report "deeply flawed and partisan".'
    assert quotes(text) == []


def test_huge_line_and_odd_characters_do_not_break():
    text = ('"' + "word " * 50 + "\u202e\x00😀 ") * 200 + 'He said "fine."'
    found = quotes(text)
    assert_valid_findings(make_document(text), found)


ALPHABET = st.sampled_from(
    list("abc XYZ.,;:!?'\"“”‘’«»\n\t-—()") + ["said", " that ", "according to", "He ", "\u202e", "😀", "\x00"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ALPHABET, max_size=80).map("".join))
def test_any_text_gives_valid_spans(text):
    found = quotes(text)
    assert_valid_findings(make_document(text), found)
    for f in found:
        assert f.start < f.end
        for key in ("speaker_span", "cue_span"):
            span = f.attributes[key]
            if span is not None:
                assert 0 <= span[0] < span[1] <= len(text)
        for a, b in f.attributes.get("parts", []):
            assert f.start <= a < b <= f.end


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode_never_raises(text):
    assert_valid_findings(make_document(text), quotes(text))


# -- the subject scan's short window ---------------------------------------------------


def test_long_subject_is_read_past_the_short_window():
    text = "The deputy director of the national weather forecasting agency said the storm would pass."
    (found,) = quotes(text)
    a, b = found.attributes["speaker_span"]
    assert text[a:b] == "The deputy director of the national weather forecasting agency"


SUBJECT_WORDS = st.sampled_from(
    ["the", "a", "of", "in", "and", "but", "he", "she", "they", "Smith", "Jane", "Doe", "minister",
     "officials", "regional", "northern", ",", "54", "who", "also", "later", "had", "warned",
     "it", "is", "was", "Russia's", "U.S.", "co-founder", "(", ")", "\n", "long-serving"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(SUBJECT_WORDS, min_size=1, max_size=30))
def test_short_window_subject_agrees_with_the_full_window(words):
    # the subject scan first reads a short window before the cue and reads the full one
    # only when its answer could depend on more: both must always agree
    from newskit_quotes import make_component
    from newskit_quotes._finder import _Doc
    from newskit_quotes._text import tokens

    finder = make_component()
    text = " ".join(words) + " said the plan would work."
    v = text.rindex(" said") + 1
    low = text.lower()
    doc = _Doc(finder, text, low, [], finder._cues(text, low))
    full = doc._subject(v, tokens(text, max(0, v - 90), v), False)
    assert doc.subject_before(v, 0) == full


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # the cue follows a relative clause: the speaker is what the clause hangs on
        ("Residents who had waited outside the town hall since early morning said the queue "
         "was too long.", "Residents"),
        ("Doctors at the clinic where the victims were treated said two were in a critical "
         "condition.", "Doctors at the clinic"),
        ("The lawyer who represented Ana Costa said the verdict would be appealed.", "The lawyer"),
        # only a noun phrase between the relative word and the cue: the cue is the clause's
        ("The memoir describes a dinner where the prime minister told Mr Lee that he would resign.",
         "the prime minister"),
        # a conjunction ends the clause
        ("The rules show who gives money to the parties but the report says there are doubts.",
         "the report"),
        # the relative word is the subject of the cue
        ("The figures came from finance minister Kenji Mori who said the economy would grow.",
         "finance minister Kenji Mori"),
    ],
)
def test_a_relative_clause_before_the_cue_does_not_become_the_speaker(text, speaker):
    (found,) = quotes(text)
    assert found.attributes["speaker"] == speaker


def test_people_in_general_who_say_something_are_no_speaker():
    assert quotes("There are people who say the plan will fail.") == []
    assert quotes("There is no one who is suggesting that the talks will fail.") == []


def test_a_number_with_a_comma_does_not_end_an_apposition():
    (found,) = quotes("A spokesman for the union, which represents 40,000 growers, said talks were planned.")
    assert found.attributes["speaker"] == "A spokesman for the union"


def test_a_relative_clause_that_ends_in_its_verb_leaves_the_head_as_speaker():
    (found,) = quotes("Residents of the street where the fire started said the alarm had not sounded.")
    assert found.attributes["speaker"] == "Residents of the street"


def test_a_reported_clause_ends_where_a_new_speaker_takes_over():
    first, second = quotes("The minister insisted the figures were correct, but critics said they were misleading.")
    assert first.text == "the figures were correct" and first.attributes["speaker"] == "The minister"
    assert second.text == "they were misleading" and second.attributes["speaker"] == "critics"
    # the same speaker going on is one clause
    said = quotes("He said the economy was weak, but did not believe a recession was coming.")[0]
    assert said.text == "the economy was weak, but did not believe a recession was coming"


def test_a_parenthetical_participle_ends_before_the_sentence_s_own_verb():
    (found,) = quotes("A former ambassador to Moscow, noting that sanctions had failed, called for talks.")
    assert found.text == "sanctions had failed"
    # after a verb of its own, the participle's clause runs on ("…, spent years …")
    (found,) = quotes("Mr Evans sued the studio in 2001, claiming he came up with the idea, spent years on it and found the money.")
    assert found.text.endswith("found the money")
