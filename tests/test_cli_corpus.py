"""Corpus runs lose nothing: ``newskit analyze corpus.jsonl -o out.jsonl`` on broken input.

One output line per input line, in order, a per-line error naming ``file:line`` and the
fix, exit code 1 with a summary on stderr; usage errors exit 2 before any output is
written; a killed run leaves whole lines and ``--resume`` completes it exactly.

Most runs call ``newskit.cli.main(argv)`` in process with toy plugins served through a
patched entry-point list (fast, deterministic); a few run ``python -m newskit`` for real.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import newskit
from newskit import ComponentSpec, Finding
from newskit._serialize import result_from_json
from newskit.cli import main

# -- toy plugins, served as entry points ---------------------------------------------------

_CAPS = re.compile(r"\b[A-Z][a-z]+")


def _caps(view):
    return [Finding("cap", m.start(), m.end(), m.group()) for m in _CAPS.finditer(view.text)]


def _fragile(view):
    if "BOOM" in view.text:
        raise ValueError("this component cannot read BOOM")
    return [Finding("mark", None, None, None, label=f"{len(view.of_kind('cap'))} caps")]


class Toys:
    """Two components: ``caps`` finds capitalised words, ``fragile`` fails on 'BOOM'."""

    __name__ = "toys"

    @newskit.hookimpl
    def newskit_components(self):
        return [
            ComponentSpec("caps", factory=lambda config: _caps, provides="cap"),
            ComponentSpec("fragile", factory=lambda config: _fragile, provides="mark", uses="cap"),
        ]


class FakeEntryPoint:
    """Just what the registry reads of an ``importlib.metadata.EntryPoint``."""

    group = "newskit"
    dist = None

    def __init__(self, name, plugin=None, error=None):
        self.name = name
        self.value = f"fake_{name}_module"
        self._plugin = plugin
        self._error = error

    def load(self):
        if self._error is not None:
            raise self._error
        return self._plugin


@pytest.fixture
def toys(monkeypatch, tmp_path):
    """The CLI sees exactly the toy plugin; no config file of the working directory leaks in."""
    monkeypatch.setattr("newskit._plugins.entry_points", lambda: (FakeEntryPoint("toys", Toys()),))
    for var in ("NEWSKIT_LOAD_PLUGINS", "NEWSKIT_DISABLE_PLUGINS", "NEWSKIT_STRICT_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _line(**fields) -> bytes:
    return json.dumps(fields, ensure_ascii=False).encode("utf-8")


HUGE = "x" * 3_000_000  # one 3 MB line

#: (raw line, fragments its error must contain — None for a line that must analyse cleanly)
CORPUS: list[tuple[bytes, tuple[str, ...] | None]] = [
    (_line(id="a", text="Merkel met Macron in Paris."), None),
    (b'{"id": "b", "text": "torn', ("not valid JSON", "Unterminated string", "repair or remove")),
    (b'{"id": "c", "text": "caf\xe9 au lait"}', ("EncodingError", "not valid UTF-8", "re-encode")),
    (_line(id="d", title="no body"), ("no 'text' field", "id, title", "add the article body")),
    (_line(id="e", text=42), ("'text' must be a JSON string", "a number", "quoted string")),
    (_line(id="f", text="x", published_at=1700000000.5), ("published_at", "float", "ISO-8601")),
    (_line(id=["g"], text="x"), ("Document.id must be a string", "list", "string id")),
    (b"", ("empty line", "remove it")),
    (b"   \t", ("empty line",)),
    (_line(id="a", text="Same id again."), ("DuplicateId", "already used at corpus.jsonl:1", "unique id")),
    (_line(id="h", text=HUGE), None),
    (b"[1, 2, 3]", ("not an array", "wrap the article")),
    (b"[" * 100_000 + b"]" * 100_000, ("nested too deeply",)),
    (_line(id="i", text="x", metadata="oops"), ("Document.metadata must be an object", "e.g.")),
    (_line(id="j", text="x", published_at="yesterday"), ("not an ISO-8601 date", "2024-10-02")),
    (_line(id="k", text="x", title=7), ("Document.title must be a str", "as a string")),
    (b'{"id": "l", "text": "lone \\ud800 surrogate"}', None),
    (b'\xef\xbb\xbf{"id": "m", "text": "After a byte-order mark."}', None),
    (_line(text="No id: Bonn derives one."), None),
    (_line(id="n", text="Boris said BOOM."), ("fragile", "ValueError", "cannot read BOOM")),
    (_line(id="o", text="The end, said Olaf.\r"), None),
]


def _write_corpus(path: Path, lines=CORPUS) -> Path:
    path.write_bytes(b"\n".join(raw for raw, _ in lines) + b"\n")
    return path


def _read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _messages(record: dict) -> str:
    return " | ".join(f"{e['component']} {e['error']}: {e['message']}" for e in record["errors"])


# -- a corpus with every kind of bad line --------------------------------------------------


@pytest.fixture
def bad_run(toys, capsys):
    corpus = _write_corpus(toys / "corpus.jsonl")
    out = toys / "out.jsonl"
    code = main(["analyze", str(corpus.name), "-o", str(out)])
    return code, out, capsys.readouterr()


def test_bad_corpus_gives_one_output_line_per_input_line_in_order(bad_run):
    code, out, _ = bad_run
    assert code == 1
    records = _read_lines(out)
    assert len(records) == len(CORPUS)
    for lineno, (record, (raw, expected)) in enumerate(zip(records, CORPUS), 1):
        # Every line is a valid result (offsets, refs) that reads back.
        result_from_json(record)
        if expected is None:
            assert record["errors"] == [], f"line {lineno}: {_messages(record)}"
        elif record["errors"] and record["errors"][0]["error"] == "InputError":
            # An unreadable line stands in for itself, named by its place.
            assert record["document"]["id"] == f"corpus.jsonl:{lineno}"


@pytest.mark.parametrize(
    "lineno", [n for n, (_, expected) in enumerate(CORPUS, 1) if expected is not None]
)
def test_each_bad_line_says_where_what_and_the_fix(bad_run, lineno):
    _, out, _ = bad_run
    record = _read_lines(out)[lineno - 1]
    messages = _messages(record)
    assert record["errors"], f"line {lineno} should have an error"
    for fragment in CORPUS[lineno - 1][1]:
        assert fragment in messages, f"line {lineno}: {fragment!r} not in {messages!r}"
    if record["errors"][0]["component"] is None:  # input problems name file and line
        assert f"corpus.jsonl:{lineno}" in messages


def test_good_lines_keep_their_text_exactly(bad_run):
    _, out, _ = bad_run
    by_id = {r["document"]["id"]: r for r in _read_lines(out)}
    assert by_id["h"]["document"]["text"] == HUGE
    assert by_id["l"]["document"]["text"] == "lone \ud800 surrogate"
    assert by_id["m"]["document"]["text"] == "After a byte-order mark."
    assert by_id["c"]["document"]["text"] == "caf\ufffd au lait"  # kept, with the error above
    first = _read_lines(out)[0]  # (id "a" comes twice; by_id holds the second)
    assert [f["text"] for f in first["findings"] if f["kind"] == "cap"] == ["Merkel", "Macron", "Paris"]


def test_bad_corpus_summary_on_stderr(bad_run):
    _, _, captured = bad_run
    assert captured.out == ""  # data went to -o, diagnostics to stderr
    failed = sum(1 for _, expected in CORPUS if expected is not None)
    # Every bad line but the ones that still become documents (bad bytes, a reused id, BOOM).
    unreadable = sum(
        1 for _, e in CORPUS if e and e[0] not in {"EncodingError", "DuplicateId", "fragile"}
    )
    assert f"{len(CORPUS)} documents in" in captured.err
    assert f"{failed} with errors ({unreadable} unreadable input lines)" in captured.err
    assert "corpus.jsonl:2: not valid JSON" in captured.err  # the first problems are listed
    assert f"and {failed - 5} more" in captured.err
    assert "'errors' field" in captured.err


def test_parallel_run_writes_the_same_lines(toys, capsys, bad_run):
    code, out, _ = bad_run
    out2 = toys / "out2.jsonl"
    assert main(["analyze", "corpus.jsonl", "-o", str(out2), "--n-process", "2", "--batch-size", "3"]) == 1
    assert out2.read_bytes() == out.read_bytes()


def test_clean_corpus_exits_0(toys, capsys):
    corpus = _write_corpus(toys / "clean.jsonl", [(_line(id=str(i), text=f"Anna met Ben {i}."), None) for i in range(5)])
    assert main(["analyze", str(corpus), "-o", "out.jsonl"]) == 0
    records = _read_lines(toys / "out.jsonl")
    assert [r["document"]["id"] for r in records] == ["0", "1", "2", "3", "4"]
    assert all(r["errors"] == [] for r in records)
    err = capsys.readouterr().err
    assert "5 documents in" in err and "0 with errors" in err


def test_json_and_table_formats_also_keep_every_line(toys, capsys):
    _write_corpus(toys / "corpus.jsonl")
    assert main(["analyze", "corpus.jsonl", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert len(data) == len(CORPUS)
    assert data[1]["errors"][0]["error"] == "InputError"
    assert main(["analyze", "corpus.jsonl", "--format", "table"]) == 1
    assert "corpus.jsonl:2" in capsys.readouterr().out


def test_text_file_with_bad_bytes_is_analysed_and_flagged(toys, capsys):
    (toys / "story.txt").write_bytes(b"Berlin \xff\xfe said hello.")
    assert main(["analyze", "story.txt"]) == 1
    record = json.loads(capsys.readouterr().out)
    assert record["document"]["text"] == "Berlin \ufffd\ufffd said hello."
    assert record["errors"][0]["error"] == "EncodingError"
    assert "story.txt: not valid UTF-8 at byte 7" in record["errors"][0]["message"]


# -- usage errors exit 2, before anything is written ----------------------------------------


@pytest.mark.parametrize(
    ("argv", "files", "fragments"),
    [
        (["missing.jsonl"], {}, ["'missing.jsonl' does not exist"]),
        (["c.jsonl", "--published", "last week"], {}, ["--published", "'last week'", "ISO-8601"]),
        (["c.jsonl", "--components", "caps,nope"], {}, ["unknown component 'nope'", "caps, fragile"]),
        (["c.jsonl", "--config", "bad.toml"], {"bad.toml": "[caps\n"}, ["bad.toml", "not valid TOML", "line 1"]),
        (["c.jsonl", "--config", "none.toml"], {}, ["'none.toml' does not exist"]),
        (["c.jsonl", "--config", "x.toml"], {"x.toml": "[capz]\n"}, ["x.toml:1", "[capz]", "caps, fragile"]),
        (["c.jsonl", "-s", "caps"], {}, ["'caps'", "component.key=value"]),
        (["c.jsonl", "-s", "caps.limit=3"], {}, ["'caps' takes no configuration", "-s caps.limit=3"]),
        (["c.jsonl", "--resume"], {}, ["--resume needs -o"]),
    ],
    ids=["missing-file", "bad-published", "unknown-component", "toml-syntax", "no-config",
         "unknown-table", "bad-override", "unknown-setting", "resume-without-o"],
)
def test_usage_errors_exit_2_and_write_nothing(toys, capsys, argv, files, fragments):
    _write_corpus(toys / "c.jsonl")
    for name, content in files.items():
        (toys / name).write_text(content)
    code = main(["analyze", *argv, "-o", "out.jsonl"] if "--resume" not in argv else ["analyze", *argv])
    err = capsys.readouterr().err
    assert code == 2, err
    for fragment in fragments:
        assert fragment in err
    assert not (toys / "out.jsonl").exists()


# -- killed runs and --resume ----------------------------------------------------------------


@pytest.fixture
def reference(toys, capsys):
    """A corpus and the output of one uninterrupted run over it."""
    corpus = _write_corpus(toys / "corpus.jsonl")
    main(["analyze", "corpus.jsonl", "-o", "full.jsonl"])
    capsys.readouterr()
    return corpus, (toys / "full.jsonl").read_bytes()


def _cut(data: bytes, lines: int, extra: int) -> bytes:
    """The first ``lines`` whole lines plus ``extra`` bytes of the next: a torn write."""
    end = 0
    for _ in range(lines):
        end = data.index(b"\n", end) + 1
    return data[: end + extra]


@pytest.mark.parametrize("lines", [0, 1, 3, 10, 12, len(CORPUS) - 1])
@pytest.mark.parametrize("extra", [0, 1, 57])
def test_resume_completes_a_torn_output_exactly(reference, toys, capsys, lines, extra):
    _, full = reference
    out = toys / "out.jsonl"
    out.write_bytes(_cut(full, lines, extra))
    assert main(["analyze", "corpus.jsonl", "-o", "out.jsonl", "--resume"]) == 1
    assert out.read_bytes() == full  # every line once, in order, nothing doubled
    err = capsys.readouterr().err
    assert f"{len(CORPUS) - lines} documents in" in err
    if lines:
        assert f"{lines} already in out.jsonl" in err


def test_resume_of_a_finished_run_adds_nothing_and_keeps_the_exit_code(reference, toys, capsys):
    _, full = reference
    (toys / "out.jsonl").write_bytes(full)
    assert main(["analyze", "corpus.jsonl", "-o", "out.jsonl", "--resume"]) == 1
    assert (toys / "out.jsonl").read_bytes() == full
    assert "0 documents in" in capsys.readouterr().err


def test_resume_in_parallel(reference, toys, capsys):
    _, full = reference
    (toys / "out.jsonl").write_bytes(_cut(full, 4, 9))
    argv = ["analyze", "corpus.jsonl", "-o", "out.jsonl", "--resume", "--n-process", "2", "--batch-size", "2"]
    assert main(argv) == 1
    assert (toys / "out.jsonl").read_bytes() == full


def test_resume_refuses_output_of_other_inputs(reference, toys, capsys):
    _, full = reference
    other = _write_corpus(toys / "other.jsonl", [(_line(id="zz", text="Other."), None)] * 2)
    (toys / "out.jsonl").write_bytes(_cut(full, 1, 0))
    assert main(["analyze", str(other.name), "-o", "out.jsonl", "--resume"]) == 2
    err = capsys.readouterr().err
    assert "line 1 of out.jsonl is document 'a'" in err and "other.jsonl:1" in err
    assert (toys / "out.jsonl").read_bytes() == _cut(full, 1, 0)  # untouched


def test_resume_refuses_a_longer_output(reference, toys, capsys):
    _, full = reference
    short = _write_corpus(toys / "short.jsonl", CORPUS[:2])
    (toys / "out.jsonl").write_bytes(_cut(full, 3, 0))
    assert main(["analyze", str(short.name), "-o", "out.jsonl", "--resume"]) == 2
    assert "has 3 result lines but the inputs have only 2 items" in capsys.readouterr().err


def test_resume_refuses_a_corrupt_line_in_the_middle(reference, toys, capsys):
    _, full = reference
    lines = full.splitlines(keepends=True)
    broken = b"".join(lines[:2]) + b"{garbage\n" + b"".join(lines[3:5])
    (toys / "out.jsonl").write_bytes(broken)
    assert main(["analyze", "corpus.jsonl", "-o", "out.jsonl", "--resume"]) == 2
    assert "out.jsonl:3 is not a newskit result line" in capsys.readouterr().err
    assert (toys / "out.jsonl").read_bytes() == broken  # nothing cut, nothing appended


# -- the real thing: subprocesses --------------------------------------------------------------

_SLOW_RUNNER = textwrap.dedent(
    """
    import os, sys, time
    import newskit
    from newskit import ComponentSpec, Finding

    def slow(view):
        time.sleep(float(os.environ.get("TOY_DELAY", "0")))
        return [Finding("mark", None, None, None, label="seen")]

    class Slow:
        __name__ = "slow"
        @newskit.hookimpl
        def newskit_components(self):
            return [ComponentSpec("slow", factory=lambda config: slow, provides="mark")]

    class EP:
        name, value, group, dist = "slow", "slow", "newskit", None
        def load(self):
            return Slow()

    import newskit._plugins
    newskit._plugins.entry_points = lambda: (EP(),)
    from newskit.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSKIT_")}
    src = str(Path(newskit.__file__).parent.parent)
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    return env


