"""What the app does on the team store: plain functions over a SQLAlchemy connection.

Each function runs inside the caller's transaction (``with engine.begin() as
conn:``), so a publisher can commit a scorecard and mark its outbox entry in one
step of its own. Writes first check that the server runs exactly this app's
schema. The server decides who may do what (row-level security, see
``revisions``); a refusal comes back as ``TeamRefusedError`` with the server's
reason, never as a silent no-op.

Scorecards travel as the exchange file's ``scorecard`` payload (jsonb) with the
hash the exchange file would carry, and come back through the same checks as an
imported file (``exchange.scorecard_from_payload``). Amendments are opaque JSON
objects here: the server never depends on their inner shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, CursorResult, Row, text
from sqlalchemy.exc import DBAPIError

from companion.base.errors import ImportFileError
from companion.content.model import Pack
from companion.exchange.files import (
    FORMAT_VERSION,
    canonical_json,
    content_hash,
    scorecard_from_payload,
)
from companion.exchange.schema import scorecard_to_dict
from companion.record.scorecard import Scorecard
from companion.team.errors import (
    TeamConflictError,
    TeamConnectError,
    TeamRefusedError,
    TeamStoreError,
    server_reason,
)
from companion.team.schema import require_writable

JsonObject = dict[str, object]


@dataclass(frozen=True)
class StoredAmendment:
    scorecard_id: str
    seq: int  # with scorecard_id, the amendment's stable key
    at: datetime  # when it was made (on the interviewer's computer)
    author: str  # the author's display name, filled in by the server
    change: JsonObject  # the encoded change, opaque to the server
    recorded_at: datetime  # when the server stored it


@dataclass(frozen=True)
class StoredScorecard:
    scorecard: Scorecard  # as published (submitted), validated like an imported file
    owner: str  # the interviewer's login role
    published_by: str  # the role that stored it (a panel lead for an imported file)
    published_at: datetime
    amendments: tuple[StoredAmendment, ...]


@dataclass(frozen=True)
class CandidateSummary:
    name: str
    scorecards: int  # how many the caller may read
    last_submitted_at: datetime


class DecisionLike(Protocol):
    """The fields of the panel's decision (``companion.record.decision.Decision``)."""

    @property
    def candidate(self) -> str: ...
    @property
    def outcome(self) -> str: ...  # hire | no_hire | withdrawn
    @property
    def level(self) -> str | None: ...
    @property
    def decided_by(self) -> str: ...
    @property
    def decided_at(self) -> datetime: ...
    @property
    def note(self) -> str: ...


@dataclass(frozen=True)
class StoredDecision:
    candidate: str
    outcome: str
    level: str | None
    decided_by: str
    decided_at: datetime
    note: str
    recorded_by: str  # the login role that recorded it
    recorded_at: datetime


@dataclass(frozen=True)
class Deleted:
    scorecards: int
    decisions: int


def _execute(conn: Connection, what: str, sql: str,
             params: dict[str, object]) -> CursorResult[*tuple[Any, ...]]:
    """Run one statement; the server's refusals become errors that say what was refused."""
    try:
        return conn.execute(text(sql), params)
    except DBAPIError as exc:
        raise _translate(exc, what) from None


def _writable(conn: Connection, what: str) -> None:
    try:
        require_writable(conn)
    except DBAPIError as exc:
        raise _translate(exc, what) from None


def _translate(exc: DBAPIError, what: str) -> TeamStoreError:
    state, reason = server_reason(exc)
    if state == "42501":
        return TeamRefusedError(f"the team store refused {what}: {reason}")
    if exc.connection_invalidated or state is None or state.startswith("08"):
        return TeamConnectError(f"lost the team store while trying {what}: {reason}")
    return TeamStoreError(f"the team store failed {what}: {reason}")


# ---------------------------------------------------------------- scorecards

def _payload_text(sc: Scorecard) -> tuple[str, str]:
    if sc.submitted_at is None:
        raise TeamStoreError(f"scorecard {sc.id} is not submitted: only submitted "
                             "scorecards go to the team store")
    payload = scorecard_to_dict(sc)
    try:
        body = canonical_json(payload).decode("utf-8")
    except ValueError:
        raise TeamStoreError(f"scorecard {sc.id} holds a number that is not finite") from None
    if "\\u0000" in body:  # jsonb cannot hold U+0000
        raise TeamStoreError(f"scorecard {sc.id} holds a NUL character, which PostgreSQL "
                             "cannot store; remove it from the notes")
    return body, content_hash(payload)


