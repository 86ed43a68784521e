"""Plugins cannot break the tool.

A plugin that fails at import, returns garbage, raises on one document or runs away on a
regex is contained: under ``on_error="record"`` the failure becomes an error record naming
the component, the other components and documents go on, and the output stays valid.
"""

from __future__ import annotations

import importlib.metadata
import json
import sys

import pytest
import regex

import newskit
from newskit import ComponentSpec, Finding, Pipeline, PluginError
from newskit._plugins import Registry
from newskit.cli import main
from tests.conftest import make_plugin
from newskit.testing import assert_valid_result

TEXTS = ["Anna met Ben in Rome.", "Carla called Dan.", "Eve wrote to Frank."]


def _caps(view):
    return [Finding("cap", m.start(), m.end(), m.group()) for m in regex.finditer(r"\b\p{Lu}\p{Ll}+", view.text)]


def _count_caps(view):
    return [Finding("count", None, None, None, value=len(view.of_kind("cap")))]


def plugin(name, *specs):
    """A plugin object declaring these components."""

    class Plugin:
        @newskit.hookimpl
        def newskit_components(self):
            return list(specs)

    obj = Plugin()
    obj.__name__ = name
    return obj


def good_plugin():
    return plugin(
        "good",
        ComponentSpec("caps", factory=lambda c: _caps, provides="cap"),
        ComponentSpec("counter", factory=lambda c: _count_caps, provides="count", requires="cap"),
    )


def bad_plugin(run, provides="mark"):
    """``garbage`` runs ``run``; ``needs_it`` requires its kind; ``uses_it`` only uses it."""
    return plugin(
        "bad",
        ComponentSpec("garbage", factory=lambda c: run, provides=provides),
        ComponentSpec("needs_it", factory=lambda c: (lambda v: []), provides="need", requires=provides),
        ComponentSpec("uses_it", factory=lambda c: _count_marks, provides="use", uses=provides),
    )


def _count_marks(view):
    return [Finding("use", None, None, None, value=len(view.of_kind("mark")))]


def _record_pipeline(*plugins, **kwargs):
    return Pipeline(plugins=list(plugins), entrypoints=False, on_error="record", **kwargs)


def _errors_by_component(result):
    return {e.component: e for e in result.errors}


# -- garbage returned by a component ------------------------------------------------------------


def _garbage_cases():
    def generator_that_raises(view):
        yield Finding("mark", 0, 4, view.text[0:4])
        raise RuntimeError("gave up half-way")

    return {
        "not-iterable": (lambda v: 42, "TypeError", "not iterable"),
        "strings": (lambda v: ["a finding, honest"], "PluginError", "returned str"),
        "dicts": (lambda v: [{"kind": "mark", "start": 0}], "PluginError", "returned dict"),
        "outside-text": (lambda v: [Finding("mark", 500, 503, "abc")], "PluginError", "lies outside the text"),
        "text-mismatch": (lambda v: [Finding("mark", 0, 4, "Zzzz")], "PluginError", "does not match the text"),
        "dangling-ref": (
            lambda v: [Finding("mark", 0, 4, v.text[:4], refs={"speaker": "entity:900-905"})],
            "PluginError",
            "points at 'entity:900-905', which is no finding of this document",
        ),
        "foreign-object-ref": (
            lambda v: [Finding("mark", 0, 4, v.text[:4], refs={"x": Finding("mark", 5, 8, v.text[5:8])})],
            "PluginError",
            "not part of this batch",
        ),
        "undeclared-kind": (
            lambda v: [Finding("entity", 0, 4, v.text[:4])],
            "PluginError",
            "returned a 'entity' finding but declares that it provides only 'mark'",
        ),
        "raises-half-way": (generator_that_raises, "RuntimeError", "gave up half-way"),
    }