@pytest.mark.slow
def test_sigkill_mid_run_leaves_whole_lines_and_resume_completes(tmp_path):
    n = 400
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Story {i}."}) + "\n" for i in range(n)))
    runner = tmp_path / "runner.py"
    runner.write_text(_SLOW_RUNNER)
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, str(runner), "analyze", str(corpus), "-o", str(out), "--no-progress"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env={**_env(), "TOY_DELAY": "0.02"}, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if out.exists() and out.read_bytes().count(b"\n") >= 20:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    partial = out.read_bytes()
    complete = partial[: partial.rfind(b"\n") + 1]
    ids = [json.loads(line)["document"]["id"] for line in complete.splitlines()]
    assert 20 <= len(ids) < n, "the run should have been killed part-way"
    assert ids == [f"d{i}" for i in range(len(ids))]  # valid output up to the last whole line

    done = subprocess.run([*cmd, "--resume"], cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"{len(ids)} already in" in done.stderr
    final = [json.loads(line)["document"]["id"] for line in out.read_text().splitlines()]
    assert final == [f"d{i}" for i in range(n)]


@pytest.mark.slow
def test_python_m_newskit_end_to_end_with_installed_plugins(tmp_path):
    """The real entry points, whatever bundled plugins are installed."""
    corpus = _write_corpus(tmp_path / "corpus.jsonl", CORPUS[:13])
    proc = subprocess.run(
        [sys.executable, "-m", "newskit", "analyze", str(corpus), "-o", str(tmp_path / "out.jsonl")],
        cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    records = _read_lines(tmp_path / "out.jsonl")
    assert len(records) == 13
    for record in records:
        result_from_json(record)
    assert records[1]["document"]["id"] == f"{corpus}:2"
    assert "13 documents in" in proc.stderr
    assert "Traceback" not in proc.stderr
