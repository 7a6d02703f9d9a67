"""What a panel lead (or a calibration) reads from the team store, as plain scorecards.

A scorecard comes back from the server as it was submitted, its amendments
beside it (``server.fetch_scorecards``); here they are applied in order and
listed on the scorecard, so a debrief built from the team store shows each one
as an amendment, exactly as one built from local rounds does. The server's
rules decide what the login may read; nothing is filtered here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection

from companion.base.errors import CompanionError, ImportFileError
from companion.base.gcpause import paused_gc
from companion.content.model import Pack
from companion.intake.json_reader import Obj, SchemaError
from companion.record.change_codec import amendment_from
from companion.record.decision import Decision
from companion.record.rated import RatedRound, add_item_kinds, rated
from companion.record.scorecard import Scorecard
from companion.team import server
from companion.team.checked_cache import CheckedCache
from companion.team.connect import connection, make_engine
from companion.team.settings import TeamSettings, load_team


def require_team(data_dir: Path) -> TeamSettings:
    """The configured team store, or a ``CompanionError`` saying how to set one."""
    team = load_team(data_dir)
    if team is None:
        raise CompanionError("no team store is configured; `companion team connect URL` "
                             "sets one")
    return team


@contextmanager
def team_connection(team: TeamSettings, password: str | None = None) -> Iterator[Connection]:
    """One connection to the team store for one command or one page load."""
    engine = make_engine(team.conninfo, password=password)
    try:
        with connection(engine, team.conninfo) as conn:
            yield conn
    finally:
        engine.dispose()


def with_amendments(stored: server.StoredScorecard) -> Scorecard:
    """The stored scorecard brought up to date: each amendment applied and listed, in order.

    Raises ``ImportFileError`` naming the first amendment that does not decode.
    What the client claimed is not taken on trust: an amendment's "before" is
    what the chain says the value was, and its time is the one the server kept
    (bounded by the submission and the server's clock).
    """
    return _amended(stored.scorecard, stored.amendments)


def _amended(sc: Scorecard, amendments: Sequence[server.StoredAmendment]) -> Scorecard:
    for a in amendments:
        source = f"team store amendment {a.seq} of scorecard {a.scorecard_id}"
        try:
            amendment = amendment_from(Obj(a.change, source))
        except (SchemaError, ValueError) as exc:
            raise ImportFileError(f"{source}: {exc}") from None
        sc = sc.apply(replace(amendment, at=a.at, undo=sc.undo_for(amendment.change)))
    return sc


def _unamendable(sc: Scorecard, exc: ImportFileError) -> str:
    return server.Unreadable("scorecard", sc.id, sc.interviewer, str(exc)).line()


def brought_up_to_date(fetched: server.Fetched) -> tuple[list[Scorecard], list[str]]:
    """Every fetched scorecard with its amendments, and one line per row left out."""
    cards: list[Scorecard] = []
    problems = [u.line() for u in fetched.unreadable]
    for stored in fetched.scorecards:
        try:
            cards.append(with_amendments(stored))
        except ImportFileError as exc:
            problems.append(_unamendable(stored.scorecard, exc))
    return cards, problems


@dataclass(frozen=True)
class Provenance:
    """Who put a scorecard in the team store and when (the server's time)."""

    published_by: str  # the login role that stored it
    published_at: datetime
    imported: bool  # a panel lead stored the interviewer's hand-carried file

    def describe(self) -> str:
        """"published by sam at 2026-12-06 21:31 UTC (server time)"; imports say so."""
        at = self.published_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        how = "stored from the interviewer's file by" if self.imported else "published by"
        return f"{how} {self.published_by} at {at} (server time)"


@dataclass(frozen=True)
class TeamPanel:
    """One candidate's scorecards the login may read, up to date, and the panel's decision."""

    candidate: str
    scorecards: tuple[Scorecard, ...]
    labels: tuple[str, ...]  # names each scorecard in messages
    decision: server.StoredDecision | None
    problems: tuple[str, ...] = ()  # one line per stored row left out
    provenance: tuple[Provenance, ...] = ()  # beside ``scorecards``

    def app_decision(self) -> Decision | None:
        return as_decision(self.decision) if self.decision is not None else None


def read_panel(conn: Connection, candidate: str, pack: Pack | None) -> TeamPanel:
    """Every readable scorecard of ``candidate`` (oldest first) and the latest decision."""
    fetched = server.fetch_scorecards(conn, candidate, pack)
    cards, problems = brought_up_to_date(fetched)
    kept = {c.id for c in cards}
    stored = [s for s in fetched.scorecards if s.scorecard.id in kept]
    labels = tuple(f"team store scorecard {s.scorecard.id}" for s in stored)
    provenance = tuple(Provenance(s.published_by, s.published_at, s.published_by != s.owner)
                       for s in stored)
    decision = server.read_decision(conn, candidate) if server.reads_decisions(conn) else None
    name = cards[0].candidate if cards else decision.candidate if decision else candidate
    return TeamPanel(name, tuple(cards), labels, decision, tuple(problems), provenance)


def as_decision(stored: server.StoredDecision) -> Decision:
    """The team store's decision as the app's ``Decision`` (checked the same way)."""
    return Decision(candidate=stored.candidate, outcome=stored.outcome,
                    decided_by=stored.decided_by, decided_at=stored.decided_at,
                    level=stored.level, note=stored.note)


@dataclass(frozen=True)
class TeamCalibrationData:
    """What calibration reads of the team store, in the form the local store gives it."""

    rounds: tuple[RatedRound, ...]  # every readable scorecard, amendments applied
    kinds: dict[str, str]  # item id -> kind (question or scenario), as the scorecards say
    decisions: tuple[Decision, ...]  # the latest per candidate (none for an interviewer)
    problems: tuple[str, ...] = ()  # one line per stored row left out


def read_for_calibration(conn: Connection, pack: Pack | None,
                         cache: CheckedCache | None = None) -> TeamCalibrationData:
    """Everything calibration needs that the login may read, for ``compute_rated``.

    Every row passes the debrief's own checks (``server.checked_scorecard``: the
    bounded parser, the content hash, the whole record's shape and bounds) and its
    amendments are applied as the debrief applies them, so calibration counts
    exactly the rows a debrief would show, and names the same rows in the same
    lines. Pack checks are left out, as calibration over local rounds leaves them
    out: a round made with another pack still counts. The server's rules already
    hold back what an interviewer may not see yet, so every scorecard here counts.

    Unlike the debrief, it reads no more of a row than those checks use (no
    provenance) and hands calibration each scorecard reduced to what it reads
    (``record.rated``), as the local store's bulk read does. With a ``cache``, a
    row byte for byte the same as one that passed before, and with no amendment,
    is taken from it instead of being checked again (``team.checked_cache``); rows
    that fail are never cached, so their lines come back on every read.
    """
    del pack  # calibration does not refuse a round for being of another pack
    with paused_gc():  # 10,000 scorecards of small objects: no collection in between
        rows = server.all_scorecard_rows(conn)
        chains, broken = server.amendments_of(conn, None) if rows else ({}, [])
        # A chain (or a broken one) changes what a row means: never from the cache.
        amended = {*chains, *(u.scorecard_id for u in broken)}
        keys = [cache.key(*row) if cache is not None and row[0] not in amended else None
                for row in rows]
        known = cache.load({k for k in keys if k is not None}) if cache is not None else {}
        rounds: list[RatedRound] = []
        kinds: dict[str, str] = {}
        decoded: set[str] = set()
        problems: list[str] = []
        unamendable: list[str] = []
        for key, (sid, version, digest, payload, candidate, who) in zip(keys, rows,
                                                                        strict=True):
            hit = known.get(key) if key is not None else None
            if hit is not None:
                decoded.add(sid)
                rounds.append(hit.rated(sid, candidate, who))
                add_item_kinds(kinds, hit.kinds)
                continue
            try:
                sc = server.checked_scorecard(sid, version, digest, payload, candidate, who,
                                              None)
            except ImportFileError as exc:
                problems.append(server.unreadable_row(sid, who, exc).line())
                continue
            decoded.add(sc.id)
            chain = chains.get(sc.id)
            if chain:
                try:
                    sc = _amended(sc, chain)
                except ImportFileError as exc:
                    unamendable.append(_unamendable(sc, exc))
                    continue
            r = rated(sc)
            rounds.append(r)
            add_item_kinds(kinds, ((it.item_id, it.kind) for it in sc.items))
            if key is not None and cache is not None:
                cache.add(key, r, sc.items)
        # The debrief's lines in its order: rows that fail, amendment rows that fail
        # (of scorecards that did not), chains that do not apply.
        problems += [u.line() for u in broken if u.scorecard_id in decoded]
        problems += unamendable
        if cache is not None:
            cache.keep([k for k in keys if k is not None and k in known])
        # Freed while the collector waits: alive when it resumes, the cache's 10,000
        # entries made its first full pass cost 0.2 s (bench/team_store.py).
        del rows, keys, known
    return TeamCalibrationData(tuple(rounds), kinds,
                               tuple(as_decision(d) for d in server.read_decisions(conn)),
                               tuple(problems))

