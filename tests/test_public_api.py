"""The public surface: exactly what __all__ lists, each name importable and reporting newskit.X."""

import importlib
import pkgutil

import newskit


def test_all_names_resolve_and_nothing_else_is_public():
    for name in newskit.__all__:
        assert getattr(newskit, name) is not None, name
    public_modules = {
        m.name for m in pkgutil.iter_modules(newskit.__path__) if not m.name.startswith("_")
    }
    # Public modules are the documented entry points only.
    assert public_modules <= {"cli", "hookspecs", "testing", "parallel", "dask"}, public_modules


def test_public_classes_report_the_package_name():
    for name in newskit.__all__:
        value = getattr(newskit, name)
        if isinstance(value, type):
            assert value.__module__ == "newskit", f"{name} reports {value.__module__}"


def test_unknown_attribute_raises_attribute_error():
    try:
        newskit.NoSuchThing  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_hookspecs_module_imports():
    assert importlib.import_module("newskit.hookspecs").newskit_components.__doc__
