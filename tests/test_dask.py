"""newskit.dask on a real local cluster: two worker processes, results as one process gives."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytest.importorskip("dask.bag")
distributed = pytest.importorskip("distributed")

import dask.bag as db  # noqa: E402

import newskit  # noqa: E402
import newskit.dask  # noqa: E402
from newskit import parallel  # noqa: E402
from newskit._serialize import result_to_dict  # noqa: E402
from tests import _toy_plugins as toy  # noqa: E402
from tests._toy_plugins import TOY, toy_config, toy_records, write_corpus  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
    )
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dask")
    return write_corpus(folder / "corpus.jsonl", toy_records(150), {10: "{not json", 77: '["a list"]'})


def single_process_lines(path):
    """What `newskit analyze` writes for this corpus, with the toy plugin installed.

    There the plugin is named by its entry point, ``toy``; in the cluster runs it is
    registered explicitly and named by its module: provenance says so, the rest is equal.
    """
    folder = path.parent / "cli"
    out = folder / "out.jsonl"
    folder.mkdir(exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "newskit", "analyze", str(path), "-o", str(out), "--components", ",".join(TOY)],
        env=toy.entry_point_env(folder),
        check=False,
        capture_output=True,
        timeout=120,
    )
    text = out.read_text("utf-8").replace('"plugin":"toy"', f'"plugin":"{toy.__name__}"')
    return text.splitlines()


def test_analyze_jsonl_on_two_worker_processes_equals_the_command_line(client, corpus, tmp_path):
    expected = single_process_lines(corpus)
    assert len(expected) == 152
    out = tmp_path / "results.jsonl"
    summary = newskit.dask.analyze_jsonl(str(corpus), out, toy_config(), client=client, blocksize=2_000)
    assert summary == {"documents": 152, "failed": 23, "outputs": [str(out)]}
    assert out.read_text("utf-8").splitlines() == expected
    bad = json.loads(expected[10])
    assert bad["document"]["id"] == f"{corpus}:11" and bad["errors"][0]["error"] == "InputError"
    # The work was spread: both workers ran partitions.
    assert len(client.run(lambda: sorted(parallel._CACHE))) == 2


def test_a_directory_of_parts_holds_the_same_lines_in_order(client, corpus, tmp_path):
    expected = single_process_lines(corpus)
    summary = newskit.dask.analyze_jsonl([str(corpus)], tmp_path / "parts", toy_config(), client=client, blocksize=3_000)
    assert summary["documents"] == 152 and len(summary["outputs"]) > 2
    lines = []
    for part in summary["outputs"]:
        with open(part, encoding="utf-8") as fh:
            lines.extend(fh.read().splitlines())
    assert lines == expected
    with pytest.raises(FileExistsError, match="already holds part files"):
        newskit.dask.analyze_jsonl(str(corpus), tmp_path / "parts", toy_config(), client=client)


def test_analyze_bag_equals_a_single_process_run(client, corpus):
    records = toy_records(60)
    pipeline = newskit.Pipeline(TOY, plugins=[toy], entrypoints=False, on_error="record")
    expected = [result_to_dict(r) for r in pipeline.pipe(records)]
    bag = db.from_sequence(records, npartitions=6)
    assert newskit.dask.analyze_bag(bag, toy_config()).compute() == expected
    lines = db.read_text(str(corpus), blocksize=4_000)
    assert lines.npartitions > 2
    results = newskit.dask.analyze_bag(lines, toy_config()).compute()
    cli = [json.loads(line) for line in single_process_lines(corpus)]
    assert len(results) == len(cli) == 152
    for got, want in zip(results, cli):
        if want["errors"] and want["errors"][0]["error"] == "InputError":
            # read_text gives no line numbers: the bad line is named within its partition
            assert [e["error"] for e in got["errors"]] == ["InputError"]
        else:
            assert got == want


def test_a_config_error_is_raised_before_any_task_runs(client, corpus, tmp_path):
    with pytest.raises(newskit.PlanError):
        newskit.dask.analyze_jsonl(str(corpus), tmp_path / "x.jsonl", {**toy_config(), "components": ["nope"]}, client=client)
    with pytest.raises(FileNotFoundError, match="no input matches"):
        newskit.dask.analyze_jsonl(str(tmp_path / "missing-*.jsonl"), tmp_path / "x.jsonl", toy_config(), client=client)


def test_without_a_client_a_local_cluster_is_started_and_closed(corpus, tmp_path, monkeypatch):
    def no_client():
        raise ValueError("No clients found")

    monkeypatch.setattr(distributed, "default_client", no_client)
    out = tmp_path / "results.jsonl"
    summary = newskit.dask.analyze_jsonl(str(corpus), out, toy_config())
    assert summary["documents"] == 152
    assert out.read_text("utf-8").splitlines() == single_process_lines(corpus)