def _store(conn: Connection, sc: Scorecard, owner_sql: str, owner: dict[str, object]) -> bool:
    what = f"scorecard {sc.id}"
    _writable(conn, f"to store {what}")
    body, digest = _payload_text(sc)
    params: dict[str, object] = {
        "id": sc.id, "interviewer": sc.interviewer, "candidate": sc.candidate,
        "submitted_at": sc.submitted_at, "fmt": FORMAT_VERSION, "sha": digest,
        "payload": body, **owner}
    stored = _execute(conn, f"to store {what}", (
        "INSERT INTO companion.scorecards (id, owner, interviewer, candidate, submitted_at, "
        "format_version, content_sha256, payload) "
        f"VALUES (:id, {owner_sql}, :interviewer, :candidate, :submitted_at, :fmt, :sha, "
        "CAST(:payload AS jsonb)) ON CONFLICT (id) DO NOTHING RETURNING id"),
        params).first()
    if stored is not None:
        return True
    same = _execute(conn, f"to read {what}",
                    "SELECT payload = CAST(:payload AS jsonb) FROM companion.scorecards "
                    "WHERE id = :id", {"id": sc.id, "payload": body}).scalar_one_or_none()
    if same is None:
        raise TeamConflictError(f"{what} is already in the team store under another "
                                "interviewer's account; nothing was stored")
    if not same:
        raise TeamConflictError(f"{what} is already in the team store with different "
                                "content; nothing was changed (a published scorecard "
                                "changes only by amendments)")
    return False


def publish_scorecard(conn: Connection, sc: Scorecard) -> bool:
    """Store the caller's own submitted scorecard once.

    True when it was stored now, False when the same content was already there
    (publishing twice stores once). Different content under the same id raises
    ``TeamConflictError``. Publish the scorecard as submitted; later changes go
    through ``append_amendment``.
    """
    return _store(conn, sc, "session_user", {})


def import_scorecard(conn: Connection, sc: Scorecard) -> bool:
    """A panel lead stores a hand-carried scorecard for the team member it names.

    The row belongs to that member's login role, exactly as if they had
    published it; the server refuses a name that is not a team member's.
    """
    owner = _execute(conn, f"to look up {sc.interviewer!r}",
                     "SELECT role_name FROM companion.members "
                     "WHERE companion.fold_name(display_name) = companion.fold_name(:n)",
                     {"n": sc.interviewer}).scalar_one_or_none()
    if owner is None:
        raise TeamRefusedError(f"scorecard {sc.id} names {sc.interviewer!r}, who is not a "
                               "member of the team store: an admin adds them first")
    return _store(conn, sc, ":owner", {"owner": owner})


def append_amendment(conn: Connection, scorecard_id: str, seq: int, at: datetime,
                     change: JsonObject) -> bool:
    """Append amendment ``seq`` (1, 2, ...) of the caller's own published scorecard.

    (scorecard_id, seq) is its stable key: True when stored now, False when the
    same amendment was already there; different content raises
    ``TeamConflictError``. The server records the author from the login.
    """
    what = f"amendment {seq} of scorecard {scorecard_id}"
    _writable(conn, f"to store {what}")
    if at.tzinfo is None:
        raise TeamStoreError("an amendment's time must carry its timezone")
    body = canonical_json(change).decode("utf-8")
    params: dict[str, object] = {"id": scorecard_id, "seq": seq, "at": at, "change": body}
    stored = _execute(conn, f"to store {what}", (
        "INSERT INTO companion.amendments (scorecard_id, seq, at, change) "
        "VALUES (:id, :seq, :at, CAST(:change AS jsonb)) "
        "ON CONFLICT (scorecard_id, seq) DO NOTHING RETURNING seq"), params).first()
    if stored is not None:
        return True
    same = _execute(conn, f"to read {what}",
                    "SELECT at = :at AND change = CAST(:change AS jsonb) "
                    "FROM companion.amendments WHERE scorecard_id = :id AND seq = :seq",
                    params).scalar_one_or_none()
    if not same:
        raise TeamConflictError(f"{what} is already in the team store with different "
                                "content; nothing was changed")
    return False


@dataclass(frozen=True)
class StoredCopy:
    """Who stored a scorecard id the caller may read, and how many amendments its payload holds."""

    owner: str
    published_by: str
    amendments_in_payload: int


