"""`sllm list`: every filter, how they combine, sorting and limits (fixture catalog)."""

from __future__ import annotations

import pytest
from conftest import ids_of


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--domain", "medicine"], {"testbert-med", "medllama-fixture", "radvision", "twin-a", "twin-b"}),
        (["--domain", "med"], {"testbert-med", "medllama-fixture", "radvision", "twin-a", "twin-b"}),
        (["--domain", "clinical"], {"testbert-med", "medllama-fixture", "radvision", "twin-a", "twin-b"}),
        (["--domain", "Biomedicine"], {"testbert-med", "medllama-fixture", "radvision", "twin-a", "twin-b"}),
        (["--domain", "bio"], {"protolm", "medllama-fixture"}),
        (["--domain", "chem"], {"chemclip"}),
        (["--domain", "legal"], {"lawagent"}),
        (["--domain", "law", "--domain", "chemistry"], {"lawagent", "chemclip"}),
        (["--modality", "proteins"], {"protolm"}),
        (["--modality", "image"], {"radvision"}),
        (["--modality", "vision", "--modality", "molecule"], {"radvision", "chemclip"}),
        (["--type", "2.A"], {"medllama-fixture", "bigllama-30b"}),
        (["--type", "2a"], {"medllama-fixture", "bigllama-30b"}),
        (["--type", "2"], {"medllama-fixture", "bigllama-30b", "radvision"}),
        (["--type", "3.c", "--type", "1d"], {"chemclip", "protolm"}),
        (["--backbone", "llama"], {"medllama-fixture", "radvision", "bigllama-30b"}),
        (["--backbone", "llama-2"], {"medllama-fixture"}),
        (["--backbone", "llama3"], {"radvision"}),
        (["--backbone", "bert"], {"testbert-med"}),
        (["--backbone", "scibert"], {"chemclip"}),
        (["--size", "7B"], {"medllama-fixture"}),
        (["--size", "7b"], {"medllama-fixture"}),
        (["--size", "Base"], {"testbert-med", "chemclip"}),
        (["--size", "110M"], {"testbert-med", "chemclip"}),
        (["--min-size", "10B"], {"medllama-fixture", "protolm", "bigllama-30b"}),
        (["--max-size", "500M"], {"testbert-med", "chemclip"}),
        (["--max-size", "Large", "--min-size", "Large"], {"testbert-med"}),
        (["--min-size", "1.5B", "--max-size", "8B"], {"medllama-fixture", "radvision"}),
        (["--year", "2024"], {"radvision", "lawagent"}),
        (["--year", "2019", "--year", "2021"], {"chemclip", "twin-a", "twin-b"}),
        (["--since", "2023"], {"medllama-fixture", "radvision", "lawagent", "bigllama-30b"}),
        (["--until", "2020"], {"testbert-med", "twin-a"}),
        (["--since", "2021", "--until", "2022"], {"protolm", "chemclip", "twin-b"}),
        (["--kind", "agent"], {"lawagent"}),
        (["--kind", "agents"], {"lawagent"}),
        (["--open-weights"], {"testbert-med", "protolm", "medllama-fixture"}),
        (["--closed-weights"], {"radvision"}),
        # Different options narrow each other (AND).
        (["--domain", "medicine", "--modality", "vision", "--type", "2.D"], {"radvision"}),
        (["--domain", "medicine", "--backbone", "llama", "--min-size", "10B"], {"medllama-fixture"}),
        (["--domain", "medicine", "--year", "2022"], set()),
    ],
)
def test_filters(mini, args, expected):
    assert set(ids_of(mini("list", *args, "--json"))) == expected


def test_no_filter_lists_everything(mini):
    assert len(ids_of(mini("list", "--json"))) == 9


def test_sort_by_year_and_size_and_reverse(mini):
    by_year = ids_of(mini("list", "--sort", "year", "--json"))
    assert by_year[0] == "twin-a" and by_year[-1] in {"radvision", "lawagent"}
    by_size = ids_of(mini("list", "--sort", "size", "--reverse", "--json"))
    assert by_size[0] == "bigllama-30b"
    # Models without any size sort last in either direction.
    assert by_size[-1] in {"lawagent", "twin-a", "twin-b"}
    assert ids_of(mini("list", "--sort", "size", "--json"))[-1] in {"lawagent", "twin-a", "twin-b"}


def test_sort_by_name_is_case_insensitive(mini):
    names = [i for i in ids_of(mini("list", "--json"))]
    assert names[:2] == ["bigllama-30b", "chemclip"]


def test_limit(mini):
    assert len(ids_of(mini("list", "--limit", "3", "--json"))) == 3
    assert ids_of(mini("list", "--limit", "0", "--json")) == []


def test_empty_result_is_not_an_error(mini):
    result = mini("list", "--domain", "finance", "--json")
    assert result.exit_code == 0
    assert result.stdout.strip() == "[]"
    assert "no models match" in result.stderr


def test_empty_result_table_prints_nothing_on_stdout(mini):
    result = mini("list", "--domain", "finance")
    assert result.exit_code == 0 and result.stdout == ""


def test_limit_zero_is_not_reported_as_no_match(mini):
    result = mini("list", "--limit", "0", "--json")
    assert result.exit_code == 0 and result.stdout.strip() == "[]"
    assert "no models match" not in result.stderr
