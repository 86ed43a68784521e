"""Reading documents for the command line: text files, JSONL corpora and stdin.

A corpus line that cannot become a document is not skipped: it becomes an *input error*
item, so the output has one line per input line, in order, each bad one saying why.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from newskit._errors import ValidationError
from newskit._model import Document

__all__ = ["InputItem", "read_inputs", "count_documents"]


@attrs.frozen
class InputItem:
    """One unit of input: a document, or the reason a line could not become one."""

    source: str
    line: int | None
    document: Document | None = None
    error: str | None = None

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line is not None else self.source


def _decode(raw: bytes, where: str) -> tuple[str, str | None]:
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        # Keep the document (bad bytes become U+FFFD) but say so: nothing is lost silently.
        return raw.decode("utf-8", errors="replace"), (
            f"{where}: not valid UTF-8 at byte {exc.start}; undecodable bytes were replaced "
            "by U+FFFD (re-encode the file as UTF-8 to keep them)"
        )


def _document_from_line(line: str, where: str, published: Any) -> Document:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{where}: not valid JSON ({exc.msg} at column {exc.colno}); each line of a .jsonl "
            "corpus must be one JSON object with a 'text' field"
        ) from None
    if not isinstance(data, dict):
        raise ValidationError(
            f"{where}: a corpus line must be a JSON object with a 'text' field, "
            f"not a JSON {type(data).__name__}"
        )
    if "text" not in data:
        raise ValidationError(f"{where}: the object has no 'text' field (fields: {sorted(data)})")
    if not isinstance(data["text"], str):
        raise ValidationError(
            f"{where}: 'text' must be a string, not {type(data['text']).__name__}"
        )
    if published is not None and not data.get("published_at"):
        data = {**data, "published_at": published}
    try:
        return Document.from_dict(data)
    except ValidationError as exc:
        raise ValidationError(f"{where}: {exc}") from None


def _jsonl_items(path: str, handle: Any, published: Any) -> Iterator[InputItem]:
    for lineno, raw in enumerate(handle, 1):
        where = f"{path}:{lineno}"
        text, warning = _decode(raw, where) if isinstance(raw, bytes) else (raw, None)
        if not text.strip():
            yield InputItem(path, lineno, error=f"{where}: empty line (expected a JSON object)")
            continue
        try:
            doc = _document_from_line(text, where, published)
        except ValidationError as exc:
            yield InputItem(path, lineno, error=str(exc))
            continue
        yield InputItem(path, lineno, document=doc, error=warning)


def read_inputs(paths: list[str], published: Any = None) -> Iterator[InputItem]:
    """Documents from each path in turn: ``.jsonl`` line by line, other files whole, ``-`` stdin."""
    for path in paths:
        if path == "-":
            raw = sys.stdin.buffer.read()
            text, warning = _decode(raw, "<stdin>")
            yield InputItem("<stdin>", None, Document(text, id="stdin", published_at=published), warning)
            continue
        p = Path(path)
        if p.suffix.lower() == ".jsonl":
            with p.open("rb") as fh:
                yield from _jsonl_items(path, fh, published)
            continue
        raw = p.read_bytes()
        text, warning = _decode(raw, path)
        yield InputItem(path, None, Document(text, id=p.stem, published_at=published), warning)


def count_documents(paths: list[str]) -> int | None:
    """How many items ``read_inputs`` will yield (for the progress bar), or None if unknown."""
    total = 0
    for path in paths:
        if path == "-":
            return None
        p = Path(path)
        if p.suffix.lower() == ".jsonl":
            with p.open("rb") as fh:
                total += sum(1 for _ in fh)
        else:
            total += 1
    return total


def check_paths(paths: list[str]) -> None:
    """Raise a usage error naming the first input that does not exist."""
    for path in paths:
        if path != "-" and not os.path.isfile(path):
            raise FileNotFoundError(f"input {path!r} does not exist or is not a file")
