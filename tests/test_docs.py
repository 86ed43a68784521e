"""Docs kept honest: every hook documented, every CLI command documented, README runnable."""

import re
from pathlib import Path

import pytest

import newskit
from newskit import hookspecs

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def headings():
    found = set()
    for page in DOCS.rglob("*.md"):
        found.update(re.findall(r"^#{2,4} +`?([\w.-]+)`?", page.read_text(encoding="utf-8"), re.M))
    return found


def core_hooks():
    return sorted(n for n in dir(hookspecs) if n.startswith("newskit_"))


def plugin_hooks():
    """Hooks that installed components offer to other plugins (their ComponentSpec.hookspecs)."""
    names = set()
    pipeline_registry = newskit.Pipeline(entrypoints=True, components=[]).registry
    for spec, _ in pipeline_registry.components().values():
        if spec.hookspecs is not None:
            names.update(n for n in dir(spec.hookspecs) if n.startswith("newskit_"))
    return sorted(names)


@pytest.mark.parametrize("hook", core_hooks())
def test_every_core_hook_has_a_heading_docstring_and_example(hook):
    assert hook in headings(), f"docs/hooks.md has no heading for {hook}"
    doc = getattr(hookspecs, hook).__doc__
    assert doc and "Example::" in doc, f"{hook} needs a docstring with an example"


def test_every_plugin_defined_hook_is_documented():
    missing = [h for h in plugin_hooks() if h not in headings()]
    assert not missing, f"hooks without a docs heading: {missing}"


def test_every_cli_command_is_documented():
    from newskit.cli import _parser

    parser = _parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    documented = headings()
    assert set(sub.choices) <= documented, set(sub.choices) - documented


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", readme, re.S)
    demo, tests = blocks[0].strip(), blocks[1].strip()
    assert "newskit demo" in demo and "pip install" in demo
    assert "pytest" in tests and "pip install" in tests
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci, ".ci/run must run the README's test command"


def test_readme_python_example_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.findall(r"```python\n(.*?)```", readme, re.S)[0]
    exec(compile(code, "README.md", "exec"), {})


def test_changelog_has_an_unreleased_section():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog") and "## [Unreleased]" in changelog
    assert "### Added" in changelog
