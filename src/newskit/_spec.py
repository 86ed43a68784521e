"""``ComponentSpec``: the typed record a plugin returns to declare a component."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

import attrs

from newskit._errors import ValidationError
from newskit._model import Finding, FindingView

__all__ = ["ComponentSpec", "Component"]


class Component(Protocol):
    """What a factory returns: called once per document with the findings so far."""

    def __call__(self, view: FindingView) -> Iterable[Finding]: ...


def _kinds(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _check_name(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    if not isinstance(value, str) or not value.replace("_", "").replace("-", "").isalnum():
        raise ValidationError(
            f"ComponentSpec.name must be a short identifier such as 'dates', got {value!r}"
        )


@attrs.frozen
class ComponentSpec:
    """A component as a plugin declares it.

    ``factory(config)`` builds the callable that runs on each document; ``config`` is an
    instance of ``config_cls`` (or ``None`` without one). ``provides``, ``requires`` and
    ``uses`` are finding kinds: the planner runs this component after every provider of
    what it requires (hard) and of what it uses (soft, only when such a provider is enabled).
    A spec that sets ``hookspecs`` (a module or class of ``@newskit.hookspec`` functions)
    adds those hooks to the plugin manager, and its factory is then called as
    ``factory(config, hook=<the hook relay>)`` so it can ask other plugins for data.

    >>> ComponentSpec("dates", factory=lambda config: (lambda view: []), provides=("date",))
    ComponentSpec(name='dates', ...)
    """

    name: str = attrs.field(validator=_check_name)
    factory: Callable[..., Component] = attrs.field(repr=False)
    provides: tuple[str, ...] = attrs.field(converter=_kinds, repr=False)
    requires: tuple[str, ...] = attrs.field(default=(), converter=_kinds, repr=False)
    uses: tuple[str, ...] = attrs.field(default=(), converter=_kinds, repr=False)
    config_cls: type | None = attrs.field(default=None, repr=False)
    description: str = attrs.field(default="", repr=False)
    version: str | None = attrs.field(default=None, repr=False)
    hookspecs: Any = attrs.field(default=None, repr=False)

    def __repr__(self) -> str:  # short: specs show up in error messages
        return f"ComponentSpec(name={self.name!r}, ...)"
