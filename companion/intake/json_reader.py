"""Reading decoded JSON strictly: each value checked for type and range, with its location.

The scorecard payload, the typed changes and (later) the team store's rows are
decoded through ``Obj``: every field must be present with the right type and an
allowed value, and the first problem raises ``SchemaError`` with a dotted
location such as ``scorecard.items[2].rating``.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from typing import Any

from companion.intake import limits
from companion.intake.reading import ID_FORM


class SchemaError(ValueError):
    """The data does not have the expected shape; the text says where."""


def line_breaks(text: str) -> int:
    """Line breaks as the PDF will lay them out (\\r\\n, \\r and \\n each start a line)."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


# Bounds per key (companion.intake.limits gives the reasons). Ids are plain words (intake.ID_FORM).
_ID_KEYS = frozenset({"item_id", "probe_id", "flag_id", "section_id", "template_id",
                      "archetype", "level", "pack_id", "item", "probe", "flag"})
_NAME_KEYS = frozenset({"candidate", "interviewer", "round_title", "title", "pack_version"})
_TEXT_CHARS: dict[str, int] = {
    **dict.fromkeys(_ID_KEYS, limits.ID_CHARS),
    **dict.fromkeys(_NAME_KEYS, limits.NAME_CHARS),
    "id": limits.ID_CHARS, "field": 3 * limits.ID_CHARS + 20, "reason": limits.REASON_CHARS,
}
_LIST_ITEMS: dict[str, int] = {
    "items": limits.ITEMS, "probes": limits.PROBES_PER_ITEM, "flags": limits.FLAGS,
    "events": limits.EVENTS_PER_FLAG, "sections": limits.SECTIONS,
    "amendments": limits.AMENDMENTS,
}
# A round id also names its lock file: never one of the names Windows keeps for devices.
_DEVICE_NAME = re.compile(r"(con|prn|aux|nul|com\d|lpt\d)(\..*)?", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class Obj:
    """One JSON object being decoded, with its location for error messages."""

    def __init__(self, value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise SchemaError(f"{where} must be an object, not {_type_name(value)}")
        self.data: dict[str, Any] = value
        self.where = where

    def _get(self, key: str) -> Any:
        if key not in self.data:
            raise SchemaError(f"{self.where}.{key} is missing")
        return self.data[key]

    def _wrong(self, key: str, expected: str, value: Any) -> SchemaError:
        return SchemaError(f"{self.where}.{key} must be {expected}, not {_type_name(value)}")

    def text(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            raise self._wrong(key, "text", value)
        return self._bounded(key, value)

    def opt_text(self, key: str) -> str | None:
        value = self._get(key)
        if value is not None and not isinstance(value, str):
            raise self._wrong(key, "text or null", value)
        return None if value is None else self._bounded(key, value)

    def _bounded(self, key: str, value: str) -> str:
        """``value`` if it fits what ``key`` may hold (length, and for ids and names, form).

        Called for every text of every scorecard read, so the location is spelled out
        only for a refusal, and only text long enough to hold too many lines is counted.
        """
        most = _TEXT_CHARS.get(key, limits.NOTE_CHARS)
        if len(value) > most:
            raise SchemaError(f"{self.where}.{key} holds {len(value):,} characters; at most "
                              f"{most:,} fit there")
        if len(value) > limits.NOTE_LINES:
            lines = line_breaks(value)
            if lines > limits.NOTE_LINES:
                raise SchemaError(f"{self.where}.{key} holds {lines:,} line breaks; at most "
                                  f"{limits.NOTE_LINES:,} fit there")
        round_id = key == "id" and "." not in self.where and "[" not in self.where
        if key in _ID_KEYS or round_id:
            if not ID_FORM.fullmatch(value) or (round_id and _DEVICE_NAME.fullmatch(value)):
                raise SchemaError(f"{self.where}.{key} is {value[:40]!r}, not an id: ids are "
                                  "letters, digits, '_', '.' and '-'")
        elif key in _NAME_KEYS and _CONTROL.search(value):
            raise SchemaError(f"{self.where}.{key} holds a line break or a control character; "
                              "a name is one line of text")
        return value

    def choice(self, key: str, allowed: tuple[str, ...], *, nullable: bool = False) -> str | None:
        value = self.opt_text(key) if nullable else self.text(key)
        if value is not None and value not in allowed:
            raise SchemaError(f"{self.where}.{key} is {value!r}; allowed: "
                              + ", ".join(allowed) + (" or null" if nullable else ""))
        return value

    def flag(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self._wrong(key, "true or false", value)
        return value

    def seconds(self, key: str) -> float:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._wrong(key, "a number of seconds", value)
        if not math.isfinite(value) or not 0 <= value <= limits.SECONDS:
            raise SchemaError(f"{self.where}.{key} must be zero or more seconds, at most "
                              f"{limits.SECONDS:,.0f}, not {str(value)[:20]}")
        return float(value)

    def time(self, key: str) -> datetime:
        value = self.opt_time(key)
        if value is None:
            raise self._wrong(key, "a date and time", None)
        return value

    def opt_time(self, key: str) -> datetime | None:
        raw = self.opt_text(key)
        if raw is None:
            return None
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise SchemaError(f"{self.where}.{key} is not an ISO 8601 date and time: "
                              f"{raw[:40]!r}") from None
        if value.tzinfo is None:
            raise SchemaError(f"{self.where}.{key} has no timezone: {raw[:40]!r}")
        # Checked before converting: 9999-12-31 at UTC-14 is past the last date Python has.
        if not limits.YEAR_MIN <= value.year <= limits.YEAR_MAX:
            raise SchemaError(f"{self.where}.{key} is in the year {value.year}; dates from "
                              f"{limits.YEAR_MIN} to {limits.YEAR_MAX} are accepted")
        return value.astimezone(UTC)

    def objects(self, key: str) -> list[Obj]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self._wrong(key, "a list", value)
        most = _LIST_ITEMS.get(key, limits.ITEMS)
        if len(value) > most:
            raise SchemaError(f"{self.where}.{key} has {len(value):,} entries; at most "
                              f"{most:,} fit there")
        return [Obj(v, f"{self.where}.{key}[{i}]") for i, v in enumerate(value)]

    def mapping(self, key: str) -> dict[str, Any]:
        """A free-form object (``extra``), bounded in size; its depth is the caller's check."""
        value = self._get(key)
        if not isinstance(value, dict):
            raise self._wrong(key, "an object", value)
        try:
            size = len(json.dumps(value, ensure_ascii=False, allow_nan=False))
        except (TypeError, ValueError, RecursionError):
            raise SchemaError(f"{self.where}.{key} holds something that is not plain "
                              "JSON") from None
        if size > limits.EXTRA_BYTES:
            raise SchemaError(f"{self.where}.{key} is {size:,} characters of JSON; at most "
                              f"{limits.EXTRA_BYTES:,} fit there")
        return dict(value)

    def has(self, key: str) -> bool:
        return key in self.data

    def child(self, key: str) -> Obj:
        return Obj(self._get(key), f"{self.where}.{key}")
