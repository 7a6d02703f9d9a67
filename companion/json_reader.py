"""Reading decoded JSON strictly: each value checked for type and range, with its location.

The scorecard payload, the typed changes and (later) the team store's rows are
decoded through ``Obj``: every field must be present with the right type and an
allowed value, and the first problem raises ``SchemaError`` with a dotted
location such as ``scorecard.items[2].rating``.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any


class SchemaError(ValueError):
    """The data does not have the expected shape; the text says where."""


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
        return value

    def opt_text(self, key: str) -> str | None:
        value = self._get(key)
        if value is not None and not isinstance(value, str):
            raise self._wrong(key, "text or null", value)
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
        if not math.isfinite(value) or value < 0:
            raise SchemaError(f"{self.where}.{key} must be zero or more seconds, not {value}")
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
        return value.astimezone(UTC)

    def objects(self, key: str) -> list[Obj]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self._wrong(key, "a list", value)
        return [Obj(v, f"{self.where}.{key}[{i}]") for i, v in enumerate(value)]

    def mapping(self, key: str) -> dict[str, Any]:
        value = self._get(key)
        if not isinstance(value, dict):
            raise self._wrong(key, "an object", value)
        return dict(value)

    def has(self, key: str) -> bool:
        return key in self.data

    def child(self, key: str) -> Obj:
        return Obj(self._get(key), f"{self.where}.{key}")
