"""The exceptions newskit raises.

    NewskitError
    ├── ValidationError   a value breaks the data model (bad offsets, wrong type …)
    ├── ConfigError       a configuration file, table or key is wrong
    ├── PlanError         the components cannot be put in a valid order
    ├── PluginError       a plugin failed to load or broke the component contract
    └── ComponentError    a component raised on a document (carries component and document)

Every message names the culprit and, where there is one, the fix.
"""

from __future__ import annotations

__all__ = [
    "NewskitError",
    "ValidationError",
    "ConfigError",
    "PlanError",
    "PluginError",
    "ComponentError",
]


class NewskitError(Exception):
    """Base class of every error newskit raises on purpose."""


class ValidationError(NewskitError, ValueError):
    """A value breaks the data model."""


class ConfigError(NewskitError, ValueError):
    """A configuration file, table or key is wrong."""


class PlanError(NewskitError):
    """The enabled components cannot be put in an order that meets their requirements."""


class PluginError(NewskitError):
    """A plugin failed to load, or a component broke its contract."""


class ComponentError(NewskitError):
    """A component raised (or returned garbage) while analysing one document."""

    def __init__(self, component: str, document_id: str, cause: BaseException) -> None:
        self.component = component
        self.document_id = document_id
        self.cause = cause
        super().__init__(
            f"component {component!r} failed on document {document_id!r}: "
            f"{type(cause).__name__}: {cause}"
        )

    def __reduce__(self):  # picklable across process boundaries
        return (type(self), (self.component, self.document_id, self.cause))

