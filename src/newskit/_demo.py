"""``newskit demo``: every installed plugin on the bundled sample articles."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from newskit._model import Document

__all__ = ["sample_documents", "run_demo"]


def sample_documents() -> list[Document]:
    """The sample articles shipped inside the package (``seeds/`` in the repository)."""
    folder = resources.files("newskit") / "_seeds"
    docs = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".txt"):
            continue
        meta_entry = folder / (entry.name[: -len(".txt")] + ".json")
        meta: dict[str, Any] = json.loads(meta_entry.read_text("utf-8")) if meta_entry.is_file() else {}
        note = meta.pop("note", None)
        docs.append(
            Document(
                entry.read_text("utf-8"),
                id=meta.get("id", entry.name),
                title=meta.get("title"),
                published_at=meta.get("published_at"),
                language=meta.get("language", "en"),
                metadata={"note": note} if note else {},
            )
        )
    return docs


def run_demo(pipeline: Any, html_path: Path) -> int:
    from newskit._render import render_html
    from newskit._report import format_report

    print(f"newskit demo — components: {', '.join(pipeline.components) or 'none installed'}\n")
    failed = [i for i in pipeline.registry.plugin_infos() if i.error]
    for info in failed:
        print(f"newskit: plugin {info.name!r} did not load: {info.error}", file=sys.stderr)
    results = list(pipeline.pipe(sample_documents()))
    for result in results:
        print(format_report(result))
    html_path.write_text(render_html(results, title="newskit demo"), encoding="utf-8")
    print(f"HTML view of these {len(results)} articles: {html_path.resolve()}")
    return 1 if any(r.errors for r in results) else 0
