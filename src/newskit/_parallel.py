"""Running a pipeline in worker processes: each builds it once from a picklable config."""

from __future__ import annotations

import collections
import concurrent.futures as cf
import itertools
import multiprocessing
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from newskit._model import Document, Result

_WORKER: dict[str, Any] = {}


def _init_worker(config: Any) -> None:
    from newskit._pipeline import Pipeline

    _WORKER["pipeline"] = Pipeline.from_config(config)


def _run_batch(batch: list[Any]) -> list[Result]:
    from newskit._pipeline import as_document

    pipeline = _WORKER["pipeline"]
    return [pipeline._run(as_document(doc)) for doc in batch]


def _batches(docs: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(docs)
    while batch := list(itertools.islice(it, size)):
        yield batch


def pool_pipe(config: Any, docs: Iterable[Any], n_process: int, batch_size: int) -> Iterator[Result]:
    """Results in input order, with at most ``2 * n_process`` batches in flight."""
    context = multiprocessing.get_context("spawn" if _forking_unsafe() else "fork")
    with cf.ProcessPoolExecutor(
        max_workers=n_process, mp_context=context, initializer=_init_worker, initargs=(config,)
    ) as pool:
        pending: collections.deque[cf.Future] = collections.deque()
        try:
            for batch in _batches(docs, batch_size):
                pending.append(pool.submit(_run_batch, batch))
                while len(pending) >= 2 * n_process:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        finally:
            for fut in pending:
                fut.cancel()


def _forking_unsafe() -> bool:
    # fork is fast and keeps explicitly registered plugins; it is unsafe only with threads
    # that hold locks, which a plain newskit process does not start.
    import sys

    return sys.platform == "darwin" or sys.platform.startswith("win")
