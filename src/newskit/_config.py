"""Configuration: TOML tables, one per component, validated by its ``config_cls``.

Sources, first found wins: an explicit ``--config`` file, ``newskit.toml`` in the working
directory, ``[tool.newskit]`` in ``pyproject.toml``. ``-s component.key=value`` overrides
a single key. The table ``[pipeline]`` sets ``components``, ``order`` and ``on_error``.
"""

from __future__ import annotations

import dataclasses
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


def load_config(path: str | Path | None = None, cwd: str | Path | None = None) -> dict[str, Any]:
    """Read the configuration as a plain dict ({} when there is none)."""
    if path is not None:
        return _read_toml(Path(path), explicit=True)
    base = Path(cwd) if cwd is not None else Path.cwd()
    own = base / "newskit.toml"
    if own.is_file():
        return _read_toml(own)
    project = base / "pyproject.toml"
    if project.is_file():
        data = _read_toml(project)
        table = data.get("tool", {}).get("newskit", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{project}: [tool.newskit] must be a table")
        return table
    return {}


def _read_toml(path: Path, explicit: bool = False) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {str(path)!r} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}; fix the syntax at that line") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {str(path)!r}: {exc}") from None


def parse_override(text: str) -> tuple[str, str, Any]:
    """``"dates.day_first=true"`` → ``("dates", "day_first", True)`` (values are TOML)."""
    if "=" not in text or "." not in text.split("=", 1)[0]:
        raise ConfigError(
            f"override {text!r} is not of the form component.key=value (e.g. -s dates.day_first=true)"
        )
    target, raw = text.split("=", 1)
    component, key = target.strip().split(".", 1)
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw  # a bare word: take it as a string
    return component, key.strip(), value


def apply_overrides(config: Mapping[str, Any], overrides: Sequence[str]) -> dict[str, Any]:
    """A copy of ``config`` with each ``component.key=value`` override set."""
    out = {k: dict(v) if isinstance(v, Mapping) else v for k, v in config.items()}
    for text in overrides:
        component, key, value = parse_override(text)
        table = out.setdefault(component, {})
        if not isinstance(table, dict):
            raise ConfigError(f"cannot set {component}.{key}: {component!r} is not a table")
        table[key] = value
    return out


def _field_names(config_cls: type) -> list[str]:
    if attrs.has(config_cls):
        return [f.alias or f.name for f in attrs.fields(config_cls) if f.init]
    if dataclasses.is_dataclass(config_cls):
        return [f.name for f in dataclasses.fields(config_cls) if f.init]
    raise ConfigError(f"{config_cls.__name__} is neither an attrs class nor a dataclass")


def build_config(spec: ComponentSpec, table: Mapping[str, Any] | None) -> Any:
    """An instance of ``spec.config_cls`` from a TOML table, naming any bad key."""
    table = dict(table or {})
    if spec.config_cls is None:
        if table:
            raise ConfigError(
                f"component {spec.name!r} takes no configuration, but the config sets "
                f"{', '.join(sorted(table))}; remove the [{spec.name}] table"
            )
        return None
    names = _field_names(spec.config_cls)
    unknown = sorted(set(table) - set(names))
    if unknown:
        raise ConfigError(
            f"component {spec.name!r} has no setting {unknown[0]!r}; "
            f"its settings are: {', '.join(names) or '(none)'}"
        )
    try:
        return spec.config_cls(**table)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"[{spec.name}] has a bad value: {exc}") from None


def check_tables(config: Mapping[str, Any], components: Mapping[str, ComponentSpec]) -> None:
    """Every top-level table must name an installed component or be ``[pipeline]``."""
    for key, value in config.items():
        if key == "pipeline":
            if not isinstance(value, Mapping):
                raise ConfigError("[pipeline] must be a table")
            bad = sorted(set(value) - PIPELINE_KEYS)
            if bad:
                raise ConfigError(
                    f"[pipeline] has no setting {bad[0]!r}; its settings are: "
                    f"{', '.join(sorted(PIPELINE_KEYS))}"
                )
            continue
        if key not in components:
            known = ", ".join(sorted(components)) or "none installed"
            raise ConfigError(
                f"the config has a table [{key}] but no component is named {key!r}; "
                f"components: {known}"
            )
        if not isinstance(value, Mapping):
            raise ConfigError(f"[{key}] must be a table of settings, not {type(value).__name__}")
