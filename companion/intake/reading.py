"""Reading what comes from outside within limits: bytes, JSON, TOML and text.

Every reader here refuses before it is hurt: a file is read to at most its cap
(a device such as /dev/zero reports size 0 and never ends, so the size on disk
proves nothing), nesting is measured by a flat scan before any recursive parser
or encoder sees the text, and numbers are bounded inside the parser itself, so
a 5,000-digit integer never becomes a Python int. Problems are ``Refused``: a
location, what is wrong and what to do, which the caller prefixes with the name
of the file (see ``Refused.line``).
"""

from __future__ import annotations

import json
import os
import re
import stat
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from companion.intake import limits

# An id names a pack entry and ends up in locations, messages and amendments, so it is
# a plain word: letters and digits of any script, "_", "." and "-"; never ":", a space,
# a path separator or an invisible mark.
ID_FORM = re.compile(r"[^\W_][\w.-]*")


class Refused(ValueError):
    """One problem with outside input: where it is, what is wrong, what to do."""

    def __init__(self, where: str, what: str, fix: str = "") -> None:
        self.where = where
        self.what = what
        self.fix = fix
        super().__init__(self.text())

    def text(self) -> str:
        """``where: what; fix`` on one line (without the file name)."""
        head = f"{self.where}: {self.what}" if self.where else self.what
        return one_line(f"{head}; {self.fix}" if self.fix else head)

    def line(self, source: str) -> str:
        """The whole message for ``source`` (a file name or another label)."""
        return one_line(f"{source}: {self.text()}")


_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters shown as spaces.

    A message of ours may quote a key or a value from the file; it must still be
    one line that starts with the file's name.
    """
    return _BREAKS.sub(" ", text)


# ------------------------------------------------------------------ bytes


def read_capped(path: str | os.PathLike[str], cap: int, what: str = "file", *,
                follow_links: bool = True) -> bytes:
    """The bytes of regular file ``path``, refusing anything that is not one or is too big.

    Folders, devices, pipes and sockets are refused by what they are (a pipe with
    no writer would block a reader forever); a regular file is read to at most
    ``cap`` + 1 bytes, so a file that grows while we read, or a kernel file that
    claims size 0, cannot make us read more. With ``follow_links=False`` (the app's
    own files in its data folder) a symbolic link is refused by name, never followed.
    """
    p = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        if not follow_links:
            if stat.S_ISLNK(os.lstat(p).st_mode):
                raise Refused("", f"is a link, not a {what}",
                              "the app reads its own files only as ordinary files; "
                              "put the file itself there instead of the link")
            flags |= getattr(os, "O_NOFOLLOW", 0)
        _regular(os.stat(p), what)
        fd = os.open(p, flags)
    except FileNotFoundError:
        raise Refused("", "no such file", "check the path") from None
    except OSError as exc:
        raise Refused("", f"cannot read it: {exc.strerror or exc}",
                      "check that you may read it") from None
    try:
        _regular(os.fstat(fd), what)  # the path may have been swapped since the stat
        chunks: list[bytes] = []
        size = 0
        while size <= cap:
            chunk = os.read(fd, min(1 << 20, cap + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise Refused("", f"cannot read it: {exc.strerror or exc}",
                      "check that you may read it") from None
    finally:
        os.close(fd)
    if size > cap:
        raise Refused("", f"too large for a {what} (more than {cap:,} bytes)",
                      f"a {what} is at most {cap:,} bytes; check that this is the right file")
    return b"".join(chunks)


def _regular(st: os.stat_result, what: str) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise Refused("", f"is a folder, not a {what}", "give the path of a file")
    if not stat.S_ISREG(st.st_mode):
        raise Refused("", f"is a device, pipe or socket, not a {what}",
                      "give the path of an ordinary file")


def writable_target(path: Path) -> str | None:
    """Why ``path`` must not be replaced by a file we write, or None if it may be.

    Writing goes through a temporary file and a rename, which would silently
    replace a device node (``/dev/null``), a pipe or a socket by an ordinary file.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot check it: {exc.strerror or exc}"
    if stat.S_ISDIR(st.st_mode):
        return "it is a folder; give a file name to write"
    if not stat.S_ISREG(st.st_mode):
        return "it is a device, pipe or socket, not an ordinary file; give a file name"
    return None


# ------------------------------------------------------------------ nesting

