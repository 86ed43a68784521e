"""The entities docs stay honest: the hook is documented and its example runs."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[3] / "docs" / "plugins" / "entities.md"


def test_hook_heading_and_example_runs():
    text = DOC.read_text(encoding="utf-8")
    assert "### newskit_kb_entries" in text
    section = text.split("### newskit_kb_entries", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(DOC), "exec"), {})
    assert "acme:moscow_fc" in out.getvalue()


def test_every_config_field_is_documented():
    import attrs

    from newskit_entities import EntitiesConfig

    text = DOC.read_text(encoding="utf-8")
    for field in attrs.fields(EntitiesConfig):
        assert f"`{field.name}`" in text
