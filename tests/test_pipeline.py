import attrs
import pytest

import newskit
from newskit import ComponentError, Finding, Pipeline, PluginError
from tests.conftest import make_plugin, word_finder


def entities_plugin():
    return make_plugin("ents", ("entity",), run=word_finder("entity", "Putin", "PERSON"))


def quotes_plugin(run=None):
    def default(view):
        for e in view.of_kind("entity"):
            yield Finding("quote", e.end + 1, e.end + 5, view.text[e.end + 1 : e.end + 5], refs={"speaker": e.id})

    return make_plugin("quotes", ("quote",), requires=("entity",), run=run or default)


def boom(view):
    if "boom" in view.text:
        raise RuntimeError("exploded")
    return []


def test_run_stamps_deterministic_ids_producer_and_provenance():
    pipeline = Pipeline(plugins=[quotes_plugin(), entities_plugin()], entrypoints=False)
    assert pipeline.components == ("ents", "quotes")
    result = pipeline("Putin said yes. Putin left.")
    assert [f.id for f in result.findings] == ["entity:0-5", "quote:6-10", "entity:16-21", "quote:22-26"]
    assert {f.producer for f in result.of_kind("quote")} == {"quotes"}
    assert result.of_kind("quote")[0].refs == {"speaker": "entity:0-5"}
    assert [p["component"] for p in result.provenance] == ["ents", "quotes"]
    with pytest.raises(TypeError, match="immutable"):
        result.provenance[0]["version"] = "tampered"  # shared by every result: read-only
    assert pipeline("Putin said yes. Putin left.") == result


def test_keyword_fields_build_the_document():
    result = Pipeline(plugins=[entities_plugin()], entrypoints=False).run("Putin", published_at="2024-10-02")
    assert str(result.document.published_at) == "2024-10-02"


def test_a_component_may_refer_to_a_finding_of_its_own_batch():
    def run(view):
        first = Finding("date", 0, 3, view.text[0:3])
        return [first, Finding("date", 4, 7, view.text[4:7], refs={"anchor": first})]

    result = Pipeline(plugins=[make_plugin("d", ("date",), run=run)], entrypoints=False)("Mon Tue")
    assert result.findings[1].refs == {"anchor": "date:0-3"}


@pytest.mark.parametrize(
    ("produced", "message"),
    [
        (["not a finding"], "returned str"),
        ([Finding("quote", 0, 3, "Put")], "returned a 'quote' finding but declares that it provides only 'entity'"),
        ([Finding("entity", 0, 3, "xyz")], "does not match the text"),
        ([Finding("entity", 50, 53, "xyz")], "lies outside the text"),
        ([Finding("entity", 0, 5, "Putin", refs={"x": "entity:9-9"})], "points at 'entity:9-9'"),
    ],
)
def test_contract_breaches_are_reported_with_the_component_name(produced, message):
    plugin = make_plugin("bad", ("entity",), run=lambda view: produced)
    with pytest.raises(ComponentError, match="component 'bad' failed") as info:
        Pipeline(plugins=[plugin], entrypoints=False)("Putin spoke.")
    assert isinstance(info.value.cause, PluginError)
    assert message in str(info.value.cause)


def test_on_error_raise_names_component_and_document():
    pipeline = Pipeline(plugins=[make_plugin("fragile", ("x",), run=boom)], entrypoints=False)
    with pytest.raises(ComponentError, match="component 'fragile' failed on document 'd7': RuntimeError: exploded"):
        pipeline(newskit.Document("boom", id="d7"))


def test_on_error_record_keeps_the_document_and_skips_dependants():
    fragile = make_plugin("ents", ("entity",), run=boom)
    other = make_plugin("marks", ("mark",), run=word_finder("mark", "o"))
    pipeline = Pipeline(plugins=[fragile, quotes_plugin(), other], entrypoints=False, on_error="record")
    results = list(pipeline.pipe(["fine Putin", "boom Putin", "also fine"]))
    assert [r.document.text for r in results] == ["fine Putin", "boom Putin", "also fine"]
    assert results[0].ok and results[2].ok
    failed = results[1]
    assert [(e.component, e.error, e.skipped) for e in failed.errors] == [
        ("ents", "RuntimeError", False),
        ("quotes", "Skipped", True),
    ]
    assert failed.of_kind("mark"), "components that do not depend on the failed one still run"


def test_on_error_drop_leaves_failed_documents_out_of_pipe():
    pipeline = Pipeline(plugins=[make_plugin("fragile", ("x",), run=boom)], entrypoints=False, on_error="drop")
    assert [r.document.text for r in pipeline.pipe(["a", "boom", "b"])] == ["a", "b"]


