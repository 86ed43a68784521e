"""newskit.testing works as plugin authors use it: as pytest fixtures and plain functions."""

import pytest

import newskit
from newskit import Finding
from newskit.testing import assert_valid_findings, stamp
from tests.conftest import make_plugin


def speaker_quotes(view):
    for entity in view.of_kind("entity"):
        yield Finding("quote", entity.end, entity.end + 5, view.text[entity.end : entity.end + 5], refs={"speaker": entity.id})


def test_run_component_sees_hand_made_prior_findings(run_component, make_document):
    plugin = make_plugin("quotes", ("quote",), uses=("entity",), run=speaker_quotes)
    doc = make_document("Putin said so.", published_at="2024-10-02")
    prior = [Finding("entity", 0, 5, "Putin", label="PERSON", value="Q7747")]
    found = run_component("quotes", doc, prior=prior, plugins=[plugin], entrypoints=False)
    assert [(f.text, f.refs["speaker"], f.producer) for f in found] == [(" said", "entity:0-5", "quotes")]


def test_run_component_applies_the_contract_check(run_component):
    plugin = make_plugin("bad", ("x",), run=lambda view: [Finding("x", 0, 3, "nop")])
    with pytest.raises(newskit.PluginError, match="does not match the text"):
        run_component("bad", "abcdef", plugins=[plugin], entrypoints=False)


def test_plugin_pipeline_and_assert_valid_result(plugin_pipeline, assert_valid_result):
    pipeline = plugin_pipeline(make_plugin("q", ("quote",), run=speaker_quotes))
    assert pipeline.components == ("q",)
    assert_valid_result(pipeline("no entities here"))


def test_assert_valid_findings_catches_a_dangling_ref():
    doc = newskit.Document("Putin said")
    bad = stamp([Finding("quote", 6, 10, "said", refs={"speaker": "entity:0-5"})])
    with pytest.raises(AssertionError, match="points at no finding"):
        assert_valid_findings(doc, bad)
