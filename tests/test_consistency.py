"""`sllm validate` reports facts of one record that contradict each other (failures only with --strict)."""

from __future__ import annotations

import json

import pytest


def _record(**over) -> dict:
    base = {
        "id": "x", "name": "X", "domains": ["law"], "modalities": ["language"], "year": 2023,
        "venue": "ACL", "arxiv": "2301.00001", "doi": "10.18653/v1/2023.acl-long.1",
        "citation": {"type": "inproceedings", "key": "x2023", "authors": ["A B"], "title": "X", "year": 2023,
                     "booktitle": "Proceedings of the 61st Annual Meeting of the Association for Computational "
                                  "Linguistics (Volume 1: Long Papers)",
                     "doi": "10.18653/v1/2023.acl-long.1", "eprint": "2301.00001",
                     "evidence": "primary", "verified": True},
        "sources": [{"url": "https://example.org/x", "facts": ["citation"]}],
    }
    for key, value in over.items():
        if key.startswith("citation."):
            base["citation"][key.split(".", 1)[1]] = value
        else:
            base[key] = value
    return base


def _inconsistencies(tmp_path, cli, record) -> dict:
    path = tmp_path / "c.json"
    path.write_text(json.dumps([record]))
    result = cli("validate", str(path), "--json")
    assert result.exit_code == 0, result.stdout  # reported, not failed, without --strict
    data = json.loads(result.stdout)
    assert data["problems"] == []
    found: dict = {}
    for i in data["inconsistencies"]:
        found[i["field"]] = f"{found[i['field']]}; {i['message']}" if i["field"] in found else i["message"]
    return found


def test_a_consistent_record_has_none(tmp_path, cli):
    assert _inconsistencies(tmp_path, cli, _record()) == {}


@pytest.mark.parametrize("change, field, words", [
    ({"doi": None}, "doi", "copy it up"),
    ({"doi": "10.1000/other"}, "doi", "differs from the citation's"),
    ({"arxiv": "2301.99999"}, "arxiv", "differs from the citation's eprint '2301.00001'"),
    ({"year": 2024}, "year", "2024 is after the cited version's year 2023"),
    ({"year": 2024, "citation.year": 2024}, "year", "2024 is after 2023, when arXiv first announced 2301.00001"),
    ({"year": 2024, "arxiv": None, "citation.year": 2024, "citation.eprint": "2312.00001"},
     "year", "when arXiv first announced 2312.00001"),
    ({"sizes": [{"label": "7B", "parameters": 7_000_000_000}, {"label": "1B", "parameters": 1_000_000_000}]},
     "sizes", "not in ascending order"),
    ({"sizes": [{"label": "13B"}, {"label": "7B"}]}, "sizes", "not in ascending order"),
    ({"sizes": [{"label": "1B", "parameters": 1_100_000_000}, {"label": "500M"}]}, "sizes", "not in ascending order"),
    ({"venue": "EMNLP"}, "venue", "'EMNLP' is not the cited version's"),
    ({"access": "open", "license": "cc-by-nc-4.0"}, "access", "allows no commercial use"),
])
def test_each_contradiction_is_named(tmp_path, cli, change, field, words):
    found = _inconsistencies(tmp_path, cli, _record(**change))
    assert field in found and words in found[field], found


def test_sizes_without_counts_are_ordered_by_their_labels(tmp_path, cli):
    record = _record(sizes=[{"label": "125M", "parameters": 125_000_000}, {"label": "350M"}, {"label": "Base"},
                            {"label": "2.7B", "parameters": 2_700_000_000}])
    assert "sizes" not in _inconsistencies(tmp_path, cli, record)


def test_a_preprint_cited_for_a_published_model_is_reported(tmp_path, cli):
    record = _record(**{"citation.type": "misc", "citation.booktitle": None, "citation.doi": None, "doi": None})
    found = _inconsistencies(tmp_path, cli, record)
    assert found["venue"] == "'ACL', but the citation is a preprint: cite the ACL version once its page is read"


def test_a_joint_edition_of_the_venue_named_is_that_venue(tmp_path, cli):
    record = _record(venue="EMNLP", **{
        "citation.booktitle": "Proceedings of the 2019 Conference on Empirical Methods in Natural Language "
                              "Processing and the 9th International Joint Conference on Natural Language "
                              "Processing (EMNLP-IJCNLP)"})
    found = _inconsistencies(tmp_path, cli, record)
    assert "venue" not in found


def test_strict_fails_on_an_inconsistency_alone(tmp_path, cli):
    record = _record(access="open", license="mit", languages=["en"], backbones=[],
                     notes={"backbones": "trained from scratch"}, sizes=[{"label": "1B", "parameters": 1_100_000_000}])
    path = tmp_path / "c.json"
    path.write_text(json.dumps([record]))
    assert cli("validate", str(path), "--strict").exit_code == 0  # every target met, nothing contradicts
    path.write_text(json.dumps([{**record, "arxiv": "2301.99999"}]))
    assert cli("validate", str(path)).exit_code == 0
    assert cli("validate", str(path), "--strict").exit_code == 1
