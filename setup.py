"""Optional C accelerators of the bundled plugins.

Every ``plugins/<package>/_speedups.c`` becomes the extension module
``<package>._speedups``. Each is optional: where no C compiler is available the
install still succeeds and the plugin runs its pure-Python implementation, which
stays the reference (the tests check that both give the same findings).

Each module records the SHA-256 of the source it was built from
(``_speedups.SOURCE_SHA256``), so that a plugin can refuse a stale build: an
editable install whose ``.c`` file changed since the last ``pip install -e .``.
"""

import hashlib
from pathlib import Path

from setuptools import Extension, setup

HERE = Path(__file__).parent


def accelerator(source: Path) -> Extension:
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    return Extension(
        f"{source.parent.name}._speedups", [source.relative_to(HERE).as_posix()],
        optional=True, extra_compile_args=["-O2"],
        define_macros=[("NEWSKIT_SOURCE_SHA256", f'"{digest}"')],
    )


setup(ext_modules=[accelerator(source) for source in sorted((HERE / "plugins").glob("*/_speedups.c"))])
