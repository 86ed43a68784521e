"""The settings of the ``themes`` component (``[themes]`` table of ``newskit.toml``)."""

from __future__ import annotations

import attrs


def _paths(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)  # type: ignore[union-attr]


def _unit(instance: object, attribute: attrs.Attribute, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"themes.{attribute.name} must lie in [0, 1], got {value!r}")


def _positive(instance: object, attribute: attrs.Attribute, value: float) -> None:
    if value <= 0:
        raise ValueError(f"themes.{attribute.name} must be positive, got {value!r}")


@attrs.frozen
class ThemesConfig:
    """Settings of the ``themes`` component."""

    #: Lowest calibrated confidence a theme needs to be reported (0 to 1).
    threshold: float = attrs.field(default=0.6, converter=float, validator=_unit)
    #: Most themes reported per document, ancestors included (the broader terms of a
    #: reported theme are always reported with it).
    max_tags: int = attrs.field(default=15, converter=int, validator=_positive)
    #: Deepest IPTC level reported (1 = the 17 top-level topics only); custom themes are
    #: reported at any depth.
    max_level: int = attrs.field(default=3, converter=int, validator=_positive)
    #: Extra rule files (TOML or JSON) applied after the built-in rules and the
    #: ``newskit_theme_rules`` hook, in this order; relative paths are read from the
    #: working directory.
    rule_paths: tuple[str, ...] = attrs.field(default=(), converter=_paths)
    #: Use the built-in IPTC rules; set to false to tag with your own rules only.
    builtin_rules: bool = attrs.field(default=True, converter=bool)
    #: How much a cue in the title (``Document.title`` or a short first line) counts.
    title_weight: float = attrs.field(default=2.5, converter=float, validator=_positive)
    #: How much a cue in the lead (the first ``lead_chars`` characters) counts.
    lead_weight: float = attrs.field(default=1.5, converter=float, validator=_positive)
    #: Length of the lead, in characters of the text.
    lead_chars: int = attrs.field(default=400, converter=int)
    #: Most evidence spans kept per theme (best first).
    max_evidence: int = attrs.field(default=5, converter=int, validator=_positive)
    #: Most weight one cue of a narrower theme passes up to its top-level topic, so that a
    #: topic with many very specific cues does not outweigh one with broad evidence.
    top_level_cap: float = attrs.field(default=1.5, converter=float, validator=_positive)
    #: Let ``entity`` findings (type, tags, QID) raise themes through entity cues.
    use_entities: bool = attrs.field(default=True, converter=bool)
