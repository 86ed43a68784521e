"""Configuration: TOML tables, one per component, validated by its ``config_cls``.

Sources, first found wins: an explicit ``--config`` file, ``newskit.toml`` in the working
directory, ``[tool.newskit]`` in ``pyproject.toml``. ``-s component.key=value`` overrides
a single key. The table ``[pipeline]`` sets ``components``, ``order`` and ``on_error``.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from newskit._errors import ConfigError
from newskit._spec import ComponentSpec

__all__ = ["load_config", "parse_override", "apply_overrides", "build_config", "PIPELINE_KEYS"]

#: Keys allowed in the ``[pipeline]`` table.
PIPELINE_KEYS = frozenset({"components", "order", "on_error"})


class _Table(dict):
    """A settings table that remembers where it and each of its keys were set.

    Only error messages read ``origin`` (``"newskit.toml:7"`` or ``"-s dates.x=1"``); to
    everything else it is a plain dict, and it pickles like one, with its origins.
    """

    def __init__(self, data: Mapping[str, Any], origin: str | None = None,
                 keys: Mapping[str, str] | None = None) -> None:
        super().__init__(data)
        self.origin = origin
        self.keys_origin = dict(keys or {})


def _where(table: Any, key: str | None = None) -> str:
    """``"file:line: "`` (or ``"-s a.b=c: "``) for a message, or ``""`` when unknown."""
    if not isinstance(table, _Table):
        return ""
    origin = table.keys_origin.get(key) if key is not None else None
    origin = origin or table.origin
    return f"{origin}: " if origin else ""


_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'. ]+?)\s*=")


def _dotted(text: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in text.split("."))


def _line_index(text: str) -> dict[tuple[str, ...], int]:
    """(table, …, key) → the line that first sets it: enough to point at a bad setting."""
    index: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for lineno, line in enumerate(text.splitlines(), 1):
        if m := _HEADER.match(line):
            table = _dotted(m.group(1))
            index.setdefault(table, lineno)
        elif m := _KEY.match(line):
            path = table + _dotted(m.group(1))
            for i in range(len(table) + 1, len(path) + 1):  # `a.b = 1` also locates `a`
                index.setdefault(path[:i], lineno)
    return index


def _locate(data: dict[str, Any], path: Path, prefix: tuple[str, ...] = ()) -> dict[str, Any]:
    """Wrap each top-level table in a ``_Table`` that knows its file and lines."""
    try:
        index = _line_index(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError):
        index = {}

    def at(*names: str) -> str:
        line = index.get(prefix + names)
        return f"{path}:{line}" if line else str(path)

    out: dict[str, Any] = {}
    for name, value in data.items():
        if isinstance(value, dict):
            keys = {key: at(name, key) for key in value}
            out[name] = _Table(value, at(name), keys)
        else:
            out[name] = value
    out_origin = {name: at(name) for name in data}
    return _Table(out, str(path), out_origin)


def load_config(path: str | Path | None = None, cwd: str | Path | None = None) -> dict[str, Any]:
    """Read the configuration as a dict ({} when there is none).

    Its tables remember their file and line, so a bad setting is reported where it is.
    """
    if path is not None:
        return _locate(_read_toml(Path(path), explicit=True), Path(path))
    base = Path(cwd) if cwd is not None else Path.cwd()
    own = base / "newskit.toml"
    if own.is_file():
        return _locate(_read_toml(own), own)
    project = base / "pyproject.toml"
    if project.is_file():
        data = _read_toml(project)
        table = data.get("tool", {}).get("newskit", {})
        if not isinstance(table, dict):
            raise ConfigError(
                f"{project}: [tool.newskit] must be a table of component tables, "
                f"not {type(table).__name__}"
            )
        return _locate(table, project, ("tool", "newskit"))
    return {}


def _read_toml(path: Path, explicit: bool = False) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(
            f"config file {str(path)!r} does not exist; check the path given to --config"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends "(at line 3, column 7)": that is the place to fix.
        raise ConfigError(f"{path}: not valid TOML: {exc}; fix the syntax there") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {str(path)!r}: {exc}") from None


def parse_override(text: str) -> tuple[str, str, Any]:
    """``"dates.day_first=true"`` → ``("dates", "day_first", True)`` (values are TOML)."""
    form = "it must be component.key=value, e.g. -s dates.day_first=true"
    if "=" not in text or "." not in text.split("=", 1)[0]:
        raise ConfigError(f"-s {text!r}: {form}")
    target, raw = text.split("=", 1)
    component, key = (part.strip() for part in target.strip().split(".", 1))
    if not component or not key:
        raise ConfigError(f"-s {text!r}: the component or the key is empty; {form}")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError as exc:
        if raw.strip()[:1] in {"[", "{", '"', "'"} or not raw.strip():
            # It looks like TOML (a list, a table, a string) but is not: say so rather
            # than pass the broken text on as a string.
            raise ConfigError(
                f"-s {text!r}: the value is not valid TOML ({exc}); write lists as [1, 2], "
                "strings as 'text', or a bare word"
            ) from None
        value = raw.strip()  # a bare word: take it as a string
    return component, key, value


def apply_overrides(config: Mapping[str, Any], overrides: Sequence[str]) -> dict[str, Any]:
    """A copy of ``config`` with each ``component.key=value`` override set."""
    out = {
        k: _Table(v, getattr(v, "origin", None), getattr(v, "keys_origin", None))
        if isinstance(v, Mapping)
        else v
        for k, v in config.items()
    }
    for text in overrides:
        component, key, value = parse_override(text)
        table = out.setdefault(component, _Table({}, f"-s {text}"))
        if not isinstance(table, dict):
            raise ConfigError(
                f"-s {text}: cannot set {component}.{key}: {_where(config, component)}"
                f"{component!r} is set to a value, not a table"
            )
        table[key] = value
        table.keys_origin[key] = f"-s {text}"
    if isinstance(config, _Table):  # keep the file's line for each top-level key
        return _Table(out, config.origin, config.keys_origin)
    return out


def _field_names(config_cls: type) -> list[str]:
    if attrs.has(config_cls):
        return [f.alias or f.name for f in attrs.fields(config_cls) if f.init]
    if dataclasses.is_dataclass(config_cls):
        return [f.name for f in dataclasses.fields(config_cls) if f.init]
    raise ConfigError(f"{config_cls.__name__} is neither an attrs class nor a dataclass")


def build_config(spec: ComponentSpec, table: Mapping[str, Any] | None) -> Any:
    """An instance of ``spec.config_cls`` from a TOML table, naming any bad key."""
    located = table
    table = dict(table or {})
    if spec.config_cls is None:
        if table:
            first = sorted(table)[0]
            raise ConfigError(
                f"{_where(located, first)}component {spec.name!r} takes no configuration, "
                f"but the config sets {', '.join(sorted(table))}; remove "
                + ("that -s option" if _where(located, first).startswith("-s") else f"the [{spec.name}] table")
            )
        return None
    names = _field_names(spec.config_cls)
    unknown = sorted(set(table) - set(names))
    if unknown:
        raise ConfigError(
            f"{_where(located, unknown[0])}component {spec.name!r} has no setting "
            f"{unknown[0]!r}; its settings are: {', '.join(names) or '(none)'}"
        )
    try:
        return spec.config_cls(**table)
    except (TypeError, ValueError) as exc:
        culprit = next((k for k in sorted(table, key=len, reverse=True) if k in str(exc)), None)
        where = _where(located, culprit)
        setting = f"{spec.name}.{culprit}" if culprit else f"[{spec.name}]"
        raise ConfigError(
            f"{where}{setting} has a bad value: {exc}; see the settings of {spec.name!r} "
            "(`newskit explain` lists the components; their docs list the settings)"
        ) from None


def check_tables(config: Mapping[str, Any], components: Mapping[str, ComponentSpec]) -> None:
    """Every top-level table must name an installed component or be ``[pipeline]``."""
    for key, value in config.items():
        where = _where(config, key)
        if key == "pipeline":
            if not isinstance(value, Mapping):
                raise ConfigError(f"{where}[pipeline] must be a table")
            bad = sorted(set(value) - PIPELINE_KEYS)
            if bad:
                raise ConfigError(
                    f"{_where(value, bad[0])}[pipeline] has no setting {bad[0]!r}; its settings "
                    f"are: {', '.join(sorted(PIPELINE_KEYS))}"
                )
            continue
        if key not in components:
            known = ", ".join(sorted(components)) or "none installed"
            raise ConfigError(
                f"{_where(value) or where}the config has a table [{key}] but no component is "
                f"named {key!r}; installed components: {known}. Fix the name or remove the table"
            )
        if not isinstance(value, Mapping):
            raise ConfigError(
                f"{where}[{key}] must be a table of settings, not {type(value).__name__}; "
                f"write it as [{key}] with one setting per line"
            )