def test_bad_on_error_and_components_are_config_errors():
    with pytest.raises(newskit.ConfigError, match="on_error must be one of raise, record, drop"):
        Pipeline(entrypoints=False, on_error="ignore")  # type: ignore[arg-type]
    with pytest.raises(newskit.ConfigError, match=r"write components=\['dates'\]"):
        Pipeline("dates", entrypoints=False)  # type: ignore[arg-type]


def test_pipe_with_two_processes_keeps_order_and_records_errors():
    fragile = make_plugin("ents", ("entity",), run=boom)
    pipeline = Pipeline(plugins=[fragile, quotes_plugin()], entrypoints=False, on_error="record")
    docs = [f"doc {i} Putin" if i % 7 else f"boom {i}" for i in range(40)]
    serial = list(pipeline.pipe(docs))
    parallel = list(pipeline.pipe(docs, n_process=2, batch_size=3))
    assert [r.to_dict() for r in parallel] == [r.to_dict() for r in serial]
    assert sum(1 for r in parallel if r.errors) == 6


def test_config_tables_reach_the_factory_validated():
    @attrs.frozen
    class Settings:
        #: The word to look for.
        word: str = "Putin"

    seen = []

    def factory(config):
        seen.append(config)
        return word_finder("entity", config.word)

    spec = newskit.ComponentSpec("ents", factory=factory, provides=("entity",), config_cls=Settings)

    class Plugin:
        @newskit.hookimpl
        def newskit_components(self):
            return [spec]

    result = Pipeline(plugins=[Plugin()], entrypoints=False, config={"ents": {"word": "Xi"}})("Xi met Putin")
    assert seen[-1] == Settings("Xi") and [f.text for f in result.findings] == ["Xi"]
    with pytest.raises(newskit.ConfigError, match="component 'ents' has no setting 'wrod'; its settings are: word"):
        Pipeline(plugins=[Plugin()], entrypoints=False, config={"ents": {"wrod": "Xi"}})
    with pytest.raises(newskit.ConfigError, match=r"table \[nope\] but no component is named 'nope'"):
        Pipeline(plugins=[Plugin()], entrypoints=False, config={"nope": {}})


def test_a_wrapper_plugin_sees_every_component_run():
    calls = []

    class Tracer:
        @newskit.hookimpl(wrapper=True)
        def newskit_run_component(self, component, view):
            found = yield
            calls.append((component.name, len(list(found))))
            return found

    processed = []

    class Sink:
        @newskit.hookimpl
        def newskit_document_processed(self, result):
            processed.append(result.document.text)

    pipeline = Pipeline(plugins=[entities_plugin(), Tracer(), Sink()], entrypoints=False)
    pipeline("Putin and Putin")
    assert calls == [("ents", 2)] and processed == ["Putin and Putin"]


def test_factory_failure_is_a_plugin_error_naming_the_component():
    def factory(config):
        raise OSError("data file missing")

    spec = newskit.ComponentSpec("broken", factory=factory, provides=("x",))

    class Plugin:
        @newskit.hookimpl
        def newskit_components(self):
            return [spec]

    with pytest.raises(PluginError, match="component 'broken' .* failed to build: OSError: data file missing"):
        Pipeline(plugins=[Plugin()], entrypoints=False)


# -- how findings are stamped and ordered ------------------------------------------------


def test_a_finding_object_returned_twice_or_for_two_documents_is_never_shared():
    cached = Finding("tag", 0, 5, "Story")
    twice = make_plugin("twice", ("tag",), run=lambda view: [cached, cached])
    pipeline = Pipeline(plugins=[twice], entrypoints=False)
    first = pipeline.run("Story one")
    assert [f.id for f in first.findings] == ["tag:0-5", "tag:0-5~2"]
    second = pipeline.run("Story two")
    assert [f.id for f in second.findings] == ["tag:0-5", "tag:0-5~2"]
    # The first result is untouched by the second run, and no finding sits in both.
    assert [f.id for f in first.findings] == ["tag:0-5", "tag:0-5~2"]
    assert not {id(f) for f in first.findings} & {id(f) for f in second.findings}
    assert all(f.producer == "twice" for f in first.findings + second.findings)


