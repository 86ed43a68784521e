"""Bad input to the API gets a newskit error that names the culprit, where it is, and the fix.

Each case checks three things in the message: the field (or file and line, or ``-s``
option) at fault, what is wrong with it, and what to write instead.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

import newskit
from newskit import ComponentSpec, ConfigError, Document, Finding, PlanError, ValidationError
from newskit._config import apply_overrides, load_config, parse_override


def _check(exc_info, *fragments: str) -> None:
    message = str(exc_info.value)
    assert isinstance(exc_info.value, newskit.NewskitError)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


# -- documents and findings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "fragments"),
    [
        ({"text": None}, ("Document.text is None", "pass the article body as a str", "''")),
        ({"text": b"bytes"}, ("Document.text must be a str, not bytes", "decode")),
        ({"text": 42}, ("Document.text must be a str, not int", "as a string")),
        ({"text": "x", "published_at": 1700000000.5}, ("published_at", "float", "ISO-8601", "fromtimestamp")),
        ({"text": "x", "published_at": "2024-13-45"}, ("published_at", "'2024-13-45'", "'2024-10-02'")),
        ({"text": "x", "published_at": "last Tuesday"}, ("published_at", "not an ISO-8601")),
        ({"text": "x", "id": 7}, ("Document.id must be a str", "int", "as a string")),
        ({"text": "x", "title": ["a"]}, ("Document.title", "list", "as a string")),
        ({"text": "x", "language": 5}, ("Document.language", "int")),
        ({"text": "x", "metadata": ["a"]}, ("expected a mapping", "list")),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, dict) else None,
)
def test_bad_document_fields(kwargs, fragments):
    text = kwargs.pop("text")
    with pytest.raises(ValidationError) as info:
        Document(text, **kwargs)
    _check(info, *fragments)


def test_published_at_accepts_the_documented_forms():
    assert Document("x", published_at="2024-10-02").published_at == dt.date(2024, 10, 2)
    assert Document("x", published_at="2024-10-02T09:30:00Z").published_at.tzinfo is not None
    assert Document("x", published_at=dt.date(2024, 10, 2)).published_at == dt.date(2024, 10, 2)


@pytest.mark.parametrize(
    ("data", "fragments"),
    [
        ({"title": "only a title"}, ("needs a 'text' field", "['title']")),
        (["not", "an", "object"], ("must be a JSON object", "list")),
        ({"text": "x", "metadata": "oops"}, ("Document.metadata must be an object", "str", '"metadata": {')),
        ({"text": "x", "id": ["a"]}, ("Document.id must be a string, not list", 'string id such as "a1"')),
        ({"text": "x", "id": 2.5}, ("Document.id must be a string, not float",)),
        ({"text": None}, ("Document.text is None",)),
    ],
)
def test_bad_document_dicts(data, fragments):
    with pytest.raises(ValidationError) as info:
        Document.from_dict(data)
    _check(info, *fragments)


def test_an_integer_id_in_a_dict_becomes_a_string():
    assert Document.from_dict({"text": "x", "id": 12}).id == "12"


@pytest.mark.parametrize(
    ("args", "kwargs", "fragments"),
    [
        (("Entity", 0, 1, "a"), {}, ("Finding.kind", "lower-case identifier", "'Entity'")),
        (("entity", 3, 1, "ab"), {}, ("start 3 is after end 1",)),
        (("entity", 0, 3, "ab"), {}, ("has 2 characters", "span 0:3 has 3")),
        (("entity", 0, None, "ab"), {}, ("both be set or both be None",)),
        (("entity", -1, 1, "ab"), {}, ("start and end must be non-negative", "start=-1")),
        (("entity", 0, 2, "ab"), {"confidence": 1.5}, ("Finding.confidence", "[0, 1]", "clamp")),
        (("entity", 0, 2, None), {}, ("needs its surface text",)),
    ],
)
def test_bad_findings(args, kwargs, fragments):
    with pytest.raises(ValidationError) as info:
        Finding(*args, **kwargs)
    _check(info, *fragments)


# -- pipelines ----------------------------------------------------------------------------------


@attrs.frozen
class CapsConfig:
    """Settings of the toy ``caps`` component, validated like a real plugin's."""

    min_length: int = attrs.field(default=1, validator=attrs.validators.instance_of(int))
    ignore: tuple = attrs.field(default=(), converter=tuple)


class CapsPlugin:
    __name__ = "caps_plugin"

    @newskit.hookimpl
    def newskit_components(self):
        return [
            ComponentSpec("caps", factory=lambda config: (lambda view: []), provides="cap", config_cls=CapsConfig),
            ComponentSpec("plain", factory=lambda config: (lambda view: []), provides="plain"),
        ]


def _pipeline(**kwargs):
    return newskit.Pipeline(plugins=[CapsPlugin()], entrypoints=False, **kwargs)


def test_unknown_component_name():
    with pytest.raises(PlanError) as info:
        _pipeline(components=["caps", "dtaes"])
    _check(info, "unknown component 'dtaes'", "installed components: caps, plain", "spelling", "newskit plugins")


def test_components_as_a_string():
    with pytest.raises(ConfigError) as info:
        _pipeline(components="caps")
    _check(info, "not the string 'caps'", "components=['caps']")


def test_bad_on_error():
    with pytest.raises(ConfigError) as info:
        _pipeline(on_error="ignore")
    _check(info, "on_error must be one of raise, record, drop", "'ignore'")


# -- config files -------------------------------------------------------------------------------


