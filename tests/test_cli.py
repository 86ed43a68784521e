"""The command line: formats, plugins/explain/render/demo, and exit codes 0 / 1 / 2."""

import json
import subprocess
import sys
import types

import pytest

import newskit
from newskit.cli import main
from tests.conftest import word_finder
from tests.test_plugins import FakeEntryPoint


def toy_module():
    module = types.ModuleType("toy_marks")

    def factory(config):
        finder = word_finder("mark", "Putin", "PERSON")

        def run(view):
            if "explode" in view.text:
                raise RuntimeError("toy component exploded")
            return finder(view)

        return run

    @newskit.hookimpl
    def newskit_components():
        return [newskit.ComponentSpec("marks", factory=factory, provides=("mark",))]

    module.newskit_components = newskit_components
    return module


@pytest.fixture(autouse=True)
def toy_plugins(monkeypatch):
    monkeypatch.setattr(
        "newskit._plugins.entry_points",
        lambda: (FakeEntryPoint("toy", toy_module()), FakeEntryPoint("broken", error=ImportError("no module named zzz"))),
    )


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text("Putin spoke on Monday. Putin left.", encoding="utf-8")
    return path


def test_analyze_text_file_to_jsonl_on_stdout(article, capsys):
    assert main(["analyze", str(article), "--published", "2024-10-02"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1
    data = json.loads(out[0])
    assert data["document"]["id"] == "article"
    assert data["document"]["published_at"] == "2024-10-02"
    assert [f["text"] for f in data["findings"]] == ["Putin", "Putin"]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "html", "table"])
def test_every_output_format(article, tmp_path, capsys, fmt):
    out = tmp_path / f"out.{fmt}"
    assert main(["analyze", str(article), "-o", str(out), "--format", fmt]) == 0
    body = out.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(body)[0]["document"]["id"] == "article"
    elif fmt == "jsonl":
        assert json.loads(body.splitlines()[0])["schema"] == "newskit.result/1"
    elif fmt == "html":
        assert body.startswith("<!DOCTYPE html>") and "data-finding-id=\"mark:0-5\"" in body
    else:
        assert "mark" in body and "Putin" in body


def test_format_follows_the_output_suffix(article, tmp_path):
    out = tmp_path / "view.html"
    assert main(["analyze", str(article), "-o", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_a_failing_document_exits_1_and_is_still_written(tmp_path, capsys):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(json.dumps({"id": f"d{i}", "text": t}) for i, t in enumerate(["Putin", "explode", "ok"])) + "\n")
    assert main(["analyze", str(corpus)]) == 1
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert [line["document"]["id"] for line in lines] == ["d0", "d1", "d2"]
    assert lines[1]["errors"][0]["message"] == "toy component exploded"
    assert "3 documents" in captured.err and "1 with errors" in captured.err


@pytest.mark.parametrize(
    "argv",
    [
        ["analyze", "does-not-exist.txt"],
        ["analyze", "ARTICLE", "--published", "last Tuesday"],
        ["analyze", "ARTICLE", "--components", "nope"],
        ["analyze", "ARTICLE", "-s", "nodot=1"],
        ["analyze", "ARTICLE", "--resume"],
        ["render", "missing.jsonl"],
    ],
)
def test_usage_and_config_errors_exit_2_with_a_message(argv, article, capsys):
    argv = [str(article) if a == "ARTICLE" else a for a in argv]
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("newskit: ")


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "analyze" in capsys.readouterr().err


def test_plugins_lists_loaded_and_broken_plugins(capsys):
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "toy" in out and "marks" in out
    assert "broken" in out and "ERROR: ImportError: no module named zzz" in out
    assert main(["plugins", "--json"]) == 0
    infos = {i["name"]: i for i in json.loads(capsys.readouterr().out)}
    assert infos["toy"]["components"] == ["marks"] and infos["broken"]["error"]


def test_explain_prints_the_plan_and_reports_broken_plugins(capsys):
    assert main(["explain"]) == 0
    captured = capsys.readouterr()
    assert "1  marks" in captured.out and "provides" in captured.out
    assert "plugin 'broken' did not load" in captured.err


def test_render_turns_results_into_html(article, tmp_path, capsys):
    results = tmp_path / "r.jsonl"
    assert main(["analyze", str(article), "-o", str(results)]) == 0
    page = tmp_path / "r.html"
    assert main(["render", str(results), "-o", str(page)]) == 0
    assert "data-finding-id=\"mark:23-28\"" in page.read_text()


def test_stdin_is_one_document(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=types.SimpleNamespace(read=lambda: b"Putin here")))
    assert main(["analyze", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"][0]["text"] == "Putin"


def test_demo_prints_a_report_and_writes_html(tmp_path, capsys):
    page = tmp_path / "demo.html"
    assert main(["demo", "-o", str(page)]) == 0
    out = capsys.readouterr().out
    assert "Putin: Moscow and Beijing will keep strengthening ties" in out
    assert str(page.resolve()) in out and page.read_text().startswith("<!DOCTYPE html>")


def test_python_dash_m_runs_the_cli():
    out = subprocess.run([sys.executable, "-m", "newskit", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("newskit ")
