"""What the speed work must not change: the stored KB index, the per-run plan cache, the
recurring-surname count and the split nominal scan give what the plain way gives."""

from __future__ import annotations

import newskit
from newskit_entities import EntitiesConfig, make_component
from newskit_entities._kb import check_entry, load_kb


def _spans(findings):
    return [(f.start, f.end, f.value, f.attributes["via"]) for f in findings]


def test_stored_index_is_the_ranking_a_fresh_build_gives():
    stored = load_kb()
    # any user entry sends the load through the general path, which ranks every table again
    extra = check_entry({"id": "acme:zz", "name": "Zyxwv Qrstu", "label": "ORG"}, "test")
    rebuilt = load_kb([extra])
    assert len(rebuilt.entities) == len(stored.entities) + 1
    assert rebuilt.alias.pop("Zyxwv Qrstu") == ((len(stored.entities), "alias"),)
    assert rebuilt.alias == stored.alias
    assert rebuilt.short == stored.short
    assert [e.id for e in rebuilt.entities[:-1]] == [e.id for e in stored.entities]


def test_user_entry_replacing_a_bundled_one_renumbers_every_table():
    stored = load_kb()
    boston = stored.by_id["Q100"]
    kb = load_kb([check_entry({"id": "Q100", "name": "Boston", "label": "GPE", "type": "city",
                               "aliases": ["Beantown"]}, "test")])
    assert len(kb.entities) == len(stored.entities)
    assert kb.entities[-1].id == "Q100" and kb.entities[-1].user
    assert kb.alias["Beantown"] == ((len(kb.entities) - 1, "alias"),)
    # an entity after Boston moved down by one, in the alias and short tables alike
    putin = stored.by_id["Q7747"]
    assert putin > boston
    assert kb.alias["Vladimir Putin"] == ((putin - 1, "alias"),)
    assert kb.by_id["Q7747"] == putin - 1
    assert putin - 1 in kb.short["Putin"]


def test_run_plans_do_not_leak_between_documents():
    """A run's plan is cached by its surface; what depends on the document (an abbreviated
    title before it, a NIL surname seen earlier) must still be decided per document."""
    linker = make_component(EntitiesConfig())
    texts = [
        "Mr. Kowalczyk arrived late. Officials waited.",
        "Kowalczyk arrived late. Officials waited.",
        "Anna Kowalczyk spoke first. Later Kowalczyk left.",
        "Kowalczyk left. Mr. Kowalczyk returned.",
        "Olaf Scholz met Xi Jinping in Beijing. Scholz said Beijing agreed.",
    ]
    warm = [_spans(linker.link(t, "2022-06-01")) for t in texts + texts[::-1]]
    cold = [_spans(make_component(EntitiesConfig()).link(t, "2022-06-01")) for t in texts + texts[::-1]]
    assert warm == cold
    assert warm[1] == []  # no title, no antecedent: a lone unknown capitalised word is nothing
    assert warm[0] == [(4, 13, None, "surname")]


def test_unknown_name_whose_surname_recurs_alone_is_a_person():
    linker = make_component(EntitiesConfig())
    once = linker.link("Talks led by Brenna Oyelaran-Voss ended. The Harbour Quay office closed.")
    assert not any(f.value is None for f in once)
    again = linker.link("Brenna Quillfeather chaired the talks. Quillfeather said little; "
                        "Quillfeathers and Quillfeather's aides stayed.")
    nil = [(f.text, f.attributes["via"]) for f in again if f.value is None]
    assert ("Brenna Quillfeather", "alias") in nil
    assert ("Quillfeather", "surname") in nil


def test_split_nominal_scan_equals_the_plain_pattern():
    linker = make_component(EntitiesConfig())
    texts = [
        "The French president met the Russian leader. Then the prime minister spoke.",
        "the The president and The the leader",  # both initials, overlapping candidates
        "Bathe the leader; clothe The Chinese premier.",
        "nothing here",
    ]
    for text in texts:
        want = [m.span() for m in linker.nominal_re.finditer(text)]
        assert [m.span() for m in linker._nominal_matches(text)] == want


def test_components_share_nothing_per_document_across_threads():
    from concurrent.futures import ThreadPoolExecutor

    pipeline = newskit.Pipeline(["entities"])
    texts = [f"Mr. Nowakowski{i} met Olaf Scholz in Berlin. Nowakowski{i} said Berlin agreed."
             for i in range(40)]
    alone = [_spans(pipeline.run(t, published_at="2022-06-01").of_kind("entity")) for t in texts]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(
            lambda t: _spans(pipeline.run(t, published_at="2022-06-01").of_kind("entity")), texts))
    assert threaded == alone


def test_a_place_with_a_suffix_is_no_first_name(run):
    """ "Paris Hilton" is a person, but in "Paris-based Euronext" Paris is the city."""
    found, _ = run("Shares in Paris-based Euronext rose. Paris Hilton was not involved.")
    assert found["Paris"].value == "Q90" and found["Paris"].attributes["via"] == "alias"
    assert "Paris-based Euronext" not in found
    assert found["Paris Hilton"].label == "PERSON"
