"""JSON Lines in and out: one result per line, with a schema version and the offset unit."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from newskit._errors import ValidationError
from newskit._model import Result

__all__ = ["SCHEMA", "OFFSETS", "result_to_json", "result_from_json", "write_jsonl", "read_jsonl"]

#: The schema of a result line; bump on an incompatible change.
SCHEMA = "newskit.result/1"
#: Offsets count Python code points (not UTF-8 bytes, not UTF-16 units).
OFFSETS = "codepoint"


def result_to_dict(result: Result) -> dict[str, Any]:
    return {"schema": SCHEMA, "offsets": OFFSETS, **result.to_dict()}


def result_to_json(result: Result) -> str:
    """One line of JSON (no newline inside: JSON escapes them).

    Text stays readable (not ``\\u`` escaped) unless it holds lone surrogates, which
    UTF-8 cannot encode; then the line is written in ASCII with escapes, which every JSON
    reader turns back into the same string.
    """
    try:
        data = _shallow_dict(result)
        line = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):  # a value only the full conversion turns into JSON
        data = result_to_dict(result)
        line = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return line


def _shallow_dict(result: Result) -> dict[str, Any]:
    """``result_to_dict`` without copying the read-only mappings and tuples, which ``json``
    writes as it writes dicts and lists: the same line, for a third less time."""
    return {
        "schema": SCHEMA,
        "offsets": OFFSETS,
        "document": result.document.to_dict(),
        "findings": [f._fields() for f in result.findings],
        "errors": [e.to_dict() for e in result.errors],
        "provenance": list(result.provenance),
    }


def result_from_json(line: str | dict[str, Any]) -> Result:
    data = json.loads(line) if isinstance(line, str) else line
    if not isinstance(data, dict):
        raise ValidationError("a result line must be a JSON object")
    schema = data.get("schema", SCHEMA)
    if schema != SCHEMA:
        raise ValidationError(
            f"result schema {schema!r} is not supported (this newskit reads {SCHEMA!r}); "
            "re-run the analysis with this version"
        )
    if data.get("offsets", OFFSETS) != OFFSETS:
        raise ValidationError(f"offsets must be {OFFSETS!r}, got {data.get('offsets')!r}")
    return Result.from_dict(data)


def write_jsonl(results: Iterable[Result], path: str | Path | IO[str]) -> int:
    """Write results, one per line; returns how many were written."""
    if isinstance(path, (str, Path)):
        with open(path, "w", encoding="utf-8") as fh:
            return write_jsonl(results, fh)
    count = 0
    for result in results:
        path.write(result_to_json(result) + "\n")
        count += 1
    return count


def read_jsonl(path: str | Path) -> Iterator[Result]:
    """Read results written by ``write_jsonl`` (or ``newskit analyze --format jsonl``)."""
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield result_from_json(line)
            except (ValueError, ValidationError) as exc:
                raise ValidationError(f"{path}:{lineno}: {exc}") from None

def without_unserialisable(result: Any) -> Any:
    """The result minus the findings JSON cannot hold, with an error naming their component.

    A plugin that puts a set or a datetime into ``attributes`` must cost that document
    those findings, not the whole run.
    """
    import attrs

    from newskit._model import ErrorRecord

    bad: dict[str | None, str] = {}
    for f in result.findings:
        try:
            json.dumps(f.to_dict(), ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            bad.setdefault(f.producer, f"{type(exc).__name__}: {exc}")
    kept = [f for f in result.findings if f.producer not in bad]
    while True:  # drop findings whose refs pointed at a dropped one
        ids = {f.id for f in kept}
        still = [f for f in kept if all(r in ids for r in f.refs.values())]
        if len(still) == len(kept):
            break
        kept = still
    kept_ids = {f.id for f in kept}
    lost = {f.producer for f in result.findings if f.id not in kept_ids} - set(bad)
    errors = [
        ErrorRecord(
            component,
            "PluginError",
            f"component {component!r} returned a finding that cannot be written as JSON "
            f"({why}); its findings were left out. Finding values and attributes must be "
            "JSON types: str, int, float, bool, None, list, dict",
        )
        for component, why in bad.items()
    ]
    errors += [
        ErrorRecord(c, "Skipped", f"findings of {c!r} referred to left-out findings", skipped=True)
        for c in sorted(lost, key=str)
    ]
    return attrs.evolve(result, findings=tuple(kept), errors=(*result.errors, *errors))


def encode_line(result: Result) -> tuple[str, int, tuple[Any, ...], str]:
    """What a worker sends back for one result of a JSONL run: (document id, words,
    errors, the JSON line). Encoding in the worker spares the parent, which would
    otherwise pay for pickling whole results and for the JSON on every document."""
    try:
        line = result_to_json(result)
    except (TypeError, ValueError):
        result = without_unserialisable(result)
        line = result_to_json(result)
    return result.document.stable_id, len(result.document.text.split()), result.errors, line
