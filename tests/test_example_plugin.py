"""The tutorial's example plugin installs as its own distribution and runs in the right place."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "newskit-salience"


@pytest.fixture(scope="module")
def installed_example():
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
    subprocess.run([*pip, "-e", str(EXAMPLE)], check=True, capture_output=True, text=True)
    yield
    subprocess.run([sys.executable, "-m", "pip", "uninstall", "--quiet", "-y", "newskit-salience"], capture_output=True)


def run(*args, **kwargs):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300, **kwargs)


@pytest.mark.slow
def test_newskit_plugins_lists_the_example(installed_example):
    out = run("-m", "newskit", "plugins", "--json")
    assert out.returncode == 0, out.stderr
    infos = {i["name"]: i for i in json.loads(out.stdout)}
    assert infos["salience"]["distribution"] == "newskit-salience"
    assert infos["salience"]["version"] == "0.1.0"
    assert infos["salience"]["components"] == ["salience"] and infos["salience"]["error"] is None


@pytest.mark.slow
def test_pipeline_runs_the_example_after_entities(installed_example):
    code = """
import json, newskit
pipeline = newskit.Pipeline(components=["salience", "entities"])
result = pipeline("Vladimir Putin met Xi Jinping in Moscow. Putin said the talks went well.")
print(json.dumps({"order": list(pipeline.components),
                  "salience": [(f.value, f.attributes["mentions"], f.refs["first_mention"], f.confidence) for f in result.of_kind("salience")]}))
"""
    out = run("-c", code)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["order"] == ["entities", "salience"]
    top_value, mentions, first, _ = max(data["salience"], key=lambda s: s[3])
    assert top_value == "Q7747" and mentions == 2 and first.startswith("entity:")


@pytest.mark.slow
def test_explain_shows_salience_after_entities(installed_example):
    out = run("-m", "newskit", "explain")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    position = {line.split()[1]: i for i, line in enumerate(lines[1:]) if len(line.split()) > 1}
    assert position["entities"] < position["salience"]
