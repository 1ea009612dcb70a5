"""Adding entries to a bibliography the user owns, without ever losing a byte of it.

The file is only ever appended to, in place: never rewritten and renamed over, so a
symlink stays a symlink (its target is what changes), hard links stay linked, and
owner, group, mode and ACLs stay what they were. Writers serialize on an exclusive
``flock`` of the file itself and re-read it once they hold the lock, so concurrent
runs all land and an entry another program appended meanwhile is seen. An editor
that saves by renaming a new file over the old one is noticed (the name no longer
leads to the inode we locked) and the new file is used instead. A failed or
interrupted write (disk full, file too large, Ctrl-C, SIGTERM) is cut back to the
old length, so the file is byte for byte as before.

Existing entries are found by a linear scanner, not a full BibTeX parse: a 50 MB
file costs seconds and a few times its size in memory. It reads keys and the
fields that identify a paper (title, doi, eprint, url, journal), and it checks the
structure well enough to refuse a file whose last entry is unclosed or that is not
BibTeX at all, since whatever we append there would be swallowed or would damage it.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import signal
import stat
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

from .messages import shown
from .records import Citation

#: How long to wait for another writer before giving up (seconds).
LOCK_WAIT = 120.0
#: Tell the user we are waiting after this long.
LOCK_NOTICE = 1.0
#: Temporary files left by versions that replaced the file are removed once this old.
STALE_AFTER = 60.0

# Names that lead to an open stream rather than a file (/dev/stdout -> /proc/self/fd/1
# -> wherever stdout happens to be redirected) or to the kernel's settings, whose
# "files" look regular. Appending there is never what was meant.
_NOT_FILES = ("/proc", "/sys", "/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr")


class CiteError(Exception):
    """A bibliography that cannot be written safely; nothing was changed."""


@dataclass
class MergeResult:
    added: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # key, why


# --- scanning ----------------------------------------------------------------

_WS = re.compile(r"[ \t\r\n\f\v]*")
_AT = re.compile(r"@[ \t\r\n]*([A-Za-z_][\w:.+/'-]*)[ \t\r\n]*([{(]?)")
_KEY = {"}": re.compile(r"[^\s,{}\"#%=]*"), ")": re.compile(r"[^\s,(){}\"#%=]*")}
_NAME = re.compile(r"([A-Za-z_][\w:.+/'-]*)[ \t\r\n]*=")
_NUMBER = re.compile(r"[0-9]+")
_MACRO = re.compile(r"[A-Za-z_][\w:.+/'-]*")
# Balanced braces up to three levels deep, written so that no two branches can match
# the same text: a failing match costs time linear in what it looked at.
_B3 = r"\{[^{}]*\}"
_B2 = r"\{[^{}]*(?:" + _B3 + r"[^{}]*)*\}"
_IN_BRACES = r"[^{}]*(?:" + _B2 + r"[^{}]*)*"
_B1 = r"\{" + _IN_BRACES + r"\}"
_IN_QUOTES = r'[^"{}]*(?:' + _B1 + r'[^"{}]*)*'
_BRACED = re.compile(_B1)
_QUOTED = re.compile('"' + _IN_QUOTES + '"')
# The usual field in one match: name = {value} or "value" or 123 or macro, then ',' or
# the closer. Anything else (concatenation with #, deeper braces, errors) goes the
# slow way, field by field.
_FIELD = re.compile(
    r"[ \t\r\n]*([A-Za-z_][\w:.+/'-]*)[ \t\r\n]*=[ \t\r\n]*"
    r"(?:\{(" + _IN_BRACES + r")\}|\"(" + _IN_QUOTES + r")\"|([0-9]+)|([A-Za-z_][\w:.+/'-]*))"
    r"[ \t\r\n]*([,})]?)"
)
_BRACE = re.compile(r"[{}]")
_QUOTE_OR_BRACE = re.compile(r'["{}]')
_PAREN_OR_BRACE = re.compile(r"[{}()]")
_WANTED = {"title", "doi", "eprint", "url", "journal"}


class _NotBibtex(Exception):
    def __init__(self, pos: int, what: str):
        self.pos, self.what = pos, what


@dataclass
class _Entry:
    key: str | None  # None for @string, @preamble and @comment
    fields: dict[str, str]


def scan(text: str) -> Iterator[_Entry]:
    """Each block's key and identifying fields, in one pass; _NotBibtex on bad structure.

    Text outside entries is a comment, as BibTeX has it, and so is an ``@`` that does
    not begin an entry (an e-mail address in a note). An entry that is started must
    be well formed and closed.
    """
    pos, end = 0, len(text)
    while True:
        at = text.find("@", pos)
        if at < 0:
            return
        m = _AT.match(text, at)
        if m is None:
            pos = at + 1
            continue
        kind, opener = m.group(1).lower(), m.group(2)
        if not opener:
            line_start = text.rfind("\n", 0, at) + 1
            if text[line_start:at].strip(" \t") == "" and kind != "comment":
                raise _NotBibtex(at, f"'@{m.group(1)}' is not followed by '{{' or '('")
            pos = m.end()
            continue
        closer = "}" if opener == "{" else ")"
        pos = m.end()
        if kind == "comment":
            pos = _skip_body(text, pos - 1, closer)
            yield _Entry(None, {})
            continue
        if kind == "preamble":
            pos = _ws(text, _value(text, _ws(text, pos), None))
            if pos >= end or text[pos] != closer:
                raise _NotBibtex(pos, f"@preamble is not closed with '{closer}'")
            pos += 1
            yield _Entry(None, {})
            continue
        if kind == "string":
            pos = _fields(text, pos, closer, {})
            yield _Entry(None, {})
            continue
        k = _KEY[closer].match(text, _ws(text, pos))
        key = k.group()
        if not key:
            raise _NotBibtex(at, f"@{m.group(1)} entry without a key")
        pos = _ws(text, k.end())
        fields: dict[str, str] = {}
        if pos < end and text[pos] == closer:
            pos += 1
        elif pos < end and text[pos] == ",":
            pos = _fields(text, pos + 1, closer, fields)
        else:
            raise _NotBibtex(pos, f"entry '{key}' has no ',' after its key")
        yield _Entry(key, fields)


def _ws(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()


def _fields(text: str, pos: int, closer: str, out: dict[str, str]) -> int:
    """Read ``name = value, ...`` up to the closer; keep the values of wanted fields."""
    end = len(text)
    while True:
        quick = _FIELD.match(text, pos)
        if quick is not None:
            name, braced, quoted, _, _, sep = quick.groups()
            if sep == "," or sep == closer:
                name = name.lower()
                if name in _WANTED:
                    out[name] = braced or quoted or ""
                if sep == closer:
                    return quick.end()
                pos = quick.end()
                continue
        pos = _ws(text, pos)
        if pos >= end:
            raise _NotBibtex(pos, "the last entry is not closed")
        if text[pos] == closer:
            return pos + 1
        m = _NAME.match(text, pos)
        if m is None:
            raise _NotBibtex(pos, "expected a field name")
        name = m.group(1).lower()
        keep: list[str] | None = [] if name in _WANTED else None
        pos = _value(text, _ws(text, m.end()), keep)
        if keep is not None:
            out[name] = "".join(keep)
        pos = _ws(text, pos)
        if pos < end and text[pos] == ",":
            pos += 1
        elif pos < end and text[pos] == closer:
            return pos + 1
        else:
            raise _NotBibtex(pos, f"expected ',' or '{closer}' after field '{m.group(1)}'")


def _value(text: str, pos: int, keep: list[str] | None) -> int:
    """Skip ``part # part ...``; collect the literal parts into keep."""
    end = len(text)
    while True:
        if pos >= end:
            raise _NotBibtex(pos, "a field has no value")
        ch = text[pos]
        if ch == "{":
            m = _BRACED.match(text, pos)
            stop = m.end() if m else _balanced(text, pos)
            piece = text[pos + 1:stop - 1]
        elif ch == '"':
            m = _QUOTED.match(text, pos)
            stop = m.end() if m else _quoted(text, pos)
            piece = text[pos + 1:stop - 1]
        else:
            m = _NUMBER.match(text, pos) or _MACRO.match(text, pos)
            if m is None:
                raise _NotBibtex(pos, "expected a value in braces, quotes, a number or a macro name")
            stop, piece = m.end(), ""
        if keep is not None:
            keep.append(piece)
        pos = _ws(text, stop)
        if pos < end and text[pos] == "#":
            pos = _ws(text, pos + 1)
            continue
        return pos


