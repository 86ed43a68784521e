import datetime as dt
import json
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newskit
from newskit import Document, Finding, Result, ValidationError
from newskit._model import ErrorRecord, check_span
from newskit._serialize import SCHEMA, result_from_json, result_to_json


def test_document_converts_iso_dates_and_datetimes():
    assert Document("x", published_at="2024-10-02").published_at == dt.date(2024, 10, 2)
    stamp = Document("x", published_at="2024-10-02T09:30:00Z").published_at
    assert stamp == dt.datetime(2024, 10, 2, 9, 30, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("bad", ["yesterday", "2024-13-01", 1727827200.0, 20241002])
def test_document_rejects_bad_published_at_naming_the_field(bad):
    with pytest.raises(ValidationError, match="published_at"):
        Document("x", published_at=bad)


def test_document_text_must_be_str():
    with pytest.raises(ValidationError, match="Document.text is None; pass the article body as a str"):
        Document(None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="Document.text must be a str.*decode"):
        Document(b"bytes")  # type: ignore[arg-type]


def test_document_stable_id_derives_from_text_when_absent():
    assert Document("same").stable_id == Document("same").stable_id
    assert Document("same").stable_id != Document("other").stable_id
    assert Document("x", id="a1").stable_id == "a1"


def test_values_are_frozen_hashable_and_picklable():
    f = Finding("entity", 0, 5, "Putin", attributes={"name": "Vladimir Putin"}, refs={})
    with pytest.raises(AttributeError):
        f.start = 1  # type: ignore[misc]
    with pytest.raises(TypeError, match="immutable"):
        f.attributes["name"] = "x"  # type: ignore[index]
    assert hash(f) == hash(pickle.loads(pickle.dumps(f)))
    assert pickle.loads(pickle.dumps(f)) == f
    assert f.evolve(label="PERSON").label == "PERSON" and f.label is None


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("entity", 0, None, "x"), {}, "both be set or both be None"),
        (("entity", None, 3, "x"), {}, "both be set or both be None"),
        (("entity", 5, 3, "xx"), {}, "start 5 is after end 3"),
        (("entity", 0, 3, "toolong"), {}, "has 7 characters but the span 0:3 has 3"),
        (("entity", -1, 3, "abcd"), {}, "non-negative int"),
        (("entity", 0.0, 2, "ab"), {}, "non-negative int"),
        (("entity", 0, 2, "ab"), {"confidence": 1.5}, r"confidence must lie in \[0, 1\]"),
        (("entity", 0, 2, "ab"), {"confidence": float("nan")}, "confidence must be a number"),
        (("Entity", 0, 2, "ab"), {}, "lower-case identifier"),
        (("entity", 0, 2, None), {}, "needs its surface text"),
    ],
)
def test_finding_validators_name_the_problem(args, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        Finding(*args, **kwargs)


def test_span_must_lie_inside_and_match_the_text():
    doc = Document("Putin spoke.")
    check_span(doc, Finding("entity", 0, 5, "Putin"))
    with pytest.raises(ValidationError, match="outside the document text"):
        check_span(doc, Finding("entity", 10, 15, "xxxxx"))
    with pytest.raises(ValidationError, match="says its text is 'Xi Ji' but the document has 'Putin'"):
        check_span(doc, Finding("entity", 0, 5, "Xi Ji"))


def test_result_refs_must_point_at_existing_findings():
    doc = Document("Putin said")
    speaker = Finding("entity", 0, 5, "Putin", id="entity:0-5")
    Result(doc, [speaker, Finding("quote", 6, 10, "said", refs={"speaker": "entity:0-5"}, id="q")])
    with pytest.raises(ValidationError, match="refers to 'entity:9-9' as 'speaker'"):
        Result(doc, [Finding("quote", 6, 10, "said", refs={"speaker": "entity:9-9"}, id="q")])


def test_result_from_dict_rejects_a_finding_that_does_not_match_the_text():
    data = {"document": {"text": "abc", "id": "d"}, "findings": [
        {"kind": "x", "start": 0, "end": 2, "text": "zz", "id": "x:0-2"}]}
    with pytest.raises(ValidationError, match="the document has 'ab'"):
        Result.from_dict(data)


def test_jsonl_line_carries_schema_and_offset_unit():
    result = Result(Document("abc", id="d1"), [Finding("x", 0, 1, "a", id="x:0-1")])
    data = json.loads(result_to_json(result))
    assert data["schema"] == SCHEMA and data["offsets"] == "codepoint"
    with pytest.raises(ValidationError, match="schema 'newskit.result/99' is not supported"):
        result_from_json({**data, "schema": "newskit.result/99"})


# -- Hypothesis: the JSONL round trip is lossless --------------------------------------

json_scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=8) | st.floats(
    allow_nan=False, allow_infinity=False
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@st.composite
def results(draw):
    text = draw(st.text(max_size=60))
    doc = Document(
        text,
        id=draw(st.none() | st.text(min_size=1, max_size=10)),
        title=draw(st.none() | st.text(max_size=20)),
        published_at=draw(st.none() | st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1))),
        metadata=draw(st.dictionaries(st.text(max_size=5), json_values, max_size=3)),
    )
    findings = []
    used = set()
    for i in range(draw(st.integers(0, 5))):
        if text and draw(st.booleans()):
            start = draw(st.integers(0, len(text)))
            end = draw(st.integers(start, len(text)))
            span = (start, end, text[start:end])
        else:
            span = (None, None, None)
        fid = f"k{i}"
        used.add(fid)
        refs = {}
        if findings and draw(st.booleans()):
            refs = {"to": findings[draw(st.integers(0, len(findings) - 1))].id}
        findings.append(
            Finding(
                draw(st.sampled_from(["date", "entity", "quote", "theme"])),
                *span,
                label=draw(st.none() | st.text(max_size=8)),
                value=draw(json_values),
                confidence=draw(st.none() | st.floats(0, 1)),
                attributes=draw(st.dictionaries(st.text(max_size=5), json_values, max_size=3)),
                refs=refs,
                id=fid,
                producer=draw(st.none() | st.text(max_size=5)),
            )
        )
    errors = [ErrorRecord(draw(st.none() | st.text(max_size=5)), "E", draw(st.text(max_size=10)))]
    return Result(doc, findings, errors, [{"component": "c", "version": "1"}])


