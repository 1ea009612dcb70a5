"""The installed ``sllm`` command: Ctrl-C while the program is still loading exits 130 quietly.

Importing the command line takes tens of milliseconds; an interrupt in that time
would otherwise end in a traceback before ``cli.main`` could catch it.
"""

from __future__ import annotations


def main() -> int:
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        import sys

        sys.stderr.write("\n")
        return 130
    return run()
