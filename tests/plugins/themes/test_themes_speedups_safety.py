"""The C engine stays correct when it is called again while a call is inside it.

``Engine.run`` calls back into Python (``describe`` for an unseen spelling, and the garbage
collector may run finalisers and callbacks whenever the engine allocates a Python object).
That Python code may call the same component again: re-entrantly, or from another thread
that takes the GIL meanwhile. Such a call must not change the engine's tables under the
running one (they are reallocated as they grow); it takes the Python path instead. A
process forked while a call was inside the engine gets a usable engine.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import threading
import warnings
from pathlib import Path

import pytest

from newskit_themes import _engine
from newskit_themes._config import ThemesConfig

try:
    from newskit_themes import _speedups  # noqa: F401
    HAVE_C = True
except ImportError:  # pragma: no cover - no compiler where the package was installed
    HAVE_C = False

pytestmark = pytest.mark.skipif(not HAVE_C, reason="the C accelerator is not built")

DEV = Path(__file__).resolve().parents[3] / "benchmarks" / "accuracy" / "themes" / "dev.jsonl"
CONFIG = ThemesConfig(threshold=0.0, max_tags=60)  # every candidate: the most output to compare


def _texts() -> list[str]:
    return [json.loads(line)["text"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def _plain(findings):
    return [(f.value, f.confidence, repr(f.attributes)) for f in findings]


@pytest.fixture(scope="module")
def rules():
    return _engine.build_rules(CONFIG)


@pytest.fixture(scope="module")
def slow(rules):
    return _engine.ThemeTagger(CONFIG, rules, accelerate=False)


def _at_the_engine_call() -> bool:
    """Whether the Python code running now was called from the line that calls ``Engine.run``."""
    frame = sys._getframe(2)
    return frame.f_code is _engine.ThemeTagger._findings_c.__code__ and "self._c.run(" in _line(frame)


def _line(frame) -> str:
    import linecache

    return linecache.getline(frame.f_code.co_filename, frame.f_lineno)


def test_a_call_made_while_the_engine_runs_leaves_its_tables_alone(rules, slow):
    texts = _texts()
    state = {"busy": False, "inside": 0, "changed": 0, "wrong": 0, "tagger": None}

    def callback(phase, info):
        # the collector starts while the engine allocates a Python object: call it again
        # with words it has not seen (they would grow its tables)
        if phase != "start" or state["busy"] or not _at_the_engine_call():
            return
        state["busy"] = True
        try:
            tagger = state["tagger"]
            # the line also builds the call's arguments: is a call inside the engine now?
            if tagger._c.run("probe", None, -1, None) is not None:
                return
            k = state["inside"] % 10
            piece = " ".join(texts[20 + 7 * k: 27 + 7 * k])
            piece = piece.upper() if k % 2 else piece
            before = tagger._c.surfaces()
            got = tagger.findings(piece, None)
            state["inside"] += 1
            state["changed"] += tagger._c.surfaces() != before
            state["wrong"] += _plain(got) != _plain(slow.findings(piece, None))
        finally:
            state["busy"] = False

    threshold = gc.get_threshold()
    wrong = 0
    for text in texts[:12]:
        tagger = state["tagger"] = _engine.ThemeTagger(CONFIG, rules)
        assert tagger._c is not None
        gc.callbacks.append(callback)
        gc.set_threshold(1)  # a collection at nearly every allocation of a container
        try:
            got = tagger.findings(text, None)
        finally:
            gc.set_threshold(*threshold)
            gc.callbacks.remove(callback)
        wrong += _plain(got) != _plain(slow.findings(text, None))
    assert state["inside"] >= 5  # calls were made while another was inside the engine
    assert state["changed"] == 0  # they took the Python path
    assert state["wrong"] == 0 and wrong == 0


@pytest.mark.parametrize("accelerate", [True, False], ids=["c", "python"])
def test_threads_sharing_one_component_get_the_serial_findings(rules, slow, accelerate):
    # Both paths fill shared word caches; a thread's call must not see another's half-done.
    texts = _texts()
    want = [_plain(slow.findings(t, None)) for t in texts]
    shared = _engine.ThemeTagger(CONFIG, rules, accelerate=accelerate)  # cold: every thread meets new words
    got: dict[int, list] = {}
    errors: list[BaseException] = []
    interval = sys.getswitchinterval()

    def work(offset: int) -> None:
        try:
            for i in range(offset, len(texts), 4):
                got[i] = _plain(shared.findings(texts[i], None))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for _round in range(3):
            threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert not errors
            assert [got[i] for i in range(len(texts))] == want
    finally:
        sys.setswitchinterval(interval)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_process_forked_while_another_thread_is_in_a_call_gets_a_working_engine(rules, slow, monkeypatch):
    """``fork()`` while another thread's call is inside the engine: that thread does not
    exist in the child, so its call must not keep the child's engine marked busy (every
    call would take the slow path) and the tables must be whole."""
    texts = _texts()
    describe = _engine.ThemeTagger._describe
    entered, release = threading.Event(), threading.Event()

    def waiting_describe(self, btok):
        if not entered.is_set():
            entered.set()
            release.wait(30)
        return describe(self, btok)

    monkeypatch.setattr(_engine.ThemeTagger, "_describe", waiting_describe)
    tagger = _engine.ThemeTagger(CONFIG, rules)
    first: list = []
    worker = threading.Thread(target=lambda: first.append(tagger.findings(texts[0], None)))
    worker.start()
    try:
        assert entered.wait(30)
        read, write = os.pipe()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork() with threads (3.12+)
            pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            code = 1
            try:
                os.close(read)
                before = tagger._c.surfaces()
                ok = all(_plain(tagger.findings(t, None)) == _plain(slow.findings(t, None)) for t in texts[:10])
                grew = tagger._c.surfaces() > before  # the C engine did the work
                os.write(write, b"%d %d" % (ok, grew))
                code = 0
            finally:
                os._exit(code)
        os.close(write)
    finally:
        release.set()
        worker.join()
    _pid, status = os.waitpid(pid, 0)
    answer = os.read(read, 100).decode()
    os.close(read)
    assert os.waitstatus_to_exitcode(status) == 0
    assert answer == "1 1"
    assert _plain(first[0]) == _plain(slow.findings(texts[0], None))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_process_forked_by_the_running_call_itself_keeps_it_safe(rules, slow, monkeypatch):
    """``fork()`` from Python code the engine runs: in the child that call goes on, so a
    call made meanwhile must still take the Python path (and both must be right)."""
    texts = _texts()
    describe = _engine.ThemeTagger._describe
    state: dict = {}

    def forking_describe(self, btok):
        if "pid" not in state:
            state["pid"] = os.fork()
            if state["pid"] == 0:  # the child: a call while the forked one is inside
                before = self._c.surfaces()
                state["inner"] = _plain(self.findings(texts[1], None))
                state["inner_changed"] = self._c.surfaces() != before
        return describe(self, btok)

    monkeypatch.setattr(_engine.ThemeTagger, "_describe", forking_describe)
    tagger = _engine.ThemeTagger(CONFIG, rules)
    read, write = os.pipe()
    got = _plain(tagger.findings(texts[0], None))
    if state["pid"] == 0:  # pragma: no cover - runs in the child
        ok = (got == _plain(slow.findings(texts[0], None)) and not state["inner_changed"]
              and state["inner"] == _plain(slow.findings(texts[1], None)))
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.close(write)
    _pid, status = os.waitpid(state["pid"], 0)
    answer = os.read(read, 10)
    os.close(read)
    assert os.waitstatus_to_exitcode(status) == 0 and answer == b"1"
    assert got == _plain(slow.findings(texts[0], None))


def test_fork_after_use_keeps_the_engine_valid(rules, slow):
    texts = _texts()
    tagger = _engine.ThemeTagger(CONFIG, rules)
    for t in texts[:30]:
        tagger.findings(t, None)
    if not hasattr(os, "fork"):  # pragma: no cover
        pytest.skip("needs os.fork")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            os.close(read)
            ok = all(_plain(tagger.findings(t, None)) == _plain(slow.findings(t, None)) for t in texts)
            os.write(write, b"1" if ok else b"0")
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    _pid, status = os.waitpid(pid, 0)
    answer = os.read(read, 10)
    os.close(read)
    assert os.waitstatus_to_exitcode(status) == 0 and answer == b"1"
    assert all(_plain(tagger.findings(t, None)) == _plain(slow.findings(t, None)) for t in texts[:10])


def test_run_rejects_a_headline_end_outside_the_text(rules):
    tagger = _engine.ThemeTagger(CONFIG, rules)
    for nl in (-2, 4, sys.maxsize):
        with pytest.raises(ValueError):
            tagger._c.run("abc", None, nl, None)
    assert tagger._c.run("abc", None, 3, None) == []
