"""Scorecard exchange files: how one interviewer's scorecard reaches the panel lead.

There is no server: files travel by shared drive, chat or USB stick, so each
file describes itself and is checked hard on the way in. A file is UTF-8 JSON::

    {
      "format": "interview-companion/scorecard",
      "format_version": 2,
      "app": {"name": "interview-companion", "version": "0.1.0"},
      "exported_at": "2026-11-28T14:05:00+00:00",
      "pack": {"id": "builtin", "version": "1"},
      "content_sha256": "<hex digest of the canonical JSON of 'scorecard'>",
      "scorecard": { ...every field of companion.record.scorecard.Scorecard... }
    }

The hash is taken over the payload serialised canonically (sorted keys, no
spaces, UTF-8), so any edit to the scorecard after export is detected. It is a
tamper *check*, not a signature: anyone can recompute it. Every problem on
reading raises ``ImportFileError`` with one line naming the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from companion import APP_NAME, __version__
from companion.base.atomic_file import write_private_text
from companion.base.errors import CompanionError, ImportFileError
from companion.content.model import Pack
from companion.exchange.schema import scorecard_to_dict
from companion.intake import limits
from companion.intake.reading import Refused, parse_json, read_capped, writable_target
from companion.record.scorecard import Scorecard

FORMAT = "interview-companion/scorecard"
# 2: amendments are typed changes and the round records when it ended (1 still reads).
FORMAT_VERSION = 2
SUFFIX = ".icscore.json"
# A real scorecard is a few tens of kilobytes; refuse anything absurd before parsing it.
MAX_BYTES = limits.SCORECARD_FILE_BYTES


# What json.dumps(payload, **these settings) builds anew on every call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                              allow_nan=False)


def canonical_json(payload: Any) -> bytes:
    """The one byte form of ``payload`` that the content hash is taken over."""
    return _CANONICAL.encode(payload).encode("utf-8")


def content_hash(payload: Any) -> str:
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def scorecard_document(sc: Scorecard, exported_at: datetime | None = None) -> dict[str, Any]:
    """The whole exchange document for ``sc`` (envelope plus payload)."""
    payload = scorecard_to_dict(sc)
    when = exported_at or datetime.now(UTC)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app": {"name": APP_NAME, "version": __version__},
        "exported_at": when.isoformat(),
        "pack": {"id": sc.pack_id, "version": sc.pack_version},
        "content_sha256": content_hash(payload),
        "scorecard": payload,
    }


def scorecard_to_json(sc: Scorecard) -> str:
    """The exchange document as indented, human-readable JSON text."""
    return json.dumps(scorecard_document(sc), indent=2, ensure_ascii=False,
                      allow_nan=False) + "\n"


def write_scorecard_file(sc: Scorecard, path: str | os.PathLike[str]) -> Path:
    """Write ``sc`` to ``path`` atomically (temp file + rename), readable only by the user.

    A crash mid-write leaves either the old file or the new one, never half of
    one. Raises ``CompanionError`` naming the file when it cannot be written.
    """
    target = Path(path)
    try:
        text = scorecard_to_json(sc)
    except (TypeError, ValueError) as exc:  # e.g. a non-JSON value in ``extra``
        raise CompanionError(f"{target}: cannot write this scorecard: {exc}") from None
    try:
        # What we write, a colleague's app must read: refuse here, where it can be fixed.
        _validated(text.encode("utf-8"), target, None)
    except ImportFileError as exc:
        raise CompanionError(f"cannot share this scorecard: {exc}") from None
    refusal = writable_target(target)
    if refusal:
        raise CompanionError(f"{target}: cannot write there: {refusal}")
    folder = target.parent
    if not folder.is_dir():
        raise CompanionError(f"{target}: cannot write: folder {folder} does not exist")
    return write_private_text(target, text)


def read_scorecard_file(path: str | os.PathLike[str], pack: Pack | None) -> Scorecard:
    """Read and validate an exchange file; every problem is an ``ImportFileError``.

    With a ``pack`` the question, scenario, probe, red-flag, archetype, level and
    round-template ids must all exist in it (a file from a different pack cannot
    be rendered or merged honestly).
    """
    source = Path(path)
    try:
        raw = read_capped(source, MAX_BYTES, "scorecard file")
    except Refused as exc:
        raise ImportFileError(exc.line(str(source))) from None
    return parse_scorecard_bytes(raw, source, pack)


def parse_scorecard_bytes(raw: bytes, source: str | os.PathLike[str],
                          pack: Pack | None) -> Scorecard:
    """Validate the bytes of an exchange file; ``source`` names it in messages."""
    return _validated(raw, source, pack)


def _validated(raw: bytes, source: str | os.PathLike[str], pack: Pack | None) -> Scorecard:
    name = str(source)

    def fail(what: str) -> ImportFileError:
        return ImportFileError(f"{name}: {' '.join(what.split())}")

    if len(raw) > MAX_BYTES:
        raise fail(f"too large for a scorecard file (more than {MAX_BYTES:,} bytes)")
    if not raw.strip():
        raise fail("the file is empty")
    try:
        text = raw.decode("utf-8-sig")  # tolerate the BOM some Windows editors add
    except UnicodeDecodeError as exc:
        raise fail(f"not a scorecard file: not UTF-8 text (bad byte at offset {exc.start})") \
            from None
    try:
        doc = parse_json(text)
    except Refused as exc:
        raise ImportFileError(exc.line(name)) from None
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            raise fail("the file is truncated: its JSON ends before the scorecard is "
                       "complete") from None
        raise fail(f"not a scorecard file: invalid JSON at line {exc.lineno} column "
                   f"{exc.colno} ({exc.msg})") from None
    if not isinstance(doc, dict):
        raise fail("not a scorecard file: expected a JSON object at the top")
    if doc.get("format") != FORMAT:
        found = doc.get("format")
        shown = "no format marker" if found is None else f"format {str(found)[:60]!r}"
        raise fail(f"not an Interview Companion scorecard file ({shown}; "
                   f"expected {FORMAT!r})")
    version = doc.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise fail("format_version must be a whole number of 1 or more, not "
                   f"{json.dumps(version)[:40]}")
    if version > FORMAT_VERSION:
        raise fail(f"written by a newer Interview Companion (file format {version}; this "
                   f"app reads up to {FORMAT_VERSION}): update the app to import it")
    payload = doc.get("scorecard")
    if not isinstance(payload, dict):
        raise fail("the 'scorecard' section is missing")
    expected = doc.get("content_sha256")
    if not isinstance(expected, str):
        raise fail("the content hash (content_sha256) is missing")
    sc = _decode_payload(payload, expected, version, name, pack)
    pack_meta = doc.get("pack")
    if pack_meta != {"id": sc.pack_id, "version": sc.pack_version}:
        raise fail("the pack named in the header does not match the scorecard's pack")
    return sc


def scorecard_from_payload(payload: dict[str, Any], expected_sha256: str, source: str,
                           pack: Pack | None, version: int = FORMAT_VERSION, *,
                           plain: bool = False) -> Scorecard:
    """The checks of an imported file, for a payload that came without its envelope.

    The team store keeps the ``scorecard`` section, its hash and its format
    version; what it hands back passes the same version, hash, shape, bounds and
    pack checks as a file (``ImportFileError`` naming ``source`` on the first problem).
    """
    if version > FORMAT_VERSION:
        raise ImportFileError(f"{source}: written by a newer Interview Companion (format "
                              f"{version}; this app reads up to {FORMAT_VERSION}): update "
                              "the app")
    return _decode_payload(payload, expected_sha256, version, source, pack, plain=plain)


# What can put a lone surrogate into parsed JSON: one in the text, or an escape of one.
_SURROGATE_OR_ESCAPE = re.compile("[\ud800-\udfff]|\\\\u[dD][89a-fA-F]")


def scorecard_from_payload_text(body: str, expected_sha256: str, source: str,
                                pack: Pack | None, version: int = FORMAT_VERSION) -> Scorecard:
    """``scorecard_from_payload`` for a payload that arrives as JSON text (a team store row).

    The text goes through the file's bounded parser (size, nesting and number
    length checked before ``json.loads`` runs), so no row can make a recursive
    decoder fail before the gate has seen it.
    """
    if len(body) > MAX_BYTES:
        raise ImportFileError(f"{source}: too large for a scorecard (more than "
                              f"{MAX_BYTES:,} characters)")
    try:
        payload = parse_json(body, "scorecard")
    except Refused as exc:
        raise ImportFileError(exc.line(source)) from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{source}: not JSON ({exc.msg} at character {exc.pos})") \
            from None
    if not isinstance(payload, dict):
        raise ImportFileError(f"{source}: the scorecard is not a JSON object")
    # parse_json bounded the depth; with no surrogate in the text nor escaped in it,
    # check_plain's walk could find nothing (it was half of a team calibration's read).
    # (ASCII text without "\\u" holds neither: a check many times quicker than the search.)
    plain = (body.isascii() and "\\u" not in body) or \
        _SURROGATE_OR_ESCAPE.search(body) is None
    return scorecard_from_payload(payload, expected_sha256, source, pack, version,
                                  plain=plain)


def _decode_payload(payload: dict[str, Any], expected: str, version: int, name: str,
                    pack: Pack | None, *, plain: bool = False) -> Scorecard:
    """The content hash, then the one gate (``scorecard_intake``), for a decoded payload.

    ``plain``: the caller has shown the payload is bounded in depth and free of lone
    surrogates (``scorecard_from_payload_text``), so ``check_plain`` need not walk it.
    """
    from companion.exchange.gate import check_plain, scorecard_from_data

    try:
        # Depth and lone surrogates first: hashing walks the payload recursively and
        # encodes it, and data from a database row was never through parse_json.
        if not plain:
            check_plain(payload)
        actual = content_hash(payload)
    except Refused as exc:
        raise ImportFileError(exc.line(name)) from None
    except ValueError:  # NaN or Infinity in data that did not come through parse_json
        raise ImportFileError(f"{name}: the scorecard holds a number that is not "
                              "finite") from None
    if actual != expected.lower():
        raise ImportFileError(f"{name}: the content was changed after export (content hash "
                              "does not match)")
    try:
        return scorecard_from_data(payload, pack, version=version, plain_checked=True)
    except Refused as exc:
        raise ImportFileError(exc.line(name)) from None
