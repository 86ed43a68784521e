"""Safe output: the HTML of ``newskit render`` and ``newskit demo`` escapes everything a
document or a plugin supplies, loads nothing from elsewhere and shows every finding.

The page is read back with ``html.parser`` (what a browser's tokenizer sees), not searched
with regular expressions: an unescaped ``<script>`` would be a start tag there.
"""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser

import pytest

import newskit
from newskit import ComponentSpec, Document, ErrorRecord, Finding, Result
from newskit._render import render_html
from newskit._serialize import write_jsonl
from newskit.cli import main

ATTACKS = [
    "<script>document.title='pwned'</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(2)",
    "javascript:alert(3)",
    "</span></div><iframe src=//evil.example/>",
    "<!-- unclosed comment",
    "<style>body{background:url(https://evil.example/x.png)}</style>",
    "&lt;already-escaped&gt; &amp; <b>bold</b>",
]
TEXT = "Anna said: " + " | ".join(ATTACKS) + " — end \ud800."
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "section", "div",
    "span", "a", "details", "summary", "table", "tr", "td", "th", "small",
}


class Page(HTMLParser):
    """Every start tag with its attributes, the text of each element class, and the DOM depth."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[tuple[str, dict]] = []
        self.text_by_section: dict[str, list[str]] = {}
        self.comments: list[str] = []
        self.style = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag not in {"meta"}:
            self.stack.append((tag, attributes))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        assert self.stack, f"</{tag}> closes nothing"
        opened, _ = self.stack.pop()
        assert opened == tag, f"</{tag}> closes <{opened}>: the markup is not nested"

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "style":
            self.style += data
            return
        # Text inside a document's .text div, leaving out the inserted speaker labels.
        classes = [a.get("class") or "" for _, a in self.stack]
        if "speaker" in " ".join(classes).split():
            return
        for tag, a in reversed(self.stack):
            if a.get("class") == "text":
                section = next(x.get("data-document-id") for t, x in self.stack if t == "section")
                self.text_by_section.setdefault(section, []).append(data)
                break

    def handle_comment(self, data):
        self.comments.append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    assert [t for t, _ in parser.stack] == [], "unclosed elements"
    return parser


def assert_safe(page: str) -> Page:
    parsed = parse(page)
    tags = {t for t, _ in parsed.tags}
    assert tags <= ALLOWED_TAGS, f"unexpected elements: {tags - ALLOWED_TAGS}"
    assert not parsed.comments
    for tag, attrs in parsed.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), f"<{tag} {name}=…>: an event handler attribute"
            assert name not in {"src", "srcset", "action", "formaction", "background", "style"}, (tag, name)
            if name == "href":
                assert value.startswith("#"), f"<a href={value!r}>: links may only point inside the page"
    metas = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv")]
    assert metas and "default-src 'none'" in metas[0]["content"]
    lowered = parsed.style.lower()
    assert "url(" not in lowered and "@import" not in lowered and "http" not in lowered
    return parsed


def hostile_result() -> Result:
    doc = Document(
        TEXT,
        id='doc"><script>alert("id")</script>',
        title="<script>alert('title')</script> \"quoted\" 'single'",
        source="javascript:alert('source')",
        published_at="2024-10-02",
    )
    start = TEXT.index("<script>")
    img = TEXT.index('"><img')
    anna = Finding(
        "entity", 0, 4, "Anna", label="PERSON", value='Q1"><script>x</script>',
        attributes={"name": "<b onclick=alert(1)>Anna</b>", "via": "javascript:alert(1)"},
        id='entity:0-4" onmouseover="alert(1)', producer="p",
    )
    quote = Finding(
        "quote", start, len(TEXT) - 2, TEXT[start:-2], label="direct",
        attributes={"speaker": '"><script>alert("speaker")</script>', "cue": "said"},
        refs={"speaker": anna.id}, id="quote:<x>", producer="p",
    )
    crossing = Finding("date", img, img + 40, TEXT[img : img + 40], label="<DATE>", id="date:'x'", producer="p")
    inner = Finding("entity", start + 1, start + 7, TEXT[start + 1 : start + 7], label="ORG", id="entity:in", producer="p")
    point = Finding("mark", 5, 5, "", label="<caret>", id="mark:5-5", producer="p")
    theme = Finding(
        "theme", None, None, None, label="<script>alert('theme')</script>",
        value="javascript:alert('v')", confidence=0.5, id="theme:<script>", producer="p",
    )
    error = ErrorRecord("<plugin>", "Error", "<script>alert('error')</script>")
    return Result(doc, [anna, point, quote, inner, crossing, theme], [error], [])


def test_render_escapes_every_document_and_finding_field():
    result = hostile_result()
    page = render_html([result], title="<script>alert('page')</script>")
    parsed = assert_safe(page)
    # The text reads back exactly (lone surrogate shown as U+FFFD), so it was escaped,
    # not dropped or mangled.
    (section,) = parsed.text_by_section
    assert section == result.document.stable_id
    assert "".join(parsed.text_by_section[section]) == TEXT.replace("\ud800", "\ufffd")
    for attack in ATTACKS:
        assert html.escape(attack, quote=True) in page
    assert "<script" not in page.lower().replace("&lt;script", "")


def test_every_finding_is_shown_once_as_an_element():
    result = hostile_result()
    parsed = assert_safe(render_html([result]))
    shown = {a["data-finding-id"] for _, a in parsed.tags if "data-finding-id" in a}
    assert shown == {f.id for f in result.findings}
    # The element that carries a finding's HTML id is unique per finding.
    ids = [a["id"] for _, a in parsed.tags if "id" in a]
    assert len(ids) == len(set(ids)) == len(result.findings)
    # The speaker link points at the speaker's element.
    (link,) = [a for t, a in parsed.tags if t == "a"]
    assert link["href"] == "#d0-" + result.findings[0].id


def test_a_document_without_text_or_findings_renders():
    page = render_html([Result(Document("", id="empty"), [], [], [])])
    assert_safe(page)
    assert 'data-document-id="empty"' in page


def test_zero_width_findings_at_the_edges_are_shown():
    doc = Document("ab", id="z")
    findings = [Finding("mark", 0, 0, "", id="m0"), Finding("mark", 2, 2, "", id="m2")]
    parsed = assert_safe(render_html([Result(doc, findings, [], [])]))
    assert {a["data-finding-id"] for _, a in parsed.tags if "data-finding-id" in a} == {"m0", "m2"}
    assert "".join(parsed.text_by_section["z"]) == "ab"


# -- the CLI: newskit render and newskit demo ----------------------------------------------------


def test_newskit_render_writes_a_safe_page(tmp_path, capsys):
    results = tmp_path / "results.jsonl"
    write_jsonl([hostile_result()], results)
    out = tmp_path / "page.html"
    assert main(["render", str(results), "-o", str(out), "--title", "<script>x</script>"]) == 0
    parsed = assert_safe(out.read_text("utf-8"))
    assert len(parsed.text_by_section) == 1
    assert main(["render", str(results)]) == 0
    assert_safe(capsys.readouterr().out)


def test_newskit_render_of_a_bad_results_file_is_a_usage_error(tmp_path, capsys):
    bad = tmp_path / "r.jsonl"
    bad.write_text('{"schema": "newskit.result/1", "document": {"text": "x"}}\n{"oops"\n')
    assert main(["render", str(bad)]) == 2
    assert f"{bad}:2" in capsys.readouterr().err
    assert main(["render", str(tmp_path / "missing.jsonl")]) == 2


def _marker(view):
    # Marks every '<' and the first letter: findings over hostile text.
    out = [Finding("mark", i, i + 1, "<") for i, ch in enumerate(view.text) if ch == "<"]
    out.append(Finding("theme", None, None, None, label="<i>theme</i>", value="javascript:x"))
    return out


class MarkerPlugin:
    __name__ = "markers"

    @newskit.hookimpl
    def newskit_components(self):
        return [ComponentSpec("marker", factory=lambda c: _marker, provides=("mark", "theme"))]


class EP:
    name, value, group, dist = "markers", "markers", "newskit", None

    def load(self):
        return MarkerPlugin()


@pytest.fixture
def demo_env(monkeypatch, tmp_path):
    monkeypatch.setattr("newskit._plugins.entry_points", lambda: (EP(),))
    for var in ("NEWSKIT_LOAD_PLUGINS", "NEWSKIT_DISABLE_PLUGINS", "NEWSKIT_STRICT_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_demo_page_is_safe_and_shows_every_finding(demo_env, capsys):
    assert main(["demo", "-o", "demo.html"]) == 0
    capsys.readouterr()
    parsed = assert_safe((demo_env / "demo.html").read_text("utf-8"))
    from newskit._demo import sample_documents

    assert len(parsed.text_by_section) == len(sample_documents())


def test_demo_page_escapes_hostile_sample_articles(demo_env, monkeypatch, capsys):
    hostile = hostile_result().document
    monkeypatch.setattr("newskit._demo.sample_documents", lambda: [hostile])
    assert main(["demo", "-o", "demo.html"]) == 0
    capsys.readouterr()
    page = (demo_env / "demo.html").read_text("utf-8")
    parsed = assert_safe(page)
    assert "".join(parsed.text_by_section[hostile.stable_id]) == TEXT.replace("\ud800", "\ufffd")
    marks = sum(1 for _, a in parsed.tags if a.get("data-kind") == "mark")
    assert marks == TEXT.count("<")


def test_analyze_html_output_is_safe(demo_env, capsys):
    (demo_env / "c.jsonl").write_text(json.dumps({"id": "<x>", "text": TEXT}) + "\n{bad line\n")
    assert main(["analyze", "c.jsonl", "-o", "out.html"]) == 1
    capsys.readouterr()
    parsed = assert_safe((demo_env / "out.html").read_text("utf-8"))
    sections = [a["data-document-id"] for t, a in parsed.tags if t == "section"]
    assert sections == ["<x>", "c.jsonl:2"]
    assert "".join(parsed.text_by_section["<x>"]) == TEXT.replace("\ud800", "\ufffd")
