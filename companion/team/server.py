"""What the app does on the team store: plain functions over a SQLAlchemy connection.

Every call is one of the server's API functions in the ``companion`` schema
(revision t0002, see docs/team-store.md): people have no table privileges, so
nothing here names a table. Each function runs inside the caller's transaction
(``with engine.begin() as conn:``), so a publisher can commit a scorecard and
mark its outbox entry in one step of its own. Writes first check that the
server runs exactly this app's schema. The server decides who may do what and
stamps times and authors; a refusal comes back as ``TeamRefusedError`` with the
server's reason, never as a silent no-op.

Scorecards travel as the exchange file's ``scorecard`` payload with the hash the
exchange file would carry. They come back as JSON *text* and pass the exchange
file's bounded gate (``exchange.scorecard_from_payload_text``); a row that fails
is reported as ``Unreadable`` beside the rest, never instead of it.
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
    scorecard_from_payload_text,
)
from companion.exchange.schema import scorecard_to_dict
from companion.intake import limits
from companion.intake.reading import Refused, one_line, parse_json
from companion.record.scorecard import Scorecard
from companion.team.errors import (
    LOOP_RULE_HINT,
    TeamConflictError,
    TeamConnectError,
    TeamLoopRuleError,
    TeamRefusedError,
    TeamStoreError,
    server_hint,
    server_reason,
)
from companion.team.schema import require_writable

JsonObject = dict[str, object]


@dataclass(frozen=True)
class StoredAmendment:
    scorecard_id: str
    seq: int  # with scorecard_id, the amendment's stable key
    at: datetime  # when it was made: the client's time, bounded by the server
    author: str  # the author's display name, filled in by the server
    change: JsonObject  # the encoded change; its "undo" is never trusted (see reading)
    recorded_at: datetime  # when the server stored it


@dataclass(frozen=True)
class StoredScorecard:
    scorecard: Scorecard  # as published (submitted), validated like an imported file
    owner: str  # the interviewer's login role
    published_by: str  # the role that stored it (a panel lead for an imported file)
    published_at: datetime  # the server's time
    amendments: tuple[StoredAmendment, ...]


@dataclass(frozen=True)
class Unreadable:
    """A stored row that failed the checks of an imported file: named, and left out.

    ``line()`` names it; whoever shows it says it was left out ("Left out: ...").
    """

    kind: str  # "scorecard" or "amendment N of scorecard"
    scorecard_id: str
    interviewer: str
    problem: str

    def line(self) -> str:
        """One line: which row, whose, and what is wrong."""
        sid = one_line(self.scorecard_id)[:80]
        who = one_line(self.interviewer)[:80]
        return one_line(f"team store {self.kind} {sid} by {who}: {self.problem}")[:400]


@dataclass(frozen=True)
class Fetched:
    """What a read returned: the scorecards that passed, and each row that did not."""

    scorecards: list[StoredScorecard]
    unreadable: list[Unreadable]


@dataclass(frozen=True)
class Member:
    role: str  # the login role
    display_name: str


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
        # A savepoint: a refusal leaves the caller's transaction usable (a publisher
        # asks ``stored_copy`` after a conflict, in the same transaction).
        with conn.begin_nested():
            return conn.execute(text(sql), params)
    except DBAPIError as exc:
        raise _translate(exc, what) from None


def execute(conn: Connection, what: str, sql: str,
            params: dict[str, object]) -> CursorResult[*tuple[Any, ...]]:
    """One call of the API (``what`` names it in errors); for readers beside this module."""
    return _execute(conn, what, sql, params)


def _writable(conn: Connection, what: str) -> None:
    try:
        require_writable(conn)
    except DBAPIError as exc:
        raise _translate(exc, what) from None


def _translate(exc: DBAPIError, what: str) -> TeamStoreError:
    state, reason = server_reason(exc)
    if state == "42501" and server_hint(exc) == LOOP_RULE_HINT:
        return TeamLoopRuleError(f"the team store refused {what}: {reason}")
    if state == "42501":
        return TeamRefusedError(f"the team store refused {what}: {reason}")
    if state == "23505":
        return TeamConflictError(f"{reason}")
    if state is not None and state.startswith("22"):  # the server's bounds on what it keeps
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


def _stored(answer: object) -> bool:
    """The API's answer to a write: 'stored' (now) or 'same' (already there, unchanged)."""
    return answer == "stored"


