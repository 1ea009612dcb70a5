"""The curators' facts report: finds the contradictions it promises to find."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "facts_report.py"


def _report():
    spec = importlib.util.spec_from_file_location("facts_report", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _record(**over):
    base = {"id": "x", "year": 2023, "venue": "arXiv", "arxiv": "2301.00001", "doi": None,
            "sizes": [], "sources": [], "notes": {}, "unverified": [], "languages": [],
            "citation": {"type": "misc", "eprint": "2301.00001", "year": 2023, "evidence": "primary"}}
    base.update(over)
    return base


def test_flags_a_read_doi_missing_at_the_top_level():
    r = _record(citation={"type": "article", "journal": "Nature", "doi": "10.1/x", "eprint": "2301.00001",
                          "year": 2023, "evidence": "primary"}, venue="Nature")
    assert _report().sections([r])["doi-from-citation"] == ["x"]


def test_flags_a_year_later_than_the_arxiv_identifier_and_unsorted_sizes():
    r = _record(year=2025, sizes=[{"label": "7B", "parameters": 7_000_000_000},
                                  {"label": "1B", "parameters": 1_000_000_000}])
    found = _report().sections([r])
    assert found["year-after-arxiv"] and found["sizes-order"] == ["x"]


def test_flags_notes_too_long_to_show():
    report = _report()
    short = _record(notes={"sizes": "model card: 7.24B params"})
    story = _record(notes={"citation": "x" * (report.NOTE_CHARS + 1), "sizes": "fine"})
    assert report.sections([short])["notes-long"] == []
    assert report.sections([story])["notes-long"] == [f"x (citation: {report.NOTE_CHARS + 1} characters)"]


def test_a_consistent_record_is_not_flagged():
    found = _report().sections([_record()])
    for name in ("doi-from-citation", "arxiv-mismatch", "venue-mismatch", "year-after-arxiv", "sizes-order"):
        assert found[name] == [], name


def test_json_output_is_data_only():
    out = subprocess.run([sys.executable, str(SCRIPT), "--json"], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    assert {"sections", "summary"} <= set(data)
