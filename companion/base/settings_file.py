"""The window's settings file read without Qt: who the command line is reading as.

The window keeps its preferences in ``settings.ini`` (QSettings, INI format), among
them the interviewer name typed on the start screen. The independence rule on the
command line asks for that name when ``--as NAME`` is not given, and the command
line must not load Qt for it, so this reads the one value the way QSettings writes
it: ``interviewer=Sam Ortiz``, or quoted with backslash escapes when the name holds
a comma, a quote or spaces at its ends. The file is input like any other: read to
at most its cap, never through a link, and anything unexpected reads as "no name".
"""

from __future__ import annotations

import re
from pathlib import Path

from companion.base.paths import settings_file
from companion.intake import limits
from companion.intake.reading import Refused, read_capped

_SECTION = re.compile(r"^\s*\[(.*)\]\s*$")
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v", "0": "\0"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def remembered_interviewer(data_dir: Path) -> str:
    """The interviewer name the window remembers, or "" when there is none to trust."""
    try:
        raw = read_capped(settings_file(data_dir), limits.SETTINGS_FILE_BYTES, "settings file",
                          follow_links=False)
        text = raw.decode("utf-8")
    except (Refused, UnicodeDecodeError):
        return ""
    section = ""
    for line in text.splitlines():
        m = _SECTION.match(line)
        if m:
            section = m.group(1).strip()
            continue
        key, eq, value = line.partition("=")
        if section == "round" and eq and key.strip() == "interviewer":
            name = _unquote(value.strip())
            if name is None or _CONTROL.search(name) or len(name) > limits.NAME_CHARS:
                return ""
            return name.strip()
    return ""


def _unquote(value: str) -> str | None:
    """One QSettings string value; None for anything else (a list, a variant, bad escapes)."""
    if value.startswith("@String(") and value.endswith(")"):
        value = value[len("@String("):-1]
    elif value.startswith("@@"):  # a text that itself starts with "@"
        value = value[1:]
    elif value.startswith("@"):  # @Variant(...), @ByteArray(...): not a name
        return None
    out: list[str] = []
    quoted = False
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "\\":
            i += 1
            if i >= len(value):
                return None
            esc = value[i]
            if esc == "x":  # \xNNNN: a code point in hex
                m = re.match(r"[0-9a-fA-F]{1,4}", value[i + 1:])
                if not m:
                    return None
                out.append(chr(int(m.group(), 16)))
                i += len(m.group())
            elif esc in _ESCAPES:
                out.append(_ESCAPES[esc])
            else:
                return None
        elif ch == "," and not quoted:  # an unquoted comma makes a list, not a name
            return None
        else:
            out.append(ch)
        i += 1
    return None if quoted else "".join(out)
