"""Safety of the quotes accelerator outside its happy path: objects used before they are
set up, bad tables, and one component shared by several threads or inherited by a fork."""

from __future__ import annotations

import importlib
import os
import sys
import threading
from pathlib import Path

import pytest

from newskit import Document, FindingView
from newskit_quotes import QuotesConfig
from newskit_quotes._finder import _CLASSES, QuoteFinder
from newskit_quotes._lexicon import load_lexicon

ROOT = Path(__file__).resolve().parents[3]

try:
    EXT = importlib.import_module("newskit_quotes._speedups")
except ImportError:  # pragma: no cover - no compiler where the package was installed
    EXT = None

pytestmark = pytest.mark.skipif(EXT is None, reason="the C accelerator is not compiled here")


def _key(findings) -> list[tuple]:
    return [(f.kind, f.start, f.end, f.label, f.value, f.confidence, repr(sorted(f.attributes.items())))
            for f in findings]


def _dev_passages() -> list[str]:
    sys.path.insert(0, str(ROOT / "benchmarks" / "accuracy" / "quotes"))
    try:
        return [p["text"] for p in importlib.import_module("score").load()]
    finally:
        sys.path.pop(0)


def test_a_scanner_used_before_it_is_set_up_raises_instead_of_crashing():
    scanner = EXT.Scanner.__new__(EXT.Scanner)  # no __init__: no trie, no word classes
    with pytest.raises(RuntimeError):
        scanner.cues("the minister said")
    with pytest.raises(ValueError):
        scanner.subject_before("he said", "he said", 3, 0, True)
    with pytest.raises(ValueError):
        scanner.find_cuts("he said", "he said", [], [], [])
    with pytest.raises(ValueError):
        scanner.before('he said: "no"', 'he said: "no"', 7, 9, False)
    assert scanner.is_noun_use("the said", "the said", 4, 0) is False


def test_a_phrase_of_negative_length_is_rejected():
    with pytest.raises(ValueError, match="negative phrase length"):
        EXT.Scanner(["said"], [None], [((None, "said", 0, -10),)])


def test_a_document_without_clause_cuts():
    # find_cuts with nothing to sort (once undefined behaviour: qsort of a null buffer)
    finder = QuoteFinder(load_lexicon(), QuotesConfig())
    scanner = finder._accel.scanner
    assert scanner.find_cuts("", "", [], [], []) == ([], [])
    text = "Nothing was said here"
    assert scanner.find_cuts(text, text.lower(), [], [0], [len(text)]) == ([], [])


def test_threads_sharing_one_component_get_the_serial_findings():
    texts = _dev_passages()
    slow = QuoteFinder(load_lexicon(), QuotesConfig(), accelerate=False)
    want = [_key(slow(FindingView(Document(t)))) for t in texts]
    shared = QuoteFinder(load_lexicon(), QuotesConfig())
    assert shared._accel is not None
    got: dict[int, list] = {}
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(offset, len(texts), 4):
                got[i] = _key(shared(FindingView(Document(texts[i]))))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for _round in range(2):
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
def test_a_forked_process_inherits_a_working_accelerator():
    texts = _dev_passages()
    slow = QuoteFinder(load_lexicon(), QuotesConfig(), accelerate=False)
    fast = QuoteFinder(load_lexicon(), QuotesConfig())
    for t in texts[:10]:
        fast(FindingView(Document(t)))
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            os.close(read)
            ok = all(_key(fast(FindingView(Document(t)))) == _key(slow(FindingView(Document(t))))
                     for t in texts)
            os.write(write, b"1" if ok else b"0")
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    _pid, status = os.waitpid(pid, 0)
    answer = os.read(read, 10)
    os.close(read)
    assert os.waitstatus_to_exitcode(status) == 0 and answer == b"1"


def test_a_scanner_whose_word_classes_failed_to_load_stays_unusable():
    scanner = EXT.Scanner(["said"], [None], [None])
    classes = [[] for _ in _CLASSES]
    classes[3] = ["ok", 42]  # not a str: set_classes fails half-way
    with pytest.raises(TypeError):
        scanner.set_classes(classes, object(), "np", "pronoun", "none")
    with pytest.raises(RuntimeError):
        scanner.set_classes([[] for _ in _CLASSES], object(), "np", "pronoun", "none")
    with pytest.raises(ValueError):  # instead of using the missing fallback object
        scanner.subject_before("and he said", "and he said", 7, 0, True)
    with pytest.raises(ValueError):
        scanner.find_cuts("he said", "he said", [], [], [])
    with pytest.raises(ValueError):
        scanner.before('he said: "no"', 'he said: "no"', 7, 9, False)
