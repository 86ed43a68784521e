"""Scale-out on one machine and beyond: process_partition and Pipeline.pipe(n_process=N)."""

from __future__ import annotations

import json
import marshal
import multiprocessing
import os
import signal
import sys
import time

import pytest

import newskit
from newskit import parallel
from newskit._serialize import SCHEMA, result_from_json, result_to_dict
from tests import _toy_plugins as toy
from tests._toy_plugins import TOY, toy_config, toy_records


def toy_pipeline(on_error="record", components=TOY):
    return newskit.Pipeline(components, plugins=[toy], entrypoints=False, on_error=on_error)


# -- process_partition -------------------------------------------------------------------


def test_one_json_result_per_record_in_order_with_bad_records_as_errors():
    records = toy_records(12)
    records[2] = {"id": "no-text", "title": "oops"}
    records[5] = {"text": 5}
    records.insert(7, 42)
    out = parallel.process_partition(records, toy_config())
    assert len(out) == len(records)
    # JSON in, JSON out: nothing that json would turn into something else (tuples, dates).
    assert json.loads(json.dumps(out)) == out
    assert all(d["schema"] == SCHEMA for d in out)
    ids = [d["document"]["id"] for d in out]
    assert ids[1] == "doc-1" and ids[3] == "doc-3"
    assert ids[2] == "no-text" and ids[5] == "record 6" and ids[7] == "record 8"
    for bad in (2, 5, 7):
        (error,) = out[bad]["errors"]
        assert error["error"] == "InputError" and error["component"] is None
        assert out[bad]["findings"] == [] and out[bad]["document"]["text"] == ""
    assert "'text'" in out[2]["errors"][0]["message"]
    assert "int 42 is no document" in out[7]["errors"][0]["message"]


def test_results_equal_a_plain_pipeline_run_and_survive_the_json_round_trip():
    records = toy_records(20)
    out = parallel.process_partition(records, toy_config())
    pipeline = toy_pipeline()
    for record, data in zip(records, out):
        expected = result_to_dict(pipeline.run(record))
        assert data == expected
        assert result_to_dict(result_from_json(json.dumps(data))) == data


def test_a_failing_component_is_recorded_and_only_its_dependants_are_skipped():
    out = parallel.process_partition(toy_records(8), toy_config())
    failed = out[3]  # toy_records puts BOOM into every seventh text, from the fourth on
    assert [(e["component"], e["error"], e["skipped"]) for e in failed["errors"]] == [
        ("boom", "RuntimeError", False),
        ("after", "Skipped", True),
    ]
    kinds = {f["kind"] for f in failed["findings"]}
    assert kinds == {"cap", "year", "tally"}
    assert all(not d["errors"] for i, d in enumerate(out) if i != 3)
    assert {f["kind"] for f in out[0]["findings"]} == {"cap", "year", "tally", "bang", "echo"}


def test_jsonl_lines_and_bytes_are_read_as_the_command_line_reads_them():
    records = [
        json.dumps({"id": "a", "text": "Alice spoke."}),
        b'{"id": "b", "text": "Caf\xe9 Bob"}\n',
        "",
        "{not json",
        '["a", "list"]',
    ]
    out = parallel.process_partition(records, toy_config())
    assert [d["document"]["id"] for d in out] == ["a", "b", "line 3", "line 4", "line 5"]
    assert out[0]["errors"] == []
    assert [e["error"] for e in out[1]["errors"]] == ["EncodingError"]
    assert "\ufffd" in out[1]["document"]["text"]
    assert [f["text"] for f in out[1]["findings"] if f["kind"] == "cap"] == ["Caf", "Bob"]
    for d in out[2:]:
        assert [e["error"] for e in d["errors"]] == ["InputError"]
    assert "empty line" in out[2]["errors"][0]["message"]
    assert "not valid JSON" in out[3]["errors"][0]["message"]
    assert "line 5:" in out[4]["errors"][0]["message"]


def test_published_at_fills_in_only_where_missing():
    records = [{"id": "a", "text": "x"}, {"id": "b", "text": "y", "published_at": "2020-01-02"}]
    out = parallel.process_partition(records, toy_config(), published_at="2024-10-02")
    assert [d["document"]["published_at"] for d in out] == ["2024-10-02", "2020-01-02"]
    with pytest.raises(newskit.ValidationError, match="ISO-8601"):
        parallel.process_partition(records, toy_config(), published_at="yesterday")


def test_every_config_form_gives_the_same_results():
    records = toy_records(10)
    pipeline = toy_pipeline()
    expected = [result_to_dict(pipeline.run(r)) for r in records]
    as_json = {"components": list(TOY), "plugins": [toy.__name__], "entrypoints": False}
    for config in (toy_config(), pipeline.config, pipeline, json.loads(json.dumps(as_json))):
        assert parallel.process_partition(records, config) == expected


