"""Long repetitive inputs that once made the component quadratic: they must still give
valid, sensible findings (timing is measured by ``benchmarks/speed/stress.py``, never here)."""

from __future__ import annotations

from newskit.testing import assert_valid_findings, make_document, run_component


def test_many_short_quotes_each_with_a_pronoun_speaker():
    text = '"Yes," Jane Doe said. ' + '"Yes," she said. ' * 2000
    doc = make_document(text)
    found = run_component("quotes", doc)
    assert_valid_findings(doc, found)
    assert len(found) == 2001
    assert {f.label for f in found} == {"direct"}
    assert {f.attributes["cue"] for f in found} == {"said"}
    # every "she" goes back to the previous speaker, far into the document
    assert {f.attributes["speaker"] for f in found} == {"Jane Doe"}
    assert found[-1].start > len(text) - 30


def test_one_sentence_of_ten_thousand_words_gives_bounded_clauses():
    phrase = "the minister said that the talks about the plan would go on "
    text = (phrase * (60_000 // len(phrase) + 1))[:60_000]
    assert "." not in text and len(text.split()) >= 9_500
    doc = make_document(text)
    found = run_component("quotes", doc)
    assert_valid_findings(doc, found)
    assert len(found) > 100
    assert {f.label for f in found} == {"indirect"}
    assert all(f.text.startswith("the talks") for f in found)
    # a clause may not run to the end of a sentence that long (else the output, and the
    # time, would grow with the square of the input)
    assert max(len(f.text) for f in found) <= 1000


def test_inverted_cues_in_one_endless_sentence():
    text = "the talks would go on, he said, and " * 2000
    doc = make_document(text)
    found = run_component("quotes", doc)
    assert_valid_findings(doc, found)
    assert all(len(f.text) <= 1000 for f in found)
