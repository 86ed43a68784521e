"""Optional C accelerators of the bundled plugins.

Every ``plugins/<package>/_speedups.c`` becomes the extension module
``<package>._speedups``. Each is optional: where no C compiler is available the
install still succeeds and the plugin runs its pure-Python implementation, which
stays the reference (the tests check that both give the same findings).
"""

from pathlib import Path

from setuptools import Extension, setup

HERE = Path(__file__).parent

setup(
    ext_modules=[
        Extension(f"{source.parent.name}._speedups", [source.relative_to(HERE).as_posix()],
                  optional=True, extra_compile_args=["-O2"])
        for source in sorted((HERE / "plugins").glob("*/_speedups.c"))
    ],
)
