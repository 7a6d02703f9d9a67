"""Collect pack problems as one line each: ``FILE: LOCATION (line N): what is wrong; what to do``.

Validation never stops at the first problem: every check adds to a ``ProblemLog`` and
the loader raises one ``ContentError`` holding them all. TOML parsers do not report
where a *valid* key sits, so ``locate`` finds the line by scanning the raw text for
the table headers and keys named by the location path (best effort; it works for the
usual ``[[questions]]`` / ``[questions.cues]`` / ``key = value`` layout).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from companion.intake.reading import one_line

# A location inside a file: ("questions", 3, "cues", "strong") -> questions[3].cues.strong
Path_ = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


@dataclass(frozen=True)
class SourceFile:
    """One pack file: how to name it in messages, and its raw text for line lookup."""

    label: str
    text: str = ""


@dataclass(frozen=True)
class Origin:
    """Where an item (or a value) was defined."""

    file: SourceFile
    path: Path_

    def line(self) -> int | None:
        return locate(self.file.text, self.path)

    def where(self) -> str:
        line = self.line()
        return f"{self.file.label} line {line}" if line else self.file.label


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def render(path: Path_) -> str:
    """``("questions", 3, "cues")`` -> ``questions[3].cues``.

    A key that TOML would need quotes for (a dot, a space, a quote mark, a line
    break) is shown quoted and escaped, as TOML writes it, so the location stays
    one line and cannot be mistaken for another path.
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            key = part if _BARE_KEY.fullmatch(part) else json.dumps(part)
            out += f".{key}" if out else key
    return out or "(top level)"


@dataclass
class ProblemLog:
    """Every problem found in one run, in the order found."""

    lines: list[str] = field(default_factory=list)

    def add(self, file: SourceFile, path: Path_, what: str, fix: str,
            line: int | None = None) -> None:
        """Record one problem at ``path`` in ``file``; ``line`` overrides the lookup."""
        if line is None:
            line = locate(file.text, path)
        loc = render(path)
        if line:
            loc += f" (line {line})"
        self.raw(f"{file.label}: {loc}: {what}; {fix}")

    def at(self, origin: Origin, sub: Path_, what: str, fix: str) -> None:
        """Record a problem below an item's origin, e.g. ``sub=("archetypes", 1)``."""
        self.add(origin.file, origin.path + sub, what, fix)

    def raw(self, text: str) -> None:
        """Record a line as given; line breaks in quoted keys or values become spaces."""
        self.lines.append(one_line(text))

    def __bool__(self) -> bool:
        return bool(self.lines)


def _headers(lines: list[str]) -> list[tuple[int, bool, str]]:
    """(line index, is array-of-tables, dotted name without spaces or quotes)."""
    out = []
    for i, line in enumerate(lines):
        m = _HEADER.match(line)
        if m and "=" not in m.group(2):
            name = m.group(2).replace(" ", "").replace('"', "").replace("'", "")
            out.append((i, m.group(1) == "[[", name))
    return out


def locate(text: str, path: Path_) -> int | None:
    """1-based line of ``path`` in ``text``, or of its nearest enclosing part found."""
    if not text or not path:
        return None
    lines = text.splitlines()
    headers = _headers(lines)
    start, end = 0, len(lines)
    found: int | None = None
    dotted: list[str] = []
    parts = list(path)
    i = 0
    while i < len(parts):
        name = parts[i]
        if isinstance(name, int):  # an index with no name before it: cannot place it
            break
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        index = nxt if isinstance(nxt, int) else None
        full = ".".join([*dotted, name])
        hit: int | None = None
        if index is not None:
            seen = [h for h, arr, n in headers if arr and n == full and start <= h < end]
            if index < len(seen):
                hit = seen[index]
        else:  # a [table], or the first [[block]] of an array named without an index
            hit = next((h for h, _arr, n in headers if n == full and start <= h < end), None)
        if hit is not None:
            found = hit
            start = hit + 1
            end = next((h for h, _a, n in headers
                        if h > hit and not n.startswith(full + ".")), len(lines))
            dotted.append(name)
        else:
            key = re.compile(rf"(^|[{{,\s.]){re.escape(name)}\s*=")
            hit = next((j for j in range(start, end) if key.search(lines[j])), None)
            if hit is None:
                break
            found = hit
            start = hit  # an inline table's keys sit on the same line
            dotted.append(name)
        i += 2 if index is not None else 1
    return None if found is None else found + 1
