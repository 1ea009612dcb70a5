"""The one place that decides how a result reaches the user.

An :class:`Output` owns the mode (a format name), colour, width, and every
message on stderr. Commands hand it data; it writes data to stdout and
everything else to stderr, strips control characters from whatever a person
will read, and ends quietly when the reader goes away.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, replace
from typing import Any, Optional, Sequence

from .render import Clean, Encoded, Options

#: Terminal controls that catalog text must never carry to a screen (OSC 52 writes
#: the clipboard); tabs and line breaks stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MIN_WIDTH = 40


def _utf8(stream: Any) -> bool:
    """Whether ``stream`` encodes as UTF-8 and has bytes beneath, so UTF-8 can go straight in."""
    import codecs

    try:
        return hasattr(stream, "buffer") and codecs.lookup(stream.encoding).name == "utf-8"
    except (LookupError, TypeError, AttributeError):
        return False


def clean(text: str) -> str:
    """Text for a person's terminal: control characters removed (escape sequences defused)."""
    return _CONTROL.sub("", text)


class Closed(Exception):
    """stdout went away (``| head``): stop writing and exit 0."""


class Unwritable(Exception):
    """stdout refused the data (disk full, file too large): one line, exit 1."""


def _refused(exc: OSError) -> Unwritable:
    import errno

    if exc.errno == errno.EPIPE:
        raise Closed() from None
    return Unwritable(f"cannot write the output: {exc.strerror or exc}; it is incomplete")


@dataclass
class Output:
    fmt: str = "table"
    fields: Optional[tuple[str, ...]] = None
    quiet: bool = False
    verbose: bool = False
    prefer: str = "published"
    encoding: Optional[str] = None

    # --- the terminal -----------------------------------------------------------

    @property
    def terminal(self) -> bool:
        try:
            return sys.stdout.isatty()
        except (ValueError, AttributeError):
            return False

    @property
    def colour(self) -> bool:
        return self.terminal and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"

    @property
    def width(self) -> int:
        import shutil

        try:
            columns = shutil.get_terminal_size().columns
        except (ValueError, OSError):
            columns = 80
        return max(columns if columns > 0 else 80, MIN_WIDTH)

    @property
    def human(self) -> bool:
        from .render import FORMATS

        f = FORMATS.get(self.fmt)
        return f is None or f.human

    def options(self) -> Options:
        return Options(fields=self.fields, width=self.width, styled=self.colour, rule=self.terminal,
                       prefer=self.prefer, encoding=self.encoding)

    # --- writing ------------------------------------------------------------------

    def write(self, text: str, styled: bool = False) -> None:
        """Text to stdout, without control characters: catalog text must not drive the
        terminal. ``styled`` text carries our own colours; its producer cleaned the rest."""
        if sys.stdout is None:  # started with stdout closed (>&-)
            _stderr("sllm: error: standard output is closed: nothing was written\n")
            raise SystemExit(1)
        if isinstance(text, Encoded):
            if _utf8(sys.stdout):
                return self._write_bytes(text)
            text = text.text()
        if not styled and not isinstance(text, Clean):
            text = clean(text)
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            raise Closed() from None
        except UnicodeEncodeError:
            # a terminal or locale that cannot show some letters gets '?' for them
            self._write_bytes(text.encode(getattr(sys.stdout, "encoding", None) or "ascii", "replace"))
        except OSError as exc:
            raise _refused(exc) from None

    def _write_bytes(self, data: bytes) -> None:
        """Bytes beneath stdout's text layer (flushed first, so nothing is reordered)."""
        stream = sys.stdout
        try:
            stream.flush()
            stream.buffer.write(data)
            stream.buffer.flush()
        except BrokenPipeError:
            raise Closed() from None
        except OSError as exc:
            raise _refused(exc) from None

    def note(self, message: str) -> None:
        _stderr(f"sllm: {clean(message)}\n")

    def warn(self, message: str) -> None:
        if not self.quiet:
            self.note(f"warning: {message}")

    def count(self, shown: int, total: int, noun: str = "model") -> None:
        """'3 of 19 models' under a table on a terminal: for people, so stderr."""
        if not self.terminal:
            return
        plural = noun if total == 1 else noun + "s"
        text = f"{shown} of {total} {plural}" if shown != total else f"{total} {plural}"
        _stderr(f"\x1b[2m{text}\x1b[0m\n" if self.colour else f"{text}\n")

    # --- results ------------------------------------------------------------------

    def records(self, records: Sequence[Any], total: Optional[int] = None, empty: str = "") -> None:
        """A list of records in the chosen format; ``total`` when a limit cut it."""
        from .render import FORMATS, render

        fmt = FORMATS[self.fmt]
        if not records and empty:
            self.note(empty)
        if fmt.human and not records:
            if fmt.citations:
                self.citation_warnings(records)
            return
        problems: list[str] = []
        options = replace(self.options(), warn=problems.append)
        text = render(self.fmt, records, options, raw=True)
        if fmt.citations:
            self.citation_warnings(records, problems)
        # the grid cleans its cells itself, so its own colours survive
        self.write(text, styled=fmt.human and self.colour)
        if fmt.human:
            self.count(len(records), total if total is not None else len(records))

    def citation_warnings(self, records: Sequence[Any], problems: Sequence[str] = ()) -> None:
        """Citations to check before use, and what writing them left out (``problems``)."""
        missing = [r for r in records if r.citation is None]
        weak = [r for r in records if r.citation is not None and r.citation.evidence != "primary"]
        if self.quiet:
            if missing or weak or problems:
                other = f", {len(problems)} other warning{'s' if len(problems) != 1 else ''}" if problems else ""
                self.note(f"{len(weak)} of {len(records)} citations not confirmed in a primary source, "
                          f"{len(missing)} missing{other} (without --quiet: which ones)")
            return
        for r in missing:
            self.warn(f"{r.name} ({r.id}) has no citation in the catalog")
        for r in weak:
            how = "only corroborated by secondary sources" if r.citation.evidence == "corroborated" else "unconfirmed"
            self.warn(f"the citation of {r.name} ({r.id}) is {how}; check it before use")
        for problem in problems:
            self.warn(problem)

    def json(self, data: Any) -> None:
        import json

        self.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")

    def draw(self, renderable: Any) -> None:
        """A rich drawing (panel, chart, tree) for people: plain when piped."""
        import io

        from rich.console import Console

        buffer = io.StringIO()
        console = Console(file=buffer, width=self.width, no_color=not self.colour,
                          color_system="auto" if self.colour else None, force_terminal=self.colour,
                          highlight=False, emoji=False, soft_wrap=False)
        console.print(renderable)
        self.write(buffer.getvalue(), styled=self.colour)


def _stderr(text: str) -> None:
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (BrokenPipeError, ValueError, OSError):
        pass
    except UnicodeEncodeError:
        try:
            sys.stderr.write(text.encode("ascii", "replace").decode("ascii"))
        except (OSError, ValueError):
            pass