def test_on_error_raise_and_drop_are_honoured():
    records = toy_records(5) + [{"title": "no text"}]
    with pytest.raises(newskit.ComponentError, match="'boom'"):
        parallel.process_partition(records, toy_config(on_error="raise"))
    kept = parallel.process_partition(records, toy_config(on_error="drop"))
    assert len(kept) == 4 and all(not d["errors"] for d in kept)


def test_bad_configs_name_the_problem():
    with pytest.raises(newskit.ConfigError, match=r"unknown pipeline config field\(s\) 'component'"):
        parallel.process_partition([], {"component": ["dates"]})
    with pytest.raises(newskit.ConfigError, match="not list"):
        parallel.process_partition([], ["dates"])
    with pytest.raises(newskit.PlanError):
        parallel.process_partition([], {**toy_config(), "components": ["nope"]})


def test_the_pipeline_is_built_once_per_config_and_process(monkeypatch):
    built = []
    real = newskit.Pipeline.from_config

    def counting(config):
        built.append(config)
        return real(config)

    monkeypatch.setattr(parallel, "_CACHE", type(parallel._CACHE)())
    monkeypatch.setattr(newskit.Pipeline, "from_config", staticmethod(counting))
    for _ in range(3):
        parallel.process_partition(toy_records(2), toy_config())  # equal configs, new dicts
    assert len(built) == 1
    parallel.process_partition(toy_records(2), toy_config(components=("caps",)))
    assert len(built) == 2


def test_missing_dask_names_the_extra(monkeypatch):
    import newskit.dask

    monkeypatch.setitem(sys.modules, "dask.bag", None)
    with pytest.raises(ImportError, match=r"newskit\[dask\]"):
        newskit.dask.analyze_bag([], toy_config())


# -- Pipeline.pipe(n_process=2) -----------------------------------------------------------


def test_two_processes_give_the_single_process_results_errors_included():
    pipeline = toy_pipeline()
    docs = toy_records(50)
    serial = list(pipeline.pipe(docs))
    parallel_results = list(pipeline.pipe(docs, n_process=2, batch_size=4))
    assert parallel_results == serial
    assert [r.document.stable_id for r in parallel_results] == [
        newskit.Document.from_dict(d).stable_id for d in docs
    ]
    failed = [i for i, r in enumerate(parallel_results) if r.errors]
    assert failed == [i for i in range(50) if i % 7 == 3]
    for i in failed:
        result = parallel_results[i]
        assert [e.component for e in result.errors] == ["boom", "after"]
        assert result.errors[1].skipped
        assert result.of_kind("tally") and not result.of_kind("echo")
    ok = parallel_results[0]
    assert ok.of_kind("echo")[0].value == 1
    assert ok.get(ok.of_kind("tally")[0].refs["first"]).text == "Story"


def test_results_from_worker_processes_are_as_read_only_and_complete_as_local_ones():
    # Workers send results back in a compact form; the parent rebuilds them.
    pipeline = toy_pipeline()
    docs = [newskit.Document.from_dict(d) for d in toy_records(9)] + ["a bare string, Story"]
    parallel_results = list(pipeline.pipe(docs, n_process=2, batch_size=2))
    assert parallel_results == list(pipeline.pipe(docs))
    assert parallel_results[0].document is docs[0]  # the caller's own document, not a copy
    assert parallel_results[-1].document == newskit.Document("a bare string, Story")
    for result in parallel_results:
        assert result.provenance == pipeline.provenance
        for finding in result.findings:
            assert finding.text == (
                None if finding.start is None else result.document.text[finding.start:finding.end]
            )
            with pytest.raises(TypeError, match="immutable"):
                finding.attributes["added"] = 1  # type: ignore[index]
            with pytest.raises(TypeError, match="immutable"):
                finding.refs["added"] = "x"  # type: ignore[index]


def test_a_parallel_run_leaves_the_garbage_collector_as_it_found_it():
    import gc

    assert gc.get_freeze_count() == 0
    thresholds = gc.get_threshold()
    eased = toy_pipeline().pipe(toy_records(10), n_process=2, batch_size=2)
    next(eased)
    assert gc.get_threshold()[0] > thresholds[0]  # young collections wait for a batch's results
    eased.close()
    assert gc.get_threshold() == thresholds
    one = toy_pipeline().pipe(toy_records(10), batch_size=2)  # one process: the same
    next(one)
    assert gc.get_freeze_count() > 0
    one.close()
    assert gc.get_freeze_count() == 0
    results = toy_pipeline().pipe(toy_records(10), n_process=2, batch_size=2)
    next(results)
    assert gc.get_freeze_count() > 0  # the heap of the parent is exempt while the pool runs
    results.close()
    assert gc.get_freeze_count() == 0
    gc.freeze()  # a heap the caller froze stays frozen
    try:
        list(toy_pipeline().pipe(toy_records(4), n_process=2, batch_size=2))
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def no_children_left(seconds: float = 10.0) -> bool:
    """Whether every worker process is gone (a terminated worker takes a moment to exit)."""
    deadline = time.monotonic() + seconds
    while multiprocessing.active_children():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_component_error_in_a_worker_reaches_the_caller():
    pipeline = toy_pipeline(on_error="raise")
    with pytest.raises(newskit.ComponentError, match="'boom'") as info:
        list(pipeline.pipe(toy_records(20), n_process=2, batch_size=2))
    assert info.value.component == "boom"
    assert no_children_left()