# Written as a run of plain characters between escapes: the same strings as
# '"(?:[^"\\]|\\.)*"' in half the time (a year of team scorecards passes here).
_JSON_SKIP = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
# TOML: multi-line strings first, then one-line strings and comments.
_TOML_SKIP = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|'
                        r"'[^'\n]*'|#[^\n]*")
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# Digits (TOML allows 1_000) beyond the limit, outside strings; dates have short runs.
_LONG_NUMBER = re.compile(rf"\d(?:_?\d){{{limits.NUMBER_DIGITS},}}")


def nesting_depth(code: str, limit: int) -> int:
    """The deepest bracket nesting of ``code``, counted up to ``limit`` + 1.

    ``code`` is the text with its strings and comments cut out (one regular
    expression, see ``_JSON_SKIP``); the brackets left are walked flat, stopping as
    soon as the limit is passed.
    """
    brackets = _NOT_BRACKET.sub("", code)
    depth = deepest = 0
    for ch in brackets:
        if ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif depth:
            depth -= 1
    return deepest


def _too_deep(limit: int, kind: str) -> Refused:
    return Refused("(file)", f"lists or tables nested more than {limit} levels deep",
                   f"a {kind} is never nested that deeply; the file was damaged or "
                   "made by another program")


# ------------------------------------------------------------------ JSON


def _position(text: str, token: str) -> str:
    at = text.find(token)
    if at < 0:
        return "(file)"
    line = text.count("\n", 0, at) + 1
    return f"line {line} column {at - (text.rfind(chr(10), 0, at) + 1) + 1}"


def json_code(text: str) -> str:
    """``text`` with its JSON strings cut out, as ``_JSON_SKIP`` cuts them.

    Without a backslash, and with every quote paired, each string runs from one
    quote to the next: splitting at the quotes gives the same code as the regular
    expression in a fifth of the time (every row of a team calibration passes here).
    """
    if "\\" not in text:
        parts = text.split('"')
        if len(parts) % 2:
            return "".join(parts[::2])
    return _JSON_SKIP.sub("", text)


# What bytes.translate keeps of JSON code: its brackets, all of one kind (as
# ``nesting_depth`` counts them).
_ONE_KIND = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKET_BYTE = bytes(c for c in range(256) if c not in b"[]{}")


def json_nesting(text: str, limit: int) -> int:
    """``nesting_depth(json_code(text), limit)``: the deepest bracket nesting of JSON text.

    The code's brackets are picked out in C, and a balanced run of them loses
    exactly one level each time its empty pairs are removed, so a scorecard's five
    or six levels take as many passes of ``bytes.replace`` instead of a Python loop
    over every bracket (two thirds of the time on a team store's payloads). Anything
    that does not come out balanced within ``limit`` levels is walked as
    ``nesting_depth`` walks it.
    """
    code = json_code(text)
    brackets = code.encode("utf-8", "surrogatepass").translate(_ONE_KIND, _NOT_BRACKET_BYTE)
    for depth in range(limit + 1):
        if not brackets:
            return depth
        brackets = brackets.replace(b"[]", b"")
    return nesting_depth(code, limit)


class _Unusual(Exception):
    """A number the checked parse below must look at (and word, if it refuses it)."""


def _usual_int(token: str) -> int:
    if len(token) > limits.NUMBER_DIGITS:  # a sign and 18 digits pass the long way
        raise _Unusual
    return int(token)


def _usual_float(token: str) -> float:
    if len(token) > limits.NUMBER_DIGITS:
        raise _Unusual
    value = float(token)
    if value in (float("inf"), float("-inf")):
        raise _Unusual
    return value


def _unusual(token: str) -> float:
    raise _Unusual


# One decoder for every text (building one per call with these hooks was a tenth of
# reading a payload): it takes the numbers nothing could refuse, and hands anything
# else to ``parse_json``'s own hooks, which word the refusal with its position.
_USUAL = json.JSONDecoder(parse_int=_usual_int, parse_float=_usual_float,
                          parse_constant=_unusual)