def _balanced(text: str, pos: int) -> int:
    depth = 0
    for m in _BRACE.finditer(text, pos):
        depth += 1 if m.group() == "{" else -1
        if depth == 0:
            return m.end()
    raise _NotBibtex(pos, "a '{' is never closed")


def _quoted(text: str, pos: int) -> int:
    depth = 0
    for m in _QUOTE_OR_BRACE.finditer(text, pos + 1):
        ch = m.group()
        if ch == '"' and depth == 0:
            return m.end()
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                break
    raise _NotBibtex(pos, 'a \'"\' is never closed')


def _skip_body(text: str, pos: int, closer: str) -> int:
    """Skip ``{...}`` or ``(...)`` starting at pos, braces balanced inside."""
    if closer == "}":
        return _balanced(text, pos)
    depth = 0
    for m in _PAREN_OR_BRACE.finditer(text, pos + 1):
        ch = m.group()
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == ")" and depth == 0:
            return m.end()
    raise _NotBibtex(pos, "a '(' is never closed")


# --- what identifies a paper -------------------------------------------------

_ARXIV_ID = r"(\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(?:v\d+)?"
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/" + _ARXIV_ID, re.IGNORECASE)
_ARXIV_NOTE = re.compile(r"\barxiv[:\s]\s*" + _ARXIV_ID, re.IGNORECASE)
_ARXIV_EPRINT = re.compile(r"(?:arxiv:)?\s*" + _ARXIV_ID + r"\s*$", re.IGNORECASE)
_DOI_URL = re.compile(r"(?:https?://)?(?:dx\.)?doi\.org/(10\.\S+)", re.IGNORECASE)
_DOI_PREFIX = re.compile(r"^\s*(?:doi:\s*|(?:https?://)?(?:dx\.)?doi\.org/)", re.IGNORECASE)


