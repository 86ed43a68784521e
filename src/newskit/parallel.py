"""Scale beyond one machine: a pure function that analyses one partition of a corpus.

``process_partition(records, config)`` takes JSON document objects (or JSONL lines) and
returns JSON result dicts, one per record and in the same order, exactly the lines
``newskit analyze`` writes. It builds the pipeline once per process and per config and
keeps it, so it can be handed as it is to any engine that runs a function over chunks of
data in worker processes:

>>> bag.map_partitions(process_partition, config)                  # Dask   # doctest: +SKIP
>>> rdd.mapPartitions(lambda part: process_partition(part, config))  # Spark  # doctest: +SKIP

``newskit.dask`` wraps the Dask case; ``docs/scaling.md`` has Spark and Ray recipes.
"""

from __future__ import annotations

import collections
import pickle
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

__all__ = ["process_partition"]

# Pipelines built in this process, by config (a worker sees the same config for every
# partition; building one can cost a good part of a second, running one a millisecond).
_CACHE: collections.OrderedDict[Any, Any] = collections.OrderedDict()
_CACHE_SIZE = 8
_FIELDS = ("components", "config", "on_error", "order", "entrypoints", "plugins")


def process_partition(
    records: Iterable[Any], config: Any, *, published_at: Any = None
) -> list[dict[str, Any]]:
    """Analyse one partition: JSON document objects in, JSON result dicts out.

    ``records`` holds document objects (dicts with ``text`` and optionally ``id``,
    ``title``, ``published_at`` … as in a corpus line), JSONL lines (``str`` or ``bytes``,
    as ``dask.bag.read_text`` or Spark's ``textFile`` give them) or ``Document`` objects.
    ``config`` is a ``newskit.PipelineConfig`` (``pipeline.config``), a ``Pipeline`` or a
    plain dict of its fields, e.g. ``{"components": ["dates"], "on_error": "record"}``;
    a dict without ``on_error`` records errors, as the command line does. A ``plugins``
    entry may name plugin modules by import name, so the whole config can be JSON.

    Every record gives exactly one result dict, in order (``result_to_dict`` form, with
    the ``schema`` key; ``newskit.read_jsonl`` and ``result_from_json`` read it back). A
    record that is no valid document becomes a result with an ``InputError`` and empty
    text, its document id being the record's ``id`` when it has one, else ``"record N"``
    (``"line N"`` for a text line), N counting from 1 within the partition. Only with
    ``on_error="drop"`` are results with errors left out; with ``"raise"`` a failing
    component raises ``ComponentError``.

    ``published_at`` fills in the publication date of records that have none.
    """
    from newskit._model import _parse_published
    from newskit._serialize import result_to_dict

    pipeline = _pipeline_for(config)
    published = _parse_published(published_at)
    drop = pipeline.config.on_error == "drop"
    out = []
    for result in _analyze_items(pipeline, _items(records, published)):
        if drop and result.errors:
            continue
        out.append(result_to_dict(result))
    return out


def _coerce_config(config: Any) -> Any:
    """A ``PipelineConfig`` from a config, a pipeline or a plain dict of config fields."""
    from newskit._errors import ConfigError
    from newskit._pipeline import Pipeline, PipelineConfig, _plugin_ref

    if isinstance(config, PipelineConfig):
        return config
    if isinstance(config, Pipeline):
        return config.config
    if not isinstance(config, Mapping):
        raise ConfigError(
            f"config must be a newskit.PipelineConfig (pipeline.config), a Pipeline or a dict "
            f"of its fields ({', '.join(_FIELDS)}), not {type(config).__name__}"
        )
    unknown = sorted(set(config) - set(_FIELDS))
    if unknown:
        raise ConfigError(
            f"unknown pipeline config field(s) {', '.join(map(repr, unknown))}; the fields are "
            f"{', '.join(_FIELDS)} (component settings go under 'config')"
        )
    fields = dict(config)
    fields.setdefault("on_error", "record")
    fields["plugins"] = tuple(_plugin_ref_of(p, _plugin_ref) for p in fields.get("plugins") or ())
    return PipelineConfig(**fields)


