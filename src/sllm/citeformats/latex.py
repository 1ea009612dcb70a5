"""Catalog text (plain Unicode) as the LaTeX inside a BibTeX field.

Every character that LaTeX or BibTeX treats specially is escaped, braces
included (as ``\\textbraceleft{}``, because BibTeX counts ``\\{`` as a brace), so
that any text yields a field that BibTeX, biber and pybtex read back. In ASCII
mode non-ASCII letters become braced accent commands; a character with no
LaTeX spelling (a CJK character) is left out and reported, since writing it
would stop pdflatex. All work is one pass over the text: no regular
expression here can backtrack.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable, Optional

_SPECIALS = str.maketrans({
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
})
#: Characters latexcodec has no spelling for, written as LaTeX would print them.
_EXTRA = {"\u2032": "{$'$}", "\u2033": "{$''$}", "\u00a0": "~", "\u2009": "\\,", "\u202f": "\\,"}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LOWER_OR_DIGIT = re.compile(r"[a-z0-9]")
_UPPER = re.compile(r"[A-Z]")
_CAPITAL_DIGIT = re.compile(r"[A-Z][0-9]")
_SPACES = re.compile(r"(\s+)")
_EDGE_PUNCT = ".,:;!?()[]\"'"

Warn = Optional[Callable[[str], None]]


def escape(text: str, ascii: bool = True, lost: Optional[set] = None) -> str:
    """LaTeX for ``text``; characters that had to be left out are added to ``lost``."""
    text = text.translate(_SPECIALS)
    if not ascii or text.isascii():
        return text

    def one(match: re.Match) -> str:
        spelled = _spell(match.group(0))
        if spelled is None:
            if lost is not None:
                lost.add(match.group(0))
            return ""
        return spelled

    return _NON_ASCII.sub(one, text)


@lru_cache(maxsize=4096)
def _spell(ch: str) -> Optional[str]:
    """One non-ASCII character in ASCII LaTeX, or None when it has no spelling."""
    import codecs

    import latexcodec  # noqa: F401  (registers the codec)

    if ch in _EXTRA:
        return _EXTRA[ch]
    try:
        enc = codecs.encode(ch, "ulatex+ascii").strip()
    except UnicodeEncodeError:
        folded = unicodedata.normalize("NFKC", ch)  # a full-width colon is a colon
        if folded != ch and folded.isascii():
            return folded.translate(_SPECIALS)
        return None
    if len(enc) == 4 and enc[0] == "\\" and enc[2:] == "\\i":
        # An accent on a dotless i (\'\i): biber turns it into a combining accent
        # that pdflatex cannot print; on a plain i it gives the precomposed letter.
        enc = enc[:2] + "i"
    if enc.startswith("\\") and not enc.startswith("\\("):
        return "{" + enc + "}"
    return enc


def needs_case_protection(word: str) -> bool:
    """A word whose capitals a style must keep: inner capitals (BioMistral,
    t5Chem), a leading run of two (LLaMA, DNA, GPT-4) or a capital before a
    digit (T5, O3-mini), which sentence case would lower."""
    core = word.strip(_EDGE_PUNCT)
    if (len(core) >= 2 and core[0].isupper() and core[1].isupper()) or _CAPITAL_DIGIT.search(core):
        return True
    first = _LOWER_OR_DIGIT.search(core)
    return bool(first and _UPPER.search(core, first.end()))


def title(text: str, ascii: bool = True, lost: Optional[set] = None) -> str:
    """A title with protected words braced, punctuation left outside the braces."""
    out = []
    for token in _SPACES.split(text):
        if not token or token.isspace():
            out.append(" " if token else "")
            continue
        if not needs_case_protection(token):
            out.append(escape(token, ascii, lost))
            continue
        core = token.strip(_EDGE_PUNCT)
        start = len(token) - len(token.lstrip(_EDGE_PUNCT))
        lead, trail = token[:start], token[start + len(core):]
        out.append(escape(lead, ascii, lost) + "{" + escape(core, ascii, lost) + "}" + escape(trail, ascii, lost))
    return "".join(out).strip()