_ACCENTS = {"`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304", "u": "\u0306",
            ".": "\u0307", '"': "\u0308", "r": "\u030a", "H": "\u030b", "v": "\u030c", "c": "\u0327",
            "k": "\u0328", "d": "\u0323", "b": "\u0331"}
_LETTERS = {"ss": "\u00df", "o": "\u00f8", "O": "\u00d8", "ae": "\u00e6", "AE": "\u00c6", "oe": "\u0153",
            "OE": "\u0152", "aa": "\u00e5", "AA": "\u00c5", "l": "\u0142", "L": "\u0141", "i": "i", "j": "j"}
_STYLES = ("textbf|textit|textsl|emph|textsc|texttt|textrm|textsf|textup|textnormal|mathrm|mathbf|mathit"
           "|mathsf|mathtt|mbox|textsuperscript|textsubscript|url")
_BASE = r"(?:\\([ij])(?![A-Za-z])|([A-Za-z]))"
_TEX = re.compile(
    r"\\([`'^~=.\"])[ \t]*(?:\{[ \t]*" + _BASE + r"[ \t]*\}|" + _BASE + r")"  # accent on a letter
    r"|\\([uvHckdbr])(?:[ \t]*\{[ \t]*" + _BASE + r"[ \t]*\}|[ \t]+" + _BASE + r")"
    r"|\\(ss|ae|AE|oe|OE|aa|AA|[oOlLij])(?![A-Za-z])"  # letters of their own
    r"|\\(?:" + _STYLES + r")(?![A-Za-z])"  # markup around words that stay
    r"|\\[&%$#_{} ,;!]"  # escaped punctuation
)


