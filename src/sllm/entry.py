"""The installed ``sllm`` command: Ctrl-C at any point of a run exits 130 quietly.

Importing the command line takes tens of milliseconds; an interrupt in that time
would otherwise end in a traceback before ``cli.main`` could catch it. A catalog
file validated during the run is cached once the answer is out (``cache.defer``).
"""

from __future__ import annotations


def main() -> int:
    try:
        return _run()
    except KeyboardInterrupt:  # between the steps below, where no handler of their own is active
        import sys

        sys.stderr.write("\n")
        return 130


def _run() -> int:
    from .cache import defer, write_deferred
    from .cli import main as run

    defer()  # a file validated now is cached after the answer is out (cache.write_deferred)
    code = run()
    if code != 130 and write_deferred():
        _end(code)
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