def stored_copy(conn: Connection, scorecard_id: str) -> StoredCopy | None:
    """The row under ``scorecard_id`` if the caller may read it, else None.

    A publisher asks after a conflict: a panel lead may have imported the
    interviewer's hand-carried file (with its amendments inside) first.
    """
    row = _execute(conn, f"to read scorecard {scorecard_id}",
                   "SELECT owner, published_by, "
                   "coalesce(jsonb_array_length(payload -> 'amendments'), 0) "
                   "FROM companion.scorecards WHERE id = :id", {"id": scorecard_id}).first()
    if row is None:
        return None
    owner, by, count = row
    return StoredCopy(str(owner), str(by), int(count))


def list_candidates(conn: Connection) -> list[CandidateSummary]:
    """Candidates with scorecards the caller may read, most recent first."""
    rows = _execute(conn, "to list candidates",
                    "SELECT min(candidate), count(*), max(submitted_at) "
                    "FROM companion.scorecards GROUP BY candidate_key "
                    "ORDER BY max(submitted_at) DESC, min(candidate)", {})
    return [CandidateSummary(str(name), int(n), _time(last, "candidate list"))
            for name, n, last in rows]


def fetch_scorecards(conn: Connection, candidate: str,
                     pack: Pack | None) -> list[StoredScorecard]:
    """Every scorecard of ``candidate`` the caller may read, oldest first, with amendments.

    Each goes through the checks of an imported file; a stored row that fails
    them raises ``ImportFileError`` naming it.
    """
    rows = _execute(conn, f"to read the scorecards of {candidate!r}",
                    f"{_SCORECARDS} WHERE candidate_key = companion.fold_name(:c) "
                    "ORDER BY submitted_at, id", {"c": candidate}).all()
    return _decoded(rows, _amendments(conn, [str(r[0]) for r in rows]), pack)


def fetch_all_scorecards(conn: Connection, pack: Pack | None,
                         since: datetime | None = None) -> list[StoredScorecard]:
    """Every scorecard the caller may read (submitted at or after ``since``), oldest first.

    What calibration over the team store reads: the server's rules decide what
    that is (an interviewer sees colleagues' scorecards only of candidates they
    published a scorecard of themselves). Checked as ``fetch_scorecards`` does.
    """
    rows = _execute(conn, "to read the scorecards",
                    f"{_SCORECARDS} WHERE CAST(:since AS timestamptz) IS NULL "
                    "OR submitted_at >= :since ORDER BY submitted_at, id",
                    {"since": since}).all()
    amendments = _amendments(conn, None) if rows else {}
    return _decoded(rows, amendments, pack)


_SCORECARDS = ("SELECT id, owner, published_by, published_at, format_version, content_sha256, "
               "payload, candidate, interviewer FROM companion.scorecards")


def _decoded(rows: Sequence[Row[*tuple[Any, ...]]], amendments: dict[str, list[StoredAmendment]],
             pack: Pack | None) -> list[StoredScorecard]:
    out = []
    for sid, owner, by, at, version, digest, payload, cand, who in rows:
        source = f"team store scorecard {sid}"
        if not isinstance(payload, dict) or not isinstance(digest, str):
            raise ImportFileError(f"{source}: the stored payload is not a JSON object")
        sc = scorecard_from_payload(payload, digest, source, pack, int(version))
        if (sc.id, sc.candidate, sc.interviewer) != (sid, cand, who):
            raise ImportFileError(f"{source}: the payload does not match its row")
        out.append(StoredScorecard(sc, str(owner), str(by), _time(at, source),
                                   tuple(amendments.get(str(sid), ()))))
    return out


def _amendments(conn: Connection, ids: list[str] | None) -> dict[str, list[StoredAmendment]]:
    """The amendments of scorecards ``ids`` (None: of every readable one), in order."""
    found: dict[str, list[StoredAmendment]] = {}
    if ids is not None and not ids:
        return found
    where = "" if ids is None else "WHERE scorecard_id = ANY(:ids) "
    rows = _execute(conn, "to read amendments",
                    "SELECT scorecard_id, seq, at, author, change, recorded_at "
                    f"FROM companion.amendments {where}ORDER BY scorecard_id, seq",
                    {"ids": ids} if ids is not None else {})
    for sid, seq, at, author, change, recorded in rows:
        source = f"team store amendment {seq} of scorecard {sid}"
        if not isinstance(change, dict):
            raise ImportFileError(f"{source}: the change is not a JSON object")
        found.setdefault(str(sid), []).append(StoredAmendment(
            str(sid), int(seq), _time(at, source), str(author), change,
            _time(recorded, source)))
    return found


