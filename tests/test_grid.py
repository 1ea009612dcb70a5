"""The list table: it fits the width, keeps every character, and stays aligned."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from sllm.grid import GAP, Column, cell_width, render, wrap

# ASCII, CJK (two columns each), accented Latin, a combining mark, and controls.
ALPHABET = st.sampled_from(list("abcXYZ019-_.,()") + ["扁", "鹊", "法", "é", "ü", "\u0301", " ", "\t", "\n", "\x1b"])
TEXT = st.text(ALPHABET, max_size=40)
COLUMNS = (
    Column("Name", ratio=3), Column("Year"), Column("Domains", ratio=2),
    Column("Modalities", ratio=2), Column("Sizes", ratio=2),
)


def squeeze(text: str) -> str:
    return "".join(text.split())


@given(TEXT, st.integers(min_value=2, max_value=60))
def test_wrap_keeps_every_character_within_the_width(text, width):
    text = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    lines = wrap(text, width)
    assert all(cell_width(line) <= width for line in lines)
    assert squeeze("".join(lines)) == squeeze(text)


def test_wrap_breaks_at_spaces_before_folding():
    assert wrap("LLaMA-2 Mistral-7B", 10) == ["LLaMA-2", "Mistral-7B"]
    assert wrap("Qwen2.5-7B-Instruct", 10) == ["Qwen2.5-7B", "-Instruct"]


@settings(max_examples=200)
@given(st.lists(st.tuples(TEXT, st.sampled_from(["", "2023"]), TEXT, TEXT, TEXT), min_size=1, max_size=8),
       st.integers(min_value=50, max_value=160))
@example(rows=[("", "", "", "", "")] * 5 + [("", "", "0000扁扁", "", "00000000"), ("0000000000000", "", "", "", "")],
         width=50)  # a column settled at its header's width left too little for the rest
def test_every_line_fits_a_usable_width(rows, width):
    out = render(COLUMNS, rows, width)
    assert all(cell_width(line) <= width for line in out.splitlines())
    assert "\x1b" not in out and "\t" not in out


@given(st.lists(st.tuples(TEXT, st.sampled_from(["", "2023"]), TEXT, TEXT, TEXT), min_size=1, max_size=8))
def test_nothing_is_lost_when_there_is_room(rows):
    out = render(COLUMNS, rows, 1000)
    body = out.splitlines()[1:]
    assert len(body) == len(rows)  # one line per row: nothing wrapped
    for line, row in zip(body, rows):
        printable = ("".join(ch for ch in cell if ch.isprintable()) for cell in row)
        assert squeeze(line) == squeeze("".join(printable))


def test_wide_characters_keep_the_columns_aligned():
    rows = [("扁鹊", "2023", "medicine", "language", "6B"), ("BianQue", "2023", "medicine", "language", "6B")]
    lines = render(COLUMNS, rows, 100).splitlines()
    starts = []
    for line in lines[1:]:
        before = line[: line.index("2023")]
        starts.append(cell_width(before))
    assert starts[0] == starts[1] == len("BianQue") + GAP


def test_styles_only_when_asked():
    rows = [("BioMistral", "2024", "medicine", "language", "7B")]
    assert "\x1b[" not in render(COLUMNS, rows, 80)
    styled = render((Column("Name", ratio=3, style="1;36"), *COLUMNS[1:]), rows, 80, styled=True, rule=True)
    assert "\x1b[1;36mBioMistral\x1b[0m" in styled
    assert "─" in styled.splitlines()[1]