def _config_file(tmp_path, text, name="newskit.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_toml_syntax_error_names_file_and_line(tmp_path):
    path = _config_file(tmp_path, '[caps]\nmin_length = 2\nignore = ["a", \n\n[plain\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    _check(info, str(path), "not valid TOML", "at line", "fix the syntax")


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.toml")
    _check(info, "nope.toml", "does not exist", "--config")


def test_unknown_table_names_file_and_line(tmp_path):
    path = _config_file(tmp_path, "[caps]\nmin_length = 2\n\n[cpas]\nmin_length = 3\n")
    with pytest.raises(ConfigError) as info:
        _pipeline(config=load_config(path))
    _check(info, f"{path}:4", "[cpas]", "installed components: caps, plain", "Fix the name or remove")


def test_unknown_key_names_file_and_line(tmp_path):
    path = _config_file(tmp_path, "# settings\n[caps]\nmin_length = 2\nmin_lenght = 3\n")
    with pytest.raises(ConfigError) as info:
        _pipeline(config=load_config(path))
    _check(info, f"{path}:4", "has no setting 'min_lenght'", "its settings are: min_length, ignore")


def test_bad_value_type_names_file_line_and_setting(tmp_path):
    path = _config_file(tmp_path, '[caps]\nignore = ["x"]\nmin_length = "three"\n')
    with pytest.raises(ConfigError) as info:
        _pipeline(config=load_config(path))
    _check(info, f"{path}:3", "caps.min_length has a bad value", "'three'", "int")


def test_settings_for_a_component_without_settings(tmp_path):
    path = _config_file(tmp_path, "[plain]\nverbose = true\n")
    with pytest.raises(ConfigError) as info:
        _pipeline(config=load_config(path))
    _check(info, f"{path}:2", "'plain' takes no configuration", "remove the [plain] table")


def test_a_component_table_that_is_no_table(tmp_path):
    path = _config_file(tmp_path, "caps = 3\n")
    with pytest.raises(ConfigError) as info:
        _pipeline(config=load_config(path))
    # (A plain value has no place to remember its line; the message still says what to write.)
    _check(info, "[caps] must be a table of settings, not int", "write it as [caps]")


def test_unknown_pipeline_setting(tmp_path):
    path = _config_file(tmp_path, '[pipeline]\ncomponents = ["caps"]\non_eror = "record"\n')
    with pytest.raises(ConfigError) as info:
        _pipeline(config=load_config(path))
    _check(info, f"{path}:3", "[pipeline] has no setting 'on_eror'", "components, on_error, order")


def test_pyproject_tool_newskit_locations(tmp_path):
    _config_file(
        tmp_path,
        '[project]\nname = "x"\n\n[tool.newskit.caps]\nmin_length = 2\nbogus = 1\n',
        name="pyproject.toml",
    )
    with pytest.raises(ConfigError) as info:
        _pipeline(config=load_config(cwd=tmp_path))
    _check(info, "pyproject.toml:6", "has no setting 'bogus'")


def test_a_good_config_file_still_works_and_pickles(tmp_path):
    import pickle

    path = _config_file(tmp_path, '[pipeline]\ncomponents = ["caps"]\n[caps]\nmin_length = 2\n')
    pipeline = _pipeline(config=load_config(path))
    assert pipeline.components == ("caps",)
    again = pickle.loads(pickle.dumps(pipeline.config))
    assert again.config == pipeline.config.config == {"pipeline": {"components": ["caps"]}, "caps": {"min_length": 2}}
    assert again.config["caps"].origin == f"{path}:3"  # where it was set travels with it
    assert newskit.Pipeline.from_config(again).components == ("caps",)


# -- -s overrides -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("caps", ("-s 'caps'", "component.key=value", "-s dates.day_first=true")),
        ("caps=1", ("component.key=value",)),
        (".min_length=1", ("the component or the key is empty",)),
        ("caps.=1", ("the component or the key is empty",)),
        ("caps.ignore=[1,", ("-s 'caps.ignore=[1,'", "not valid TOML", "write lists as [1, 2]")),
        ("caps.ignore='unclosed", ("not valid TOML",)),
        ("caps.ignore=", ("not valid TOML",)),
    ],
)
def test_override_syntax_errors(text, fragments):
    with pytest.raises(ConfigError) as info:
        parse_override(text)
    _check(info, *fragments)


def test_override_values_are_toml_or_a_bare_word():
    assert parse_override("caps.min_length=3") == ("caps", "min_length", 3)
    assert parse_override("caps.ignore=['a', 'b']") == ("caps", "ignore", ["a", "b"])
    assert parse_override(" caps . mode = fast ") == ("caps", "mode", "fast")


def test_override_errors_name_the_option(tmp_path):
    with pytest.raises(ConfigError) as info:
        _pipeline(config=apply_overrides({}, ["caps.min_lenght=3"]))
    _check(info, "-s caps.min_lenght=3", "has no setting 'min_lenght'")
    with pytest.raises(ConfigError) as info:
        _pipeline(config=apply_overrides({}, ["caps.min_length=three"]))
    _check(info, "-s caps.min_length=three", "caps.min_length has a bad value")
    with pytest.raises(ConfigError) as info:
        _pipeline(config=apply_overrides({}, ["plain.x=1"]))
    _check(info, "-s plain.x=1", "takes no configuration", "remove that -s option")


def test_override_on_top_of_a_file_names_whichever_is_wrong(tmp_path):
    path = _config_file(tmp_path, "[caps]\nmin_length = 2\n")
    config = apply_overrides(load_config(path), ["caps.bogus=1"])
    with pytest.raises(ConfigError) as info:
        _pipeline(config=config)
    _check(info, "-s caps.bogus=1")
    config = apply_overrides(load_config(path), ["caps.min_length=4"])
    assert _pipeline(config=config).components == ("caps", "plain")
