"""Run newskit on a Dask cluster: a corpus too big for one machine, or one in a hurry.

Needs the ``dask`` extra: ``pip install 'newskit[dask]'`` (``dask[bag]`` and
``distributed``). Dask is imported when a function is called, never at import.

>>> from distributed import Client                                          # doctest: +SKIP
>>> client = Client("tcp://scheduler:8786")                                 # doctest: +SKIP
>>> newskit.dask.analyze_jsonl("corpus/*.jsonl", "results/", {"on_error": "record"})  # doctest: +SKIP
{'documents': 2225, 'failed': 0, 'outputs': ['results/part-00000.jsonl', ...]}

Every worker builds the pipeline once from the picklable config and keeps it. Plugins
must be installed on the workers (the same newskit and plugin versions as the client).
"""

from __future__ import annotations

import collections
import contextlib
import os
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["analyze_bag", "analyze_jsonl"]

_EXTRA_HINT = "install it with: pip install 'newskit[dask]' (dask[bag] and distributed)"


def _require(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"newskit.dask needs {module.split('.')[0]!r} ({exc}); {_EXTRA_HINT}") from exc


def analyze_bag(bag: Any, config: Any, *, published_at: Any = None) -> Any:
    """A ``dask.bag.Bag`` of result dicts, one per record of ``bag``, in order.

    ``bag`` holds document objects (dicts with ``text``) or JSONL lines, e.g. from
    ``dask.bag.read_text("corpus/*.jsonl")``; ``config`` is anything
    ``newskit.parallel.process_partition`` takes. Nothing runs until the bag is computed
    (``.compute()``, ``.map(json.dumps).to_textfiles(...)``).
    """
    _require("dask.bag")
    from newskit.parallel import _coerce_config, process_partition

    cfg = _coerce_config(config)
    return bag.map_partitions(process_partition, cfg, published_at=published_at)


def analyze_jsonl(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    output: str | os.PathLike[str],
    config: Any = None,
    *,
    client: Any = None,
    blocksize: int | str | None = None,
    published_at: Any = None,
) -> dict[str, Any]:
    """Analyse JSONL corpora on a Dask cluster and write the results as JSONL.

    ``inputs`` is a path, a glob (``"corpus/*.jsonl"``) or a list of them, local or any
    URL that fsspec reads (``s3://…`` with s3fs installed). ``output`` ending in
    ``.jsonl`` is one file, written in input order by this process; anything else is a
    directory of ``part-NNNNN.jsonl`` files, written by the workers (which must then see
    that path) and numbered in input order. Each line is what ``newskit analyze`` writes
    for the same corpus line, bad lines included (an ``InputError`` result naming
    ``path:line``), so ``newskit render`` and ``newskit.read_jsonl`` read the output.

    ``config`` is anything ``process_partition`` takes (``None``: all installed plugins,
    errors recorded). ``client`` is a ``distributed.Client``; without one the current
    client is used, or a local cluster of one single-threaded worker process per core is
    started for this call. ``blocksize`` (bytes or ``"16 MiB"``) sizes the partitions;
    by default about four per worker thread, between 256 KiB and 64 MiB.

    Returns ``{"documents": n, "failed": k, "outputs": [paths]}``.
    """
    _require("dask.bag")
    distributed = _require("distributed")
    from newskit.parallel import _coerce_config, _pipeline_for

    cfg = _coerce_config({} if config is None else config)
    _pipeline_for(cfg)  # a config or plan error surfaces here, not once per task
    owned = None
    if client is None:
        try:
            client = distributed.default_client()
        except ValueError:  # no client in this process: a local cluster for this call
            owned = client = distributed.Client(
                distributed.LocalCluster(threads_per_worker=1, processes=True, dashboard_address=":0")
            )
    try:
        return _run(client, inputs, os.fspath(output), cfg, blocksize, published_at)
    finally:
        if owned is not None:
            cluster = owned.cluster
            owned.close()
            cluster.close()


