"""Durable storage of rounds and scorecards in one SQLite file (plain Python, no Qt)."""

from companion.store.records import RoundSummary
from companion.store.store import Store

__all__ = ["RoundSummary", "Store"]