def publish_scorecard(conn: Connection, sc: Scorecard) -> bool:
    """Store the caller's own submitted scorecard once (``companion.publish_scorecard``).

    True when it was stored now, False when the same content was already there
    (publishing twice stores once). Different content under the same id raises
    ``TeamConflictError``. Publish the scorecard as submitted; later changes go
    through ``append_amendment``. The server stamps ``published_at``.
    """
    what = f"to store scorecard {sc.id}"
    _writable(conn, what)
    body, digest = _payload_text(sc)
    return _stored(_execute(conn, what, "SELECT companion.publish_scorecard(:id, :fmt, :sha, "
                            ":payload)", {"id": sc.id, "fmt": FORMAT_VERSION, "sha": digest,
                                          "payload": body}).scalar_one())


def import_scorecard(conn: Connection, sc: Scorecard) -> bool:
    """A panel lead stores a hand-carried scorecard for the team member it names.

    The row belongs to that member's login role, exactly as if they had
    published it; the server refuses a name that is not a team member's.
    """
    what = f"to store scorecard {sc.id}"
    _writable(conn, what)
    body, digest = _payload_text(sc)
    return _stored(_execute(conn, what, "SELECT companion.import_scorecard(:who, :id, :fmt, "
                            ":sha, :payload)", {"who": sc.interviewer, "id": sc.id,
                                                "fmt": FORMAT_VERSION, "sha": digest,
                                                "payload": body}).scalar_one())


def append_amendment(conn: Connection, scorecard_id: str, seq: int, at: datetime,
                     change: JsonObject) -> bool:
    """Append amendment ``seq`` (1, 2, ...) of the caller's own published scorecard.

    (scorecard_id, seq) is its stable key: True when stored now, False when the
    same amendment was already there; different content raises
    ``TeamConflictError``. The server records the author and the time it stored
    it, and refuses an ``at`` before the submission or in the future.
    """
    what = f"amendment {seq} of scorecard {scorecard_id}"
    _writable(conn, f"to store {what}")
    if at.tzinfo is None:
        raise TeamStoreError("an amendment's time must carry its timezone")
    body = canonical_json(change).decode("utf-8")
    return _stored(_execute(conn, f"to store {what}",
                            "SELECT companion.append_amendment(:id, :seq, :at, :change)",
                            {"id": scorecard_id, "seq": seq, "at": at, "change": body}
                            ).scalar_one())


@dataclass(frozen=True)
class StoredCopy:
    """Who stored a scorecard id the caller may read, and how many amendments its payload holds."""

    owner: str
    published_by: str
    amendments_in_payload: int


def stored_copy(conn: Connection, scorecard_id: str) -> StoredCopy | None:
    """The row under ``scorecard_id`` if the caller owns, stored or may read all of it.

    A publisher asks after a conflict: a panel lead may have imported the
    interviewer's hand-carried file (with its amendments inside) first.
    """
    row = _execute(conn, f"to read scorecard {scorecard_id}",
                   "SELECT owner, published_by, amendments_in_payload "
                   "FROM companion.stored_copy(:id)", {"id": scorecard_id}).first()
    if row is None:
        return None
    owner, by, count = row
    return StoredCopy(str(owner), str(by), int(count))


def list_members(conn: Connection) -> list[Member]:
    """Every member of this team store (the caller must be one)."""
    rows = _execute(conn, "to list the members",
                    "SELECT role_name, display_name FROM companion.list_members()", {})
    return [Member(str(role), str(name)) for role, name in rows]


def list_candidates(conn: Connection) -> list[CandidateSummary]:
    """Candidates with scorecards the caller may read, most recent first."""
    rows = _execute(conn, "to list candidates",
                    "SELECT candidate, scorecards, last_submitted_at "
                    "FROM companion.list_candidates()", {})
    return [CandidateSummary(str(name), int(n), _time(last, "candidate list"))
            for name, n, last in rows]


def fetch_scorecards(conn: Connection, candidate: str, pack: Pack | None) -> Fetched:
    """Every scorecard of ``candidate`` the caller may read, oldest first, with amendments.

    Each goes through the checks of an imported file; a row that fails them is
    listed in ``unreadable`` (one line each) and the others still come back.
    """
    rows = _execute(conn, f"to read the scorecards of {candidate!r}",
                    f"{_SCORECARDS}(:c, NULL)", {"c": candidate}).all()
    amendments = amendments_of(conn, candidate) if rows else ({}, [])
    return _decoded(rows, amendments, pack)