def test_with_two_processes_this_one_analyses_batches_too(monkeypatch):
    # n_process counts this process: one worker, and the parent takes a batch whenever the
    # worker has two waiting. Forked workers run their own copy of the counter below.
    from newskit import _parallel

    monkeypatch.setenv("NEWSKIT_TOY_DELAY", "0.002")
    here = []
    analyse = _parallel._analyse
    monkeypatch.setattr(_parallel, "_analyse", lambda p, batch: here.append(len(batch)) or analyse(p, batch))
    pipeline = toy_pipeline(components=("caps", "tally", "slow"))
    docs = toy_records(60)
    parallel_results = list(pipeline.pipe(docs, n_process=2, batch_size=3))
    assert len(multiprocessing.active_children()) <= 1
    assert 0 < sum(here) < 60  # some batches here, the others in the worker
    assert parallel_results == list(pipeline.pipe(docs))


@pytest.mark.parametrize("n_process", [2, 3])
def test_a_failure_stops_the_run_where_one_process_stops_it(n_process):
    # The same results before the failing document, then its error, whichever process
    # analysed the batch that failed (record 3 fails; batches of 4 hold it mid-batch).
    pipeline = toy_pipeline(on_error="raise")
    docs = [d for i, d in enumerate(toy_records(30)) if i != 3]  # first failure: record 10
    serial, parallel_results = [], []
    with pytest.raises(newskit.ComponentError, match="'boom'"):
        for result in pipeline.pipe(docs, batch_size=4):
            serial.append(result)
    with pytest.raises(newskit.ComponentError, match="'boom'"):
        for result in pipeline.pipe(docs, n_process=n_process, batch_size=4):
            parallel_results.append(result)
    assert len(serial) == 9 and parallel_results == serial
    assert no_children_left()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are a Linux setting")
def test_the_pipes_hold_a_whole_batch():
    import fcntl

    from newskit import _parallel

    reader, writer = multiprocessing.Pipe(duplex=False)
    try:
        _parallel._widen(reader, writer)
        sizes = [fcntl.fcntl(end.fileno(), fcntl.F_GETPIPE_SZ) for end in (reader, writer)]
    finally:
        reader.close()
        writer.close()
    with open("/proc/sys/fs/pipe-max-size") as fh:
        limit = int(fh.read())
    if limit <= 64 * 1024:
        pytest.skip(f"this machine caps pipes at {limit} bytes")
    assert min(sizes) >= min(1 << 20, limit)


def test_a_worker_that_dies_stops_the_run_with_an_error_that_says_so(monkeypatch):
    monkeypatch.setenv("NEWSKIT_TOY_DELAY", "0.01")
    results = toy_pipeline(components=("caps", "slow")).pipe(toy_records(200), n_process=2, batch_size=2)
    next(results)
    (worker,) = multiprocessing.active_children()
    os.kill(worker.pid, signal.SIGKILL)
    with pytest.raises(newskit.PluginError, match="stopped abruptly"):
        list(results)
    assert no_children_left()


def test_documents_that_do_not_pickle_are_analysed_in_this_process():
    import threading

    class Unpicklable(dict):  # a mapping with a lock in it cannot cross to a worker
        pass

    docs = [Unpicklable(d, lock=threading.Lock()) if i % 3 == 0 else d
            for i, d in enumerate(toy_records(12))]
    pipeline = toy_pipeline()
    assert list(pipeline.pipe(docs, n_process=2, batch_size=2)) == list(pipeline.pipe(docs))


@pytest.mark.parametrize("n_process", [2, 3])
def test_a_failing_input_iterator_keeps_the_results_before_it(n_process):
    # One process gives every result the iterator yielded, then its error: so must several.
    def documents():
        yield from toy_records(10)
        raise RuntimeError("the source broke")

    pipeline = toy_pipeline()
    for n in (1, n_process):
        got = []
        with pytest.raises(RuntimeError, match="source broke"):
            for result in pipeline.pipe(documents(), n_process=n, batch_size=4):
                got.append(result)
        assert got == list(pipeline.pipe(toy_records(10)))
    assert no_children_left()


