"""Running a pipeline in worker processes: each builds it once from a picklable config.

Ctrl-C in a terminal sends SIGINT to the whole process group, workers included. Workers
ignore it so that only the parent reacts: it cancels the batches not yet started, stops
the workers and lets ``KeyboardInterrupt`` reach its caller, which closes its output after
the last whole result (``newskit analyze`` then exits 130 and ``--resume`` continues).
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import itertools
import marshal
import multiprocessing
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from newskit._model import Result, _checked_result, _rebuild_finding
from newskit._pipeline import _heap_frozen

_WORKER: dict[str, Any] = {}
# Pipelines already built in the parent, by id of their config: a forked worker receives
# that very config object and finds the pipeline built (copy-on-write), instead of paying
# for a second build (plugins imported, knowledge base and rules loaded) in every worker.
_INHERITED: dict[int, Any] = {}


def _init_worker(config: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from newskit._pipeline import Pipeline

    inherited = _INHERITED.get(id(config))
    if inherited is not None and inherited.config is config:
        _WORKER["pipeline"] = inherited
        return
    try:
        _WORKER["pipeline"] = Pipeline.from_config(config)
    except Exception as exc:  # reported with the first batch, where the parent sees it
        _WORKER["error"] = exc


def _run_batch(batch: list[Any], encode: Callable[[Result], Any] | None = None) -> list[Any]:
    from newskit._pipeline import as_document

    pipeline = _WORKER.get("pipeline")
    if pipeline is None:
        from newskit._errors import PluginError

        exc = _WORKER.get("error")
        raise PluginError(
            f"a worker process could not build the pipeline ({type(exc).__name__}: {exc}); "
            "every explicitly registered plugin must be importable by the workers "
            "(defined in a module, not in __main__ or a notebook cell)"
        )
    finish = pipeline._finish
    results = [finish(r) for r in pipeline._run_many([as_document(doc) for doc in batch])]
    if encode is None:
        provenance = pipeline.provenance
        compacts = [_compact(doc, r, provenance) for doc, r in zip(batch, results)]
        try:
            # plain tuples, lists and dicts load in the parent about twice as fast from
            # marshal as from pickle; anything else (a plugin's own attribute value, a
            # document sent back) makes marshal refuse, and pickle carries the batch
            return [provenance, marshal.dumps(compacts)]
        except ValueError:
            return [provenance, compacts]
    return [encode(r) for r in results]


# Results travel from workers to the parent in a compact form of plain tuples and dicts:
# unpickling a Result with its Document and frozen mappings cost the parent ~500 µs per
# news article, enough to idle the workers of a two-process run. The parent already holds
# the documents it sent and the pipeline's provenance, and a finding's text is a slice of
# the document's, so none of these make the trip back.
def _compact(sent: Any, result: Result, provenance: Any) -> tuple[Any, ...]:
    findings = [
        (
            f.kind, f.start, f.end, f.text if f.start is None else None, f.label, f.value,
            f.confidence, dict(f.attributes) if f.attributes else None,
            dict(f.refs) if f.refs else None, f.id, f.producer,
        )
        for f in result.findings
    ]
    return (
        None if result.document is sent else result.document,
        findings,
        result.errors or None,
        None if result.provenance is provenance else result.provenance,
    )


def _expand(sent: Any, compact: tuple[Any, ...], provenance: Any) -> Result:
    document, findings, errors, own_provenance = compact
    if document is None:
        document = sent
    text = document.text
    # Every value here was checked in the worker, as the pipeline made it.
    return _checked_result(
        document,
        tuple(
            _rebuild_finding(kind, start, end, text[start:end] if start is not None else ftext,
                             label, value, confidence, attributes, refs, id, producer)
            for kind, start, end, ftext, label, value, confidence, attributes, refs, id, producer
            in findings
        ),
        errors or (),
        provenance if own_provenance is None else own_provenance,
    )


def _batches(docs: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(docs)
    while batch := list(itertools.islice(it, size)):
        yield batch


def _collect(future: cf.Future, batch: list[Any], encode: Any) -> list[Any]:
    try:
        if encode is not None:
            return future.result()
        provenance, compacts = future.result()
        if isinstance(compacts, bytes):
            compacts = marshal.loads(compacts)
        return [_expand(sent, c, provenance) for sent, c in zip(batch, compacts)]
    except BrokenProcessPool as exc:
        from newskit._errors import PluginError

        raise PluginError(
            "a worker process stopped abruptly (killed, out of memory, or it could not "
            "unpickle the pipeline config: explicitly registered plugins must be importable "
            "from a module); run with n_process=1 to see the underlying error"
        ) from exc


def pool_pipe(
    config: Any,
    docs: Iterable[Any],
    n_process: int,
    batch_size: int,
    encode: Callable[[Result], Any] | None = None,
    pipeline: Any = None,
) -> Iterator[Any]:
    """Results in input order, with at most ``2 * n_process`` batches in flight.

    ``encode`` (a picklable module-level function) turns each result into what is sent
    back, in the worker: ``newskit._serialize.result_to_json`` makes the workers, not the
    parent, pay for JSON, and a line crosses the process boundary faster than a ``Result``.
    ``pipeline``, the built pipeline of ``config``, is reused as it is by forked workers.
    """
    method = "spawn" if _forking_unsafe() else "fork"
    context = multiprocessing.get_context(method)
    if method == "fork" and pipeline is not None and pipeline.config is config:
        _INHERITED[id(config)] = pipeline
    children_before = set(multiprocessing.active_children())
    # _heap_frozen: the parent's heap, and the forked workers' copies of it
    with _heap_frozen():
        pool = cf.ProcessPoolExecutor(
            max_workers=n_process, mp_context=context, initializer=_init_worker, initargs=(config,)
        )
        pending: collections.deque[tuple[cf.Future, list[Any]]] = collections.deque()
        finished = False
        try:
            for batch in _batches(docs, batch_size):
                pending.append((pool.submit(_run_batch, batch, encode), batch))
                while len(pending) >= 2 * n_process:
                    yield from _collect(*pending.popleft(), encode)
            while pending:
                yield from _collect(*pending.popleft(), encode)
            finished = True
        finally:
            _INHERITED.pop(id(config), None)
            if finished:
                pool.shutdown(wait=True)
            else:
                # Ctrl-C, an error, or a consumer that stopped reading: nothing more of this
                # run is wanted, so do not wait for the batches still being analysed.
                _stop(pool, [future for future, _ in pending], children_before)


def _stop(pool: cf.ProcessPoolExecutor, pending: Iterable[cf.Future], children_before: set[Any]) -> None:
    for future in pending:
        future.cancel()
    pool.shutdown(wait=False, cancel_futures=True)
    # The pool starts workers on demand from its own thread, so a list taken from it can
    # miss one; every child process started since the pool was made is one of its workers.
    workers = [p for p in multiprocessing.active_children() if p not in children_before]
    for process in workers:
        if process.is_alive():
            process.terminate()
    for process in workers:
        process.join(timeout=10)
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None:
        manager.join(timeout=10)
    for process in multiprocessing.active_children():  # one started while we stopped
        if process not in children_before:
            process.terminate()
            process.join(timeout=10)


def _forking_unsafe() -> bool:
    # fork is fast and keeps explicitly registered plugins; it is unsafe only with threads
    # that hold locks, which a plain newskit process does not start. macOS and Windows
    # default to spawn (fork is broken or absent there).
    return sys.platform == "darwin" or sys.platform.startswith("win")
