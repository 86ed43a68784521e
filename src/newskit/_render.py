"""One self-contained HTML page for a set of results.

Spans are coloured by kind with a tooltip (``title``) giving label and value; a quote links
to its speaker; themes are chips. Every piece of document text and every attribute is
escaped, and the page loads nothing from elsewhere (no scripts, fonts or images), so it is
safe to open whatever the articles contain.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from newskit._model import Finding, Result

__all__ = ["render_html"]

_COLOURS = {
    "entity": "#cfe8ff",
    "date": "#ffe4b3",
    "quote": "#e3f5d6",
}
_DEFAULT_COLOUR = "#eadcf5"

_CSS = """
body{font:16px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2.5rem;border-top:1px solid #ddd;padding-top:1rem}
.meta{color:#666;font-size:.9rem}.text{white-space:pre-wrap}
.f{border-radius:3px;padding:0 1px}
.k-entity{background:#cfe8ff}.k-date{background:#ffe4b3}.k-quote{background:#e3f5d6}
.k-other{background:#eadcf5}
.speaker{font-size:.75rem;vertical-align:super;margin:0 3px 0 2px}
.chip{display:inline-block;border-radius:1rem;background:#f0e6ff;padding:.1rem .6rem;margin:.15rem;font-size:.85rem}
.chip small{color:#555}
table{border-collapse:collapse;font-size:.85rem;margin-top:1rem;width:100%}
td,th{border-bottom:1px solid #eee;text-align:left;padding:.2rem .4rem;vertical-align:top}
.err{color:#a00}
.legend span{margin-right:.8rem}
.z::before{content:"\\2038";color:#a0a}
"""

# Lone surrogates (JSON "\ud800" in an input) cannot be written as UTF-8; on the page
# they show as the replacement character instead of failing the whole page.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _esc(value: Any) -> str:
    text = "" if value is None else str(value)
    return html.escape(_SURROGATE.sub("\ufffd", text), quote=True)


def _tooltip(f: Finding) -> str:
    parts = [f.kind]
    if f.label:
        parts.append(str(f.label))
    if f.value is not None:
        parts.append(str(f.value))
    attrs = f.attributes
    for key in ("name", "via", "speaker", "cue", "mod", "anchor"):
        if attrs.get(key) not in (None, ""):
            parts.append(f"{key}: {attrs[key]}")
    return " · ".join(parts)


def _kind_class(kind: str) -> str:
    return f"k-{kind}" if kind in _COLOURS else "k-other"


def _html_id(prefix: str, finding_id: str | None) -> str:
    # Finding ids contain ':' and '~' — fine in HTML ids, but keep them unambiguous per result.
    return f"{prefix}-{finding_id}"


def _render_text(result: Result, prefix: str) -> str:
    text = result.document.text
    spanned = [f for f in result.findings if f.start is not None and f.end > f.start]  # type: ignore[operator]
    # Zero-width findings (an insertion point) get an empty marker where they stand.
    empty: dict[int, list[Finding]] = {}
    for f in result.findings:
        if f.start is not None and f.end == f.start:
            empty.setdefault(f.start, []).append(f)
    cuts = {0, len(text), *empty}
    for f in spanned:
        cuts.add(f.start)  # type: ignore[arg-type]
        cuts.add(f.end)  # type: ignore[arg-type]
    points = sorted(cuts)
    # Findings that start at each cut, longest first, so wider spans open outside narrower.
    starting: dict[int, list[Finding]] = {}
    for f in spanned:
        starting.setdefault(f.start, []).append(f)  # type: ignore[arg-type]
    for fs in starting.values():
        fs.sort(key=lambda f: -f.end)  # type: ignore[operator]
    out: list[str] = []
    open_stack: list[Finding] = []
    for i, point in enumerate(points[:-1]):
        nxt = points[i + 1]
        # Close what ends here (and reopen what must continue, to keep tags nested).
        reopen: list[Finding] = []
        while open_stack and any(f.end <= point for f in open_stack):  # type: ignore[operator]
            top = open_stack.pop()
            out.append("</span>")
            if top.end > point:  # type: ignore[operator]
                reopen.append(top)
        for f in reversed(reopen):
            out.append(_open(f, prefix, first=False, result=result))
            open_stack.append(f)
        for f in empty.get(point, ()):
            out.append(_open(f, prefix, first=True, result=result, marker=True) + "</span>")
        for f in starting.get(point, ()):
            out.append(_open(f, prefix, first=True, result=result))
            open_stack.append(f)
        out.append(_esc(text[point:nxt]))
    out.extend("</span>" for _ in open_stack)
    for f in empty.get(len(text), ()):  # (the loop stops before the last cut)
        out.append(_open(f, prefix, first=True, result=result, marker=True) + "</span>")
    return "".join(out)


def _open(f: Finding, prefix: str, first: bool, result: Result, marker: bool = False) -> str:
    ident = f' id="{_esc(_html_id(prefix, f.id))}"' if first else ""
    zero = " z" if marker else ""
    tag = (
        f'<span class="f {_kind_class(f.kind)}{zero}" data-finding-id="{_esc(f.id)}"'
        f' data-kind="{_esc(f.kind)}"{ident} title="{_esc(_tooltip(f))}">'
    )
    if first and f.kind == "quote" and not marker:
        speaker_id = f.refs.get("speaker")
        speaker = f.attributes.get("speaker")
        if speaker_id and result.get(speaker_id) is not None:
            tag += (
                f'<a class="speaker" href="#{_esc(_html_id(prefix, speaker_id))}"'
                f' title="speaker">{_esc(speaker or "speaker")} ↗</a>'
            )
        elif speaker:
            # No space after the label: the text shown stays the document's text.
            tag += f'<span class="speaker">{_esc(speaker)}</span>'
    return tag


def _themes(result: Result, prefix: str) -> str:
    chips = []
    for f in result.findings:
        if f.start is not None:
            continue
        conf = f" <small>{f.confidence:.2f}</small>" if f.confidence is not None else ""
        chips.append(
            f'<span class="chip" data-finding-id="{_esc(f.id)}" data-kind="{_esc(f.kind)}"'
            f' id="{_esc(_html_id(prefix, f.id))}"'
            f' title="{_esc(_tooltip(f))}">{_esc(f.label or f.value)}{conf}</span>'
        )
    return "".join(chips)


def _table(result: Result) -> str:
    rows = []
    for f in result.findings:
        where = f"{f.start}–{f.end}" if f.start is not None else "document"
        extra = ", ".join(
            f"{k}={v}" for k, v in f.attributes.items() if k in {"speaker", "via", "mod", "name", "cue"}
        )
        rows.append(
            "<tr>"
            f"<td>{_esc(f.kind)}</td><td>{_esc(where)}</td><td>{_esc(f.text)}</td>"
            f"<td>{_esc(f.label)}</td><td>{_esc(f.value)}</td><td>{_esc(extra)}</td>"
            "</tr>"
        )
    head = "<tr><th>kind</th><th>span</th><th>text</th><th>label</th><th>value</th><th>details</th></tr>"
    return f"<details><summary>{len(result.findings)} findings</summary><table>{head}{''.join(rows)}</table></details>"


def render_html(results: Iterable[Result], title: str = "newskit results") -> str:
    """The whole page as a string."""
    sections = []
    for n, result in enumerate(results):
        doc = result.document
        prefix = f"d{n}"
        meta = " · ".join(
            _esc(x)
            for x in (doc.stable_id, doc.published_at and doc.published_at.isoformat(), doc.source)
            if x
        )
        errors = "".join(
            f'<p class="err">{_esc(e.component or "input")}: {_esc(e.message)}</p>' for e in result.errors
        )
        sections.append(
            f'<section class="doc" data-document-id="{_esc(doc.stable_id)}">'
            f"<h2>{_esc(doc.title or doc.stable_id)}</h2>"
            f'<p class="meta">{meta}</p>{errors}'
            f'<div class="themes">{_themes(result, prefix)}</div>'
            f'<div class="text">{_render_text(result, prefix)}</div>'
            f"{_table(result)}</section>"
        )
    legend = "".join(
        f'<span><span class="f k-{k}">{k}</span></span>' for k in _COLOURS
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        # A strict policy: even if escaping ever failed, nothing could load or run.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">"
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_esc(title)}</h1><p class=\"legend\">{legend}</p>"
        + "".join(sections)
        + "</body></html>\n"
    )