def test_stopping_early_stops_the_workers():
    results = toy_pipeline().pipe(toy_records(400), n_process=2, batch_size=2)
    first = [next(results) for _ in range(3)]
    assert len(first) == 3
    results.close()
    assert no_children_left()


@pytest.mark.skipif(sys.platform.startswith("win"), reason="SIGINT to a process is POSIX")
def test_workers_ignore_ctrl_c_so_that_only_the_parent_decides(monkeypatch):
    # A terminal's Ctrl-C reaches every process of the group; a worker must not die of it
    # (the parent stops the run, see test_interrupt.py). Here only the workers get it.
    monkeypatch.setenv("NEWSKIT_TOY_DELAY", "0.01")
    results = toy_pipeline(components=("caps", "slow")).pipe(toy_records(40), n_process=3, batch_size=2)
    got = [next(results)]
    workers = multiprocessing.active_children()
    assert len(workers) == 2  # this process is the third
    for worker in workers:
        os.kill(worker.pid, signal.SIGINT)
    got.extend(results)
    assert len(got) == 40 and not any(r.errors for r in got)


def test_a_worker_that_cannot_build_the_pipeline_says_why():
    from newskit import _parallel

    pipeline = toy_pipeline(components=("caps", "homesick"))
    with pytest.raises(newskit.PluginError, match="could not build the pipeline.*importable"):
        list(_parallel.pool_pipe(pipeline.config, toy_records(4), 2, 1))


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="fork start method")
def test_results_cross_as_marshal_or_pickle_and_come_back_the_same(monkeypatch):
    # Plain results travel as marshal bytes; a batch that marshal refuses (here: an error
    # record) travels by pickle. Both must rebuild exactly what the worker made.
    from newskit import _parallel

    pipeline = toy_pipeline()
    docs = [newskit.Document.from_dict(d) for d in toy_records(8)]
    monkeypatch.setitem(_parallel._WORKER, "pipeline", pipeline)
    serial = list(pipeline.pipe(docs))
    kinds = set()
    for batch in (docs[:3], docs[3:]):  # record 3 fails (an error record), 0-2 do not
        sent = _parallel._run_batch(batch)
        kinds.add(type(sent[1]))
        rebuilt = [_parallel._expand(d, c, sent[0]) for d, c in
                   zip(batch, marshal.loads(sent[1]) if isinstance(sent[1], bytes) else sent[1])]
        expected = serial[docs.index(batch[0]):docs.index(batch[-1]) + 1]
        assert rebuilt == expected
        for got, want in zip(rebuilt, expected):
            for a, b in zip(got.findings, want.findings):
                assert type(a.value) is type(b.value)
                assert {k: type(v) for k, v in a.attributes.items()} == {
                    k: type(v) for k, v in b.attributes.items()}
    assert kinds == {bytes, list}


def test_forked_workers_reuse_the_parents_built_pipeline():
    # "homesick" builds only in this process: the workers must not build it again.
    from newskit import _parallel
    from newskit._serialize import result_to_json

    pipeline = toy_pipeline(components=("caps", "homesick"))
    docs = toy_records(6)
    lines = list(_parallel.pool_pipe(pipeline.config, docs, 2, 1, encode=result_to_json, pipeline=pipeline))
    assert lines == [result_to_json(r) for r in pipeline.pipe(docs)]
    assert not _parallel._INHERITED


# -- the bundled plugins, when they load --------------------------------------------------


@pytest.mark.slow
def test_bundled_plugins_give_the_same_results_in_every_mode():
    from newskit._demo import sample_documents

    try:
        pipeline = newskit.Pipeline(on_error="record")
    except newskit.NewskitError as exc:  # their own tests report it; here it is no scale-out bug
        pytest.skip(f"the bundled plugins do not build: {exc}")
    if not pipeline.components:
        pytest.skip("no bundled plugin component is installed")
    docs = sample_documents()
    serial = list(pipeline.pipe(docs))
    assert list(pipeline.pipe(docs, n_process=2, batch_size=1)) == serial
    records = [d.to_dict() for d in docs]
    assert parallel.process_partition(records, pipeline.config) == [result_to_dict(r) for r in serial]


@pytest.mark.slow
def test_spawned_workers_as_on_macos_and_windows_give_the_same_results(monkeypatch):
    # There workers start a fresh interpreter, import the plugins and build the pipeline.
    from newskit import _parallel

    monkeypatch.setattr(_parallel, "_forking_unsafe", lambda: True)
    pipeline = toy_pipeline()
    docs = toy_records(30)
    assert list(pipeline.pipe(docs, n_process=2, batch_size=4)) == list(pipeline.pipe(docs))
    assert no_children_left()