def _time(value: object, source: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ImportFileError(f"{source}: a stored time has no timezone")
    return value


# ---------------------------------------------------------------- decisions

def record_decision(conn: Connection, decision: DecisionLike) -> bool:
    """A panel lead records the panel's decision (history is kept: nothing is replaced).

    (candidate, decided_at) is its key: True when stored now, False when the
    same decision was already there; different content raises ``TeamConflictError``.
    """
    _writable(conn, f"to record the decision on {decision.candidate!r}")
    if decision.decided_at.tzinfo is None:
        raise TeamStoreError("a decision's time must carry its timezone")
    params: dict[str, object] = {
        "candidate": decision.candidate, "outcome": decision.outcome,
        "level": decision.level, "by": decision.decided_by, "at": decision.decided_at,
        "note": decision.note}
    what = f"the decision on {decision.candidate!r}"
    stored = _execute(conn, f"to record {what}", (
        "INSERT INTO companion.decisions (candidate, outcome, level, decided_by, "
        "decided_at, note) VALUES (:candidate, :outcome, :level, :by, :at, :note) "
        "ON CONFLICT (candidate_key, decided_at) DO NOTHING RETURNING id"), params).first()
    if stored is not None:
        return True
    same = _execute(conn, f"to read {what}", (
        "SELECT candidate = :candidate AND outcome = :outcome "
        "AND level IS NOT DISTINCT FROM :level AND decided_by = :by AND note = :note "
        "FROM companion.decisions WHERE candidate_key = companion.fold_name(:candidate) "
        "AND decided_at = :at"), params).scalar_one_or_none()
    if not same:
        raise TeamConflictError(f"another decision on {decision.candidate!r} was recorded "
                                "at the same time; nothing was stored")
    return False


def read_decisions(conn: Connection) -> list[StoredDecision]:
    """The latest decision on every candidate, for a login that may read decisions.

    An interviewer may not: that is an empty list, not an error (calibration
    then goes without the panel's decisions, as it does locally without any).
    """
    readable = _execute(conn, "to read decisions",
                        "SELECT has_table_privilege('companion.decisions', 'SELECT')",
                        {}).scalar_one()
    if not readable:
        return []
    rows = _execute(conn, "to read decisions", (
        "SELECT DISTINCT ON (candidate_key) candidate, outcome, level, decided_by, "
        "decided_at, note, recorded_by, recorded_at FROM companion.decisions "
        "ORDER BY candidate_key, decided_at DESC, recorded_at DESC"), {}).all()
    out = []
    for name, outcome, level, by, at, note, recorded_by, recorded_at in rows:
        source = f"team store decision on {name!r}"
        out.append(StoredDecision(str(name), str(outcome), None if level is None else str(level),
                                  str(by), _time(at, source), str(note), str(recorded_by),
                                  _time(recorded_at, source)))
    return out


def read_decision(conn: Connection, candidate: str) -> StoredDecision | None:
    """The latest decision on ``candidate``, or None."""
    row = _execute(conn, f"to read the decision on {candidate!r}", (
        "SELECT candidate, outcome, level, decided_by, decided_at, note, recorded_by, "
        "recorded_at FROM companion.decisions "
        "WHERE candidate_key = companion.fold_name(:c) "
        "ORDER BY decided_at DESC, recorded_at DESC LIMIT 1"), {"c": candidate}).first()
    if row is None:
        return None
    name, outcome, level, by, at, note, recorded_by, recorded_at = row
    source = f"team store decision on {candidate!r}"
    return StoredDecision(str(name), str(outcome), None if level is None else str(level),
                          str(by), _time(at, source), str(note), str(recorded_by),
                          _time(recorded_at, source))


# ---------------------------------------------------------------- privacy

def delete_candidate(conn: Connection, candidate: str) -> Deleted:
    """An admin removes every scorecard (with its amendments) and decision of a candidate.

    The server leaves one audit row per deleted scorecard or decision, holding
    who deleted it and when, never the candidate's name or any content.
    """
    params: dict[str, object] = {"c": candidate}
    what = f"to delete the data of {candidate!r}"
    cards = _execute(conn, what, "DELETE FROM companion.scorecards "
                     "WHERE candidate_key = companion.fold_name(:c)", params).rowcount
    decisions = _execute(conn, what, "DELETE FROM companion.decisions "
                         "WHERE candidate_key = companion.fold_name(:c)", params).rowcount
    return Deleted(cards, decisions)

