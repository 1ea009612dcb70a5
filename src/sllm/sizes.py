"""Parameter counts written the way papers and model cards write them."""

from __future__ import annotations

import re

from .messages import shown

#: The upstream list's convention (its NOTE 1): BERT-Base and BERT-Large sizes.
NAMED = {"base": 110_000_000, "large": 340_000_000}

_UNITS = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9, "t": 10**12}
_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmbt]?)\s*$", re.IGNORECASE)
#: Mixture-of-experts labels such as ``8x7B`` name a layout, not a total count.
_MOE_RE = re.compile(r"^\s*\d+\s*[x×]\s*\d+(?:\.\d+)?\s*[kmbt]\s*$", re.IGNORECASE)


class SizeError(ValueError):
    """A size that cannot be read; the message says what would be right."""


def parse_size(text: str) -> int:
    """``7B`` -> 7_000_000_000, ``110M``, ``1.5b``, ``Base``, ``Large``."""
    if not isinstance(text, str) or len(text) > 40:
        raise SizeError(_bad(str(text)))
    key = text.strip().lower()
    if key in NAMED:
        return NAMED[key]
    match = _SIZE_RE.match(key)
    if not match:
        raise SizeError(_bad(text))
    number, unit = match.groups()
    if not unit:
        raise SizeError(_bad(text))
    whole, _, frac = number.partition(".")
    # Integer arithmetic: 1.1B must be 1_100_000_000 exactly, not 1099999999.
    scale = _UNITS[unit.lower()]
    value = int(whole) * scale + (int(frac) * scale // 10 ** len(frac) if frac else 0)
    if value <= 0:
        raise SizeError(f"size '{shown(text)}' must be greater than zero")
    return value


def is_moe_label(text: str) -> bool:
    return bool(_MOE_RE.match(text))


def label_size(label: str) -> int | None:
    """What a label says, to order sizes that have no count (never written as one);
    None for a label that names a model rather than a size (``Base``, ``Large``, ``8x7B``)."""
    if label.strip().lower() in NAMED or is_moe_label(label):
        return None
    try:
        return parse_size(label)
    except SizeError:
        return None


def same_label(a: str, b: str) -> bool:
    """``8x7B``, ``8×7b`` and ``8 x 7B`` are one label."""
    def key(text: str) -> str:
        return re.sub(r"\s+", "", text).lower().replace("×", "x")

    return key(a) == key(b)


def _bad(text: str) -> str:
    return (
        f"cannot read size '{shown(text)}': use a number with a unit such as 110M, 1.5B, "
        f"7b, or Base (110M) / Large (340M)"
    )


def format_parameters(count: int | None) -> str:
    """The short human form: 6_700_000_000 -> '6.7B'."""
    if count is None:
        return "?"
    for unit, scale in (("T", 10**12), ("B", 10**9), ("M", 10**6), ("K", 10**3)):
        if count >= scale:
            text = f"{count / scale:.1f}".rstrip("0").rstrip(".")
            return f"{text}{unit}"
    return str(count)
