"""The README's reference and examples are the program's own output, and cover every command."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import REPO


def test_generated_docs_are_up_to_date():
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "gen_docs.py"), "--check"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def test_every_command_is_documented():
    from sllm.cli import command_names

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    reference = (REPO / "docs" / "reference.md").read_text(encoding="utf-8")
    for name in command_names():
        assert re.search(rf"`sllm {name}`", readme), name
        assert f"## `sllm {name}`" in reference, name


def test_every_filter_and_format_is_documented():
    from sllm.query import FILTERS
    from sllm.render import record_formats

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for f in FILTERS:
        assert f"`{f.flags[0].split('/')[0]}`" in readme, f.name
    for fmt in record_formats():
        assert f"`{fmt}`" in readme, fmt
