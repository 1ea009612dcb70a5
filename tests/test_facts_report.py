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
    base = {"id": "x", "name": "X", "year": 2023, "venue": "arXiv", "arxiv": "2301.00001", "doi": None,
            "sizes": [], "sources": [], "notes": {}, "unverified": [], "languages": [],
            "citation": {"type": "misc", "key": "x2023", "authors": ["A B"], "title": "T",
                         "eprint": "2301.00001", "year": 2023, "evidence": "primary", "verified": True}}
    base.update(over)
    return base


def test_flags_a_read_doi_missing_at_the_top_level():
    r = _record(citation={"type": "article", "key": "x2023", "authors": ["A B"], "title": "T",
                          "journal": "Nature", "doi": "10.1234/x", "eprint": "2301.00001",
                          "year": 2023, "evidence": "primary", "verified": True}, venue="Nature")
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


def test_lists_the_records_that_miss_a_target_by_validates_rule():
    """A model with sizes but no count and a model with no size at all both lack a count;
    an agent is not a model and is not asked for one."""
    report = _report()
    labelled = _record(id="labelled", sizes=[{"label": "7B"}], languages=["en"])
    bare = _record(id="bare", languages=["en"])
    agent = _record(id="agent", kind="agent", languages=["en"])
    counted = _record(id="counted", sizes=[{"label": "7B", "parameters": 6_740_000_000}], languages=["en"])
    found = report.sections([labelled, bare, agent, counted])
    assert found["lacks-parameters"] == ["labelled", "bare"]
    assert found["lacks-size-counts"] == ["labelled"]
    assert found["lacks-languages"] == []


def test_summary_counts_the_targets_as_sllm_validate_does(tmp_path):
    report = _report()
    records = [_record(id="a", sizes=[{"label": "7B"}], languages=["en"]),
               _record(id="b", access="open", open_weights=True, license="mit", backbones=["LLaMA-2-7B"],
                       sizes=[{"label": "7B", "parameters": 6_740_000_000}], languages=["en"])]
    path = tmp_path / "two.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    checked = subprocess.run([sys.executable, "-m", "sllm", "validate", "--json", str(path)],
                             capture_output=True, text=True)
    expected = {(t["name"], t["count"], t["total"]) for t in json.loads(checked.stdout)["targets"]}
    assert expected and expected <= set(report.summary(records))
    assert ("models with a parameter count", 1, 2) in expected


def test_by_record_names_the_file_a_curator_edits(tmp_path):
    """A generated record is edited in its overlay; a hand-curated one in its own file."""
    complete = _record(id="done", access="open", license="mit", languages=["en"], backbones=["BERT"],
                       sizes=[{"label": "110M", "parameters": 110_000_000}])
    path = tmp_path / "mine.json"
    path.write_text(json.dumps([complete, _record(id="gappy", languages=["en"])]))
    out = subprocess.run([sys.executable, str(SCRIPT), str(path), "--by-record"],
                         capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == [f"gappy\t{path}\tbackbones parameters access"]
    generated = subprocess.run([sys.executable, str(SCRIPT), "--by-record"],
                               capture_output=True, text=True, check=True).stdout
    overlays = {p.name for p in (REPO / "curation" / "scientific").glob("*.json")}
    files = {line.split("\t")[1] for line in generated.splitlines()}
    assert files and all(f.startswith("curation/scientific/") for f in files)
    assert {f.rsplit("/", 1)[1] for f in files} <= overlays | {" (new overlay)"}
