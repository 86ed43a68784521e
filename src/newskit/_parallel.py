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
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from newskit._model import Result, _checked_result, _rebuild_finding
from newskit._pipeline import _chunks, _heap_frozen

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
    pipeline = _WORKER.get("pipeline")
    if pipeline is None:
        from newskit._errors import PluginError

        exc = _WORKER.get("error")
        raise PluginError(
            f"a worker process could not build the pipeline ({type(exc).__name__}: {exc}); "
            "every explicitly registered plugin must be importable by the workers "
            "(defined in a module, not in __main__ or a notebook cell)"
        )
    results, error = _analyse(pipeline, batch)
    failure = None if error is None else (error, "".join(traceback.format_exception(error)))
    if encode is None:
        provenance = pipeline.provenance
        compacts = [_compact(doc, r, provenance) for doc, r in zip(batch, results)]
        try:
            # plain tuples, lists and dicts load in the parent about twice as fast from
            # marshal as from pickle; anything else (a plugin's own attribute value, a
            # document sent back) makes marshal refuse, and pickle carries the batch
            return [provenance, marshal.dumps(compacts), failure]
        except ValueError:
            return [provenance, compacts, failure]
    return [None, [encode(r) for r in results], failure]


def _analyse(pipeline: Any, batch: list[Any]) -> tuple[list[Result], Exception | None]:
    """A batch's results as one process gives them: up to a failure, and that failure.

    Workers and the parent both analyse batches this way, so that a run stops at the same
    document, with the same results before it, whichever process had the batch.
    """
    results: list[Result] = []
    try:
        for result in pipeline._stream(batch, len(batch)):
            results.append(result)
    except Exception as exc:
        return results, exc
    return results, None


class WorkerTraceback(Exception):
    """Where an error happened in a worker process: shown as the cause of the error."""

    def __str__(self) -> str:
        return f"\n\n{self.args[0]}"


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


def _batches(docs: Iterable[Any], size: int, failed: list[Exception]) -> Iterator[list[Any]]:
    """``docs`` in lists of ``size``; the caller's iterator's error, after the documents it
    gave first, waits in ``failed`` for their results to be delivered."""
    for chunk, error in _chunks(docs, size):
        if chunk:
            yield chunk
        if error is not None:
            failed.append(error)


def _collect(item: tuple[Any, ...], encode: Any) -> Iterator[Any]:
    """The results of one batch, in order, then its failure if it had one."""
    future, batch, here = item
    if future is None:  # analysed in this process
        results, error = here
        yield from (results if encode is None else map(encode, results))
        if error is not None:
            raise error
        return
    try:
        provenance, payload, failure = future.result()
    except BrokenProcessPool as exc:
        from newskit._errors import PluginError

        raise PluginError(
            "a worker process stopped abruptly (killed, out of memory, or it could not "
            "unpickle the pipeline config: explicitly registered plugins must be importable "
            "from a module); run with n_process=1 to see the underlying error"
        ) from exc
    if encode is not None:
        yield from payload  # the encoded results
    else:
        compacts = marshal.loads(payload) if isinstance(payload, bytes) else payload
        yield from [_expand(sent, c, provenance) for sent, c in zip(batch, compacts)]
    if failure is not None:
        error, where = failure
        raise error from WorkerTraceback(where)


#: Batches given to each worker before this process analyses one itself. A batch of its own
#: takes this process as long as a worker's batch takes the worker, plus the unpacking of the
#: worker results that arrive meanwhile, so a worker with only two queued can run dry during
#: it (on BBC, three queued moved about 5 % of the documents from this process to the worker).
_QUEUED = 3


def pool_pipe(
    config: Any,
    docs: Iterable[Any],
    n_process: int,
    batch_size: int,
    encode: Callable[[Result], Any] | None = None,
    pipeline: Any = None,
) -> Iterator[Any]:
    """Results in input order from ``n_process`` (≥ 2) processes; one process is
    ``Pipeline.pipe``'s own loop.

    With ``pipeline``, the built pipeline of ``config``, this process is one of them: it
    starts ``n_process - 1`` workers (forked ones reuse ``pipeline`` as it is) and
    analyses a batch itself whenever every worker has three batches waiting. On two cores,
    two workers and a parent that unpacks their results would be three processes sharing
    them; this way the parent's time goes into analysis, and what it receives from the
    worker costs it less than analysing that batch would. Without ``pipeline``,
    ``n_process`` workers do all the analysis.

    ``encode`` (a picklable module-level function) turns each result into what is
    yielded, in the process that made it: ``newskit._serialize.result_to_json`` makes the
    workers, not the parent, pay for JSON, and a line crosses the process boundary faster
    than a ``Result``.
    """
    here = pipeline if pipeline is not None and pipeline.config is config else None
    workers = n_process - 1 if here is not None else n_process
    failed: list[Exception] = []  # the caller's iterator raised this
    method = "spawn" if _forking_unsafe() else "fork"
    context = multiprocessing.get_context(method)
    if method == "fork" and here is not None:
        _INHERITED[id(config)] = here
    children_before = set(multiprocessing.active_children())
    waiting = _QUEUED * workers
    # _heap_frozen: the parent's heap, and the forked workers' copies of it
    with _heap_frozen():
        pool = cf.ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(config,)
        )
        _widen_pipes(pool)
        # (future, batch, None) for a worker's batch, (None, batch, results) for our own
        pending: collections.deque[tuple[Any, list[Any], Any]] = collections.deque()
        finished = False
        try:
            # A few batches are read ahead, so that the end of the input is seen coming: then
            # this process keeps the rest to itself unless the workers would run dry, instead
            # of idling at the end while they work through their queues.
            source = _batches(docs, batch_size, failed)
            ahead = collections.deque(itertools.islice(source, waiting))
            while ahead:
                batch = ahead.popleft()
                following = next(source, None)
                if following is not None:
                    ahead.append(following)
                queued = waiting if following is not None else workers
                busy = sum(1 for future, _, _ in pending if future is not None and not future.done())
                if here is not None and busy >= queued:
                    pending.append((None, batch, _analyse(here, batch)))
                else:
                    pending.append((pool.submit(_run_batch, batch, encode), batch, None))
                while pending and (pending[0][0] is None or pending[0][0].done()):
                    yield from _collect(pending.popleft(), encode)
                while len(pending) > 2 * waiting:  # bound the results held back
                    yield from _collect(pending.popleft(), encode)
            while pending:
                yield from _collect(pending.popleft(), encode)
            finished = True
            if failed:
                raise failed[0]
        finally:
            _INHERITED.pop(id(config), None)
            if finished:
                pool.shutdown(wait=True)
            else:
                # Ctrl-C, an error, or a consumer that stopped reading: nothing more of this
                # run is wanted, so do not wait for the batches still being analysed.
                _stop(pool, [future for future, _, _ in pending if future is not None], children_before)


def _widen_pipes(pool: cf.ProcessPoolExecutor) -> None:
    # Batches cross pipes that hold 64 kB: a worker's results (~250 kB for 64 news
    # articles) and the next batch of documents (~150 kB). Both ends here are helper
    # threads of this process, which get the interpreter only between slices of this
    # process's own analysis, so a worker waited for each 64 kB: to hand in its results, and
    # to receive its next batch. With pipes of 1 MB (Linux) neither waits.
    try:
        import fcntl

        for queue in (pool._result_queue, pool._call_queue):  # type: ignore[attr-defined]
            fcntl.fcntl(queue._reader.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError, ValueError):
        pass  # another platform, another Python, or a lower limit: only slower


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
