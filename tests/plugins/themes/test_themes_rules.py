"""The themes component: one test per phenomenon, through the public testing kit."""

from __future__ import annotations

import json

import pytest

import newskit
from newskit.testing import assert_valid_findings, make_document, run_component
from themes_kit import themes

DIPLOMACY = "medtop:20000639"
INTL_RELATIONS = "medtop:20000638"
POLITICS = "medtop:11000000"
SPORT = "medtop:15000000"
ECONOMY = "medtop:04000000"
MACRO = "medtop:20000346"
WAR = "medtop:20000062"


def test_findings_follow_the_contract():
    text = "The ambassador held talks with the foreign minister at the embassy on Monday."
    found = run_component("themes", text)
    assert_valid_findings(make_document(text), found)
    by = {f.value: f for f in found}
    f = by[DIPLOMACY]
    assert (f.kind, f.start, f.end, f.text) == ("theme", None, None, None)
    assert f.label == "diplomacy"
    assert f.attributes["broader"] == INTL_RELATIONS and f.attributes["level"] == 3
    assert f.attributes["taxonomy"] == "iptc-mediatopic"
    spans = f.attributes["evidence"]
    assert spans and all(isinstance(s, list) and len(s) == 2 for s in spans)
    assert {text[s:e].lower() for s, e in spans} >= {"ambassador", "embassy"}
    assert 0.0 <= f.confidence <= 1.0


def test_cue_aggregation_more_evidence_more_confidence():
    loose = {"threshold": 0.0}
    one = themes("The striker was there.", config=loose)
    many = themes("The striker scored twice in the second half and the goalkeeper saved a penalty "
                  "as the club won the league match.", config=loose)
    assert many[SPORT].attributes["score"] > one[SPORT].attributes["score"]
    assert many[SPORT].confidence > one[SPORT].confidence
    assert len(many[SPORT].attributes["evidence"]) > len(one[SPORT].attributes["evidence"])


def test_repetition_saturates():
    once = themes("Inflation rose.", config={"threshold": 0.0})[MACRO].attributes["score"]
    ten = themes(" ".join(["Inflation rose."] * 10), config={"threshold": 0.0})[MACRO].attributes["score"]
    assert once < ten < 10 * once


def test_title_counts_more_than_body():
    body = "Officials met on Tuesday. " * 5 + "There was an embargo."
    plain = themes(body, config={"threshold": 0.0})
    titled = themes(make_document(body, title="Embargo widened"), config={"threshold": 0.0})
    code = "medtop:20000642"  # economic sanction
    assert titled[code].attributes["score"] > plain[code].attributes["score"]


def test_roll_up_reports_every_ancestor():
    found = themes("The ambassador met diplomats at the embassy to discuss the summit.")
    assert {DIPLOMACY, INTL_RELATIONS, POLITICS} <= set(found)
    assert found[POLITICS].attributes["level"] == 1
    assert found[POLITICS].attributes["broader"] is None
    assert found[POLITICS].confidence >= found[DIPLOMACY].confidence


def test_negative_cue_cancels():
    war = themes("The two supermarkets are locked in a price war.", config={"threshold": 0.0})
    assert WAR not in war or war[WAR].attributes["score"] < themes(
        "The war goes on.", config={"threshold": 0.0})[WAR].attributes["score"]
    real = themes("The war in the north entered its second year as troops shelled the city.")
    assert WAR in real


def test_entity_cue_raises_theme():
    text = "Rates were left unchanged, Riksbanken said on Thursday."
    start = text.index("Riksbanken")
    entity = newskit.Finding("entity", start, start + 10, "Riksbanken", label="ORG", value="Q1410925",
                             attributes={"type": "company", "tags": ["central_bank"]})
    loose = {"threshold": 0.0}
    without = themes(text, config=loose)
    withit = themes(text, prior=[entity], config=loose)
    assert MACRO not in without  # nothing in the words says "central bank"
    assert [start, start + 10] in withit[MACRO].attributes["evidence"]
    assert MACRO not in themes(text, prior=[entity], config={**loose, "use_entities": False})


def test_threshold_and_max_tags():
    text = ("The central bank raised interest rates as inflation rose. The striker scored in the cup "
            "final. Police arrested a suspect after the murder. The vaccine trial began in hospital.")
    loose = run_component("themes", text, config={"threshold": 0.05, "max_tags": 50})
    strict = run_component("themes", text, config={"threshold": 0.9, "max_tags": 50})
    few = run_component("themes", text, config={"threshold": 0.05, "max_tags": 3})
    assert len(strict) < len(loose)
    assert all(f.confidence >= 0.9 for f in strict)
    assert len(few) <= 3
    codes = {f.value for f in few}
    assert all(f.attributes["broader"] in codes for f in few if f.attributes["broader"])
    top_only = run_component("themes", text, config={"max_level": 1})
    assert top_only and all(f.attributes["level"] == 1 for f in top_only)


