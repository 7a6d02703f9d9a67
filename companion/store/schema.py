"""Typed ORM models mirroring the current schema (built by ``migrations``).

The tables are created by the DDL in ``migrations`` (never by ``create_all``),
so that the upgrade path is the one real path; ``test_store_migrations``
checks these models and the migrated tables name the same columns.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import ForeignKey, String, types
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcText(types.TypeDecorator[datetime]):
    """A tz-aware UTC datetime stored as ISO-8601 text (sortable, readable)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str]


class Candidate(Base):
    __tablename__ = "candidate"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)


class Interviewer(Base):
    __tablename__ = "interviewer"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)


class Round(Base):
    __tablename__ = "round"
    id: Mapped[str] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id", ondelete="CASCADE"))
    interviewer_id: Mapped[int] = mapped_column(ForeignKey("interviewer.id"))
    archetype: Mapped[str]
    level: Mapped[str]
    template_id: Mapped[str]
    round_title: Mapped[str]
    pack_id: Mapped[str]
    pack_version: Mapped[str]
    started_at: Mapped[datetime] = mapped_column(UtcText)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcText)
    ended_at: Mapped[datetime | None] = mapped_column(UtcText)  # v3
    recommendation: Mapped[str | None]
    summary: Mapped[str] = mapped_column(default="")
    said: Mapped[str] = mapped_column(default="")
    read: Mapped[str] = mapped_column(default="")
    # Where the interviewer was, so an interrupted round resumes on the same screen.
    current_index: Mapped[int] = mapped_column(default=0)
    section_index: Mapped[int] = mapped_column(default=0)
    round_elapsed_s: Mapped[float] = mapped_column(default=0.0)
    timer_started: Mapped[bool] = mapped_column(default=False)
    # Listening / sketch timers: when they started (in round-elapsed seconds) and how long.
    listen_started_s: Mapped[float | None]
    listen_s: Mapped[float | None]
    sketch_started_s: Mapped[float | None]
    sketch_s: Mapped[float | None]
    imported: Mapped[bool] = mapped_column(default=False)
    extra: Mapped[str] = mapped_column(default="{}")  # v2: JSON object


class RoundItem(Base):
    __tablename__ = "round_item"
    round_id: Mapped[str] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[str] = mapped_column(primary_key=True)
    position: Mapped[int]
    kind: Mapped[str]
    rating: Mapped[str | None]
    rated_at: Mapped[datetime | None] = mapped_column(UtcText)
    said: Mapped[str] = mapped_column(default="")
    read: Mapped[str] = mapped_column(default="")
    time_spent_s: Mapped[float] = mapped_column(default=0.0)


class ProbeAnswerRow(Base):
    __tablename__ = "probe_answer"
    round_id: Mapped[str] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(primary_key=True)
    probe_id: Mapped[str] = mapped_column(primary_key=True)
    asked: Mapped[bool] = mapped_column(default=True)
    rating: Mapped[str | None]
    note: Mapped[str] = mapped_column(default="")
    at: Mapped[datetime | None] = mapped_column(UtcText)


class FlagEventRow(Base):
    __tablename__ = "flag_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    flag_id: Mapped[str]
    state: Mapped[str]
    at: Mapped[datetime] = mapped_column(UtcText)
    evidence: Mapped[str] = mapped_column(default="")
    item_id: Mapped[str | None]


class SectionTimingRow(Base):
    __tablename__ = "section_timing"
    round_id: Mapped[str] = mapped_column(
        ForeignKey("round.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[str]
    title: Mapped[str]
    planned_s: Mapped[float]
    elapsed_s: Mapped[float] = mapped_column(default=0.0)
    started_at: Mapped[datetime | None] = mapped_column(UtcText)
    paused_at: Mapped[datetime | None] = mapped_column(UtcText)


class AmendmentRow(Base):
    """An edit after submission: the edit and its undo, each a JSON-encoded change (v3)."""

    __tablename__ = "amendment"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcText)
    change: Mapped[str]
    undo: Mapped[str]
    reason: Mapped[str] = mapped_column(default="")


class OutboxRow(Base):
    """A submission or amendment waiting to be published to the team store (v4)."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    amendment_id: Mapped[int | None] = mapped_column(
        ForeignKey("amendment.id", ondelete="CASCADE"))
    queued_at: Mapped[datetime] = mapped_column(UtcText)
    tries: Mapped[int] = mapped_column(default=0)
    failing_since: Mapped[datetime | None] = mapped_column(UtcText)
    last_error: Mapped[str] = mapped_column(default="")
    next_try_at: Mapped[datetime | None] = mapped_column(UtcText)
    published_at: Mapped[datetime | None] = mapped_column(UtcText)


class DecisionRow(Base):
    """The panel's decision on a candidate (schema 5)."""

    __tablename__ = "decision"
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidate.id", ondelete="CASCADE"), primary_key=True)
    outcome: Mapped[str]
    level: Mapped[str | None]
    decided_by: Mapped[str]
    decided_at: Mapped[datetime] = mapped_column(UtcText)
    note: Mapped[str] = mapped_column(default="")


class PracticeSetRow(Base):
    """One practice set of sample answers (schema 7); never a candidate's round."""

    __tablename__ = "practice_set"
    id: Mapped[str] = mapped_column(primary_key=True)
    interviewer: Mapped[str]
    archetype: Mapped[str]
    dimension: Mapped[str | None]
    pack_id: Mapped[str]
    pack_version: Mapped[str]
    size: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UtcText)
    finished_at: Mapped[datetime | None] = mapped_column(UtcText)
    published_at: Mapped[datetime | None] = mapped_column(UtcText)


class PracticeAnswerRow(Base):
    """One rated sample answer of a practice set (schema 7)."""

    __tablename__ = "practice_answer"
    set_id: Mapped[str] = mapped_column(
        ForeignKey("practice_set.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[str]
    item_id: Mapped[str]
    target: Mapped[str | None]
    intended: Mapped[str]
    rating: Mapped[str]
    rated_at: Mapped[datetime] = mapped_column(UtcText)
class LoopRow(Base):
    """A loop, kept whole as its JSON (schema 6; ``companion.loop.model``)."""

    __tablename__ = "loop"
    id: Mapped[str] = mapped_column(primary_key=True)
    candidate: Mapped[str]
    payload: Mapped[str]
    origin: Mapped[str] = mapped_column(default="local")
    updated_at: Mapped[datetime] = mapped_column(UtcText)
