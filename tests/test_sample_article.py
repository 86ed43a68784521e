"""The sample article end to end, with every bundled plugin: what the issues promise."""

import pytest

import newskit
from newskit._demo import sample_documents

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(scope="module")
def sample():
    doc = next(d for d in sample_documents() if d.id == "russia-china-75-years")
    return newskit.Pipeline(["entities", "dates", "quotes", "themes"])(doc)


def mentions(result, surface):
    return [f for f in result.of_kind("entity") if f.text == surface]


def test_dates(sample):
    values = {f.text: f.value for f in sample.of_kind("date")}
    assert values.get("October 2") == "2024-10-02"
    assert values.get("now") == "PRESENT_REF"


def test_dates_without_publication_date():
    doc = next(d for d in sample_documents() if d.id == "russia-china-75-years")
    bare = newskit.Document(doc.text)
    result = newskit.Pipeline(["dates"])(bare)
    assert {f.text: f.value for f in result.of_kind("date")}.get("October 2") == "XXXX-10-02"


@pytest.mark.parametrize(
    ("surface", "qid", "via"),
    [
        ("Vladimir Putin", "Q7747", None),
        ("Putin", "Q7747", None),
        ("Xi Jinping", "Q15031", None),
        ("Russian Federation", "Q159", None),
        ("Russia", "Q159", None),
        ("PRC", "Q148", None),
        ("China", "Q148", None),
        ("Moscow", "Q159", "metonym"),
        ("Beijing", "Q148", "metonym"),
        ("head of state", "Q7747", "nominal"),
        ("Russian leader", "Q7747", "nominal"),
        ("Eurasia", "Q5401", None),
    ],
)
def test_entities(sample, surface, qid, via):
    found = mentions(sample, surface)
    assert found, f"no entity mention {surface!r}"
    assert {f.value for f in found} == {qid}, [(f.text, f.value) for f in found]
    if via:
        assert all(f.attributes.get("via") == via for f in found)


def test_china_central_television_is_one_org(sample):
    (cctv,) = mentions(sample, "China Central Television")
    assert cctv.label == "ORG"
    inside = [f for f in sample.of_kind("entity") if cctv.start <= f.start < cctv.end and f is not cctv]
    assert not inside, inside


@pytest.mark.parametrize(
    ("cue", "speaker"),
    [
        ("stated that Moscow", "Vladimir Putin"),
        ("expressed confidence", "Vladimir Putin"),
        ("quoted as saying", "Vladimir Putin"),
        ("noted that", "Vladimir Putin"),
        ("According to", "Vladimir Putin"),
        ("He stated that", "Xi Jinping"),
        ("noting that", "former ambassador"),
    ],
)
def test_quotes_and_speakers(sample, cue, speaker):
    text = sample.document.text
    at = text.index(cue)
    candidates = [q for q in sample.of_kind("quote") if abs(q.start - at) < 160 or q.start <= at <= q.end]
    assert candidates, f"no quote near {cue!r}"
    speakers = {(q.attributes.get("speaker") or "") for q in candidates}
    assert any(speaker.lower() in s.lower() for s in speakers), speakers


def test_themes(sample):
    themes = sample.of_kind("theme")
    # A theme always comes with its broader ones, so the parent's confidence is never lower:
    # the top theme is the best-scoring one below the top level.
    deeper = [t for t in themes if (t.attributes.get("level") or 1) >= 2]
    top = max(deeper, key=lambda t: (t.attributes.get("score", 0), t.confidence or 0))
    assert top.value in {"medtop:20000639", "medtop:20000638"}
    assert any(t.value == "medtop:11000000" for t in themes)
    tops = {t.value for t in themes}
    assert not tops & {"medtop:15000000", "medtop:17000000", "medtop:10000000"}


def test_themes_cover_defence_economy_energy_and_technology(sample):
    themes = sample.of_kind("theme")
    labels = " | ".join(t.label.lower() for t in themes)
    tops = {t.value for t in themes if t.attributes.get("level") == 1}
    assert "medtop:04000000" in tops, labels  # economy, business and finance
    assert "medtop:13000000" in tops, labels  # science and technology
    assert "defence" in labels or "medtop:16000000" in tops, labels
    assert "energy" in labels, labels
    for t in themes:
        for start, end in t.attributes.get("evidence", ()):
            assert 0 <= start < end <= len(sample.document.text)