@pytest.mark.parametrize("case", list(_garbage_cases()))
def test_garbage_is_recorded_with_the_component_name_and_the_run_goes_on(case):
    run, error, fragment = _garbage_cases()[case]
    pipeline = _record_pipeline(good_plugin(), bad_plugin(run))
    results = list(pipeline.pipe(TEXTS))
    assert [r.document.text for r in results] == TEXTS  # every document, in order
    for result in results:
        errors = _errors_by_component(result)
        assert errors["garbage"].error == error
        assert fragment in errors["garbage"].message
        # What requires the failed kind is skipped, saying why; what only uses it runs.
        assert errors["needs_it"].skipped and "'mark'" in errors["needs_it"].message
        assert "uses_it" not in errors and result.of_kind("use")[0].value == 0
        # Nothing of the failed component is kept, not even what it yielded before failing.
        assert not result.of_kind("mark")
        # The healthy components are untouched.
        assert [f.text for f in result.of_kind("cap")] == regex.findall(r"\b\p{Lu}\p{Ll}+", result.document.text)
        assert result.of_kind("count")[0].value == len(result.of_kind("cap"))
        assert_valid_result(result)  # spans, refs and the JSON round trip


def test_ids_and_producer_set_by_a_plugin_are_overwritten():
    run = lambda v: [Finding("mark", 0, 4, v.text[:4], id="<script>", producer="someone-else")]  # noqa: E731
    (result,) = _record_pipeline(bad_plugin(run)).pipe(TEXTS[:1])
    (mark,) = result.of_kind("mark")
    assert (mark.id, mark.producer) == ("mark:0-4", "garbage")


def test_a_component_that_raises_on_one_document_costs_only_that_document():
    def picky(view):
        if "Carla" in view.text:
            raise KeyError("Carla")
        return [Finding("mark", 0, 4, view.text[:4])]

    for n_process in (1, 2):
        pipeline = _record_pipeline(good_plugin(), bad_plugin(picky))
        results = list(pipeline.pipe(TEXTS * 3, n_process=n_process, batch_size=2))
        assert [r.document.text for r in results] == TEXTS * 3
        for result in results:
            if "Carla" in result.document.text:
                error = _errors_by_component(result)["garbage"]
                assert (error.error, error.message) == ("KeyError", "'Carla'")
                assert not result.of_kind("mark") and result.of_kind("cap")
            else:
                assert result.ok and result.of_kind("mark")


def test_on_error_raise_names_component_and_document():
    pipeline = Pipeline(plugins=[bad_plugin(lambda v: [Finding("mark", 0, 1, "?")])], entrypoints=False)
    with pytest.raises(newskit.ComponentError) as info:
        pipeline(newskit.Document("Anna", id="doc-7"))
    assert info.value.component == "garbage" and info.value.document_id == "doc-7"
    assert "component 'garbage' failed on document 'doc-7'" in str(info.value)


# -- runaway regexes: plugins bound their own work ----------------------------------------------


def test_a_regex_timeout_becomes_that_documents_error():
    """Plugins pass ``timeout=`` to every ``regex`` call that sees document text; a
    timeout is then an ordinary exception, recorded for that document only."""

    def backtracker(view):
        if regex.search(r"(a|aa)+$", view.text, timeout=0.05):
            return [Finding("mark", 0, 1, view.text[0])]
        return []

    texts = ["aaaa", "a" * 60 + "!", "Anna met Ben."]
    results = list(_record_pipeline(good_plugin(), bad_plugin(backtracker)).pipe(texts))
    assert results[0].ok and results[0].of_kind("mark")
    error = _errors_by_component(results[1])["garbage"]
    assert (error.error, error.message) == ("TimeoutError", "regex timed out")
    assert results[1].of_kind("count")  # the other components still ran on it
    assert results[2].ok


# -- plugins that fail to load, to declare or to build -------------------------------------------


class FakeEntryPoint:
    """What the registry reads of an ``importlib.metadata.EntryPoint``."""

    group = "newskit"
    dist = None

    def __init__(self, name, obj=None, error=None):
        self.name, self.value = name, f"fake_{name}"
        self._obj, self._error = obj, error

    def load(self):
        if self._error is not None:
            raise self._error
        return self._obj


