"""The rendered page in a real browser: headless Chromium (Debian's ``chromium``).

``--dump-dom`` prints the DOM after the page has loaded and its scripts (if any) have run.
From it we check that every finding is shown as an element and that scripts planted in
the document did not run and did not even become elements. A control page, unescaped and
without a content security policy, proves the harness would see a script that runs.

Without Chromium the tests skip on a workstation; under CI (``CI`` set) they fail, since
``.ci/run`` installs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import newskit
from newskit import ComponentSpec, Document, Finding, Pipeline
from newskit._demo import sample_documents
from newskit._render import render_html
from tests.test_render import hostile_result

pytestmark = pytest.mark.slow

PLANTED = (
    "<script>document.title='PWNED';"
    "var e=document.createElement('div');e.id='pwned-by-script';document.body.appendChild(e);"
    "</script>"
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">"
    "\"><svg onload=\"document.body.setAttribute('data-pwned','svg')\">"
)


def _chromium() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    if path is None:
        reason = "headless Chromium not found (Debian: apt-get install -y chromium)"
        if os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}:
            pytest.fail(f"{reason}; CI must install it (.ci/run)")
        pytest.skip(reason)
    return path


def dump_dom(page: Path, tmp_path: Path) -> str:
    """The DOM of ``page`` after loading, as Chromium serialises it."""
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    cmd = [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
        "--virtual-time-budget=2000", "--dump-dom", page.resolve().as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "<html" in proc.stdout, proc.stderr[-2000:]
    return proc.stdout


class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self._in_title = False
        self.text_of: dict[str, list[str]] = {}
        self._section: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        self._in_title = tag == "title"
        if tag == "section":
            self._section.append(a.get("data-document-id"))

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif self._section:
            self.text_of.setdefault(self._section[-1], []).append(data)


def parse(dom: str) -> Dom:
    parser = Dom()
    parser.feed(dom)
    parser.close()
    return parser


def _marks(view):
    # Many findings over real articles: every capitalised word, plus one theme.
    import re

    out = [Finding("entity", m.start(), m.end(), m.group()) for m in re.finditer(r"\b[A-Z][a-z]+", view.text)]
    out.append(Finding("theme", None, None, None, label="demo theme", value="x:1"))
    return out


class Marks:
    __name__ = "marks"

    @newskit.hookimpl
    def newskit_components(self):
        return [ComponentSpec("marks", factory=lambda c: _marks, provides=("entity", "theme"))]


def test_every_finding_is_shown_and_planted_scripts_do_not_run(tmp_path):
    hostile = hostile_result()
    planted_doc = Document("Before. " + PLANTED + " After, Anna spoke.", id="planted", title=PLANTED)
    pipeline = Pipeline(plugins=[Marks()], entrypoints=False)
    results = [hostile, *pipeline.pipe([planted_doc, *sample_documents()])]
    page = tmp_path / "page.html"
    page.write_text(render_html(results, title="browser test"), encoding="utf-8")

    dom = parse(dump_dom(page, tmp_path))
    # Every finding of every document is an element in the live DOM.
    shown = {}
    for _, a in dom.elements:
        if "data-finding-id" in a:
            shown.setdefault(a["data-finding-id"], 0)
            shown[a["data-finding-id"]] += 1
    sections = [a["data-document-id"] for t, a in dom.elements if t == "section"]
    assert sections == [r.document.stable_id for r in results]
    for result in results:
        for f in result.findings:
            assert f.id in shown, f"{result.document.stable_id}: finding {f.id!r} is not on the page"
    # Nothing planted ran...
    assert dom.title == "browser test"
    body = next(a for t, a in dom.elements if t == "body")
    assert "data-pwned" not in body
    assert not any(a.get("id") == "pwned-by-script" for _, a in dom.elements)
    # ...or even became an element: the page has only the renderer's own tags.
    tags = {t for t, _ in dom.elements}
    assert not tags & {"script", "img", "svg", "iframe", "link", "object", "embed"}
    assert sum(1 for t, _ in dom.elements if t == "style") == 1
    # The planted markup is shown as text, character for character.
    assert "".join(dom.text_of["planted"]).count(PLANTED) == 2  # the title and the text


def test_control_the_harness_sees_a_script_that_runs(tmp_path):
    """An unescaped page without a CSP: the same planted script must show in the DOM."""
    page = tmp_path / "unsafe.html"
    page.write_text(f"<!DOCTYPE html><html><head><title>control</title></head><body>{PLANTED}</body></html>")
    dom = parse(dump_dom(page, tmp_path))
    assert dom.title == "PWNED"
    assert any(a.get("id") == "pwned-by-script" for _, a in dom.elements)
