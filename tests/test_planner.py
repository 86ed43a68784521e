import pytest

import newskit
from newskit import ComponentSpec, PlanError
from newskit._planner import plan


def spec(name, provides=(), requires=(), uses=()):
    return ComponentSpec(name, factory=lambda c: (lambda v: []), provides=provides, requires=requires, uses=uses)


def names(specs):
    return [s.name for s in specs]


def test_requires_and_uses_order_components_after_their_providers():
    available = {
        "quotes": spec("quotes", ("quote",), uses=("entity",)),
        "themes": spec("themes", ("theme",), uses=("entity",)),
        "summary": spec("summary", ("summary",), requires=("quote", "theme")),
        "entities": spec("entities", ("entity",)),
        "dates": spec("dates", ("date",)),
    }
    order = names(plan(available))
    assert order.index("entities") < order.index("quotes") < order.index("summary")
    assert order.index("themes") < order.index("summary")


def test_ties_break_by_the_users_order_then_the_same_every_time():
    available = {n: spec(n, (n,)) for n in ("a", "b", "c")}
    assert names(plan(available, ["c", "a", "b"])) == ["c", "a", "b"]
    assert names(plan(available)) == ["a", "b", "c"] == names(plan(dict(reversed(available.items()))))


def test_uses_is_soft_when_no_provider_is_enabled():
    available = {"quotes": spec("quotes", ("quote",), uses=("entity",)), "entities": spec("entities", ("entity",))}
    assert names(plan(available, ["quotes"])) == ["quotes"]


def test_missing_provider_names_installed_but_disabled_ones():
    available = {"salience": spec("salience", ("salience",), requires=("entity",)), "entities": spec("entities", ("entity",))}
    with pytest.raises(PlanError) as info:
        plan(available, ["salience"])
    message = str(info.value)
    assert "'salience' requires 'entity' findings" in message
    assert "installed but disabled: 'entities'" in message
    assert "components=[..., 'entities']" in message


def test_missing_provider_that_is_not_installed_says_so():
    with pytest.raises(PlanError, match="no installed component provides them; install a plugin that provides 'entity'"):
        plan({"salience": spec("salience", ("salience",), requires=("entity",))})


def test_cycle_is_printed_as_a_path():
    available = {"a": spec("a", ("x",), requires=("y",)), "b": spec("b", ("y",), requires=("x",))}
    with pytest.raises(PlanError, match=r"cycle: (a → b → a|b → a → b)"):
        plan(available)


def test_unknown_and_repeated_component_names():
    available = {"dates": spec("dates", ("date",))}
    with pytest.raises(PlanError, match=r"unknown component 'datse'; installed components: dates"):
        plan(available, ["datse"])
    with pytest.raises(PlanError, match="listed twice"):
        plan(available, ["dates", "dates"])


def test_duplicate_component_names_from_two_plugins(toy):
    first, second = toy("dates", ("date",)), toy("dates", ("date",))
    second.__name__ = "acme_dates"
    with pytest.raises(PlanError, match="two plugins declare a component named 'dates': 'plugin_dates' and 'acme_dates'"):
        newskit.Pipeline(plugins=[first, second], entrypoints=False)


def test_user_order_that_breaks_a_requirement():
    available = {"entities": spec("entities", ("entity",)), "quotes": spec("quotes", ("quote",), requires=("entity",))}
    assert names(plan(available, order=["entities", "quotes"])) == ["entities", "quotes"]
    with pytest.raises(PlanError, match="runs 'quotes' before 'entities'.*'entity' findings.*move 'entities' before 'quotes'"):
        plan(available, order=["quotes", "entities"])
    with pytest.raises(PlanError, match=r"missing \['quotes'\]"):
        plan(available, order=["entities"])
