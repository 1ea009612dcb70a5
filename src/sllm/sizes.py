"""Parameter counts written the way papers and model cards write them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

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


def label_key(label: str) -> str:
    """A released label as compared: ``8x7B``, ``8 x 7b`` and ``8×7B`` are one label."""
    return re.sub(r"[\s_\-]+", "", label.lower()).replace("×", "x")


@dataclass(frozen=True)
class WantedSize:
    """A size a user asked for (``--size``): its label, and its count when the label gives one.

    A mixture-of-experts label (``8x7B``) names a layout, not a count: Mixtral
    8x7B has about 47B parameters, not 56B. The catalog reads counts, never
    derives them from labels, so such a label is matched as a label only.
    """

    label: str
    parameters: Optional[int]

    def matches(self, size) -> bool:
        """Whether a released size (anything with ``label`` and ``parameters``) is this one.

        ``7B`` is a released label 7B, or a read count of exactly 7,000,000,000
        whatever the label; ``8x7B`` is the label 8x7B.
        """
        if self.parameters is not None and size.parameters == self.parameters:
            return True
        return label_key(size.label) == self.label


def parse_wanted(text: str) -> WantedSize:
    """``--size`` input: ``7B``, ``Base``, ``8x7B``; :class:`SizeError` for anything else."""
    if isinstance(text, str) and len(text) <= 40 and is_moe_label(text):
        return WantedSize(label=label_key(text), parameters=None)
    try:
        return WantedSize(label=label_key(text), parameters=parse_size(text))
    except SizeError as exc:
        raise SizeError(f"{exc}, or a mixture-of-experts label such as 8x7B") from None


def parse_bound(text: str, option: str = "--min-size") -> int:
    """``--min-size`` / ``--max-size`` input: a count; a mixture-of-experts label is refused.

    Comparing needs a count, and ``8x7B`` does not give one.
    """
    if isinstance(text, str) and len(text) <= 40 and is_moe_label(text):
        raise SizeError(
            f"{option} {shown(text)}: a mixture-of-experts label is not a parameter count; "
            f"give a count such as 47B (use --size {shown(text)} to find that label)"
        )
    return parse_size(text)


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