def _detex_one(m: re.Match) -> str:
    accent = m.group(1) or m.group(6)
    if accent:
        base = next(g for g in m.group(2, 3, 4, 5, 7, 8, 9, 10) if g)
        return unicodedata.normalize("NFC", base + _ACCENTS[accent])
    if m.group(11):
        return _LETTERS[m.group(11)]
    return " "


def _norm_title(text: str) -> str:
    """A title reduced to its letters and digits, LaTeX decoded, for matching.

    The common LaTeX of titles (accents, special letters, \\emph and the like) is
    decoded here, which is fast; anything else goes through latexcodec, which is
    not: a 50 MB file has tens of thousands of titles. Braces and punctuation need
    no decoding, the last line drops them anyway.
    """
    if "\\" in text:
        quick = _TEX.sub(_detex_one, text)
        if "\\" not in quick:
            text = quick
        else:
            import latexcodec  # noqa: F401

            try:
                text = codecs.decode(text, "ulatex")
            except Exception:  # noqa: BLE001 - a title we cannot decode is compared raw
                pass
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFC", text).casefold())


def _marks(title: str | None, doi: str | None, eprint: str | None, url: str | None = None,
          journal: str | None = None) -> set[str]:
    """Strings that two entries for the same paper share: DOI, arXiv id, title."""
    out = set()
    if title:
        t = _norm_title(title)
        if t:
            out.add("title:" + t)
    if doi:
        d = _DOI_PREFIX.sub("", doi).strip().casefold()
        if d:
            out.add("doi:" + d)
    if eprint:
        m = _ARXIV_EPRINT.match(eprint.strip())
        e = m.group(1) if m else eprint.strip()
        if e:
            out.add("eprint:" + e.casefold())
    if url:
        m = _ARXIV_URL.search(url)
        if m:
            out.add("eprint:" + m.group(1).casefold())
        m = _DOI_URL.search(url)
        if m:
            out.add("doi:" + m.group(1).casefold())
    if journal:
        m = _ARXIV_NOTE.search(journal)
        if m:
            out.add("eprint:" + m.group(1).casefold())
    return out


def _citation_marks(c: Citation) -> set[str]:
    return _marks(c.title, c.doi, c.eprint, c.url)


# --- the file ----------------------------------------------------------------

def merge_into(path: Path, citations: Sequence[Citation],
               notify: Callable[[str], None] | None = None) -> MergeResult:
    """Append the citations the file does not have yet; never damage what is there.

    Existing entries are matched by key (case-insensitively, as BibTeX does), arXiv
    id, DOI and title. ``notify`` hears about waits for another writer.
    """
    from .cite import bibtex

    name = shown(path, 300)
    # Everything that does not depend on the file is done before taking the lock.
    rendered = {c.key: bibtex([c]) for c in citations}
    wanted = [(c, _citation_marks(c)) for c in citations]
    fd, real, created = _open_locked(path, name, notify or (lambda message: None))
    try:
        return _append(fd, real, name, created, rendered, wanted)
    except BaseException:
        if created and os.fstat(fd).st_size == 0:
            _unlink_if_same(real, fd)  # interrupted before writing: it did not exist before
        raise
    finally:
        os.close(fd)


def _append(fd: int, real: str, name: str, created: bool, rendered: dict[str, str],
            wanted: list[tuple[Citation, set[str]]]) -> MergeResult:
    for _ in range(10):
        data = _read_all(fd, name)
        result, addition = _plan(data, name, rendered, wanted)
        if os.fstat(fd).st_size != len(data):
            continue  # someone who does not lock wrote meanwhile: look again
        if addition:
            _write(fd, addition, name, real, created)
        _clean_stale(real)
        return result
    raise CiteError(f"{name} keeps changing while sllm reads it; nothing written")


