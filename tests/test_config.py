import pytest

from newskit import ConfigError
from newskit._config import apply_overrides, load_config, parse_override


def test_newskit_toml_wins_over_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.newskit.dates]\nday_first = false\n")
    assert load_config(cwd=tmp_path) == {"dates": {"day_first": False}}
    (tmp_path / "newskit.toml").write_text("[dates]\nday_first = true\n")
    assert load_config(cwd=tmp_path) == {"dates": {"day_first": True}}


def test_no_config_is_an_empty_table(tmp_path):
    assert load_config(cwd=tmp_path) == {}


def test_explicit_config_file_errors_name_the_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[dates\nday_first = true\n")
    with pytest.raises(ConfigError, match=r"bad\.toml: not valid TOML.*line 1"):
        load_config(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dates.day_first=true", ("dates", "day_first", True)),
        ("themes.max_tags=5", ("themes", "max_tags", 5)),
        ("entities.kb_paths=['a.jsonl']", ("entities", "kb_paths", ["a.jsonl"])),
        ("quotes.mode=strict", ("quotes", "mode", "strict")),
        ("quotes.mode=\"two words\"", ("quotes", "mode", "two words")),
    ],
)
def test_overrides_parse_values_as_toml(text, expected):
    assert parse_override(text) == expected


def test_override_syntax_errors_show_the_form():
    with pytest.raises(ConfigError, match=r"component\.key=value"):
        parse_override("day_first=true")
    assert apply_overrides({"dates": {"a": 1}}, ["dates.b=2"]) == {"dates": {"a": 1, "b": 2}}
