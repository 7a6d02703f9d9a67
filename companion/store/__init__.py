"""Durable storage of rounds and scorecards in one SQLite file (plain Python, no Qt).

``Store`` and ``RoundSummary`` load on first use (PEP 562): the start screen's first
read (``first_page``, ``search``) runs on plain sqlite3 before SQLAlchemy is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from companion.store.records import RoundSummary
    from companion.store.store import Store

__all__ = ["RoundSummary", "Store"]


def __getattr__(name: str) -> Any:
    if name == "Store":
        from companion.store.store import Store

        return Store
    if name == "RoundSummary":
        from companion.store.records import RoundSummary

        return RoundSummary
    raise AttributeError(f"module 'companion.store' has no attribute {name!r}")
