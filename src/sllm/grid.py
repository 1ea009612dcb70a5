"""Aligned text tables for ``sllm list``, on a terminal or down a pipe, without rich.

rich's Table measures and renders every cell through its segment machinery: about
35 ms for a hundred rows, plus 15 ms to import rich, more than all the rest of
``sllm list``. A list of models needs less: columns as wide as their content and
shrunk to fit the width, text wrapped at spaces (a word longer than its column is
folded, never cut), cells padded by display width so that CJK names (two columns
per character) stay aligned, and optional ANSI bold and colour.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Sequence

GAP = 2


@dataclass(frozen=True)
class Column:
    header: str
    #: 0: never wrapped; otherwise this column's share of the width left to share.
    ratio: int = 0
    #: ANSI SGR parameters used when styled, e.g. "1;36" for bold cyan.
    style: str = ""


def cell_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide East Asian characters take two."""
    if text.isascii():
        return len(text)
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def clean(text: str) -> str:
    """One line of printable text: control characters and line breaks become spaces."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else " " for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns, broken at spaces; long words folded."""
    width = max(width, 1)
    lines: list[str] = []
    line, used = "", 0
    for word in text.split():
        size = cell_width(word)
        if line and used + 1 + size <= width:
            line, used = f"{line} {word}", used + 1 + size
            continue
        if line:
            lines.append(line)
        while size > width:
            head, word = _split(word, width)
            lines.append(head)
            size = cell_width(word)
        line, used = word, size
    lines.append(line)
    return lines


def _split(word: str, width: int) -> tuple[str, str]:
    used = 0
    for i, ch in enumerate(word):
        used += cell_width(ch)
        if used > width:
            return word[:max(i, 1)], word[max(i, 1):]
    return word, ""


def widths(columns: Sequence[Column], rows: Sequence[Sequence[str]], total: int) -> list[int]:
    """Each column's width: its content's, shrunk in proportion to ``ratio`` to fit ``total``."""
    natural = [cell_width(c.header) for c in columns]
    longest_word = [max((cell_width(w) for w in c.header.split()), default=1) for c in columns]
    for row in rows:
        for i, cell in enumerate(row):
            natural[i] = max(natural[i], cell_width(cell))
    flexible = [i for i, c in enumerate(columns) if c.ratio > 0]
    room = total - GAP * (len(columns) - 1) - sum(natural[i] for i, c in enumerate(columns) if not c.ratio)
    if sum(natural[i] for i in flexible) <= room:
        return natural
    # Share the room by ratio; a column whose share exceeds its content gets its
    # content's width, one whose share is below its header's longest word (or 3,
    # when even those do not fit) gets that, and the rest share what is left.
    floor = {i: min(natural[i], longest_word[i]) for i in flexible}
    if sum(floor.values()) > room:
        floor = {i: min(natural[i], 3) for i in flexible}
    out = list(natural)
    pool, left = list(flexible), room
    while pool:
        weight = sum(columns[i].ratio for i in pool)
        share = {i: left * columns[i].ratio / weight for i in pool}
        settle = {i: natural[i] for i in pool if share[i] >= natural[i]}
        if not settle:
            settle = {i: floor[i] for i in pool if share[i] < floor[i]}
        if not settle:
            given = {i: int(share[i]) for i in pool}
            rest = left - sum(given.values())
            for i in sorted(pool, key=lambda i: share[i] - given[i], reverse=True)[:max(rest, 0)]:
                given[i] += 1
            settle = given
        for i, size in settle.items():
            out[i] = size
            left -= size
        pool = [i for i in pool if i not in settle]
    # Settling a column at its floor can leave the others less than theirs: take the
    # excess back from the widest columns, never below one wide character.
    excess = sum(out[i] for i in flexible) - room
    while excess > 0:
        i = max(flexible, key=lambda i: out[i])
        if out[i] <= 2:
            break
        out[i] -= 1
        excess -= 1
    return out


def render(columns: Sequence[Column], rows: Sequence[Sequence[str]], total: int,
           styled: bool = False, rule: bool = False) -> str:
    """The table as text: a header, an optional rule under it, then the rows."""
    rows = [[clean(cell) for cell in row] for row in rows]
    sizes = widths(columns, rows, total)

    def paint(text: str, style: str) -> str:
        return f"\x1b[{style}m{text}\x1b[0m" if styled and style and text else text

    def lines_of(cells: Sequence[str], styles: Sequence[str]) -> list[str]:
        wrapped = [wrap(cell, size) if col.ratio else [cell] for cell, size, col in zip(cells, sizes, columns)]
        out = []
        for n in range(max(len(w) for w in wrapped)):
            parts = []
            for lines, size, style in zip(wrapped, sizes, styles):
                text = lines[n] if n < len(lines) else ""
                parts.append(paint(text, style) + " " * (size - cell_width(text)))
            out.append((" " * GAP).join(parts).rstrip())
        return out

    out = lines_of([c.header for c in columns], ["1"] * len(columns))
    if rule:
        out.append(paint("─" * (sum(sizes) + GAP * (len(sizes) - 1)), "2"))
    styles = [c.style for c in columns]
    for row in rows:
        out.extend(lines_of(row, styles))
    return "\n".join(out) + "\n"
