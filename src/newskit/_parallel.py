"""Running a pipeline in worker processes: each builds it once from a picklable config.

Ctrl-C in a terminal sends SIGINT to the whole process group, workers included. Workers
ignore it so that only the parent reacts: it cancels the batches not yet started, stops
the workers and lets ``KeyboardInterrupt`` reach its caller, which closes its output after
the last whole result (``newskit analyze`` then exits 130 and ``--resume`` continues).
"""

from __future__ import annotations

import collections
import itertools
import marshal
import multiprocessing
import multiprocessing.connection
import pickle
import queue
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from newskit._model import Result, _checked_result, _rebuild_findings
from newskit._pipeline import _chunks, _collector_eased

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
        # marshal looks up every object that has other references, to write it once; with
        # the results gone, most values have none (a third less time for news articles)
        del results
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
    fields: list[Any] = []
    for f in result.findings:  # laid end to end, as _rebuild_findings reads them
        fields += (
            f.kind, f.start, f.end, f.text if f.start is None else None, f.label, f.value,
            f.confidence, dict(f.attributes) if f.attributes else None,
            dict(f.refs) if f.refs else None, f.id, f.producer,
        )
    return (
        None if result.document is sent else result.document,
        fields,
        result.errors or None,
        None if result.provenance is provenance else result.provenance,
    )


