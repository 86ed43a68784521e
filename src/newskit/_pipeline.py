"""The pipeline: run the planned components over documents and collect their findings."""

from __future__ import annotations

import contextlib
import gc
import importlib
import itertools
import types
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

import attrs

from newskit._config import build_config, check_tables
from newskit._errors import ComponentError, ConfigError, PluginError, ValidationError
from newskit._model import (
    Document,
    ErrorRecord,
    Finding,
    FrozenDict,
    FindingView,
    Result,
    _checked_result,
    _set,
    _set_id,
    _set_producer,
    _set_refs,
    _sort_key,
    finding_id,
)
from newskit._planner import plan
from newskit._plugins import Registry
from newskit._spec import ComponentSpec

__all__ = ["Pipeline", "PipelineConfig", "analyze", "as_document"]

OnError = Literal["raise", "record", "drop"]
_ON_ERROR = ("raise", "record", "drop")


def _plugin_ref(plugin: Any) -> Any:
    # Modules do not pickle; their import name does, and re-imports to the same module.
    if isinstance(plugin, types.ModuleType):
        return ("module", plugin.__name__)
    return ("object", plugin)


def _plugin_from_ref(ref: Any) -> Any:
    kind, value = ref
    return importlib.import_module(value) if kind == "module" else value


@attrs.frozen
class PipelineConfig:
    """Everything needed to build the same pipeline again, in another process or machine.

    It is picklable and JSON-friendly (except for explicitly registered plugin objects,
    which must themselves pickle): ``Pipeline.from_config(pipeline.config)``.
    """

    components: tuple[str, ...] | None = attrs.field(
        default=None, converter=lambda v: None if v is None else tuple(v)
    )
    config: Mapping[str, Any] = attrs.field(factory=dict, converter=dict, hash=False)
    on_error: str = "raise"
    order: tuple[str, ...] | None = attrs.field(
        default=None, converter=lambda v: None if v is None else tuple(v)
    )
    entrypoints: bool = True
    plugins: tuple[Any, ...] = attrs.field(default=(), converter=tuple, hash=False)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while components are built.

    Building turns knowledge bases and rule files into some 10^5 long-lived objects, and
    each full collection on the way walks all of them again: pausing cut a third of the
    build time. Nothing built is garbage; the collector resumes (if it ran) even on error.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


#: Young objects (gen 0 allocations) between two collections while a corpus runs, per
#: document of a batch: a batch's results, some 200 tracked objects a news article, are
#: all alive until the caller takes them, so the default threshold of 700 ran ~400
#: collections over BBC's 2,225 articles, each walking the batch in hand, and finding
#: nothing to free (~5 % of a run).
_YOUNG_PER_DOCUMENT = 800


@contextlib.contextmanager
def _collector_eased(batch_size: int) -> Iterator[None]:
    """Ease the cyclic garbage collector's work while a corpus runs; restore it after.

    - The objects that exist now are exempt from collection (``gc.freeze()``): the built
      pipeline is some 10^5 long-lived objects (knowledge base, rules), and every full
      collection walked them all again, mostly out of the processor's caches. Frozen
      objects are also left untouched by the collector of forked workers, so their pages
      stay shared (what the ``gc.freeze`` documentation recommends before ``fork``).
    - Young collections wait for ``_YOUNG_PER_DOCUMENT`` objects per document of a batch
      instead of 700 (see there). Garbage with reference cycles is freed as before, only
      later: at most that many objects' worth.

    ``gc.unfreeze()`` and the old threshold come back at the end (or when the caller stops
    reading). A heap the caller froze, a higher threshold, or a disabled collector is left
    as it is.
    """
    # Already eased in this process, or in the parent a worker was forked from: then
    # gc.get_freeze_count() would walk every frozen object (~20 ms for a built pipeline).
    if not gc.isenabled() or _EASED:
        yield
        return
    thresholds = gc.get_threshold()
    freeze = not gc.get_freeze_count()
    if freeze:
        gc.freeze()
    gc.set_threshold(max(thresholds[0], _YOUNG_PER_DOCUMENT * batch_size), *thresholds[1:])
    _EASED.append(None)
    try:
        yield
    finally:
        _EASED.pop()
        gc.set_threshold(*thresholds)
        if freeze:
            gc.unfreeze()