def parse_json(text: str, kind: str = "scorecard file") -> Any:
    """``json.loads`` with nesting, number length and NaN/Infinity refused.

    Raises ``Refused`` for those; a syntax error stays ``json.JSONDecodeError``,
    which the caller words (a truncated file reads differently from a wrong one).
    """
    if json_nesting(text, limits.JSON_DEPTH) > limits.JSON_DEPTH:
        raise _too_deep(limits.JSON_DEPTH, kind)
    if not text.startswith("\ufeff"):  # json.loads words a byte-order mark itself
        try:
            return _USUAL.decode(text)
        except _Unusual:
            pass

    def digits(token: str) -> None:
        if sum(ch.isdigit() for ch in token) > limits.NUMBER_DIGITS:
            raise Refused(_position(text, token),
                          f"a number with {sum(ch.isdigit() for ch in token):,} digits",
                          f"numbers in a {kind} have at most {limits.NUMBER_DIGITS} digits")

    def as_int(token: str) -> int:
        digits(token)
        return int(token)

    def as_float(token: str) -> float:
        # Significant digits only: PostgreSQL's jsonb writes 1.2345678901234567e-05 back
        # as 0.000012345678901234567, and float() is linear in the length anyway.
        # A float token holds a "." or an "e": 19 characters hold at most 18 digits.
        if len(token) > limits.NUMBER_DIGITS + 1:
            mantissa = token.lower().split("e")[0].lstrip("+-").replace(".", "").lstrip("0")
            if len(mantissa) > limits.NUMBER_DIGITS:
                digits(token)
        value = float(token)
        if value in (float("inf"), float("-inf")):
            raise Refused(_position(text, token), f"the number {token[:30]} is out of range",
                          "write an ordinary number")
        return value

    def constant(token: str) -> float:
        raise Refused(_position(text, token), f"{token} is not a finite number",
                      "write an ordinary number")

    return json.loads(text, parse_int=as_int, parse_float=as_float, parse_constant=constant)


def _walk(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Every string in ``value`` (keys too) with its location; iterative, any depth."""
    stack: list[tuple[Any, str]] = [(value, where)]
    while stack:
        node, at = stack.pop()
        if isinstance(node, str):
            yield at, node
        elif isinstance(node, dict):
            for key, sub in node.items():
                yield f"{at} (a key)", key
                stack.append((sub, f"{at}.{key}" if _PLAIN_KEY.fullmatch(key) else
                              f"{at}[{json.dumps(key)}]"))
        elif isinstance(node, list):
            stack.extend((sub, f"{at}[{i}]") for i, sub in enumerate(node))


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Half of a UTF-16 pair, alone: not a character (see refuse_lone_surrogates).
SURROGATE = re.compile("[\ud800-\udfff]")


def refuse_lone_surrogates(value: Any, where: str) -> None:
    """Refuse text holding half of a UTF-16 pair (``\\ud800`` written alone in JSON).

    Such text is not Unicode: it cannot be stored, hashed or printed.
    """
    for at, text in _walk(value, where):
        m = SURROGATE.search(text)
        if m:
            raise Refused(at, f"holds a lone surrogate (U+{ord(m.group()):04X}), which is "
                          "not a character", "the file was damaged or made by another "
                          "program; export it again from Interview Companion")


# ------------------------------------------------------------------ TOML


def parse_toml(text: str, kind: str = "pack file") -> dict[str, Any]:
    """``tomllib.loads`` with nesting and number size refused before they hurt.

    Raises ``Refused`` for those, ``tomllib.TOMLDecodeError`` for syntax errors.
    """
    code = _TOML_SKIP.sub(lambda m: "\n" * m.group().count("\n"), text)  # keep line numbers
    if nesting_depth(code, limits.TOML_DEPTH) > limits.TOML_DEPTH:
        raise _too_deep(limits.TOML_DEPTH, kind)
    long = _LONG_NUMBER.search(code)
    if long:
        raise Refused(f"line {code.count(chr(10), 0, long.start()) + 1}",
                      f"a number with {sum(c.isdigit() for c in long.group()):,} digits",
                      f"numbers in a {kind} have at most {limits.NUMBER_DIGITS} digits")

    def as_float(token: str) -> float:
        value = float(token)
        if value != value or value in (float("inf"), float("-inf")):
            raise Refused("(file)", f"{token} is not a finite number", "write an ordinary number")
        return value

    try:
        return tomllib.loads(text, parse_float=as_float)
    except (tomllib.TOMLDecodeError, Refused):
        raise
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise Refused("(file)", f"a number is too long ({str(exc)[:60]})",
                      f"numbers in a {kind} have at most {limits.NUMBER_DIGITS} digits") \
            from None