@pytest.fixture
def installed(monkeypatch, tmp_path):
    """Serve these entry points to Registry() and the CLI; a clean working directory."""
    for var in ("NEWSKIT_LOAD_PLUGINS", "NEWSKIT_DISABLE_PLUGINS", "NEWSKIT_STRICT_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)

    def install(*eps):
        monkeypatch.setattr("newskit._plugins.entry_points", lambda: tuple(eps))

    return install


@pytest.fixture
def broken_module(tmp_path, monkeypatch):
    """A real module that raises while being imported, behind a real EntryPoint."""
    (tmp_path / "newskit_broken_xyz.py").write_text(
        "import newskit\n\nraise RuntimeError('this plugin cannot start: missing data file')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.metadata.EntryPoint(name="broken", value="newskit_broken_xyz", group="newskit")
    sys.modules.pop("newskit_broken_xyz", None)


def test_import_failure_is_recorded_with_file_and_line(installed, broken_module):
    installed(FakeEntryPoint("good", good_plugin()), broken_module)
    registry = Registry()
    infos = {i.name: i for i in registry.plugin_infos()}
    assert infos["good"].error is None and infos["good"].components == ("caps", "counter")
    error = infos["broken"].error
    assert "RuntimeError: this plugin cannot start: missing data file" in error
    assert "newskit_broken_xyz.py:3" in error  # where to look
    assert sorted(registry.components()) == ["caps", "counter"]
    result = Pipeline()("Anna met Ben.")
    assert [f.text for f in result.of_kind("cap")] == ["Anna", "Ben"]


def test_newskit_plugins_and_explain_still_work_and_show_the_error(installed, broken_module, capsys):
    installed(FakeEntryPoint("good", good_plugin()), broken_module)
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "good" in out and "caps,counter" in out
    assert "ERROR: RuntimeError: this plugin cannot start" in out
    assert main(["plugins", "--json"]) == 0
    infos = {i["name"]: i for i in json.loads(capsys.readouterr().out)}
    assert "cannot start" in infos["broken"]["error"] and infos["good"]["error"] is None
    assert main(["explain"]) == 0
    captured = capsys.readouterr()
    assert "caps" in captured.out and "counter" in captured.out
    assert "plugin 'broken' did not load: RuntimeError" in captured.err


def test_analyze_runs_the_plugins_that_loaded(installed, broken_module, capsys, tmp_path):
    installed(broken_module, FakeEntryPoint("good", good_plugin()))
    (tmp_path / "c.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in TEXTS))
    assert main(["analyze", "c.jsonl", "-o", "out.jsonl"]) == 0
    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    assert len(lines) == 3 and all(json.loads(x)["findings"] for x in lines)


def test_strict_mode_makes_a_failed_import_fatal_in_the_cli(installed, broken_module, monkeypatch, capsys):
    installed(FakeEntryPoint("good", good_plugin()), broken_module)
    monkeypatch.setenv("NEWSKIT_STRICT_PLUGINS", "1")
    assert main(["explain"]) == 2
    err = capsys.readouterr().err
    assert "plugin 'broken' (newskit_broken_xyz) failed to load" in err
    assert "RuntimeError: this plugin cannot start" in err
    with pytest.raises(PluginError, match="plugin 'broken'"):
        Registry()


def test_a_plugin_whose_newskit_components_raises_is_recorded(installed, capsys):
    class Failing:
        @newskit.hookimpl
        def newskit_components(self):
            raise ValueError("bad table in my data")

    installed(FakeEntryPoint("failing", Failing()), FakeEntryPoint("good", good_plugin()))
    infos = {i.name: i for i in Registry().plugin_infos()}
    assert "newskit_components raised ValueError: bad table in my data" in infos["failing"].error
    assert Pipeline().components == ("caps", "counter")
    assert main(["plugins"]) == 0
    assert "ERROR: newskit_components raised ValueError" in capsys.readouterr().out


def test_a_plugin_that_returns_no_specs_is_recorded(installed):
    class Sloppy:
        @newskit.hookimpl
        def newskit_components(self):
            return ["dates"]

    installed(FakeEntryPoint("sloppy", Sloppy()), FakeEntryPoint("good", good_plugin()))
    infos = {i.name: i for i in Registry().plugin_infos()}
    assert "returned str, not newskit.ComponentSpec" in infos["sloppy"].error
    assert Pipeline().components == ("caps", "counter")


def test_a_failing_factory_names_component_and_plugin(installed, capsys):
    def factory(config):
        raise OSError("lexicon.tsv not found")

    installed(FakeEntryPoint("good", good_plugin()), FakeEntryPoint("fragile", plugin("fragile", ComponentSpec("frag", factory=factory, provides="f"))))
    with pytest.raises(PluginError) as info:
        Pipeline()
    assert "component 'frag' (plugin 'fragile') failed to build: OSError: lexicon.tsv not found" in str(info.value)
    # The CLI says so (exit 2); the user can leave the component out and go on.
    assert main(["explain"]) == 2
    assert "'frag' (plugin 'fragile') failed to build" in capsys.readouterr().err
    assert main(["explain", "--components", "caps,counter"]) == 0


def test_a_plugin_that_breaks_add_commands_does_not_break_the_cli(installed, capsys):
    class Commands:
        @newskit.hookimpl
        def newskit_add_commands(self, subparsers):
            raise RuntimeError("argparse trouble")

    installed(FakeEntryPoint("cmds", Commands()), FakeEntryPoint("good", good_plugin()))
    assert main(["plugins"]) == 0
    captured = capsys.readouterr()
    assert "a plugin failed to add its commands: argparse trouble" in captured.err
    assert "caps,counter" in captured.out


# -- output a plugin spoils --------------------------------------------------------------------


def test_values_json_cannot_hold_cost_only_that_components_findings(installed, capsys, tmp_path):
    def sets(view):
        return [Finding("mark", 0, 4, view.text[:4], attributes={"tags": {"a", "b"}})]

    installed(FakeEntryPoint("good", good_plugin()), FakeEntryPoint("bad", bad_plugin(sets)))
    (tmp_path / "c.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in TEXTS))
    assert main(["analyze", "c.jsonl", "-o", "out.jsonl"]) == 1
    records = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert len(records) == 3
    for record in records:
        kinds = {f["kind"] for f in record["findings"]}
        assert "mark" not in kinds and {"cap", "count", "use"} <= kinds
        (error,) = [e for e in record["errors"] if e["component"] == "garbage"]
        assert "cannot be written as JSON" in error["message"] and "set is not JSON serializable" in error["message"]
    assert "c.jsonl:1: garbage: PluginError: component 'garbage' returned a finding" in capsys.readouterr().err


# -- plugins on the other hooks -------------------------------------------------------------------


def test_a_run_component_wrapper_that_raises_is_recorded_per_component():
    class Tracer:
        @newskit.hookimpl(wrapper=True)
        def newskit_run_component(self, component, view):
            if component.name == "counter":
                raise RuntimeError("tracer lost its socket")
            return (yield)

    (result,) = _record_pipeline(Tracer(), good_plugin()).pipe(TEXTS[:1])
    assert [f.text for f in result.of_kind("cap")] == ["Anna", "Ben", "Rome"]
    error = _errors_by_component(result)["counter"]
    assert (error.error, error.message) == ("RuntimeError", "tracer lost its socket")


def test_a_document_processed_hook_that_raises_does_not_end_the_run():
    class Sink:
        @newskit.hookimpl
        def newskit_document_processed(self, result):
            raise RuntimeError("sink down")

    results = list(_record_pipeline(Sink(), good_plugin()).pipe(TEXTS))
    assert len(results) == 3
    assert all(r.errors[-1].message == "newskit_document_processed: RuntimeError: sink down" for r in results)
    assert all(r.of_kind("cap") for r in results)


def test_a_component_that_calls_sys_exit_is_contained():
    def leave(view):
        raise SystemExit(3)

    (result,) = _record_pipeline(make_plugin("quitter", ("q",), run=leave)).pipe(TEXTS[:1])
    assert [(e.component, e.error) for e in result.errors] == [("quitter", "SystemExit")]
