"""The installed ``sllm`` command: Ctrl-C while the program is still loading exits 130 quietly.

Importing the command line takes tens of milliseconds; an interrupt in that time
would otherwise end in a traceback before ``cli.main`` could catch it. A catalog
file validated during the run is cached once the answer is out (``cache.defer``).
"""

from __future__ import annotations


def main() -> int:
    try:
        from .cache import defer, write_deferred
        from .cli import main as run
    except KeyboardInterrupt:
        import sys

        sys.stderr.write("\n")
        return 130
    defer()  # a file validated now is cached after the answer is out (cache.write_deferred)
    code = run()
    if code != 130:
        try:
            if write_deferred():
                _end(code)
        except KeyboardInterrupt:
            return 130
    return code


def _end(code: int) -> None:
    """Exit at once, output flushed: a writer child shares this heap, and tearing it
    down here would copy every page the child still reads."""
    import os
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
