"""The loop file: how a lead without a team store hands a loop to the panel.

It passes the same bounded gate as a scorecard file (the byte cap, the nesting and
number checks of ``intake.reading``, then the loop's strict decoder), and every
problem is one ``ImportFileError`` line that starts with the file's name.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from companion.base.atomic_file import write_private_text
from companion.base.errors import ImportFileError
from companion.intake import limits
from companion.intake.json_reader import SchemaError
from companion.intake.reading import Refused, parse_json, read_capped
from companion.loop.model import Loop, loop_from_dict, loop_to_dict

# A loop is a dozen rounds of ids and names: a few kilobytes. The cap of a pack
# file (1 MiB) leaves room and still refuses anything that is not a loop.
MAX_BYTES = limits.PACK_FILE_BYTES


def write_loop_file(loop: Loop, path: str | os.PathLike[str]) -> Path:
    text = json.dumps(loop_to_dict(loop), ensure_ascii=False, indent=2, sort_keys=True)
    return write_private_text(Path(path), text + "\n")


def read_loop_file(path: str | os.PathLike[str]) -> Loop:
    """The loop in the file at ``path``; ``ImportFileError`` names the file and the problem."""
    name = str(path)
    try:
        raw = read_capped(path, MAX_BYTES, "loop file")
    except Refused as exc:
        raise ImportFileError(exc.line(name)) from None
    if not raw.strip():
        raise ImportFileError(f"{name}: the file is empty")
    try:
        data = parse_json(raw.decode("utf-8"), "loop file")
    except UnicodeDecodeError:
        raise ImportFileError(f"{name}: not UTF-8 text, so not a loop file") from None
    except Refused as exc:
        raise ImportFileError(exc.line(name)) from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{name}: not JSON (line {exc.lineno}, column {exc.colno}: "
                              f"{exc.msg})") from None
    try:
        return loop_from_dict(data, "loop")
    except SchemaError as exc:
        raise ImportFileError(" ".join(f"{name}: {exc}".split())) from None
