"""newskit: who said what, when, about whom, and on which themes — offline.

>>> import newskit
>>> result = newskit.analyze("Putin spoke on Monday.", published_at="2024-10-02")  # doctest: +SKIP

The public API is what ``__all__`` lists; everything else lives in private modules. Names
are imported on first use, so ``import newskit`` stays cheap and reads no entry point.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "ComponentError",
    "ComponentSpec",
    "ConfigError",
    "Document",
    "ErrorRecord",
    "Finding",
    "FindingView",
    "NewskitError",
    "Pipeline",
    "PipelineConfig",
    "PlanError",
    "PluginError",
    "Result",
    "ValidationError",
    "analyze",
    "finding_id",
    "hookimpl",
    "hookspec",
    "read_jsonl",
    "write_jsonl",
]

_WHERE = {
    "ComponentError": "newskit._errors",
    "ConfigError": "newskit._errors",
    "NewskitError": "newskit._errors",
    "PlanError": "newskit._errors",
    "PluginError": "newskit._errors",
    "ValidationError": "newskit._errors",
    "Document": "newskit._model",
    "ErrorRecord": "newskit._model",
    "Finding": "newskit._model",
    "FindingView": "newskit._model",
    "Result": "newskit._model",
    "finding_id": "newskit._model",
    "ComponentSpec": "newskit._spec",
    "Pipeline": "newskit._pipeline",
    "PipelineConfig": "newskit._pipeline",
    "analyze": "newskit._pipeline",
    "hookimpl": "newskit._markers",
    "hookspec": "newskit._markers",
    "read_jsonl": "newskit._serialize",
    "write_jsonl": "newskit._serialize",
}

if TYPE_CHECKING:
    from newskit._errors import (
        ComponentError,
        ConfigError,
        NewskitError,
        PlanError,
        PluginError,
        ValidationError,
    )
    from newskit._markers import hookimpl, hookspec
    from newskit._model import Document, ErrorRecord, Finding, FindingView, Result, finding_id
    from newskit._pipeline import Pipeline, PipelineConfig, analyze
    from newskit._serialize import read_jsonl, write_jsonl
    from newskit._spec import ComponentSpec


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'newskit' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    if getattr(value, "__module__", "").startswith("newskit._"):
        try:
            value.__module__ = "newskit"  # public objects report newskit.X
        except (AttributeError, TypeError):
            pass
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