def _plain(value):
    return json.loads(json.dumps(value))


@settings(max_examples=200, deadline=None)
@given(results())
def test_jsonl_round_trip_is_lossless(result):
    line = result_to_json(result)
    assert "\n" not in line
    again = result_from_json(line)
    assert again.findings == result.findings
    assert again.document.text == result.document.text
    assert again.document.stable_id == result.document.stable_id
    assert again.document.published_at == result.document.published_at
    assert _plain(again.to_dict()) == _plain(result.to_dict())
    assert result_to_json(again) == line


def test_public_objects_report_newskit_in_their_repr():
    assert repr(newskit.Document).startswith("<class 'newskit.Document'")
    assert repr(Finding("x", 0, 1, "a")).startswith("newskit.Finding(")


def test_lone_surrogates_survive_a_jsonl_file(tmp_path):
    result = Result(Document("bad \ud800 text", id="s"), [Finding("x", 4, 5, "\ud800", id="x:4-5")])
    path = tmp_path / "r.jsonl"
    newskit.write_jsonl([result], path)
    (again,) = newskit.read_jsonl(path)
    assert again.document.text == result.document.text and again.findings == result.findings


def test_a_json_line_is_the_json_of_the_result_dict_whatever_the_attributes_hold():
    import json
    import types

    from newskit._serialize import result_from_json, result_to_dict, result_to_json

    doc = Document("Putin met Xi in Beijing.")
    findings = (
        Finding("entity", 0, 5, "Putin", attributes={"tags": ("a", "b"), "n": 1.5}),
        # a read-only mapping json cannot write as it is: the full conversion takes over
        Finding("entity", 10, 12, "Xi", attributes={"more": types.MappingProxyType({"k": [1, (2, 3)]})}),
        Finding("topic", None, None, None, value="x", attributes={"nested": {"deep": ("t",)}}),
    )
    result = Result(doc, [f._stamped(f"{f.kind}:{i}", "p", None) for i, f in enumerate(findings)])
    line = result_to_json(result)
    assert line == json.dumps(result_to_dict(result), ensure_ascii=False, separators=(",", ":"))
    assert json.loads(line)["findings"][1]["attributes"] == {"more": {"k": [1, [2, 3]]}}
    assert result_from_json(line).findings[0].attributes["tags"] == ["a", "b"]
