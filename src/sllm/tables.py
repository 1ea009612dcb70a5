"""Human output with rich: tables and panels. Imported only for terminal formats."""

from __future__ import annotations

import os
import sys


def console(stderr: bool = False):
    """A Console per invocation, honouring NO_COLOR and plain pipes.

    Piped output gets no colour and no box drawing; rich otherwise falls back to
    80 columns when it cannot ask the terminal.
    """
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    is_tty = stream.isatty()
    no_color = bool(os.environ.get("NO_COLOR")) or not is_tty
    return Console(
        file=stream,
        no_color=no_color,
        color_system=None if no_color else "auto",
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )


def bars(title: str, counts: dict[str, int], fancy: bool, width: int = 40):
    """A horizontal bar chart as a rich Table: label, bar, count."""
    from rich.table import Table
    from rich.text import Text

    from .output import clean

    table = Table(title=title, title_justify="left", box=None, show_header=False, pad_edge=False,
                  title_style="bold" if fancy else "")
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    peak = max(counts.values(), default=0) or 1
    block = "█" if fancy else "#"
    for label, n in counts.items():
        length = max(1, round(width * n / peak)) if n else 0
        table.add_row(Text(clean(label)), Text(block * length, style="cyan" if fancy else ""), str(n))
    return table


def taxonomy_grid(cells: list[dict], fancy: bool):
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from .output import clean
    from .vocab import STRATEGIES

    table = Table(box=box.SQUARE if fancy else box.ASCII, show_lines=True, header_style="bold" if fancy else "")
    table.add_column("", no_wrap=True)
    for col, meaning in STRATEGIES.items():
        table.add_column(f"{col}: {meaning}", overflow="fold", ratio=1)
    for row in "ABCD":
        cols = []
        for col in "123":
            cell = next(c for c in cells if c["type"] == f"{col}.{row}")
            text = f"{cell['type']} {cell['input']}\n{cell['count']} model{'s' if cell['count'] != 1 else ''}"
            if cell["examples"]:
                text += "\ne.g. " + ", ".join(cell["examples"])
            cols.append(Text(clean(text)))
        table.add_row(row, *cols)
    return table


def tree_view(node: dict, fancy: bool):
    from rich.text import Text
    from rich.tree import Tree

    from .output import clean

    def label(n: dict) -> Text:
        year = f" ({n['year']})" if n.get("year") else ""
        return Text(clean(f"{n['name']}{year}"))

    root = Tree(label(node), guide_style="dim" if fancy else "")

    def add(parent, children):
        for child in children:
            branch = parent.add(label(child))
            add(branch, child.get("children", []))

    add(root, node.get("children", []))
    return root


def timeline_chart(data: dict[str, dict[str, int]], fancy: bool, width: int = 40):
    """Rows are years; one bar per year, split into domain segments with a legend."""
    from rich.table import Table
    from rich.text import Text

    from .vocab import DOMAINS

    palette = ["cyan", "magenta", "green", "yellow", "blue", "red", "bright_cyan",
               "bright_magenta", "bright_green", "bright_yellow", "bright_blue", "bright_red"]
    colours = dict(zip(DOMAINS, palette))
    peak = max((sum(v.values()) for v in data.values()), default=0) or 1
    table = Table(box=None, show_header=True, pad_edge=False, header_style="bold" if fancy else "")
    table.add_column("Year", no_wrap=True)
    table.add_column("Models", no_wrap=True)
    table.add_column("Total", justify="right", no_wrap=True)
    table.add_column("By domain", overflow="fold")
    for year, counts in data.items():
        bar = Text()
        if fancy:  # one coloured segment per domain, the legend is the detail column
            for d, n in counts.items():
                bar.append("█" * max(1, round(width * n / peak)), style=colours[d])
            detail = Text(", ").join(Text(f"{d} {n}", style=colours[d]) for d, n in counts.items())
        else:
            bar.append("#" * max(1, round(width * sum(counts.values()) / peak)))
            detail = ", ".join(f"{d} {n}" for d, n in counts.items())
        table.add_row(year, bar, str(sum(counts.values())), detail)
    return table