def _plan(data: bytes, name: str, rendered: dict[str, str],
          wanted: list[tuple[Citation, set[str]]]) -> tuple[MergeResult, bytes]:
    """What to skip (and why) and the bytes to append."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CiteError(f"{name} is not UTF-8 text; nothing written") from None
    if "\x00" in text:
        raise CiteError(f"{name} is a binary file, not BibTeX; nothing written")
    keys: dict[str, str] = {}
    seen: dict[str, str] = {}
    blocks = 0
    try:
        for e in scan(text):
            blocks += 1
            if e.key is None:
                continue
            keys.setdefault(e.key.casefold(), e.key)
            f = e.fields
            for m in _marks(f.get("title"), f.get("doi"), f.get("eprint"), f.get("url"), f.get("journal")):
                seen.setdefault(m, e.key)
    except _NotBibtex as exc:
        line = text.count("\n", 0, exc.pos) + 1
        raise CiteError(f"{name} is not a BibTeX file sllm can read (line {line}: {exc.what}); "
                        "nothing written") from None
    if not blocks and text.strip() and not _only_comments(text):
        raise CiteError(f"{name} has text but no BibTeX entries; nothing written "
                        "(give a .bib file, or a new or empty one)")

    result = MergeResult()
    fresh: list[str] = []
    for c, ms in wanted:
        same = next((seen[m] for m in sorted(ms) if m in seen), None)
        taken = keys.get(c.key.casefold())
        if same is not None:
            where = "added just before" if same in result.added else f"already in {name}"
            said = where if same == c.key else f"same paper as key {shown(same)} {where}"
            result.skipped.append((c.key, said))
        elif taken is not None:
            where = "added just before" if taken in result.added else f"already in {name}"
            result.skipped.append((c.key, f"key {shown(taken)} {where}"))
        else:
            result.added.append(c.key)
            fresh.append(rendered[c.key])
            keys[c.key.casefold()] = c.key
            for m in ms:
                seen.setdefault(m, c.key)
    if not fresh:
        return result, b""

    eol = "\r\n" if _uses_crlf(data) else "\n"
    body = "\n".join(fresh).replace("\r\n", "\n")
    if not data:
        lead = ""
    elif text.endswith(eol + eol) or text.endswith("\n\n"):
        lead = ""
    elif text.endswith("\n"):
        lead = eol
    else:
        lead = eol + eol
    return result, (lead + body.replace("\n", eol)).encode("utf-8")


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("%") for line in text.splitlines())


def _uses_crlf(data: bytes) -> bool:
    """A file whose first line ends in CR LF gets CR LF lines."""
    nl = data.find(b"\n")
    return nl > 0 and data[nl - 1:nl] == b"\r"


def _read_all(fd: int, name: str) -> bytes:
    try:
        with open(fd, "rb", buffering=0, closefd=False) as f:
            f.seek(0)
            return f.readall()  # one buffer of the file's size, not chunks joined
    except OSError as exc:
        raise CiteError(f"cannot read {name}: {exc.strerror}; nothing written") from None


# --- opening and locking -----------------------------------------------------

def _resolve(path: Path, name: str) -> str:
    """The file a name leads to, following symlinks one at a time.

    ``os.path.realpath`` would follow /dev/stdout through /proc/self/fd/1 to wherever
    stdout is redirected; any step through such a name is refused instead.
    """
    text = os.fspath(path)
    try:
        resolved = os.sep if os.path.isabs(text) else os.getcwd()
    except OSError as exc:
        raise CiteError(f"cannot find {name}: the current folder is gone ({exc.strerror}); "
                        "nothing written") from None
    parts = list(reversed(text.split(os.sep)))
    hops = 0
    while parts:
        part = parts.pop()
        if part in ("", "."):
            continue
        if part == "..":
            resolved = os.path.dirname(resolved)
            continue
        here = os.path.join(resolved, part)
        if any(here == s or here.startswith(s + os.sep) for s in _NOT_FILES):
            raise CiteError(f"{name} is not a regular file; nothing written "
                            "(to print the entries, leave out -o)")
        try:
            target = os.readlink(here)
        except OSError:
            resolved = here  # not a link, or missing: open() will tell
            continue
        hops += 1
        if hops > 40:
            raise CiteError(f"{name}: too many levels of symbolic links; nothing written")
        if os.path.isabs(target):
            resolved = os.sep
        parts.extend(reversed(target.split(os.sep)))
    return resolved


def _open_locked(path: Path, name: str, notify: Callable[[str], None]) -> tuple[int, str, bool]:
    """An fd for appending to the file, exclusively locked, still the one the name leads to."""
    for _ in range(20):
        real = _resolve(path, name)
        fd, created = _open(real, name)
        try:
            _lock(fd, name, notify)
            now = os.lstat(real)
            mine = os.fstat(fd)
        except FileNotFoundError:
            os.close(fd)
            continue  # removed or renamed while we waited
        except OSError as exc:
            os.close(fd)
            raise CiteError(f"cannot open {name}: {exc.strerror}; nothing written") from None
        except BaseException:
            os.close(fd)
            raise
        if (now.st_dev, now.st_ino) == (mine.st_dev, mine.st_ino):
            return fd, real, created
        os.close(fd)  # replaced (an editor's save) while we waited: take the new one
    raise CiteError(f"{name} keeps being replaced while sllm waits for it; nothing written")


def _open(real: str, name: str) -> tuple[int, bool]:
    flags = os.O_RDWR | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        st = os.lstat(real)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise CiteError(f"cannot open {name}: {exc.strerror}; nothing written") from None
    if st is not None:
        _check_kind(st, name, existing=True)
    try:
        if st is None:
            fd = os.open(real, flags | os.O_CREAT | os.O_EXCL, 0o666)  # the umask decides
        else:
            # O_NONBLOCK: should a FIFO have been put there since lstat, do not hang on it.
            fd = os.open(real, flags | getattr(os, "O_NONBLOCK", 0))
    except FileExistsError:
        return _open(real, name)
    except OSError as exc:
        if exc.errno == errno.EISDIR:
            raise CiteError(f"{name} is a directory; nothing written") from None
        why = "permission denied" if exc.errno in (errno.EACCES, errno.EPERM) else exc.strerror
        verb = "create" if st is None else "write to"
        raise CiteError(f"cannot {verb} {name}: {why}; nothing written") from None
    try:
        _check_kind(os.fstat(fd), name, existing=st is not None)
        if st is not None and hasattr(os, "O_NONBLOCK"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, st is None


def _check_kind(st: os.stat_result, name: str, existing: bool) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise CiteError(f"{name} is a directory; nothing written")
    if not stat.S_ISREG(st.st_mode):
        raise CiteError(f"{name} is not a regular file; nothing written (give a .bib file)")
    if existing and not st.st_mode & 0o222:
        # Root could write it anyway; a file nobody may write was made so on purpose.
        raise CiteError(f"{name} is read-only (mode {stat.S_IMODE(st.st_mode):04o}); nothing written "
                        "(make it writable first if you mean to add to it)")


def _lock(fd: int, name: str, notify: Callable[[str], None]) -> None:
    """Wait for an exclusive lock, telling the user once if it takes a while."""
    try:
        import fcntl
    except ImportError:  # no flock here: writers are not serialized
        return
    start = time.monotonic()
    told = False
    delay = 0.005
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        except OSError as exc:
            if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                notify(f"warning: {name} cannot be locked on this file system; "
                       "do not run two writers at once")
                return
            raise CiteError(f"cannot lock {name}: {exc.strerror}; nothing written") from None
        waited = time.monotonic() - start
        if waited > LOCK_WAIT:
            raise CiteError(f"{name} stayed locked by another program for {LOCK_WAIT:.0f} s; "
                            "nothing written (try again when it is done)")
        if not told and waited > LOCK_NOTICE:
            notify(f"waiting for another program writing to {name}...")
            told = True
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


# --- writing -----------------------------------------------------------------

class _Signalled(BaseException):
    def __init__(self, signum: int):
        self.signum = signum


def _write(fd: int, data: bytes, name: str, real: str, created: bool) -> None:
    """Append data and make it durable, or leave the file as it was."""
    size = os.fstat(fd).st_size
    try:
        with _signals_raise():
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                if n <= 0:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                view = view[n:]
            os.fsync(fd)
    except BaseException as exc:
        with _signals_held():
            restored = _cut_back(fd, size)
            if restored and created and size == 0:
                _unlink_if_same(real, fd)  # it did not exist before
        if isinstance(exc, _Signalled):
            signal.signal(exc.signum, signal.SIG_DFL)
            os.kill(os.getpid(), exc.signum)
            raise SystemExit(128 + exc.signum) from None
        if not restored:
            raise CiteError(f"writing {name} failed and it could not be cut back: "
                            f"remove what follows byte {size}") from None
        if isinstance(exc, OSError):
            raise CiteError(f"cannot write {name}: {exc.strerror}; nothing written") from None
        raise


def _unlink_if_same(real: str, fd: int) -> None:
    try:
        now, mine = os.lstat(real), os.fstat(fd)
        if (now.st_dev, now.st_ino) == (mine.st_dev, mine.st_ino):
            os.unlink(real)
    except OSError:
        pass


def _cut_back(fd: int, size: int) -> bool:
    try:
        os.ftruncate(fd, size)
        os.fsync(fd)
    except OSError:
        return False
    return True


_SIGNALS = tuple(getattr(signal, s) for s in ("SIGTERM", "SIGHUP") if hasattr(signal, s))


class _signals_held:
    """Hold Ctrl-C, SIGTERM and SIGHUP back while the file is being cut back."""

    def __enter__(self):
        self.mask = getattr(signal, "pthread_sigmask", None)
        if self.mask is not None:
            self.old = self.mask(signal.SIG_BLOCK, {signal.SIGINT, *_SIGNALS})
        return self

    def __exit__(self, *exc):
        if self.mask is not None:
            self.mask(signal.SIG_SETMASK, self.old)
        return False


class _signals_raise:
    """Turn SIGTERM and SIGHUP into an exception while the file is being written.

    Ctrl-C already raises KeyboardInterrupt; the other two would end the process
    between two writes. Each is re-raised once the file has been cut back.
    """

    def __enter__(self):
        self.saved = {}
        if threading.current_thread() is not threading.main_thread():
            return self
        for s in _SIGNALS:
            if signal.getsignal(s) is signal.SIG_DFL:
                self.saved[s] = signal.signal(s, self._raise)
        return self

    @staticmethod
    def _raise(signum, frame):
        raise _Signalled(signum)

    def __exit__(self, *exc):
        for s, handler in self.saved.items():
            signal.signal(s, handler)
        return False


def _clean_stale(real: str) -> None:
    """Remove temporary files that older versions, killed mid-write, left beside the file."""
    folder, base = os.path.split(real)
    pattern = re.compile(r"\." + re.escape(base) + r"\.[a-z0-9_]{8}\.tmp")
    try:
        with os.scandir(folder or ".") as it:
            for e in it:
                if not pattern.fullmatch(e.name):
                    continue
                st = e.stat(follow_symlinks=False)
                if (stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid()
                        and time.time() - st.st_mtime > STALE_AFTER):
                    os.unlink(e.path)
    except OSError:
        pass
