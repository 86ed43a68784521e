"""Finding plugins: entry points (read lazily, one at a time) and explicit registration.

A plugin that fails to import is recorded with its error and shown by ``newskit plugins``;
the rest of the tool goes on. ``NEWSKIT_STRICT_PLUGINS=1`` makes such a failure fatal.
``NEWSKIT_LOAD_PLUGINS=a,b`` loads only those entry points; ``NEWSKIT_DISABLE_PLUGINS=a,b``
skips them.
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
import traceback
from collections.abc import Sequence
from typing import Any

import attrs
import pluggy

from newskit import hookspecs
from newskit._errors import PlanError, PluginError
from newskit._markers import PROJECT
from newskit._spec import ComponentSpec

__all__ = ["PluginInfo", "Registry", "plugin_name", "entry_points"]

ENTRY_POINT_GROUP = "newskit"


@attrs.frozen
class PluginInfo:
    """What ``newskit plugins`` shows about one plugin."""

    name: str
    distribution: str | None = None
    version: str | None = None
    components: tuple[str, ...] = ()
    hooks: tuple[str, ...] = ()
    error: str | None = None
    source: str = "entry point"


@functools.cache
def entry_points() -> tuple[importlib.metadata.EntryPoint, ...]:
    """The installed ``newskit`` entry points (read once per process, not at import)."""
    return tuple(sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name))


def _env_names(var: str) -> set[str] | None:
    raw = os.environ.get(var)
    if raw is None:
        return None
    return {part.strip() for part in raw.split(",") if part.strip()}


def plugin_name(plugin: Any) -> str:
    """A readable name for an explicitly registered plugin object."""
    name = getattr(plugin, "__name__", None) or type(plugin).__name__
    return str(name)


def _strict() -> bool:
    return os.environ.get("NEWSKIT_STRICT_PLUGINS", "").strip().lower() in {"1", "true", "yes", "on"}


class Registry:
    """The plugin manager of one pipeline, with what each plugin supplied.

    ``plugins`` are registered explicitly (modules, classes or instances with
    ``@newskit.hookimpl`` functions); ``entrypoints=True`` adds the installed ones.
    """

    def __init__(self, plugins: Sequence[Any] = (), *, entrypoints: bool = True) -> None:
        from newskit._runner import CoreRunner

        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(hookspecs)
        # Registered first (and trylast), so it is called last: wrappers of other plugins
        # see its result.
        self.runner = CoreRunner()
        self.pm.register(self.runner, name="newskit.runner")
        self.infos: dict[str, PluginInfo] = {}
        self._components: dict[str, tuple[ComponentSpec, str]] | None = None
        if entrypoints:
            self._load_entry_points()
        for plugin in plugins:
            self.register(plugin)

    # -- loading ---------------------------------------------------------------------------

    def _load_entry_points(self) -> None:
        only = _env_names("NEWSKIT_LOAD_PLUGINS")
        disabled = _env_names("NEWSKIT_DISABLE_PLUGINS") or set()
        for ep in entry_points():
            if (only is not None and ep.name not in only) or ep.name in disabled:
                continue
            dist = getattr(ep, "dist", None)
            dist_name = dist.metadata["Name"] if dist is not None else None
            dist_version = dist.version if dist is not None else None
            try:
                plugin = ep.load()
                self.pm.register(plugin, name=ep.name)
            except Exception as exc:  # a broken plugin must not break the tool
                if _strict():
                    raise PluginError(
                        f"plugin {ep.name!r} ({ep.value}) failed to load: "
                        f"{type(exc).__name__}: {exc}"
                    ) from exc
                last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
                where = f" (at {last[0].filename}:{last[0].lineno})" if last else ""
                self.infos[ep.name] = PluginInfo(
                    ep.name,
                    dist_name,
                    dist_version,
                    error=f"{type(exc).__name__}: {exc}{where}",
                )
                continue
            self.infos[ep.name] = PluginInfo(ep.name, dist_name, dist_version)

    def register(self, plugin: Any, name: str | None = None) -> str:
        """Register a plugin object explicitly and return its name."""
        name = name or plugin_name(plugin)
        if self.pm.has_plugin(name):
            if self.pm.get_plugin(name) is plugin:
                return name
            raise PluginError(
                f"two different plugins are named {name!r}; register one with another name "
                "(Registry.register(plugin, name='...'))"
            )
        self.pm.register(plugin, name=name)
        self.infos[name] = PluginInfo(name, source="registered")
        self._components = None
        return name

    # -- what plugins supply ---------------------------------------------------------------

    def components(self) -> dict[str, tuple[ComponentSpec, str]]:
        """Component name → (spec, plugin name), asking each plugin separately."""
        if self._components is not None:
            return self._components
        found: dict[str, tuple[ComponentSpec, str]] = {}
        for impl in self.pm.hook.newskit_components.get_hookimpls():
            owner = impl.plugin_name
            try:
                specs = list(impl.function() or ())
            except Exception as exc:
                if _strict():
                    raise PluginError(f"plugin {owner!r} failed in newskit_components: {exc}") from exc
                self._record_error(owner, f"newskit_components raised {type(exc).__name__}: {exc}")
                continue
            for spec in specs:
                if not isinstance(spec, ComponentSpec):
                    self._record_error(
                        owner,
                        f"newskit_components returned {type(spec).__name__}, not newskit.ComponentSpec",
                    )
                    continue
                if spec.name in found:
                    other = found[spec.name][1]
                    raise PlanError(
                        f"two plugins declare a component named {spec.name!r}: {other!r} and "
                        f"{owner!r}; disable one (NEWSKIT_DISABLE_PLUGINS={owner}) or rename "
                        "its component"
                    )
                if spec.hookspecs is not None:
                    self.pm.add_hookspecs(spec.hookspecs)
                found[spec.name] = (spec, owner)
        self._components = found
        return found

    def _record_error(self, owner: str, message: str) -> None:
        info = self.infos.get(owner, PluginInfo(owner))
        self.infos[owner] = attrs.evolve(info, error=message)

    def plugin_infos(self) -> list[PluginInfo]:
        """Every plugin found, loaded or not, with its components, hooks and load error."""
        components = self.components()
        out = []
        for name, info in sorted(self.infos.items()):
            plugin = self.pm.get_plugin(name)
            hooks: tuple[str, ...] = ()
            if plugin is not None:
                hooks = tuple(
                    sorted(
                        h.name
                        for h in self.pm.get_hookcallers(plugin) or ()
                    )
                )
            comps = tuple(sorted(n for n, (_, owner) in components.items() if owner == name))
            if info.version is None and plugin is not None:
                info = attrs.evolve(info, version=getattr(plugin, "__version__", None))
            out.append(attrs.evolve(info, components=comps, hooks=hooks))
        return out

    def hook_results(self, name: str, **kwargs: Any) -> list[Any]:
        """Call a (possibly plugin-defined) hook and return its results."""
        return getattr(self.pm.hook, name)(**kwargs)

