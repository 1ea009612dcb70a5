"""The whole catalog's citations compile with no error and no warning.

Each test writes the bundled catalog (as published and, with ``--prefer
preprint``, as preprints; and the fixture of hard cases) with
``sllm list --format ...``, cites every entry with ``\\nocite{*}`` and runs the
real tools: pdflatex + bibtex under plain, and under natbib with plainnat,
abbrvnat and unsrtnat (the ACL and NeurIPS templates load natbib; ACL's
acl_natbib style is built the same way), and pdflatex + biber under biblatex,
for both the ``bibtex`` and the ``biblatex`` output. Any ``!`` error in the
LaTeX log, any ``Warning--`` or error in BibTeX's log, any WARN or ERROR in
biber's, and any LaTeX warning (undefined citations included) fails the test.

The document loads T1 font encoding, as both templates do: ogonek letters
(Dziedzic's "ę") exist only in T1. The tests are skipped only where the TeX
tools are not installed; CI installs them (see .ci/run).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import DATA, run_sllm

TOOLS = ("pdflatex", "bibtex", "biber")
MISSING = [t for t in TOOLS if shutil.which(t) is None]
pytestmark = pytest.mark.skipif(
    bool(MISSING), reason=f"TeX tools not installed: {', '.join(MISSING)} (CI installs them in .ci/run)")

PREAMBLE = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{url}
"""
SOURCES = {
    "catalog": (),
    "catalog-preprints": ("--prefer", "preprint"),
    "hard-cases": ("--catalog", str(DATA / "cite.json"), "--no-bundled"),
}


def _bib(fmt: str, source: str) -> str:
    result = run_sllm("list", "--format", fmt, "--quiet", *SOURCES[source])
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii()
    assert result.stdout.count("@") > (10 if source == "hard-cases" else 300)
    return result.stdout


def _run(cmd: list[str], cwd) -> None:
    # Exit codes are not enough (bibtex exits 0 on warnings): the logs are read below.
    subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=300, stdin=subprocess.DEVNULL)


def _latex_problems(log: str) -> list[str]:
    errors = [line for line in log.splitlines() if line.startswith("! ")]
    warnings = re.findall(r"^(?:LaTeX|Package \w+) Warning: .*$", log, flags=re.MULTILINE)
    return errors + warnings


@pytest.mark.parametrize("source", list(SOURCES))
@pytest.mark.parametrize("style", ["plain", "plainnat", "abbrvnat", "unsrtnat"])
def test_bibtex_compiles_cleanly(tmp_path, style, source):
    bib = _bib("bibtex", source)
    (tmp_path / "refs.bib").write_text(bib, encoding="ascii")
    natbib = "" if style == "plain" else "\\usepackage{natbib}\n"
    (tmp_path / "doc.tex").write_text(
        PREAMBLE + natbib + "\\begin{document}\n\\nocite{*}\n"
        f"\\bibliographystyle{{{style}}}\n\\bibliography{{refs}}\n\\end{{document}}\n")
    latex = ["pdflatex", "-interaction=nonstopmode", "-draftmode", "doc"]
    _run(latex, tmp_path)
    _run(["bibtex", "doc"], tmp_path)
    _run(latex, tmp_path)
    _run(latex, tmp_path)
    blg = (tmp_path / "doc.blg").read_text(errors="replace")
    assert "Warning--" not in blg and "error message" not in blg, blg[-3000:]
    bbl = (tmp_path / "doc.bbl").read_text()
    assert bbl.count("\\bibitem") == len(re.findall(r"^@", bib, flags=re.MULTILINE))  # every entry typeset
    problems = _latex_problems((tmp_path / "doc.log").read_text(errors="replace"))
    assert not problems, problems[:10]


@pytest.mark.parametrize("source", list(SOURCES))
@pytest.mark.parametrize("fmt", ["biblatex", "bibtex"])
def test_biblatex_and_biber_compile_cleanly(tmp_path, fmt, source):
    bib = _bib(fmt, source)
    (tmp_path / "refs.bib").write_text(bib, encoding="ascii")
    (tmp_path / "doc.tex").write_text(
        PREAMBLE + "\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n"
        "\\begin{document}\n\\nocite{*}\n\\printbibliography\n\\end{document}\n")
    latex = ["pdflatex", "-interaction=nonstopmode", "-draftmode", "doc"]
    _run(latex, tmp_path)
    _run(["biber", "doc"], tmp_path)
    _run(latex, tmp_path)
    _run(latex, tmp_path)
    blg = (tmp_path / "doc.blg").read_text(errors="replace")
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\entry{") == len(re.findall(r"^@", bib, flags=re.MULTILINE)), blg[-3000:]
    bad = [line for line in blg.splitlines() if "] WARN - " in line or "] ERROR - " in line]
    assert not bad, bad[:10]
    problems = _latex_problems((tmp_path / "doc.log").read_text(errors="replace"))
    assert not problems, problems[:10]
