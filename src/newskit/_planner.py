"""The planner: put the enabled components in an order that meets their data needs.

pluggy calls implementations last-registered-first, which says nothing about data. Here a
component runs after every provider of each kind it ``requires`` (hard: a missing provider
is an error) and of each kind it ``uses`` (soft: only when such a provider is enabled).
Ties break by the order the user listed components in, then by name, so a plan is the same
on every run.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence

from newskit._errors import PlanError
from newskit._spec import ComponentSpec

__all__ = ["plan"]


def _providers(specs: Sequence[ComponentSpec]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for spec in specs:
        for kind in spec.provides:
            out.setdefault(kind, []).append(spec.name)
    return out


def plan(
    available: Mapping[str, ComponentSpec],
    enabled: Sequence[str] | None = None,
    order: Sequence[str] | None = None,
) -> list[ComponentSpec]:
    """The enabled components, sorted so that each runs after what it needs.

    ``available`` maps every installed component's name to its spec; ``enabled`` selects
    some of them (all when ``None``); ``order``, when given, is the exact order the user
    wants, which is checked rather than computed.
    """
    if enabled is None:
        enabled = sorted(available)
    seen: set[str] = set()
    for name in enabled:
        if name in seen:
            raise PlanError(f"component {name!r} is listed twice; list each component once")
        seen.add(name)
        if name not in available:
            known = ", ".join(sorted(available)) or "none (no plugin is installed or loaded)"
            raise PlanError(
                f"unknown component {name!r}; installed components: {known}. "
                "Check the spelling, or install the plugin that provides it "
                "(`newskit plugins` lists what is loaded and what failed to load)"
            )
    specs = [available[name] for name in enabled]
    providers = _providers(specs)
    all_providers = _providers(list(available.values()))

    # Hard requirements must be met by an enabled component.
    for spec in specs:
        for kind in spec.requires:
            if any(p != spec.name for p in providers.get(kind, ())):
                continue
            disabled = [p for p in all_providers.get(kind, ()) if p not in seen]
            if disabled:
                names = ", ".join(repr(p) for p in disabled)
                raise PlanError(
                    f"component {spec.name!r} requires {kind!r} findings, but no enabled "
                    f"component provides them; installed but disabled: {names}. Enable "
                    f"{'it' if len(disabled) == 1 else 'one of them'} (components=[..., "
                    f"{disabled[0]!r}]) or disable {spec.name!r}"
                )
            raise PlanError(
                f"component {spec.name!r} requires {kind!r} findings, but no installed "
                f"component provides them; install a plugin that provides {kind!r} or "
                f"disable {spec.name!r}"
            )

    # Edges provider → consumer, for hard and (enabled) soft needs alike.
    after: dict[str, set[str]] = {s.name: set() for s in specs}
    for spec in specs:
        for kind in (*spec.requires, *spec.uses):
            for provider in providers.get(kind, ()):
                if provider != spec.name:
                    after[spec.name].add(provider)

    if order is not None:
        return _check_order(available, specs, after, order)

    rank = {name: i for i, name in enumerate(enabled)}
    indegree = {name: len(deps) for name, deps in after.items()}
    dependents: dict[str, list[str]] = {name: [] for name in after}
    for name, deps in after.items():
        for dep in deps:
            dependents[dep].append(name)
    ready = [(rank[n], n) for n, d in indegree.items() if d == 0]
    heapq.heapify(ready)
    result: list[ComponentSpec] = []
    while ready:
        _, name = heapq.heappop(ready)
        result.append(available[name])
        for dependent in dependents[name]:
            indegree[dependent] -= 1
            if indegree[dependent] == 0:
                heapq.heappush(ready, (rank[dependent], dependent))
    if len(result) < len(specs):
        cycle = _find_cycle({n: sorted(d) for n, d in after.items() if indegree[n] > 0})
        raise PlanError(
            "the components depend on each other in a cycle: "
            + " → ".join(cycle)
            + "; break it by turning one 'requires' into 'uses' or by disabling a component"
        )
    return result


def _find_cycle(graph: Mapping[str, Sequence[str]]) -> list[str]:
    """One cycle of the graph as a path that ends where it starts (a → b → a)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt) :] + [nxt]
                # Print in data-flow order (provider first), the way the user reads it.
                return cycle[::-1]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return sorted(graph)  # pragma: no cover - a leftover node is always on a cycle


def _check_order(
    available: Mapping[str, ComponentSpec],
    specs: Sequence[ComponentSpec],
    after: Mapping[str, set[str]],
    order: Sequence[str],
) -> list[ComponentSpec]:
    names = [s.name for s in specs]
    if sorted(order) != sorted(names):
        missing = sorted(set(names) - set(order))
        extra = sorted(set(order) - set(names))
        parts = []
        if missing:
            parts.append(f"missing {missing}")
        if extra:
            parts.append(f"not enabled {extra}")
        raise PlanError(
            "the given order must list every enabled component exactly once: "
            + "; ".join(parts)
        )
    position = {name: i for i, name in enumerate(order)}
    for name in order:
        for dep in sorted(after[name]):
            if position[dep] > position[name]:
                spec = available[name]
                kinds = [k for k in (*spec.requires, *spec.uses) if k in available[dep].provides]
                raise PlanError(
                    f"the given order runs {name!r} before {dep!r}, but {name!r} needs the "
                    f"{', '.join(repr(k) for k in kinds)} findings that {dep!r} provides; "
                    f"move {dep!r} before {name!r} or leave the order to the planner"
                )
    return [available[name] for name in order]