def _run(client: Any, inputs: Any, output: str, cfg: Any, blocksize: Any, published_at: Any) -> dict[str, Any]:
    import fsspec
    from dask import delayed
    from dask.bytes import read_bytes

    from newskit._model import _parse_published

    published = _parse_published(published_at)
    patterns = [os.fspath(inputs)] if isinstance(inputs, (str, os.PathLike)) else [os.fspath(p) for p in inputs]
    shown, sizes = _expand(patterns)
    threads = max(1, sum(client.nthreads().values()))
    if blocksize is None:
        blocksize = min(64 << 20, max(256 << 10, sum(sizes) // (4 * threads) + 1))
    _, blocks, paths = read_bytes(patterns, delimiter=b"\n", blocksize=blocksize, sample=False, include_path=True)

    # Line numbers make bad lines findable ("corpus.jsonl:1234", as the command line says);
    # counting newlines is cheap next to analysis, so the blocks are read once for it.
    counts = client.gather(client.compute([delayed(_count_lines)(b) for f in blocks for b in f]))
    single = output.lower().endswith(".jsonl")
    if not single:
        fs, root = fsspec.core.url_to_fs(output)
        fs.makedirs(root, exist_ok=True)
        stale = fs.glob(root.rstrip("/") + "/part-*.jsonl")
        if stale:
            raise FileExistsError(
                f"{output!r} already holds part files ({len(stale)}, e.g. {stale[0]!r}); "
                "remove them or write to another directory"
            )
    tasks = []
    outputs: list[str] = []
    n = 0
    for path, file_blocks in zip(paths, blocks):
        first = 1
        for block in file_blocks:
            dest = None
            if not single:
                dest = f"{output.rstrip('/')}/part-{len(tasks):05d}.jsonl"
                outputs.append(dest)
            tasks.append(delayed(_analyze_block, pure=False)(block, shown.get(path, path), first, cfg, published, dest))
            first += counts[n]
            n += 1

    documents = failed = 0
    sink = fsspec.open(output, "w", encoding="utf-8") if single else contextlib.nullcontext()
    with sink as out:
        for text, docs, bad in _in_order(client, tasks, window=2 * threads + 2):
            if out is not None:
                out.write(text)
            documents += docs
            failed += bad
    return {"documents": documents, "failed": failed, "outputs": [output] if single else outputs}


def _expand(patterns: list[str]) -> tuple[dict[str, str], list[int]]:
    """Sizes of the matched files, and how the user wrote each path that is no glob."""
    import fsspec

    shown: dict[str, str] = {}
    sizes: list[int] = []
    for pattern in patterns:
        fs, _, found = fsspec.core.get_fs_token_paths(pattern, mode="rb")
        if not found:
            raise FileNotFoundError(f"no input matches {pattern!r}")
        if len(found) == 1 and not any(c in pattern for c in "*?["):
            shown[found[0]] = pattern
        sizes.extend(fs.size(p) for p in found)
    return shown, sizes


def _in_order(client: Any, tasks: list[Any], window: int) -> Iterator[tuple[str, int, int]]:
    # A bounded number of partitions in flight: the cluster keeps busy while the output is
    # written in input order, and results never pile up in memory.
    pending: collections.deque[Any] = collections.deque()
    todo = iter(tasks)
    for task in todo:
        pending.append(client.compute(task))
        if len(pending) >= window:
            break
    while pending:
        future = pending.popleft()
        yield future.result()
        future.release()
        for task in todo:
            pending.append(client.compute(task))
            break


def _count_lines(block: bytes) -> int:
    return block.count(b"\n") + (1 if block and not block.endswith(b"\n") else 0)


def _block_lines(block: bytes) -> list[bytes]:
    lines = block.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()  # the piece after the last newline
    return lines


def _block_items(block: bytes, path: str, first: int, published: Any) -> Iterator[Any]:
    """What ``_inputs.read_inputs`` yields for these lines of ``path``, from line ``first``."""
    from newskit._inputs import _jsonl_items

    return _jsonl_items(path, _block_lines(block), published, first_line=first)


def _analyze_block(block: bytes, path: str, first: int, cfg: Any, published: Any, dest: str | None) -> tuple[str, int, int]:
    """Analyse one block of lines; write it to ``dest`` or return it as JSONL text."""
    from newskit._serialize import result_to_json
    from newskit.parallel import _analyze_items, _pipeline_for

    pipeline = _pipeline_for(cfg)
    drop = pipeline.config.on_error == "drop"
    lines = []
    failed = 0
    for result in _analyze_items(pipeline, _block_items(block, path, first, published)):
        if result.errors:
            failed += 1
            if drop:
                continue
        lines.append(result_to_json(result) + "\n")
    text = "".join(lines)
    if dest is not None:
        import fsspec

        with fsspec.open(dest, "w", encoding="utf-8") as fh:
            fh.write(text)
        text = ""
    return text, len(lines), failed
