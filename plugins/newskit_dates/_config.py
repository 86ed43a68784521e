"""``DatesConfig``: the settings of the dates component (TOML table ``[dates]``)."""

from __future__ import annotations

import attrs

__all__ = ["DatesConfig", "TYPES", "DIRECTIONS"]

#: The TIMEX3 types the component knows.
TYPES = ("DATE", "TIME", "DURATION", "SET")
#: The directions a year-less date or a bare weekday can take.
DIRECTIONS = ("past", "future", "nearest")


def _check_types(instance: object, attribute: attrs.Attribute, value: tuple) -> None:
    unknown = [t for t in value if t not in TYPES]
    if unknown:
        raise ValueError(
            f"dates.types: unknown TIMEX3 type {unknown[0]!r}; choose from {', '.join(TYPES)}"
        )


def _to_tuple(value: object) -> tuple:
    if isinstance(value, str):
        return (value,)
    return tuple(value)  # type: ignore[arg-type]


@attrs.frozen
class DatesConfig:
    """Settings of the ``dates`` component.

    >>> DatesConfig(day_first=True).day_first
    True
    """

    #: How to read an all-numeric date such as ``03/04/2024``: ``True`` day first (3 April,
    #: British and most of the world), ``False`` month first (March 4, US), ``None`` (the
    #: default) day first only when the first number cannot be a month (``25/12/2024``),
    #: otherwise month first.
    day_first: bool | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(bool))
    )
    #: Which way a year-less date ("on March 3"), a bare weekday ("on Monday"), a bare
    #: month, season, quarter or holiday points when its sentence has no tense cue:
    #: ``"nearest"`` (the default: the candidate closest to the publication date, so "on
    #: June 10" in an article of June 4 is six days ahead, "December 28" in one of January 5
    #: is nine days back), ``"past"`` or ``"future"``. A cue such as "will", "is due to",
    #: "next" or "postponed until" (future) or a past-tense verb near the expression
    #: overrides it.
    default_direction: str = attrs.field(default="nearest", validator=attrs.validators.in_(DIRECTIONS))
    #: The TIMEX3 types to emit; leave one out to drop, e.g., durations (``["DATE", "TIME"]``).
    types: tuple[str, ...] = attrs.field(default=TYPES, converter=_to_tuple, validator=_check_types)
    #: Emit expressions that have no anchor to resolve against (no ``published_at``) with
    #: underspecified values such as ``XXXX-10-02``; ``False`` drops them instead.
    emit_unresolved: bool = attrs.field(default=True, validator=attrs.validators.instance_of(bool))