def test_components_see_earlier_findings_in_position_order_whoever_made_them():
    late = make_plugin("late", ("word",), run=word_finder("word", "b"))
    early = make_plugin("early", ("word",), run=word_finder("word", "a"))
    seen = {}

    def reader(view):
        seen["of_kind"] = [f.text for f in view.of_kind("word")]
        seen["findings"] = [f.text for f in view.findings]
        return []

    reads = make_plugin("reads", ("other",), uses=("word",), run=reader)
    pipeline = Pipeline(plugins=[late, early, reads], entrypoints=False)
    result = pipeline.run("b a b a")
    assert seen["of_kind"] == seen["findings"] == ["b", "a", "b", "a"]
    assert [f.start for f in result.findings] == [0, 2, 4, 6]


def test_a_view_built_by_hand_sorts_what_it_is_given():
    doc = newskit.Document("x y z")
    z, x = Finding("k", 4, 5, "z"), Finding("k", 0, 1, "x")
    view = newskit.FindingView(doc, [z, x])
    assert [f.text for f in view.of_kind("k")] == ["x", "z"]
    assert [f.text for f in view.findings] == ["x", "z"]


def test_components_are_built_with_the_garbage_collector_paused_and_it_resumes():
    import gc

    seen = []

    def factory(config):
        seen.append(gc.isenabled())
        if len(seen) > 1:
            raise RuntimeError("cannot build")
        return lambda view: []

    class Plugin:
        @newskit.hookimpl
        def newskit_components(self):
            return [newskit.ComponentSpec("pausy", factory=factory, provides=("pausy",))]

    assert gc.isenabled()
    Pipeline(plugins=[Plugin()], entrypoints=False)
    assert seen == [False] and gc.isenabled()
    with pytest.raises(PluginError, match="failed to build"):
        Pipeline(plugins=[Plugin()], entrypoints=False)
    assert gc.isenabled()  # resumed after a failed build too


# -- pipe: batches analysed component by component ---------------------------------------


def test_pipe_runs_components_batch_by_batch_with_the_results_of_one_at_a_time():
    calls = []

    def ents(view):
        calls.append(("ents", view.text))
        yield from word_finder("entity", "Putin")(view)

    pipeline = Pipeline(
        plugins=[make_plugin("ents", ("entity",), run=ents), quotes_plugin()], entrypoints=False
    )
    docs = [f"doc {i}: Putin said so" for i in range(7)]
    piped = list(pipeline.pipe(docs, batch_size=3))
    assert [r.document.text for r in piped] == docs
    assert [r.to_dict() for r in piped] == [pipeline.run(d).to_dict() for d in docs]
    # within a batch, one component sees every document before the next component starts
    assert calls[:3] == [("ents", d) for d in docs[:3]]


def test_pipe_raises_at_the_failing_document_after_the_results_before_it():
    fragile = make_plugin("ents", ("entity",), run=boom)
    pipeline = Pipeline(plugins=[fragile], entrypoints=False, on_error="raise")
    docs = ["calm", "calm too", "boom here", "never reached"]
    seen = []
    with pytest.raises(ComponentError, match="exploded") as caught:
        for result in pipeline.pipe(docs, batch_size=64):
            seen.append(result.document.text)
    assert seen == ["calm", "calm too"]
    assert caught.value.document_id == newskit.Document("boom here").stable_id


def test_pipe_gives_the_results_before_a_bad_input_or_a_failing_iterator():
    pipeline = Pipeline(plugins=[make_plugin("ents", ("entity",), run=word_finder("entity", "A"))],
                        entrypoints=False)
    seen = []
    with pytest.raises(newskit.ValidationError, match="cannot analyse a int"):
        for result in pipeline.pipe(["A one", "A two", 42, "A four"]):
            seen.append(result.document.text)
    assert seen == ["A one", "A two"]

    def feed():
        yield "A one"
        yield "A two"
        raise OSError("disk gone")

    seen.clear()
    with pytest.raises(OSError, match="disk gone"):
        for result in pipeline.pipe(feed()):
            seen.append(result.document.text)
    assert seen == ["A one", "A two"]


def test_the_document_processed_hook_sees_each_result_once_in_order_even_after_a_failure():
    got = []

    class Sink:
        @newskit.hookimpl
        def newskit_document_processed(self, result):
            got.append(result.document.text)

    fragile = make_plugin("ents", ("entity",), run=boom)
    pipeline = Pipeline(plugins=[fragile, Sink()], entrypoints=False, on_error="raise")
    with pytest.raises(ComponentError):
        list(pipeline.pipe(["a", "b", "boom", "c"], batch_size=4))
    assert got == ["a", "b"]
    recording = Pipeline(plugins=[fragile, Sink()], entrypoints=False, on_error="record")
    got.clear()
    results = list(recording.pipe(["a", "boom", "c"], batch_size=2))
    assert got == ["a", "boom", "c"] and [bool(r.errors) for r in results] == [False, True, False]