_EASED: list[None] = []  # one entry per run going on in this process (or the one it forked from)


def _chunks(docs: Iterable[Any], size: int) -> Iterator[tuple[list[Any], Exception | None]]:
    """``docs`` in lists of ``size``, each with ``None``; when the caller's iterator raises,
    the items it gave before come last, with that error (what one document at a time
    gives: the results up to the failure, then the error)."""
    it = iter(docs)
    chunk: list[Any] = []
    try:
        for doc in it:
            chunk.append(doc)
            if len(chunk) == size:
                yield chunk, None
                chunk = []
    except Exception as exc:
        yield chunk, exc
        return
    if chunk:
        yield chunk, None


def as_document(obj: Any) -> Document:
    """A ``Document`` from a document, a string or a JSON-style dict."""
    if isinstance(obj, Document):
        return obj
    if isinstance(obj, str):
        return Document(obj)
    if isinstance(obj, Mapping):
        return Document.from_dict(obj)
    raise ValidationError(
        f"cannot analyse a {type(obj).__name__}; pass a newskit.Document, a str or a dict "
        "with a 'text' field"
    )


class Pipeline:
    """Runs the installed (or given) components over documents, in planned order.

    >>> pipeline = Pipeline(components=["dates"])            # doctest: +SKIP
    >>> pipeline("Talks resume on Monday.", published_at="2024-10-02")  # doctest: +SKIP

    ``components`` selects components by name (all installed when ``None``); ``plugins``
    registers plugin objects explicitly; ``entrypoints=False`` ignores installed plugins;
    ``config`` maps component name → settings table (plus ``pipeline`` with
    ``components``, ``order``, ``on_error``); ``on_error`` is ``"raise"`` (a
    ``ComponentError``), ``"record"`` (the error goes into ``Result.errors``, dependants are
    skipped, the document is still returned) or ``"drop"`` (as ``record``, but ``pipe``
    leaves the failed document out).
    """

    def __init__(
        self,
        components: Sequence[str] | None = None,
        *,
        plugins: Sequence[Any] = (),
        entrypoints: bool = True,
        config: Mapping[str, Any] | None = None,
        on_error: OnError | None = None,
        order: Sequence[str] | None = None,
    ) -> None:
        config = dict(config or {})
        settings = config.get("pipeline", {}) if isinstance(config.get("pipeline"), Mapping) else {}
        if components is None and "components" in settings:
            components = settings["components"]
        if order is None and "order" in settings:
            order = settings["order"]
        if on_error is None:
            on_error = settings.get("on_error", "raise")
        if isinstance(components, str):
            raise ConfigError(
                f"components must be a list of names, not the string {components!r}; "
                f"write components=[{components!r}]"
            )
        if on_error not in _ON_ERROR:
            raise ConfigError(f"on_error must be one of {', '.join(_ON_ERROR)}, not {on_error!r}")
        self.config = PipelineConfig(
            components=components,
            config=config,
            on_error=on_error,
            order=order,
            entrypoints=entrypoints,
            plugins=tuple(_plugin_ref(p) for p in plugins),
        )
        self.registry = Registry(plugins, entrypoints=entrypoints)
        available = {name: spec for name, (spec, _) in self.registry.components().items()}
        check_tables(config, available)
        self.plan: list[ComponentSpec] = plan(available, components, order)
        owners = self.registry.components()
        self._owner = {spec.name: owners[spec.name][1] for spec in self.plan}
        with _collector_paused():
            for spec in self.plan:
                self.registry.runner.built[spec.name] = self._build(spec, config.get(spec.name))
        self._hook = self.registry.pm.hook
        # Calling through pluggy costs a few microseconds a call; skip it when no plugin
        # wraps the runner (the common case) and call the built component directly.
        self._direct = len(self._hook.newskit_run_component.get_hookimpls()) == 1
        self._notify = bool(self._hook.newskit_document_processed.get_hookimpls())
        # Shared by every result of this pipeline, so read-only like the rest of a Result.
        self.provenance = tuple(
            FrozenDict(
                component=spec.name,
                plugin=self._owner[spec.name],
                version=spec.version or self._plugin_version(self._owner[spec.name]),
            )
            for spec in self.plan
        )

    @classmethod
    def from_config(cls, config: PipelineConfig) -> Pipeline:
        """Build a pipeline from a ``PipelineConfig`` (in a worker process, say)."""
        return cls(
            config.components,
            plugins=[_plugin_from_ref(p) for p in config.plugins],
            entrypoints=config.entrypoints,
            config=config.config,
            on_error=config.on_error,  # type: ignore[arg-type]
            order=config.order,
        )

    def __repr__(self) -> str:
        names = ", ".join(spec.name for spec in self.plan)
        return f"newskit.Pipeline([{names}], on_error={self.config.on_error!r})"

    def _plugin_version(self, plugin_name: str) -> str | None:
        info = self.registry.infos.get(plugin_name)
        if info and info.version:
            return info.version
        plugin = self.registry.pm.get_plugin(plugin_name)
        return getattr(plugin, "__version__", None)

    def _build(self, spec: ComponentSpec, table: Any) -> Any:
        settings = build_config(spec, table)
        try:
            if spec.hookspecs is not None:
                built = spec.factory(settings, hook=self.registry.pm.hook)
            else:
                built = spec.factory(settings)
        except (ConfigError, PluginError):
            raise
        except Exception as exc:
            owner = self._owner[spec.name]
            raise PluginError(
                f"component {spec.name!r} (plugin {owner!r}) failed to build: "
                f"{type(exc).__name__}: {exc}. Leave it out with components=[...] "
                f"(--components on the command line) or NEWSKIT_DISABLE_PLUGINS={owner}"
            ) from exc
        if not callable(built):
            raise PluginError(
                f"the factory of component {spec.name!r} returned {type(built).__name__}, "
                "which is not callable; it must return a callable component(view)"
            )
        return built

    @property
    def components(self) -> tuple[str, ...]:
        """The names of the components that run, in order."""
        return tuple(spec.name for spec in self.plan)

    # -- one document --------------------------------------------------------------------

    def __call__(self, doc: Document | str | Mapping[str, Any], **fields: Any) -> Result:
        return self.run(doc, **fields)

    def run(self, doc: Document | str | Mapping[str, Any], **fields: Any) -> Result:
        """Analyse one document (a ``Document``, a string, or a dict with ``text``).

        Keyword arguments become document fields when ``doc`` is a string:
        ``pipeline.run("…", published_at="2024-10-02")``.
        """
        if fields:
            if not isinstance(doc, str):
                raise ValidationError(
                    "document fields as keywords go with a text string; set them on the "
                    "Document itself instead"
                )
            document = Document(doc, **fields)
        else:
            document = as_document(doc)
        return self._run(document)

    def _run(self, document: Document) -> Result:
        return self._finish(self._run_many((document,))[0])

    def _run_many(self, documents: Sequence[Document]) -> list[Result]:
        """The results of several documents, before the ``newskit_document_processed`` hook.

        Component by component over all the documents rather than document by document:
        a component's tables and patterns stay in the processor's caches from one document
        to the next, which made the four bundled plugins ~14 % faster on news articles. Each
        component still sees each document once, in order, with exactly the findings of the
        components before it. With ``on_error="raise"`` the first failure raises at once.
        """
        on_error = self.config.on_error
        n = len(documents)
        findings: list[list[Finding]] = [[] for _ in range(n)]
        ids: list[set[str]] = [set() for _ in range(n)]
        errors: list[list[ErrorRecord]] = [[] for _ in range(n)]
        failed: list[set[str]] = [set() for _ in range(n)]
        built = self.registry.runner.built
        for spec in self.plan:
            run = built[spec.name] if self._direct else None
            for i, document in enumerate(documents):
                if spec.requires and failed[i]:
                    blocked = [k for k in spec.requires if k in failed[i]]
                    if blocked:
                        failed[i].update(spec.provides)
                        errors[i].append(
                            ErrorRecord(
                                spec.name,
                                "Skipped",
                                f"skipped: it requires {', '.join(repr(k) for k in blocked)} "
                                "findings and the component providing them failed",
                                skipped=True,
                            )
                        )
                        continue
                found = findings[i]
                view = FindingView._of_producers(document, found)
                try:
                    if run is not None:
                        produced = run(view)
                    else:
                        produced = self._hook.newskit_run_component(component=spec, view=view)
                    new = self._accept(spec, document, produced, ids[i])
                except (Exception, SystemExit) as exc:  # a plugin calling sys.exit is contained too
                    if on_error == "raise":
                        raise ComponentError(spec.name, document.stable_id, exc) from exc
                    failed[i].update(spec.provides)
                    errors[i].append(ErrorRecord(spec.name, type(exc).__name__, str(exc)))
                    continue
                if new:
                    # Each component's findings in position order, one after the other (what
                    # FindingView._of_producers expects); one sort at the end merges them.
                    new.sort(key=_sort_key)
                    found.extend(new)
        results = []
        merge = len(self.plan) > 1
        for i, document in enumerate(documents):
            found = findings[i]
            if merge and len(found) > 1:
                found.sort(key=_sort_key)  # timsort merges the sorted runs in linear time
            results.append(_checked_result(document, tuple(found), tuple(errors[i]), self.provenance))
        return results

    def _finish(self, result: Result) -> Result:
        """Hand a result to the ``newskit_document_processed`` hook (if any plugin has one)."""
        if self._notify:
            try:
                self._hook.newskit_document_processed(result=result)
            except Exception as exc:  # a metrics sink must not cost the document
                if self.config.on_error == "raise":
                    raise PluginError(
                        f"a newskit_document_processed hook failed on document "
                        f"{result.document.stable_id!r}: {type(exc).__name__}: {exc}"
                    ) from exc
                _set(
                    result,
                    "errors",
                    (*result.errors, ErrorRecord(None, "PluginError", f"newskit_document_processed: {type(exc).__name__}: {exc}")),
                )
        return result

    def _stream(self, docs: Iterable[Any], batch_size: int) -> Iterator[Result]:
        """Results in input order, analysed ``batch_size`` documents at a time (``_run_many``).

        What the caller sees is what one document at a time gives: results up to a bad
        input or a failure (``on_error="raise"``), then that error. After a failure the
        batch is analysed again one document at a time, to stop at the right document.
        """
        for raw, bad in _chunks(docs, batch_size):
            batch: list[Document] = []
            for item in raw:
                try:
                    batch.append(as_document(item))
                except Exception as exc:
                    bad = exc
                    break
            if batch:
                try:
                    results = self._run_many(batch)
                except Exception:
                    results = None
                if results is None:
                    for document in batch:
                        yield self._run(document)
                else:
                    for result in results:
                        yield self._finish(result)
            if bad is not None:
                raise bad

    def _accept(
        self,
        spec: ComponentSpec,
        document: Document,
        produced: Iterable[Finding] | None,
        ids: set[str],
    ) -> list[Finding]:
        """Check a component's findings against the contract and stamp ids and producer."""
        if produced is None:
            return []
        batch = list(produced)
        if not batch:
            return []
        text = document.text
        n = len(text)
        name = spec.name
        provides = spec.provides
        stamped: list[Finding] = []
        local: dict[int, str] = {}
        new_ids: dict[str, Finding] = {}
        for f in batch:
            if type(f) is not Finding:
                raise PluginError(
                    f"component {name!r} returned {type(f).__name__} ({f!r:.80}); "
                    "components must return newskit.Finding objects"
                )
            if f.kind not in provides:
                raise PluginError(
                    f"component {name!r} returned a {f.kind!r} finding but declares that it "
                    f"provides only {', '.join(repr(k) for k in provides)}; add {f.kind!r} "
                    "to its ComponentSpec.provides"
                )
            if id(f) in local:  # the same object twice: each occurrence is a finding
                f = f._stamped(None, None, None)  # type: ignore[arg-type]
            start = f.start
            if start is not None:
                end = f.end
                # Finding() checked that len(text) == end - start: no slice needed.
                if end > n or not text.startswith(f.text, start):  # type: ignore[operator,arg-type]
                    where = "lies outside the text" if end > n else "does not match the text"  # type: ignore[operator]
                    raise PluginError(
                        f"component {name!r} returned a {f.kind!r} finding at {start}:{end} "
                        f"whose text {f.text!r:.60} {where} ({text[start:end]!r:.60})"
                    )
                fid = f"{f.kind}:{start}-{end}"
            else:
                fid = finding_id(f.kind, None, None, f.value if f.value is not None else f.label)
            if fid in ids or fid in new_ids:
                for i in itertools.count(2):
                    candidate = f"{fid}~{i}"
                    if candidate not in ids and candidate not in new_ids:
                        fid = candidate
                        break
            local[id(f)] = fid
            new_ids[fid] = f
            stamped.append(f)
        out = []
        for f in stamped:
            fid = local[id(f)]
            refs = f.refs
            fixed = None
            if refs:
                fixed = {}
                for role, ref in refs.items():
                    if type(ref) is Finding:
                        target = local.get(id(ref))
                        if target is None:
                            raise PluginError(
                                f"component {name!r}: ref {role!r} of a {f.kind!r} finding "
                                "points at a Finding that is not part of this batch; refer to "
                                "earlier findings by their id"
                            )
                        fixed[role] = target
                    elif isinstance(ref, str) and (ref in ids or ref in new_ids):
                        fixed[role] = ref
                    else:
                        raise PluginError(
                            f"component {name!r}: ref {role!r} of the {f.kind!r} finding "
                            f"{fid!r} points at {ref!r}, which is no finding of this document"
                        )
            if f.id is None and f.producer is None:
                # First time out of its component: stamp this very object. Nobody else
                # holds it yet, and a copy of every finding cost the core a third of its time.
                _set_id(f, fid)
                _set_producer(f, name)
                if fixed is not None:
                    _set_refs(f, FrozenDict(fixed))
                out.append(f)
            else:  # stamped before (returned again, or taken from the view): a new copy
                out.append(f._stamped(fid, name, fixed))
        ids.update(new_ids)
        return out

    # -- many documents ------------------------------------------------------------------

    def pipe(
        self,
        docs: Iterable[Document | str | Mapping[str, Any]],
        *,
        n_process: int = 1,
        batch_size: int = 64,
    ) -> Iterator[Result]:
        """Analyse many documents; results come in input order.

        Documents are analysed ``batch_size`` at a time, component by component (faster:
        each component's data stays in the processor's caches), so results come in bursts.
        With ``n_process > 1``, ``n_process - 1`` worker processes, each building the
        pipeline once from ``self.config``, analyse such batches, and this process
        analyses one itself whenever the workers have enough waiting. With
        ``on_error="drop"`` documents that failed are left out.
        """
        if n_process < 1:
            raise ConfigError(f"n_process must be at least 1, not {n_process}")
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, not {batch_size}")
        drop = self.config.on_error == "drop"
        if n_process == 1:
            with _collector_eased(batch_size):
                for result in self._stream(docs, batch_size):
                    if drop and result.errors:
                        continue
                    yield result
            return
        from newskit import _parallel

        stream = _parallel.pool_pipe(self.config, docs, n_process, batch_size, pipeline=self)
        try:
            for result in stream:
                if drop and result.errors:
                    continue
                yield result
        finally:
            stream.close()  # a caller that stops reading stops the workers now, not at GC


def analyze(text: str, **document_fields: Any) -> Result:
    """Analyse one text with every installed plugin: the one-line entry point.

    >>> result = newskit.analyze("Putin spoke on Monday.", published_at="2024-10-02")  # doctest: +SKIP
    """
    return _default_pipeline().run(Document(text, **document_fields))


_DEFAULT: list[Pipeline] = []


def _default_pipeline() -> Pipeline:
    # Built on first use (not at import) and kept, so repeated calls are cheap.
    if not _DEFAULT:
        _DEFAULT.append(Pipeline())
    return _DEFAULT[0]