def _expand(sent: Any, compact: tuple[Any, ...], provenance: Any) -> Result:
    document, fields, errors, own_provenance = compact
    if document is None:
        document = sent
    # Every value here was checked in the worker, as the pipeline made it.
    return _checked_result(
        document,
        _rebuild_findings(document.text, fields),
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


class _Batch:
    """Documents analysed together, and what became of them: analysed in this process
    (``results`` up to ``error``), or sent to ``worker``, whose ``reply`` is pickled."""

    __slots__ = ("docs", "results", "error", "worker", "reply")

    def __init__(self, docs: list[Any]) -> None:
        self.docs = docs
        self.results: list[Result] | None = None
        self.error: Exception | None = None
        self.worker: _Worker | None = None
        self.reply: bytes | None = None

    def analyse(self, pipeline: Any) -> None:
        self.results, self.error = _analyse(pipeline, self.docs)

    def ready(self) -> bool:
        return self.results is not None or self.reply is not None

    def outcome(self, encode: Callable[[Result], Any] | None) -> Iterator[Any]:
        """The results, in order (encoded with ``encode``), then the failure if any."""
        if self.worker is not None:
            self.worker.wait(self)
        if self.results is not None:  # analysed in this process
            yield from (self.results if encode is None else map(encode, self.results))
            if self.error is not None:
                raise self.error
            return
        reply = pickle.loads(self.reply)  # type: ignore[arg-type]
        if reply[0] == "raise":
            _, error, where = reply
            raise error from WorkerTraceback(where)
        provenance, payload, failure = reply[1]
        if encode is not None:
            yield from payload  # the encoded results
        else:
            compacts = marshal.loads(payload) if isinstance(payload, bytes) else payload
            yield from [_expand(sent, c, provenance) for sent, c in zip(self.docs, compacts)]
        if failure is not None:
            error, where = failure
            raise error from WorkerTraceback(where)


#: Batches given to each worker before this process analyses one itself. A batch of its own
#: takes this process as long as a worker's batch takes the worker, plus the unpacking of the
#: worker results that arrive meanwhile, so a worker with only two queued can run dry during
#: it (on BBC, three queued moved about 5 % of the documents from this process to the worker).
_QUEUED = 3
#: Pieces waiting for each worker once the input has ended (see ``_pieces``): one to analyse
#: and one ready, so that a worker never waits while this process analyses a piece.
_ENDING_QUEUED = 2


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
    failed: list[Exception] = []  # the caller's iterator raised this
    method = "spawn" if _forking_unsafe() else "fork"
    context = multiprocessing.get_context(method)
    if method == "fork" and here is not None:
        _INHERITED[id(config)] = here
    n_workers = n_process - 1 if here is not None else n_process
    waiting = _QUEUED * n_workers
    workers: list[_Worker] = []
    finished = False
    # the parent's collector, and the forked workers' copies of it
    with _collector_eased(batch_size):
        try:
            for _ in range(n_workers):
                workers.append(_Worker(context, config, encode, batch_size))
            pending: collections.deque[_Batch] = collections.deque()
            # A few batches are read ahead, so that the end of the input is seen coming: then
            # this process keeps the rest to itself unless the workers would run dry, instead
            # of idling at the end while they work through their queues.
            source = _batches(docs, batch_size, failed)
            ahead = collections.deque(itertools.islice(source, waiting))
            ending = False
            held = 0  # documents in pending
            while ahead:
                chunk = ahead.popleft()
                if not ending:
                    following = next(source, None)
                    if following is not None:
                        ahead.append(following)
                    else:
                        ending = True
                        ahead = _pieces([chunk, *ahead], batch_size)
                        chunk = ahead.popleft()
                queued = _ENDING_QUEUED if ending else _QUEUED
                for worker in workers:
                    worker.receive()
                worker = min(workers, key=_Worker.load)
                batch = _Batch(chunk)
                if here is not None and worker.load() >= queued:
                    batch.analyse(here)
                elif not worker.send(batch):
                    if here is None:
                        raise TypeError(
                            "documents sent to worker processes must pickle; these do not: "
                            f"{chunk!r:.300}"
                        )
                    batch.analyse(here)  # they cannot travel
                pending.append(batch)
                held += len(chunk)
                while pending and pending[0].ready():
                    held -= len(pending[0].docs)
                    yield from pending.popleft().outcome(encode)
                while held > 2 * waiting * batch_size:  # bound the results held back
                    held -= len(pending[0].docs)
                    yield from pending.popleft().outcome(encode)
            while pending:
                yield from pending.popleft().outcome(encode)
            finished = True
            if failed:
                raise failed[0]
        finally:
            _INHERITED.pop(id(config), None)
            for worker in workers:
                worker.stop(wait=finished)


def _pieces(batches: list[list[Any]], batch_size: int) -> collections.deque[list[Any]]:
    """The last batches of a run cut into pieces of an eighth, in order.

    Whoever finishes first at the end of a run idles until the other is done: up to a whole
    batch (~60 ms for 64 news articles, some 7 % of a run over BBC's 2,225). Pieces bound
    that wait to a few milliseconds, and cost the parent little more to hand out.
    """
    size = max(1, batch_size // 8)
    rest = [doc for batch in batches for doc in batch]
    return collections.deque(rest[i : i + size] for i in range(0, len(rest), size))


# The ends of the pipes this process holds, so that a worker forked later closes its copies:
# otherwise a dead worker's pipe would still have a reader, and a batch sent to it would wait.
_PARENT_ENDS: list[Any] = []


class _Worker:
    """A worker process, the pipes to it, and the batches it has not answered yet.

    This process writes batches and reads replies itself, between batches of its own:
    helper threads (a ``concurrent.futures`` pool has two) get the interpreter only between
    slices of this process's analysis, and a worker waited for them for milliseconds at
    every batch. In the worker, a thread takes batches in as they come, so a send here
    never waits for the worker to finish a batch (which could wait for this process to
    read its reply: a deadlock where pipes are small).
    """

    def __init__(self, context: Any, config: Any, encode: Any, batch_size: int) -> None:
        inbox, self._inbox = context.Pipe(duplex=False)  # (reading end, writing end)
        self._outbox, outbox = context.Pipe(duplex=False)
        _widen(self._inbox, self._outbox)
        self._process = context.Process(
            target=_serve, args=(config, encode, batch_size, inbox, outbox), daemon=True,
            name="newskit-worker",
        )
        self._sent: collections.deque[_Batch] = collections.deque()  # not answered yet
        try:
            self._process.start()
        except Exception as exc:
            from newskit._errors import PluginError

            self._inbox.close()
            self._outbox.close()
            raise PluginError(
                f"could not start a worker process ({type(exc).__name__}: {exc}); explicitly "
                "registered plugins must pickle and be importable from a module"
            ) from exc
        finally:
            inbox.close()
            outbox.close()
        _PARENT_ENDS.extend((self._inbox, self._outbox))

    def load(self) -> int:
        """Batches sent and not answered yet."""
        return len(self._sent)

    def send(self, batch: _Batch) -> bool:
        """Send ``batch`` to this worker; False if its documents do not pickle."""
        try:
            data = pickle.dumps(batch.docs, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            return False
        try:
            self._inbox.send_bytes(data)
        except OSError:
            raise self._gone() from None
        batch.worker = self
        self._sent.append(batch)
        return True

    def receive(self) -> None:
        """Take in the replies that have arrived, without waiting."""
        while self._sent and self._outbox.poll():
            self._take_reply()

    def wait(self, batch: _Batch) -> None:
        """Take in replies until ``batch``'s is here."""
        while batch.reply is None:
            if not self._outbox.poll():
                ready = multiprocessing.connection.wait([self._outbox, self._process.sentinel])
                if self._outbox not in ready:
                    raise self._gone()
            self._take_reply()

    def _take_reply(self) -> None:
        try:
            reply = self._outbox.recv_bytes()
        except (EOFError, OSError):
            raise self._gone() from None
        self._sent.popleft().reply = reply

    def _gone(self) -> Exception:
        from newskit._errors import PluginError

        return PluginError(
            "a worker process stopped abruptly (killed, out of memory, or it could not "
            "unpickle the pipeline config: explicitly registered plugins must be importable "
            "from a module); run with n_process=1 to see the underlying error"
        )

    def stop(self, wait: bool) -> None:
        """End the worker: after its last batch (``wait``), or now."""
        if wait:
            try:
                self._inbox.send_bytes(b"")
            except OSError:
                pass
            self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=10)
        for end in (self._inbox, self._outbox):
            end.close()
            if end in _PARENT_ENDS:
                _PARENT_ENDS.remove(end)


def _serve(config: Any, encode: Any, batch_size: int, inbox: Any, outbox: Any) -> None:
    """A worker's life: analyse the batches that come in, reply to each, until ``b""``."""
    for end in _PARENT_ENDS:  # forked: the other pipes' ends of the parent (see there)
        end.close()
    _init_worker(config)
    batches: queue.SimpleQueue[bytes] = queue.SimpleQueue()

    def take_in() -> None:
        try:
            while True:
                data = inbox.recv_bytes()
                batches.put(data)
                if not data:
                    return
        except (EOFError, OSError):  # the parent has gone
            batches.put(b"")

    threading.Thread(target=take_in, daemon=True).start()
    with _collector_eased(batch_size):  # as the parent's (a forked worker has it already)
        while data := batches.get():
            try:
                reply: tuple[Any, ...] = ("ok", _run_batch(pickle.loads(data), encode))
            except BaseException as exc:
                reply = ("raise", exc, "".join(traceback.format_exception(exc)))
            try:
                message = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as exc:  # an error or a value of a plugin that does not pickle
                from newskit._errors import PluginError

                message = pickle.dumps(("raise", PluginError(
                    f"a worker could not send its results back ({type(exc).__name__}: {exc})"
                ), "".join(traceback.format_exception(exc))))
            outbox.send_bytes(message)


def _widen(*ends: Any) -> None:
    # Batches cross pipes that hold 64 kB: a worker's reply (~250 kB for 64 news articles)
    # and the next batch of documents (~150 kB). With pipes of 1 MB (Linux) a worker never
    # waits for this process, busy with a batch of its own, to read or write the rest.
    try:
        import fcntl

        for end in ends:
            fcntl.fcntl(end.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError, ValueError):
        pass  # another platform, or a lower limit: only slower


def _forking_unsafe() -> bool:
    # fork is fast and keeps explicitly registered plugins; it is unsafe only with threads
    # that hold locks, which a plain newskit process does not start. macOS and Windows
    # default to spawn (fork is broken or absent there).
    return sys.platform == "darwin" or sys.platform.startswith("win")
