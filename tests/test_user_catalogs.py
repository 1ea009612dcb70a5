"""User catalogs: added to the bundled one, replacing by id; bad files explained."""

from __future__ import annotations

import json

import pytest
from conftest import MINI, ids_of

MINE = {
    "id": "my-model", "name": "MyModel", "domains": ["law"], "modalities": ["language"],
    "architecture": ["2.A"], "year": 2025, "title": "My own model",
}


def write(path, records):
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def test_catalog_adds_to_bundled(cli, tmp_path):
    f = write(tmp_path / "mine.json", [MINE])
    bundled = len(ids_of(cli("list", "--json")))
    both = ids_of(cli("list", "--json", "--catalog", str(f)))
    assert len(both) == bundled + 1 and "my-model" in both


def test_catalog_replaces_by_id(cli, tmp_path):
    f = write(tmp_path / "fix.json", [{**MINE, "id": "biomistral", "name": "BioMistral (my fork)"}])
    result = cli("show", "biomistral", "--json", "--catalog", str(f))
    assert json.loads(result.stdout)["name"] == "BioMistral (my fork)"
    assert ids_of(cli("list", "--json", "--catalog", str(f))).count("biomistral") == 1


def test_two_user_files_with_one_id_is_an_error(mini, tmp_path):
    f = write(tmp_path / "again.json", [{**MINE, "id": "protolm"}])
    result = mini("list", "--catalog", str(f))
    assert result.exit_code == 1 and "protolm: id: duplicate id" in result.stderr


def test_folder_of_files_and_env_var(cli, tmp_path):
    folder = tmp_path / "cat"
    folder.mkdir()
    write(folder / "a.json", [MINE])
    write(folder / "b.json", [{**MINE, "id": "my-other", "name": "MyOther"}])
    result = cli("list", "--no-bundled", "--json", env={"SLLM_CATALOG": str(folder)})
    assert sorted(ids_of(result)) == ["my-model", "my-other"]


def test_no_bundled_uses_only_given(mini):
    assert len(ids_of(mini("list", "--json"))) == 9


@pytest.mark.parametrize(
    "content, expect",
    [
        ("{not json", "not valid JSON"),
        ('{"id": "x"}', "JSON array"),
        (json.dumps([{**MINE, "domains": ["astrology"]}]), "my-model: domains.0: unknown value 'astrology'"),
        (json.dumps([{**MINE, "year": "soon"}]), "my-model: year"),
        (json.dumps([{**MINE, "arxiv": "12345"}]), "my-model: arxiv"),
        (json.dumps([{**MINE, "colour": "red"}]), "my-model: colour: unknown field"),
        (json.dumps([{**MINE}, {**MINE}]), "my-model: id: duplicate id"),
        (json.dumps([{**MINE, "id": "Bad Id"}]), "Bad Id: id"),
        (json.dumps([{"name": "NoId", "domains": ["law"]}]), "record #1: id"),
    ],
)
def test_malformed_catalog(cli, tmp_path, content, expect):
    f = tmp_path / "bad.json"
    f.write_text(content)
    result = cli("list", "--catalog", str(f), "--json")
    assert result.exit_code == 1
    assert expect in result.stderr
    assert str(f) in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_every_problem_is_listed(cli, tmp_path):
    f = write(tmp_path / "bad.json", [{**MINE, "domains": ["x"], "modalities": ["y"]}, {**MINE, "id": "b", "kind": "robot"}])
    lines = cli("list", "--catalog", str(f)).stderr.splitlines()
    assert len(lines) == 3
    assert any("my-model: domains.0" in line for line in lines)
    assert any("my-model: modalities.0" in line for line in lines)
    assert any("b: kind" in line for line in lines)


def test_missing_path(cli, tmp_path):
    result = cli("list", "--catalog", str(tmp_path / "nope.json"))
    assert result.exit_code == 1 and "no such file or folder" in result.stderr


def test_validate_a_user_file(cli, tmp_path):
    ok = write(tmp_path / "ok.json", [{**MINE, "unverified": ["citation"]}])
    assert cli("validate", str(ok)).exit_code == 0
    bad = write(tmp_path / "bad.json", [{**MINE, "sizes": [{"label": "7B", "parameters": 8}]}])
    result = cli("validate", str(bad))
    assert result.exit_code == 1
    assert "my-model: sizes.0.parameters: 8 does not match label '7B'" in result.stdout


def test_validate_wants_a_citation_or_a_reason(cli, tmp_path):
    result = cli("validate", str(write(tmp_path / "m.json", [MINE])))
    assert result.exit_code == 1 and "my-model: citation: no citation" in result.stdout


def test_validate_finds_same_paper_and_key_collisions(cli, tmp_path):
    cit = {"type": "misc", "key": "Smith2020x", "authors": ["A Smith"], "title": "T", "year": 2020}
    f = write(tmp_path / "dup.json", [
        {**MINE, "arxiv": "2001.00001", "citation": cit},
        {**MINE, "id": "second", "arxiv": "2001.00001", "title": "Other", "citation": {**cit, "key": "smith2020X"}},
    ])
    out = cli("validate", str(f)).stdout
    assert "same paper (arXiv) as my-model" in out
    assert "key 'smith2020X' is also used by my-model" in out


def test_validate_reports_verified_share(cli):
    result = cli("validate", str(MINI))
    assert "2 verified" in result.stderr