def test_custom_story_theme_from_file(tmp_path):
    rules = tmp_path / "stories.toml"
    rules.write_text(
        '[taxonomy]\nname = "newsroom"\n\n'
        '[[theme]]\ncode = "story:ukraine-war"\nlabel = "Ukraine war"\nbroader = "medtop:20000062"\n'
        'requires = ["medtop:20000062", "Q212"]\ncues = ["Kyiv^2"]\n',
        encoding="utf-8",
    )
    text = "Troops shelled the city of Kharkiv as the war in Ukraine entered a new phase near Kyiv."
    start = text.index("Ukraine")
    ukraine = newskit.Finding("entity", start, start + 7, "Ukraine", label="GPE", value="Q212",
                              attributes={"type": "country"})
    found = themes(text, prior=[ukraine], config={"rule_paths": [str(rules)]})
    story = found["story:ukraine-war"]
    assert story.label == "Ukraine war"
    assert story.attributes["taxonomy"] == "newsroom"
    assert story.attributes["broader"] == WAR
    assert [start, start + 7] in story.attributes["evidence"]
    # without the entity the requirement fails
    assert "story:ukraine-war" not in themes(text, config={"rule_paths": [str(rules)]})


def test_custom_cues_extend_builtin_and_replace(tmp_path):
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps({"theme": [{"code": DIPLOMACY, "cues": ["blorptalks^3"]}]}), encoding="utf-8")
    loose = {"threshold": 0.05}
    assert DIPLOMACY in themes("The blorptalks resumed.", config={**loose, "rule_paths": [str(extra)]})
    assert DIPLOMACY not in themes("The blorptalks resumed.", config=loose)
    replace = tmp_path / "replace.toml"
    replace.write_text(f'[[theme]]\ncode = "{DIPLOMACY}"\nreplace = true\ncues = ["zorbly^3"]\n', encoding="utf-8")
    found = themes("The ambassador visited the embassy.", config={"rule_paths": [str(replace)], "threshold": 0.0})
    assert DIPLOMACY not in found
    off = tmp_path / "off.toml"
    off.write_text(f'[[theme]]\ncode = "{SPORT}"\nenabled = false\n', encoding="utf-8")
    assert SPORT in themes("The striker scored in the cup final.")
    assert SPORT not in themes("The striker scored in the cup final.", config={"rule_paths": [str(off)]})


class RulePlugin:
    @newskit.hookimpl
    def newskit_theme_rules(self):
        return [{"code": "acme:ai-policy", "label": "AI policy", "taxonomy": "acme",
                 "broader": "medtop:20000621", "cues": ["artificial intelligence act^3", "AI regulation^3"]}]


def test_hook_adds_rules():
    text = "Parliament debated the Artificial Intelligence Act and AI regulation on Monday."
    found = themes(text, plugins=[RulePlugin()])
    f = found["acme:ai-policy"]
    assert f.label == "AI policy" and f.attributes["taxonomy"] == "acme"
    assert f.attributes["level"] == 3 and f.attributes["broader"] == "medtop:20000621"
    assert "medtop:20000621" in found
    assert "acme:ai-policy" not in themes(text)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ('[[theme]]\ncode = "medtop:20000639"\ncues = ["diplomat*^x"]\n', "bad weight"),
        ('[[theme]]\ncode = "medtop:20000639"\ncues = ["d*"]\n', "shorter than 3"),
        ('[[theme]]\ncode = "medtop:20000639"\ncolour = "red"\n', "unknown key"),
        ('[[theme]]\ncode = "acme:x"\ncues = ["foo"]\n', "has no label"),
        ('[[theme]]\ncode = "medtop:20000639"\nentities = ["country"]\n', "type:"),
        ('[[theme]]\ncode = "acme:x"\nlabel = "X"\nbroader = "acme:nowhere"\n', "broader"),
        ('[[theme]]\ncode = "medtop:20000639"\ncues = ["emb{assy"]\n', "braces"),
        ('[[theme]\ncode = 1\n', "not valid TOML"),
        ('[[theme]]\ncode = "medtop:20000639"\nrollup = 2\n', "from 0 to 1"),
    ],
)
def test_bad_rule_file_names_file_line_and_fix(tmp_path, body, needle):
    path = tmp_path / "bad.toml"
    path.write_text("# my rules\n\n" + body, encoding="utf-8")
    with pytest.raises(newskit.ConfigError) as info:
        newskit.Pipeline(["themes"], config={"themes": {"rule_paths": [str(path)]}})
    message = str(info.value)
    assert str(path) in message and needle in message
    if "TOML" not in needle and "broader" not in needle:
        assert "line 3" in message  # the [[theme]] header of the bad record


