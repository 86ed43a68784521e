"""Bundled plugins use only newskit's public API and never import each other (DESIGN §4)."""

import ast
from pathlib import Path

import pytest

import newskit

PLUGINS = Path(__file__).resolve().parents[1] / "plugins"
BUNDLED = sorted(p.name for p in PLUGINS.iterdir() if p.is_dir() and p.name.startswith("newskit_"))


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, [a.name for a in node.names], node.lineno


@pytest.mark.parametrize("plugin", BUNDLED)
def test_plugin_imports_only_public_newskit_and_not_other_plugins(plugin):
    public_modules = {"newskit", "newskit.testing", "newskit.hookspecs"}
    for path in (PLUGINS / plugin).rglob("*.py"):
        for module, names, line in imported_modules(path):
            where = f"{path.relative_to(PLUGINS)}:{line}"
            top = module.split(".")[0]
            if top.startswith("newskit_"):
                assert top == plugin, f"{where} imports another plugin ({module})"
            if top == "newskit":
                assert module in public_modules, f"{where} imports private {module}"
                if module == "newskit":
                    private = [n for n in names if n not in newskit.__all__]
                    assert not private, f"{where} imports non-public names {private}"


@pytest.mark.parametrize("plugin", BUNDLED)
def test_importing_a_plugin_is_cheap(plugin):
    import subprocess
    import sys

    code = (
        f"import sys, {plugin}\n"
        "heavy = [m for m in ('newskit._pipeline', 'newskit._plugins') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"importing {plugin} builds pipeline machinery: {out.stdout}"
