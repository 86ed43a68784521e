"""Plain-text views of results for the terminal: the ``table`` format and the demo report."""

from __future__ import annotations

from collections.abc import Sequence

from newskit._model import Finding, Result

__all__ = ["format_table", "format_report"]


def _clip(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _evidence(result: Result, f: Finding, limit: int = 3) -> str:
    spans = f.attributes.get("evidence") or ()
    words = []
    for span in list(spans)[:limit]:
        try:
            start, end = int(span[0]), int(span[1])
        except (TypeError, ValueError, IndexError):
            continue
        words.append(repr(_clip(result.document.text[start:end], 30)))
    return ", ".join(words)


def _details(result: Result, f: Finding) -> str:
    a = f.attributes
    if f.kind == "quote":
        speaker = a.get("speaker") or "?"
        return f"speaker={speaker}" + (f" cue={a['cue']!r}" if a.get("cue") else "")
    if f.kind == "entity":
        bits = [a.get("name") or "", f"via={a['via']}" if a.get("via") else ""]
        return " ".join(b for b in bits if b)
    if f.kind == "date":
        return f"mod={a['mod']}" if a.get("mod") else ""
    if f.kind == "theme":
        ev = _evidence(result, f)
        return f"evidence: {ev}" if ev else ""
    return ""


def format_table(results: Sequence[Result], width: int = 150) -> str:
    """A table per document: kind, span, text, label, value, details (theme evidence)."""
    lines: list[str] = []
    for result in results:
        doc = result.document
        lines.append(f"== {doc.stable_id}" + (f" — {_clip(doc.title, 60)}" if doc.title else ""))
        for e in result.errors:
            lines.append(f"   ERROR {e.component or 'input'}: {e.message}")
        lines.append(f"   {'kind':<8} {'span':<11} {'text':<32} {'label':<10} {'value':<18} details")
        for f in result.findings:
            where = f"{f.start}-{f.end}" if f.start is not None else "document"
            conf = f" ({f.confidence:.2f})" if f.kind == "theme" and f.confidence is not None else ""
            lines.append(
                f"   {f.kind:<8} {where:<11} {_clip(f.text, 32):<32} {_clip(f.label, 10):<10} "
                f"{_clip(str(f.value) if f.value is not None else '-', 18):<18} "
                f"{_clip(_details(result, f) + conf, max(20, width - 85))}"
            )
        lines.append("")
    return "\n".join(lines)


def format_report(result: Result) -> str:
    """The demo's readable report: quotes with speakers, dates, entities, themes."""
    doc = result.document
    out = [f"# {doc.title or doc.stable_id}"]
    if doc.published_at is not None:
        out.append(f"  published {doc.published_at.isoformat()}")
    for e in result.errors:
        out.append(f"  ! {e.component or 'input'}: {e.message}")
    quotes = result.of_kind("quote")
    out.append(f"\n  Quotes ({len(quotes)})")
    for q in quotes:
        speaker = q.attributes.get("speaker") or "unknown speaker"
        linked = ""
        ref = q.refs.get("speaker")
        if ref and result.get(ref) is not None and result.get(ref).value:  # type: ignore[union-attr]
            linked = f" [{result.get(ref).value}]"  # type: ignore[union-attr]
        cue = q.attributes.get("cue")
        how = f"{q.label}, {cue}" if cue else f"{q.label}, continues the previous quote"
        out.append(f"  - {speaker}{linked} ({how}): “{_clip(q.text, 90)}”")
    dates = result.of_kind("date")
    out.append(f"\n  Dates ({len(dates)})")
    for d in dates:
        mod = f" {d.attributes['mod']}" if d.attributes.get("mod") else ""
        out.append(f"  - {d.text!r} → {d.value} ({d.label}{mod})")
    entities = result.of_kind("entity")
    out.append(f"\n  Entities ({len(entities)} mentions)")
    seen: dict[tuple, list[str]] = {}
    for e in entities:
        key = (e.value, e.attributes.get("name") or e.text, e.label)
        seen.setdefault(key, [])
        via = e.attributes.get("via")
        form = e.text if not via or via == "alias" else f"{e.text} ({via})"
        if form not in seen[key]:
            seen[key].append(form)
    for (value, name, label), forms in seen.items():
        out.append(f"  - {name} [{value or 'NIL'}] {label}: {', '.join(_clip(f, 40) for f in forms)}")
    themes = sorted(result.of_kind("theme"), key=lambda t: -(t.confidence or 0.0))
    out.append(f"\n  Themes ({len(themes)}, most confident first)")
    for t in themes:
        conf = f"{t.confidence:.2f}" if t.confidence is not None else "-"
        ev = _evidence(result, t)
        out.append(f"  - {t.label} ({t.value}, {conf})" + (f" — {ev}" if ev else ""))
    return "\n".join(out) + "\n"