def fetch_all_scorecards(conn: Connection, pack: Pack | None,
                         since: datetime | None = None) -> Fetched:
    """Every scorecard the caller may read (submitted at or after ``since``), oldest first.

    The server decides what that is (an interviewer sees colleagues' scorecards only
    of candidates they published a scorecard of themselves). Checked as
    ``fetch_scorecards`` does. Calibration reads the same rows without their
    provenance (``all_scorecard_rows``) and checks each with ``checked_scorecard``.
    """
    rows = _execute(conn, "to read the scorecards",
                    f"{_SCORECARDS}(NULL, CAST(:since AS timestamptz))",
                    {"since": since}).all()
    amendments = amendments_of(conn, None) if rows else ({}, [])
    return _decoded(rows, amendments, pack)


_SCORECARDS = ("SELECT id, owner, published_by, published_at, format_version, content_sha256, "
               "payload, candidate, interviewer FROM companion.read_scorecards")


def _decoded(rows: Sequence[Row[*tuple[Any, ...]]],
             amendments: tuple[dict[str, list[StoredAmendment]], list[Unreadable]],
             pack: Pack | None) -> Fetched:
    found, unreadable = amendments
    out: list[StoredScorecard] = []
    bad: list[Unreadable] = []
    for sid, owner, by, at, version, digest, payload, cand, who in rows:
        try:
            sc = checked_scorecard(sid, version, digest, payload, cand, who, pack)
            stored = StoredScorecard(sc, str(owner), str(by), _time(at, _source(sid)),
                                     tuple(found.get(str(sid), ())))
        except ImportFileError as exc:
            bad.append(unreadable_row(sid, who, exc))
            continue
        out.append(stored)
    kept = {s.scorecard.id for s in out}
    # An amendment of a left-out scorecard is not news: the scorecard is named already.
    bad.extend(u for u in unreadable if u.scorecard_id in kept)
    return Fetched(out, bad)


def _source(sid: object) -> str:
    return f"team store scorecard {one_line(str(sid))[:80]}"


def checked_scorecard(sid: Any, version: Any, digest: Any, payload: Any, candidate: Any,
                      interviewer: Any, pack: Pack | None) -> Scorecard:
    """One stored row through the checks of an imported file, or ``ImportFileError``.

    The payload's text passes the exchange file's bounded gate and content hash,
    and the record must be the row's own (id, candidate, interviewer). Every read
    of scorecards (a debrief, a calibration) decodes its rows here.
    """
    source = _source(sid)
    if not isinstance(payload, str) or not isinstance(digest, str):
        raise ImportFileError(f"{source}: the stored payload is not JSON text")
    if not 1 <= int(version) <= FORMAT_VERSION:
        raise ImportFileError(f"{source}: written in scorecard format {version}, "
                              f"which this app does not read (it reads 1 to "
                              f"{FORMAT_VERSION}): update the app")
    sc = scorecard_from_payload_text(payload, digest, source, pack, int(version))
    if (sc.id, sc.candidate, sc.interviewer) != (sid, candidate, interviewer):
        raise ImportFileError(f"{source}: the payload does not match its row")
    return sc


def unreadable_row(sid: object, interviewer: object, exc: ImportFileError) -> Unreadable:
    """The line naming a row ``checked_scorecard`` refused."""
    return Unreadable("scorecard", str(sid), str(interviewer),
                      str(exc).removeprefix(f"{_source(sid)}: "))


# Everything a calibration checks of every row, and no more: who stored a row and
# when are for the debrief's page. The function sorts and holds its whole answer
# on the server (two row stores of every payload); with the default 4 MB of
# work_mem a team's year (10,000 scorecards, 16 MB of payload text) spilled to
# temporary files, about 0.08 s of the read (bench/team_store.py). SET LOCAL ends
# with the read's transaction.
_ALL_ROWS = ("SELECT id, format_version, content_sha256, payload, candidate, interviewer "
             "FROM companion.read_scorecards(NULL, NULL)")
_ROOM_FOR_EVERY_ROW = "SET LOCAL work_mem = '64MB'"


def all_scorecard_rows(conn: Connection) -> Sequence[Row[*tuple[Any, ...]]]:
    """Every scorecard row the caller may read, oldest first, unchecked: (id, format
    version, content hash, payload text, candidate, interviewer), for ``checked_scorecard``.
    """
    _execute(conn, "to read the scorecards", _ROOM_FOR_EVERY_ROW, {})
    return _execute(conn, "to read the scorecards", _ALL_ROWS, {}).all()


