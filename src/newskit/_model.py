"""The data model: a document, the findings about it, and the result of a run.

Everything here is an immutable value (``attrs.frozen``): hashable, picklable and
convertible to and from plain JSON dicts. Findings are *standoff* annotations: they
point into ``Document.text`` by code-point offsets and never change the text.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NoReturn

import attrs

from newskit._errors import ValidationError

__all__ = ["Document", "Finding", "FindingView", "Result", "ErrorRecord", "finding_id"]

#: Finding kinds are lower-case identifiers ("date", "entity", "acme_sentiment").
_KIND_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-.")

class FrozenDict(dict):
    """A read-only dict: a frozen value cannot be changed through its mappings.

    A ``dict`` subclass (not a ``MappingProxyType``) so that it pickles across processes
    and serialises with ``json`` as it is.
    """

    __slots__ = ()

    def _readonly(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(
            "findings and documents are immutable; build a new one with "
            "finding.evolve(attributes={...})"
        )

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _readonly  # type: ignore[assignment]
    __ior__ = _readonly  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))

    def __repr__(self) -> str:
        return dict.__repr__(self)


_EMPTY: Mapping[str, Any] = FrozenDict()


def _freeze_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """A read-only copy, so a frozen value cannot be changed through its dicts."""
    if not value:
        return _EMPTY
    if type(value) is FrozenDict:
        return value
    if type(value) is dict:  # the usual case, without the slower isinstance(…, Mapping)
        return FrozenDict(value)
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"expected a mapping (dict), got {type(value).__name__}: {value!r}"
        )
    return FrozenDict(value)


def _parse_published(value: Any) -> _dt.date | _dt.datetime | None:
    if value is None or isinstance(value, (_dt.date, _dt.datetime)):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return _dt.date.fromisoformat(text)
            return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError(
                f"Document.published_at: {value!r} is not an ISO-8601 date or datetime; "
                "write it as '2024-10-02' or '2024-10-02T09:30:00+00:00'"
            ) from None
    raise ValidationError(
        f"Document.published_at must be a date, a datetime or an ISO-8601 string, "
        f"not {type(value).__name__} ({value!r}); "
        "write it as an ISO-8601 string such as '2024-10-02', or convert a timestamp "
        "first: datetime.fromtimestamp(ts, tz=timezone.utc)"
    )


def _check_text(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    if value is None:
        raise ValidationError(
            "Document.text is None; pass the article body as a str "
            "(use '' for a document without text)"
        )
    if isinstance(value, (bytes, bytearray)):
        raise ValidationError(
            f"Document.text must be a str, not {type(value).__name__}; "
            "decode bytes first (e.g. data.decode('utf-8', errors='replace'))"
        )
    if not isinstance(value, str):
        raise ValidationError(
            f"Document.text must be a str, not {type(value).__name__} ({value!r:.60}); "
            "pass the article body as a string"
        )


def _optional_str(name: str):
    def check(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
        if value is not None and not isinstance(value, str):
            raise ValidationError(
                f"{name} must be a str or None, not {type(value).__name__} ({value!r:.60}); "
                "give it as a string or leave it out"
            )

    return check


@attrs.frozen(repr=False)
class Document:
    """A news article: its text and the metadata that analysis needs.

    >>> Document("Putin spoke on Monday.", published_at="2024-10-02").published_at
    datetime.date(2024, 10, 2)
    """

    text: str = attrs.field(validator=_check_text)
    id: str | None = attrs.field(default=None, kw_only=True, validator=_optional_str("Document.id"))
    title: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_str("Document.title")
    )
    published_at: _dt.date | _dt.datetime | None = attrs.field(
        default=None, kw_only=True, converter=_parse_published
    )
    source: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_str("Document.source")
    )
    url: str | None = attrs.field(default=None, kw_only=True, validator=_optional_str("Document.url"))
    language: str = attrs.field(default="en", kw_only=True, validator=_optional_str("Document.language"))
    metadata: Mapping[str, Any] = attrs.field(
        factory=dict, kw_only=True, converter=_freeze_mapping, hash=False, eq=True
    )

    def __repr__(self) -> str:
        preview = self.text[:40] + ("…" if len(self.text) > 40 else "")
        return f"newskit.Document(id={self.id!r}, text={preview!r}, published_at={self.published_at!r})"

    @property
    def stable_id(self) -> str:
        """``id`` when set, otherwise a digest of the text (the same text, the same id)."""
        if self.id is not None:
            return self.id
        return "sha1:" + hashlib.sha1(self.text.encode("utf-8", "surrogatepass")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``from_dict`` turns it back into an equal document."""
        published = self.published_at.isoformat() if self.published_at is not None else None
        return {
            "id": self.stable_id,
            "text": self.text,
            "title": self.title,
            "published_at": published,
            "source": self.source,
            "url": self.url,
            "language": self.language,
            "metadata": dict(self.metadata),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Document:
        """Build a document from a JSON object; unknown keys go into ``metadata``."""
        if not isinstance(data, Mapping):
            raise ValidationError(
                f"a document must be a JSON object, not {type(data).__name__}"
            )
        if "text" not in data:
            raise ValidationError(
                "a document needs a 'text' field (the article body); "
                f"this one has only {sorted(data)!r}"
            )
        known = {"text", "id", "title", "published_at", "source", "url", "language", "metadata"}
        extra = {k: v for k, v in data.items() if k not in known}
        raw_metadata = data.get("metadata") or {}
        if not isinstance(raw_metadata, Mapping):
            raise ValidationError(
                f"Document.metadata must be an object (dict), not {type(raw_metadata).__name__} "
                f"({raw_metadata!r:.60}); put extra fields in an object, e.g. "
                '"metadata": {"section": "world"}'
            )
        metadata = dict(raw_metadata)
        metadata.update(extra)
        doc_id = data.get("id")
        if doc_id is not None and not isinstance(doc_id, str):
            if isinstance(doc_id, bool) or not isinstance(doc_id, int):
                raise ValidationError(
                    f"Document.id must be a string, not {type(doc_id).__name__} "
                    f"({doc_id!r:.60}); give each document a string id such as \"a1\""
                )
            doc_id = str(doc_id)
        return cls(
            data["text"],
            id=doc_id,
            title=data.get("title"),
            published_at=data.get("published_at"),
            source=data.get("source"),
            url=data.get("url"),
            language=data.get("language") or "en",
            metadata=metadata,
        )


_KNOWN_KINDS: set[str] = set()  # kinds already checked: most runs see only a handful


def _check_kind(value: Any) -> None:
    if not isinstance(value, str) or not value or not _KIND_CHARS.issuperset(value):
        raise ValidationError(
            f"Finding.kind must be a non-empty lower-case identifier such as 'entity', got {value!r}"
        )
    _KNOWN_KINDS.add(value)


def _check_confidence(value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ValidationError(f"Finding.confidence must be a number in [0, 1], got {value!r}")
    if not 0.0 <= value <= 1.0:
        raise ValidationError(
            f"Finding.confidence must lie in [0, 1], got {value!r}; clamp or rescale the score"
        )


_set = object.__setattr__


@attrs.frozen(repr=False, init=False)
class Finding:
    """One thing found in a document: a span (or the whole document) and what it is.

    ``start``/``end`` are code-point offsets into ``Document.text`` (end-exclusive) and
    ``text`` must equal ``document.text[start:end]``; both offsets are ``None`` for a
    document-level finding such as a theme. ``id`` and ``producer`` are stamped by the
    pipeline; a component leaves them unset.

    >>> Finding("entity", 0, 5, "Putin", label="PERSON", value="Q7747").span
    (0, 5)
    """

    kind: str
    start: int | None
    end: int | None
    text: str | None
    label: str | None = None
    value: Any = None
    confidence: float | None = None
    attributes: Mapping[str, Any] = attrs.field(factory=dict, hash=False)
    refs: Mapping[str, Any] = attrs.field(factory=dict, hash=False)
    id: str | None = None
    producer: str | None = None

    # Written by hand rather than generated: a pipeline builds hundreds of thousands of
    # findings a second, and one pass of plain checks is several times faster than
    # per-field validators and converters.
    def __init__(
        self,
        kind: str,
        start: int | None,
        end: int | None,
        text: str | None,
        *,
        label: str | None = None,
        value: Any = None,
        confidence: float | None = None,
        attributes: Mapping[str, Any] | None = None,
        refs: Mapping[str, Any] | None = None,
        id: str | None = None,
        producer: str | None = None,
    ) -> None:
        if kind not in _KNOWN_KINDS:
            _check_kind(kind)
        if start is None or end is None:
            if start is not None or end is not None:
                raise ValidationError(
                    f"Finding({kind!r}): start and end must both be set or both be None "
                    f"(document-level), got start={start!r}, end={end!r}"
                )
            if text is not None and not isinstance(text, str):
                raise ValidationError(f"Finding({kind!r}).text must be a str or None")
        else:
            if type(start) is not int or type(end) is not int or start < 0 or end < 0:
                raise ValidationError(
                    f"Finding({kind!r}): start and end must be non-negative int offsets, "
                    f"got start={start!r}, end={end!r}"
                )
            if start > end:
                raise ValidationError(f"Finding({kind!r}): start {start} is after end {end}")
            if type(text) is not str:
                raise ValidationError(
                    f"Finding({kind!r}) at {start}:{end} needs its surface text, got {text!r}"
                )
            if len(text) != end - start:
                raise ValidationError(
                    f"Finding({kind!r}): text {text!r} has {len(text)} characters "
                    f"but the span {start}:{end} has {end - start}"
                )
        # A float in [0, 1] (NaN fails the comparison) needs no further look.
        if confidence is not None and not (type(confidence) is float and 0.0 <= confidence <= 1.0):
            _check_confidence(confidence)
        _set_kind(self, kind)
        _set_start(self, start)
        _set_end(self, end)
        _set_text(self, text)
        _set_label(self, label)
        _set_value(self, value)
        _set_confidence(self, confidence)
        _set_attributes(self, _freeze_mapping(attributes) if attributes else _EMPTY)
        _set_refs(self, _freeze_mapping(refs) if refs else _EMPTY)
        _set_id(self, id)
        _set_producer(self, producer)

    def __reduce__(self) -> tuple[Any, ...]:
        # Findings cross process boundaries by the thousand (pipe(n_process=N)); rebuild
        # them without re-running the checks, which held when they were first made.
        return (
            _rebuild_finding,
            (
                self.kind, self.start, self.end, self.text, self.label, self.value,
                self.confidence, dict(self.attributes), dict(self.refs), self.id, self.producer,
            ),
        )

    def _stamped(self, id: str, producer: str, refs: Mapping[str, Any] | None) -> Finding:
        """A copy with id, producer (and resolved refs): the checks already ran."""
        new = object.__new__(Finding)
        _set_kind(new, self.kind)
        _set_start(new, self.start)
        _set_end(new, self.end)
        _set_text(new, self.text)
        _set_label(new, self.label)
        _set_value(new, self.value)
        _set_confidence(new, self.confidence)
        _set_attributes(new, self.attributes)
        _set_refs(new, self.refs if refs is None else _freeze_mapping(refs))
        _set_id(new, id)
        _set_producer(new, producer)
        return new

    def __repr__(self) -> str:
        where = f"{self.start}:{self.end}" if self.start is not None else "document"
        return (
            f"newskit.Finding({self.kind!r}, {where}, {self.text!r}, label={self.label!r}, "
            f"value={self.value!r})"
        )

    @property
    def span(self) -> tuple[int, int] | None:
        """``(start, end)``, or ``None`` for a document-level finding."""
        return None if self.start is None else (self.start, self.end)  # type: ignore[return-value]

    def evolve(self, **changes: Any) -> Finding:
        """A copy with some fields changed (the original stays as it is)."""
        return attrs.evolve(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``from_dict`` turns it back into an equal finding."""
        data = self._fields()
        data["attributes"] = _jsonable(self.attributes)
        data["refs"] = dict(self.refs)
        return data

    def _fields(self) -> dict[str, Any]:
        # to_dict's keys in its order, the mappings as they are (``json`` writes them so)
        return {
            "id": self.id,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "label": self.label,
            "value": self.value,
            "confidence": self.confidence,
            "attributes": self.attributes,
            "refs": self.refs,
            "producer": self.producer,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """Build a finding from the dict that ``to_dict`` made."""
        try:
            return cls(
                data["kind"],
                data.get("start"),
                data.get("end"),
                data.get("text"),
                label=data.get("label"),
                value=data.get("value"),
                confidence=data.get("confidence"),
                attributes=data.get("attributes") or {},
                refs=data.get("refs") or {},
                id=data.get("id"),
                producer=data.get("producer"),
            )
        except KeyError as exc:
            raise ValidationError(f"a finding needs the field {exc.args[0]!r}") from None


# Slot setters of Finding, for the code that builds findings by the hundred thousand:
# calling a slot's own setter costs less than half of object.__setattr__ (measured:
# 1.2 µs against 2.7 µs for a whole finding), and a frozen class leaves no other way in.
(
    _set_kind, _set_start, _set_end, _set_text, _set_label, _set_value, _set_confidence,
    _set_attributes, _set_refs, _set_id, _set_producer,
) = (
    Finding.__dict__[name].__set__
    for name in (
        "kind", "start", "end", "text", "label", "value", "confidence", "attributes", "refs",
        "id", "producer",
    )
)


def _rebuild_finding(*fields: Any) -> Finding:
    """A finding from its eleven fields, as ``Finding.__reduce__`` gives them."""
    return _rebuild_findings(None, fields)[0]


def _rebuild_findings(text: str | None, fields: Sequence[Any]) -> tuple[Finding, ...]:
    """Findings from their fields laid end to end, eleven each (``kind`` to ``producer``),
    without the checks, which ran when they were first made; a span's ``text`` may be
    None, to be sliced from the document's ``text``.

    What a worker process sends back, rebuilt in the parent: one loop over a flat list
    (no tuple per finding to unmarshal, no call per finding) took the parent about a tenth
    less time than a call per finding.
    """
    new = object.__new__
    found = []
    fields_of = iter(fields)
    for kind, start, end, own_text, label, value, confidence, attributes, refs, id, producer in zip(
        *(fields_of,) * 11
    ):
        finding = new(Finding)
        _set_kind(finding, kind)
        _set_start(finding, start)
        _set_end(finding, end)
        if own_text is None and start is not None:
            own_text = text[start:end]  # type: ignore[index]
        _set_text(finding, own_text)
        _set_label(finding, label)
        _set_value(finding, value)
        _set_confidence(finding, confidence)
        _set_attributes(finding, FrozenDict(attributes) if attributes else _EMPTY)
        _set_refs(finding, FrozenDict(refs) if refs else _EMPTY)
        _set_id(finding, id)
        _set_producer(finding, producer)
        found.append(finding)
    return tuple(found)


def _jsonable(value: Any) -> Any:
    """Plain dicts and lists for JSON (read-only mappings and tuples included)."""
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def finding_id(kind: str, start: int | None, end: int | None, key: Any = None) -> str:
    """The id the pipeline stamps on a finding: readable and the same on every run.

    A spanned finding is ``"<kind>:<start>-<end>"``; a document-level one is
    ``"<kind>:<key>"`` where ``key`` is its value (or label). A second finding with the same
    id in one document gets ``~2``, ``~3`` … appended in order. A component can use this to
    point at another finding it returns in the same batch (a date anchored on a date).

    >>> finding_id("date", 3, 12)
    'date:3-12'
    """
    if start is None:
        return f"{kind}:{key}"
    return f"{kind}:{start}-{end}"


@attrs.frozen
class ErrorRecord:
    """What went wrong for one document: which component, which exception, and why."""

    component: str | None
    error: str
    message: str
    skipped: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "error": self.error,
            "message": self.message,
            "skipped": self.skipped,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ErrorRecord:
        return cls(
            data.get("component"),
            data.get("error", "Error"),
            data.get("message", ""),
            bool(data.get("skipped", False)),
        )


def _sort_key(f: Finding) -> tuple:
    # Spanned findings by position, longer first at the same start; document-level last.
    if f.start is None:
        return (1, 0, 0, f.kind, f.id or "")
    return (0, f.start, -f.end, f.kind, f.id or "")  # type: ignore[operator]


_ANY, _BY_PRODUCER, _SORTED = range(3)


class FindingView:
    """The read-only view a component gets: the document and the findings so far.

    ``findings`` is a tuple in position order; ``of_kind`` and ``get`` are indexed.
    """

    __slots__ = ("_document", "_findings", "_by_id", "_by_kind", "_order")

    def __init__(self, document: Document, findings: Iterable[Finding] = ()) -> None:
        self._document = document
        self._findings = tuple(findings)
        self._by_id: dict[str, Finding] | None = None
        self._by_kind: dict[str, tuple[Finding, ...]] | None = None
        # What is known of the order: _ANY (sorted on first use), _BY_PRODUCER (the
        # pipeline's: each producer's findings in position order, producer after producer)
        # or _SORTED. Most components read one kind, which one producer made: sorting all
        # findings for every component cost the pipeline more than any check it makes.
        self._order = _ANY

    @classmethod
    def _of_producers(cls, document: Document, findings: Iterable[Finding]) -> FindingView:
        view = cls(document, findings)
        view._order = _BY_PRODUCER
        return view

    def __repr__(self) -> str:
        return f"newskit.FindingView({self._document!r}, {len(self._findings)} findings)"

    @property
    def document(self) -> Document:
        return self._document

    @property
    def text(self) -> str:
        """Shorthand for ``view.document.text``."""
        return self._document.text

    @property
    def findings(self) -> tuple[Finding, ...]:
        if self._order != _SORTED:
            self._findings = tuple(sorted(self._findings, key=_sort_key))
            self._order = _SORTED
        return self._findings

    def of_kind(self, kind: str) -> tuple[Finding, ...]:
        """The findings of one kind, in position order."""
        if self._by_kind is None:
            by_kind: dict[str, list[Finding]] = {}
            for f in self._findings:
                by_kind.setdefault(f.kind, []).append(f)
            order = self._order
            self._by_kind = {
                k: tuple(
                    v if order == _SORTED
                    or (order == _BY_PRODUCER and all(f.producer == v[0].producer for f in v))
                    else sorted(v, key=_sort_key)
                )
                for k, v in by_kind.items()
            }
        return self._by_kind.get(kind, ())

    def get(self, finding_id: str) -> Finding | None:
        """The finding with this id, or ``None``."""
        if self._by_id is None:
            self._by_id = {f.id: f for f in self._findings if f.id is not None}
        return self._by_id.get(finding_id)


@attrs.frozen(repr=False)
class Result:
    """What a pipeline run says about one document."""

    document: Document
    findings: tuple[Finding, ...] = attrs.field(default=(), converter=tuple)
    errors: tuple[ErrorRecord, ...] = attrs.field(default=(), converter=tuple)
    provenance: tuple[Mapping[str, Any], ...] = attrs.field(
        default=(), converter=lambda v: tuple(_freeze_mapping(p) for p in v), hash=False
    )

    def __attrs_post_init__(self) -> None:
        ids = set()
        for f in self.findings:
            if f.id is not None:
                ids.add(f.id)
        for f in self.findings:
            for role, ref in f.refs.items():
                if ref not in ids:
                    raise ValidationError(
                        f"finding {f.id or f.kind!r} refers to {ref!r} as {role!r}, "
                        "but no finding of this result has that id"
                    )

    def __repr__(self) -> str:
        return (
            f"newskit.Result(document={self.document.stable_id!r}, "
            f"{len(self.findings)} findings, {len(self.errors)} errors)"
        )

    @property
    def ok(self) -> bool:
        """True when no component failed on this document."""
        return not self.errors

    def of_kind(self, kind: str) -> tuple[Finding, ...]:
        """The findings of one kind, in position order."""
        return tuple(f for f in self.findings if f.kind == kind)

    def get(self, finding_id: str) -> Finding | None:
        """The finding with this id, or ``None``."""
        for f in self.findings:
            if f.id == finding_id:
                return f
        return None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the JSONL line, without the schema keys)."""
        return {
            "document": self.document.to_dict(),
            "findings": [f.to_dict() for f in self.findings],
            "errors": [e.to_dict() for e in self.errors],
            "provenance": [dict(p) for p in self.provenance],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        """Rebuild a result from ``to_dict`` output (validating offsets and refs)."""
        if not isinstance(data, Mapping) or "document" not in data:
            raise ValidationError("a result must be a JSON object with a 'document' field")
        document = Document.from_dict(data["document"])
        findings = tuple(Finding.from_dict(f) for f in data.get("findings") or ())
        for f in findings:
            check_span(document, f)
        return cls(
            document,
            findings,
            tuple(ErrorRecord.from_dict(e) for e in data.get("errors") or ()),
            tuple(data.get("provenance") or ()),
        )


def _checked_result(
    document: Document, findings: tuple[Finding, ...], errors: tuple[ErrorRecord, ...],
    provenance: tuple[Mapping[str, Any], ...],
) -> Result:
    """A Result of parts already checked (by the pipeline, one finding at a time as it came
    in): building it through attrs would check every ref again."""
    result = Result.__new__(Result)
    _set(result, "document", document)
    _set(result, "findings", findings)
    _set(result, "errors", errors)
    _set(result, "provenance", provenance)
    return result


def check_span(document: Document, finding: Finding) -> None:
    """Raise unless the finding's span lies inside the text and its ``text`` matches."""
    if finding.start is None:
        return
    n = len(document.text)
    if finding.end > n:  # type: ignore[operator]
        raise ValidationError(
            f"Finding({finding.kind!r}) span {finding.start}:{finding.end} lies outside the "
            f"document text ({n} characters)"
        )
    actual = document.text[finding.start : finding.end]
    if actual != finding.text:
        raise ValidationError(
            f"Finding({finding.kind!r}) at {finding.start}:{finding.end} says its text is "
            f"{finding.text!r} but the document has {actual!r} there"
        )


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=_sort_key)
