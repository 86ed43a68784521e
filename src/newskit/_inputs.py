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


#: JSON names of the Python types ``json.loads`` produces, for messages about a corpus line.
_JSON_TYPES = {
    dict: "an object", list: "an array", str: "a string", int: "a number",
    float: "a number", bool: "a boolean", type(None): "null",
}


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _document_from_line(line: str, where: str, published: Any) -> Document:
    # A line without its newline: JSON's own message for a torn line is then
    # "Unterminated string", not "Invalid control character".
    line = line.rstrip("\r\n")
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{where}: not valid JSON ({exc.msg}: column {exc.colno}); each line of a .jsonl "
            'corpus must be one complete JSON object such as {"id": "a1", "text": "..."}: '
            "repair or remove this line"
        ) from None
    except RecursionError:  # e.g. [[[[...]]]] nested deeper than Python's stack allows
        raise ValidationError(
            f"{where}: JSON nested too deeply to read; a corpus line must be one flat JSON "
            "object with a 'text' field"
        ) from None
    if not isinstance(data, dict):
        raise ValidationError(
            f"{where}: a corpus line must be a JSON object with a 'text' field, "
            f"not {_json_type(data)}; wrap the article as {{\"text\": \"...\"}}"
        )
    if "text" not in data:
        raise ValidationError(
            f"{where}: the object has no 'text' field (its fields: "
            f"{', '.join(sorted(data)) or 'none'}); add the article body as \"text\": \"...\""
        )
    if not isinstance(data["text"], str):
        raise ValidationError(
            f"{where}: 'text' must be a JSON string, not {_json_type(data['text'])} "
            f"({data['text']!r:.60}); write the article body as a quoted string"
        )
    if published is not None and not data.get("published_at"):
        data = {**data, "published_at": published}
    try:
        return Document.from_dict(data)
    except ValidationError as exc:
        raise ValidationError(f"{where}: {exc}") from None
    except (TypeError, ValueError, RecursionError) as exc:
        # Whatever else a strange record trips over, it is this line's error, not the run's.
        raise ValidationError(f"{where}: cannot make a document of this line: {exc}") from None


def _jsonl_items(path: str, handle: Any, published: Any, first_line: int = 1) -> Iterator[InputItem]:
    """One item per line of ``handle`` (bytes or str lines), numbered from ``first_line``."""
    for lineno, raw in enumerate(handle, first_line):
        where = f"{path}:{lineno}"
        if raw.startswith(b"\xef\xbb\xbf"):
            # A UTF-8 byte-order mark, as some Windows tools write (also where files were
            # concatenated): it is no part of the JSON.
            raw = raw[3:]
        text, warning = _decode(raw, where) if isinstance(raw, bytes) else (raw, None)
        if not text.strip():
            yield InputItem(
                path,
                lineno,
                error=f"{where}: empty line; remove it (every line of a .jsonl corpus must be "
                "one JSON object with a 'text' field)",
            )
            continue
        try:
            doc = _document_from_line(text, where, published)
        except ValidationError as exc:
            yield InputItem(path, lineno, error=str(exc))
            continue
        yield InputItem(path, lineno, document=doc, error=warning)


def input_error_result(item: InputItem) -> Any:
    """The result that stands for an input item that could not become a document."""
    from newskit._model import ErrorRecord, Result

    doc = Document("", id=item.where, metadata={"input": item.where})
    return Result(doc, (), (ErrorRecord(None, "InputError", item.error or "unreadable input"),), ())


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
