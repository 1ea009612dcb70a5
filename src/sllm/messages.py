"""Quoting user input inside one-line error messages."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def shown(value: object, limit: int = 60) -> str:
    """The value as the user typed it, on one line and at most ``limit`` characters.

    Control characters (a newline pasted into an argument) are escaped, so every
    error stays one line; lone surrogates from non-UTF-8 arguments become '?'.
    """
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    text = _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)
    return text.encode("utf-8", "replace").decode("utf-8")