def _plugin_ref_of(plugin: Any, make_ref: Any) -> Any:
    # A module's import name, an existing ("module"/"object", value) reference as
    # PipelineConfig stores it (JSON turns its tuple into a list), or a plugin object.
    if isinstance(plugin, str):
        return ("module", plugin)
    if isinstance(plugin, (tuple, list)) and len(plugin) == 2 and plugin[0] in ("module", "object"):
        return tuple(plugin)
    return make_ref(plugin)


def _pipeline_for(config: Any) -> Any:
    from newskit._pipeline import Pipeline

    cfg = _coerce_config(config)
    try:
        key: Any = pickle.dumps(cfg, protocol=4)
    except Exception:  # an unpicklable plugin object: this very config is the key
        key = ("id", id(cfg))
    entry = _CACHE.get(key)
    if entry is not None:
        _CACHE.move_to_end(key)
        return entry[0]
    pipeline = Pipeline.from_config(cfg)
    _CACHE[key] = (pipeline, cfg)  # cfg kept alive so an id() key is never reused
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return pipeline


def _items(records: Iterable[Any], published: Any) -> Iterator[Any]:
    """An ``InputItem`` per record, as the command line makes one per corpus line."""
    from newskit._errors import ValidationError
    from newskit._inputs import InputItem, _decode, _document_from_line
    from newskit._model import Document

    for n, record in enumerate(records, 1):
        if isinstance(record, Document):
            yield InputItem(f"record {n}", None, document=record)
            continue
        if isinstance(record, Mapping):
            doc_id = record.get("id")
            where = str(doc_id) if isinstance(doc_id, (str, int)) and not isinstance(doc_id, bool) else f"record {n}"
            if published is not None and not record.get("published_at"):
                record = {**record, "published_at": published}
            try:
                yield InputItem(where, None, document=Document.from_dict(record))
            except (ValidationError, TypeError, ValueError) as exc:
                yield InputItem(where, None, error=f"{where}: {exc}")
            continue
        if isinstance(record, (str, bytes, bytearray)):
            where = f"line {n}"
            warning = None
            if isinstance(record, (bytes, bytearray)):
                record, warning = _decode(bytes(record), where)
            if not record.strip():
                yield InputItem(where, None, error=f"{where}: empty line (expected a JSON object)")
                continue
            try:
                yield InputItem(where, None, document=_document_from_line(record, where, published), error=warning)
            except ValidationError as exc:
                yield InputItem(where, None, error=str(exc))
            continue
        where = f"record {n}"
        yield InputItem(
            where,
            None,
            error=f"{where}: {type(record).__name__} {record!r:.40} is no document; give a JSON object "
            "(dict) with a 'text' field or one JSONL line (str)",
        )


def _analyze_items(pipeline: Any, items: Iterable[Any]) -> Iterator[Any]:
    """One ``Result`` per input item, in order: bad items become input-error results."""
    from newskit._model import ErrorRecord
    from newskit._inputs import input_error_result

    for item, result in _results(pipeline, items):
        if result is None:
            yield input_error_result(item)
            continue
        if item.error:  # the document was kept but something about its input was off
            import attrs

            note = ErrorRecord(None, "EncodingError", item.error)
            result = attrs.evolve(result, errors=(note, *result.errors))
        yield result


def _results(pipeline: Any, items: Iterable[Any]) -> Iterator[tuple[Any, Any]]:
    """``(item, result)`` in order, ``None`` for items without a document. The documents go
    through ``Pipeline.pipe``'s own batching (``_stream``), so a failure under
    ``on_error="raise"`` comes after the results before it, as there."""
    waiting: collections.deque[Any] = collections.deque()

    def documents() -> Iterator[Any]:
        for item in items:
            waiting.append(item)
            if item.document is not None:
                yield item.document

    for result in pipeline._stream(documents(), 64):
        item = waiting.popleft()
        while item.document is None:
            yield item, None
            item = waiting.popleft()
        yield item, result
    for item in waiting:  # bad items after the last document
        yield item, None