def amendments_of(conn: Connection, candidate: str | None
                  ) -> tuple[dict[str, list[StoredAmendment]], list[Unreadable]]:
    """The readable amendments (of ``candidate``, or all), in order, and those that fail.

    A scorecard keeps its amendments only up to the first unreadable one: the
    rest of the chain would be applied to a state it was not made on.
    """
    found: dict[str, list[StoredAmendment]] = {}
    bad: list[Unreadable] = []
    broken: set[str] = set()
    rows = _execute(conn, "to read amendments",
                    "SELECT scorecard_id, seq, at, author, change, recorded_at "
                    "FROM companion.read_amendments(:c)", {"c": candidate})
    for sid, seq, at, author, change, recorded in rows:
        key = str(sid)
        if key in broken:
            continue
        try:
            amendment = _amendment(key, seq, at, author, change, recorded)
        except ImportFileError as exc:
            broken.add(key)
            bad.append(Unreadable(f"amendment {seq} of scorecard", key, str(author),
                                  str(exc)))
            continue
        found.setdefault(key, []).append(amendment)
    return found, bad


def _amendment(sid: str, seq: object, at: object, author: object, change: object,
               recorded: object) -> StoredAmendment:
    if not isinstance(change, str) or len(change) > limits.SCORECARD_FILE_BYTES:
        raise ImportFileError("the change is not JSON text of a bounded size")
    try:
        decoded = parse_json(change, "team store amendment")
    except Refused as exc:
        raise ImportFileError(exc.text()) from None
    except ValueError as exc:
        raise ImportFileError(f"the change is not JSON ({exc})") from None
    if not isinstance(decoded, dict):
        raise ImportFileError("the change is not a JSON object")
    source = "the stored amendment"
    return StoredAmendment(sid, int(str(seq)), _time(at, source), str(author), decoded,
                           _time(recorded, source))


def _time(value: object, source: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ImportFileError(f"{source}: a stored time has no timezone")
    return value


# ---------------------------------------------------------------- decisions

def record_decision(conn: Connection, decision: DecisionLike) -> bool:
    """A panel lead records the panel's decision (history is kept: nothing is replaced).

    (candidate, decided_at) is its key: True when stored now, False when the
    same decision was already there; different content raises ``TeamConflictError``.
    The server records the lead's own display name as ``decided_by`` and its own
    time as ``recorded_at``, whatever ``decision`` says.
    """
    what = f"the decision on {decision.candidate!r}"
    _writable(conn, f"to record {what}")
    if decision.decided_at.tzinfo is None:
        raise TeamStoreError("a decision's time must carry its timezone")
    return _stored(_execute(conn, f"to record {what}",
                            "SELECT companion.record_decision(:candidate, :outcome, :level, "
                            ":at, :note)",
                            {"candidate": decision.candidate, "outcome": decision.outcome,
                             "level": decision.level, "at": decision.decided_at,
                             "note": decision.note}).scalar_one())


def reads_decisions(conn: Connection) -> bool:
    """Panel leads and admins read decisions; an interviewer's reads go without."""
    return bool(_execute(conn, "to ask about decisions",
                         "SELECT has_function_privilege('companion.read_decisions(text)', "
                         "'EXECUTE')", {}).scalar_one())


def read_decisions(conn: Connection) -> list[StoredDecision]:
    """The latest decision on every candidate, for a login that may read decisions.

    An interviewer may not: that is an empty list, not an error (calibration
    then goes without the panel's decisions, as it does locally without any).
    """
    if not reads_decisions(conn):
        return []
    return _decisions(conn, None)


def read_decision(conn: Connection, candidate: str) -> StoredDecision | None:
    """The latest decision on ``candidate``, or None."""
    found = _decisions(conn, candidate)
    return found[0] if found else None


def _decisions(conn: Connection, candidate: str | None) -> list[StoredDecision]:
    rows = _execute(conn, "to read decisions",
                    "SELECT candidate, outcome, level, decided_by, decided_at, note, "
                    "recorded_by, recorded_at FROM companion.read_decisions(:c)",
                    {"c": candidate}).all()
    out = []
    for name, outcome, level, by, at, note, recorded_by, recorded_at in rows:
        source = f"team store decision on {name!r}"
        out.append(StoredDecision(str(name), str(outcome), None if level is None else str(level),
                                  str(by), _time(at, source), str(note), str(recorded_by),
                                  _time(recorded_at, source)))
    return out


# ---------------------------------------------------------------- privacy

def delete_candidate(conn: Connection, candidate: str) -> Deleted:
    """An admin removes every scorecard (with its amendments) and decision of a candidate.

    The server leaves one audit row per deleted scorecard or decision, holding
    who deleted it and when, never the candidate's name or any content.
    """
    cards, decisions = _execute(conn, f"to delete the data of {candidate!r}",
                                "SELECT scorecards, decisions "
                                "FROM companion.delete_candidate(:c)", {"c": candidate}).one()
    return Deleted(int(cards), int(decisions))