def test_missing_rule_file_is_a_config_error(tmp_path):
    with pytest.raises(newskit.ConfigError, match="does not exist"):
        newskit.Pipeline(["themes"], config={"themes": {"rule_paths": [str(tmp_path / "nope.toml")]}})


def test_no_builtin_rules_means_only_custom_themes(tmp_path):
    path = tmp_path / "only.toml"
    path.write_text('[[theme]]\ncode = "acme:cats"\nlabel = "cats"\ncues = ["cat{,s}^3"]\n', encoding="utf-8")
    found = themes("Cats and more cats at the embassy.", config={"builtin_rules": False, "rule_paths": [str(path)],
                                                               "threshold": 0.05})
    assert set(found) == {"acme:cats"}


def test_rollup_passes_a_share_of_the_weight_to_broader_themes(tmp_path):
    rules = (
        '[[theme]]\ncode = "acme:pets"\nlabel = "pets"\ncues = ["pet{,s}^1"]\n\n'
        '[[theme]]\ncode = "acme:cats"\nlabel = "cats"\nbroader = "acme:pets"\ncues = ["cat{,s}^1.6"]\n'
    )
    path = tmp_path / "pets.toml"
    path.write_text(rules, encoding="utf-8")
    # a cap above the cue's weight, so that only the rollup share is measured
    config = {"builtin_rules": False, "rule_paths": [str(path)], "threshold": 0.0, "top_level_cap": 5.0}
    full = themes("A cat sat.", config=config)
    path.write_text(rules + "rollup = 0.25\n", encoding="utf-8")
    quarter = themes("A cat sat.", config=config)
    assert full["acme:cats"].attributes["score"] == quarter["acme:cats"].attributes["score"]
    assert quarter["acme:pets"].attributes["score"] == pytest.approx(full["acme:pets"].attributes["score"] / 4)


def test_case_variants_of_a_word_saturate_as_one_word(tmp_path):
    path = tmp_path / "cats.toml"
    path.write_text('[[theme]]\ncode = "acme:cats"\nlabel = "cats"\ncues = ["cat^1", "dog^1"]\n', encoding="utf-8")
    config = {"builtin_rules": False, "rule_paths": [str(path)], "threshold": 0.0, "lead_chars": 0}
    # "Cat" and "cat" are one word seen twice (1 + 1/2); "dog" is a second word (1)
    found = themes("Cat food sold out. A cat and a dog waited.", config=config)
    assert found["acme:cats"].attributes["score"] == pytest.approx(2.5)


def test_phrases_that_open_with_a_function_word_or_a_case_sensitive_word(tmp_path):
    # such phrases are found through their anchor word rather than their opening word pair
    path = tmp_path / "care.toml"
    path.write_text('[[theme]]\ncode = "acme:care"\nlabel = "care"\n'
                    'cues = ["in hospital^2", "IT is^1", "on the mend^1"]\n', encoding="utf-8")
    config = {"builtin_rules": False, "rule_paths": [str(path)], "threshold": 0.0, "lead_chars": 0}
    text = "She is in hospital. The IT is down, it is said. He is on the mend; in a hospital, no."
    found = themes(text, config=config)["acme:care"]
    # "in hospital" (2), "IT is" (1, not "it is"), "on the mend" (1); "in a hospital" is no match
    assert found.attributes["score"] == pytest.approx(4.0)
    assert sorted(text[s:e] for s, e in found.attributes["evidence"]) == ["IT is", "in hospital", "on the mend"]
    again = themes("In hospital again, still in hospital.", config=config)["acme:care"]
    assert again.attributes["score"] == pytest.approx(2 * (1 + 1 / 2))  # a repeat saturates
    assert "acme:care" not in themes("it is in the hospital", config=config)


def test_cues_in_a_separate_title_count_with_the_title_weight(tmp_path):
    path = tmp_path / "cats.toml"
    path.write_text('[[theme]]\ncode = "acme:cats"\nlabel = "cats"\ncues = ["cat^1", "cat food^1"]\n',
                    encoding="utf-8")
    config = {"builtin_rules": False, "rule_paths": [str(path)], "threshold": 0.0, "lead_chars": 0,
              "title_weight": 3.0}
    doc = make_document("A cat ate.", title="Cat food prices")
    found = themes(doc, config=config)["acme:cats"]
    # "Cat" in the title (3) and "cat" in the text (1/2, the same word again); "cat food" in the title (3)
    assert found.attributes["score"] == pytest.approx(3 + 0.5 + 3)
    assert [doc.text[s:e] for s, e in found.attributes["evidence"]] == ["cat"]
