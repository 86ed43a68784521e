"""Ctrl-C during `newskit analyze --n-process 2`: a clean stop, whole lines, and --resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests import _toy_plugins as toy

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform.startswith("win"), reason="process groups and SIGINT are POSIX"),
]

N_RECORDS = 300


def analyze(corpus, out, env, *extra):
    argv = [sys.executable, "-m", "newskit", "analyze", str(corpus), "-o", str(out),
            "--n-process", "2", "--batch-size", "4", "--components", "caps,tally,slow",
            "--no-progress", *extra]
    # A session of its own, so that the signal can go to the whole process group, workers
    # included, as a terminal sends Ctrl-C.
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def lines_of(path):
    return path.read_bytes().split(b"\n") if path.exists() else [b""]


def group_gone(pgid, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_ctrl_c_stops_cleanly_and_resume_completes_the_output(tmp_path):
    env = toy.entry_point_env(tmp_path / "site")
    corpus = toy.write_corpus(tmp_path / "corpus.jsonl", toy.toy_records(N_RECORDS), {4: "{torn"})
    n_lines = N_RECORDS + 1

    # The reference: the same command, not interrupted (and fast).
    full = tmp_path / "full.jsonl"
    done = analyze(corpus, full, env)
    done.communicate(timeout=120)
    assert done.returncode == 1  # the torn line is an error result, so exit 1
    assert len(full.read_text("utf-8").splitlines()) == n_lines

    # Each document now takes 20 ms in a worker: about three seconds in all on two.
    out = tmp_path / "out.jsonl"
    proc = analyze(corpus, out, {**env, "NEWSKIT_TOY_DELAY": "0.02"})
    deadline = time.monotonic() + 60
    while len(lines_of(out)) < 25 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)

    assert proc.returncode == 130, stderr
    assert "interrupted after" in stderr and "--resume" in stderr
    assert "Traceback" not in stderr  # workers ignored the signal: no KeyboardInterrupt dumps
    assert group_gone(proc.pid), "worker processes outlived the interrupted run"
    data = out.read_bytes()
    assert data.endswith(b"\n")
    written = data.decode("utf-8").splitlines()
    assert 25 <= len(written) < n_lines
    for line in written:
        json.loads(line)  # every line whole
    reference = full.read_text("utf-8").splitlines()
    assert written == reference[: len(written)]

    resumed = analyze(corpus, out, env, "--resume")
    _, stderr = resumed.communicate(timeout=120)
    assert resumed.returncode in (0, 1), stderr  # 1: the torn line (or a skipped one) failed
    assert out.read_text("utf-8").splitlines() == reference
