"""Sending the local outbox to the team store: one entry, one server transaction.

Each entry (a round's scorecard as submitted, or one amendment) is sent in its
own server transaction, committed, and only then marked published locally. A
process killed between those two steps sends the entry again next time, and
the server answers "already stored" (``publish_scorecard`` and
``append_amendment`` are idempotent), so the team store keeps one copy.

What goes wrong falls in three groups:

- the server cannot be reached (``TeamConnectError``): every entry of the run
  waits with the outbox back-off and is tried again later;
- the run cannot go on (a refused login, a schema this app does not know): it
  stops, the entries wait until someone asks again, and the message says what
  to do;
- one round cannot go (a conflict, a refusal by the server's rules): that round
  waits until someone asks again, the others go on.

No Qt here: the window runs a ``Publisher`` on a worker thread
(``companion.team.worker``), the command line calls it directly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from psycopg.conninfo import make_conninfo
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from companion.base.errors import StorageError
from companion.record.change_codec import amendment_to_dict
from companion.record.names import fold_name
from companion.record.scorecard import Scorecard
from companion.store import Store, outbox
from companion.team import schema, server
from companion.team.connect import connection, describe_failure, make_engine
from companion.team.conninfo import options
from companion.team.errors import (
    TeamConflictError,
    TeamConnectError,
    TeamLoginError,
    TeamLoopRuleError,
    TeamRefusedError,
    TeamSchemaError,
    TeamStoreError,
    TeamTlsError,
    server_reason,
)
from companion.team.settings import TeamSettings
from companion.team.status import Identity, whoami

log = logging.getLogger("companion.team.publisher")

ProblemKind = Literal["unreachable", "login", "tls", "schema", "refused", "no loop",
                      "conflict", "local"]
# What the outbox remembers (``PublishState.describe``: "waiting to publish: <this> since").
SHORT_REASON: dict[ProblemKind, str] = {
    "unreachable": "server unreachable",
    "login": "login refused",
    "tls": "TLS problem",
    "schema": "team store schema not usable by this app",
    "refused": "refused by the team store",
    "no loop": "no loop assigns this round to you",
    "conflict": "conflict with the team store",
    "local": "this laptop's store could not be read",
}


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Sent:
    """One entry the team store now holds."""

    round_id: str
    candidate: str
    seq: int  # 0: the scorecard; n: its n-th amendment
    stored: bool  # False: the team store had it already (sent before a crash, or imported)

    def describe(self) -> str:
        what = (f"round {self.round_id} ({self.candidate})" if self.seq == 0 else
                f"amendment {self.seq} of round {self.round_id} ({self.candidate})")
        return f"published {what}" if self.stored else f"already in the team store: {what}"


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    message: str  # one line saying what happened and what to do
    round_id: str | None = None  # the round it concerns, if only one

    @property
    def retried(self) -> bool:
        """Whether the publisher tries again by itself (with back-off)."""
        return self.kind in ("unreachable", "local")


@dataclass(frozen=True)
class PublishRun:
    """What one run did, and what is left."""

    sent: tuple[Sent, ...] = ()
    problems: tuple[Problem, ...] = ()
    waiting: int = 0  # entries still waiting afterwards
    identity: Identity | None = None  # who the server says we are (when it was reached)

    @property
    def needs_password(self) -> bool:
        return any(p.kind == "login" for p in self.problems)

    @property
    def stopped(self) -> Problem | None:
        """The first problem that waits for someone to act (not retried by itself)."""
        return next((p for p in self.problems if not p.retried), None)

    def lines(self) -> list[str]:
        out = [s.describe() for s in self.sent]
        out += [f"not published: {p.message}" for p in self.problems]
        stored = sum(s.stored for s in self.sent)
        out.append(f"{stored} published, {len(self.sent) - stored} already in the team "
                   f"store, {self.waiting} waiting")
        return out


class _Hold(Exception):
    """One round cannot be published now; the others can."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class Publisher:
    """Publishes one store's outbox to one team store. Use it from one thread at a time.

    ``password`` (kept in memory only) is for a login libpq has no password for.
    """

    def __init__(self, store: Store, team: TeamSettings, *, password: str | None = None,
                 now: Callable[[], datetime] = utc_now) -> None:
        self._store = store
        self._team = team
        self._password = password
        self._now = now
        self._engine: Engine | None = None
        self.identity: Identity | None = None

    @property
    def team(self) -> TeamSettings:
        return self._team

    def set_password(self, password: str | None) -> None:
        """Use ``password`` from the next connection on (never written anywhere)."""
        self._password = password or None
        self._drop_engine()

    def close(self) -> None:
        self._drop_engine()

    def _drop_engine(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def waiting(self) -> int:
        with self._store.read() as s:
            return outbox.waiting(s, self._team.joined_at)

    def publish(self, *, everything: bool = False, check_in: bool = False,
                limit: int = 200) -> PublishRun:
        """Send what is due (``everything``: what waits, back-off or not).

        ``check_in``: connect even when nothing is due, to learn who the login is
        and whether the server can be used (the window does so once at start).

        Never raises for the team store's faults; they come back as problems.
        Local storage faults (``StorageError``) do raise: they are the window's
        usual storage errors, not the team store's.
        """
        if everything:
            with self._store.write() as s:
                outbox.retry_now(s)
        with self._store.read() as s:
            entries = outbox.due(s, self._now(), self._team.joined_at, limit)
        sent: list[Sent] = []
        problems: list[Problem] = []
        if entries or check_in:
            self._send_all(entries, sent, problems)
        return PublishRun(tuple(sent), tuple(problems), self.waiting(), self.identity)

    # -- sending ---------------------------------------------------------------------------
    def _send_all(self, entries: list[outbox.Entry], sent: list[Sent],
                  problems: list[Problem]) -> None:
        done: set[int] = set()
        try:
            if self._engine is None:
                self._engine = make_engine(_with_keepalives(self._team.conninfo),
                                           password=self._password)
            with connection(self._engine, self._team.conninfo) as conn:
                self._check_in(conn)
                self._copy_loops(conn)
                held: set[str] = set()
                for entry in entries:
                    if entry.round_id in held:
                        continue
                    try:
                        result = self._send(conn, entry)
                    except _Hold as hold:
                        held.add(entry.round_id)
                        problems.append(hold.problem)
                        self._failed([entry.id], hold.problem, hold=True)
                        continue
                    done.add(entry.id)
                    if result is not None:
                        sent.append(result)
        except TeamTlsError as exc:  # trying again cannot fix a certificate
            self._stop(entries, done, Problem("tls", str(exc)), problems, hold=True)
        except TeamLoginError as exc:
            self._stop(entries, done, Problem("login", str(exc)), problems, hold=True)
        except TeamConnectError as exc:
            self._stop(entries, done, Problem("unreachable", str(exc)), problems, hold=False)
        except TeamSchemaError as exc:
            self._stop(entries, done, Problem("schema", str(exc)), problems, hold=True)
        except _Hold as stop:  # for every round: this login is no team member
            self._stop(entries, done, stop.problem, problems, hold=True)

    def _copy_loops(self, conn: Connection) -> None:
        """Keep a local copy of this login's loops, so "Your rounds" has them offline.

        A fault here is logged and publishing goes on: a loop is a convenience, a
        scorecard waiting to be published is not.
        """
        from companion.team.loops import keep_local_copies

        try:
            found = keep_local_copies(conn, self._store)
        except (TeamStoreError, StorageError) as exc:
            log.warning("loops not copied from the team store: %s", exc)
        else:
            for line in found.unreadable:
                log.warning("%s", line)
        finally:
            conn.rollback()

    def _check_in(self, conn: Connection) -> None:
        """The schema must be this app's, and the login a team member, before any write."""
        not_member = ("is not a member of the team store; the team administrator adds it "
                      "with `companion team add-interviewer`")
        try:
            self.identity = whoami(conn)
            if self.identity.display_name is None and not self.identity.groups:
                raise _Hold(Problem("refused", f"the login {self.identity.role} {not_member}"))
            schema.require_writable(conn)
        except DBAPIError as exc:
            state, reason = server_reason(exc)
            if state == "42501":
                raise _Hold(Problem("refused", f"the team store refused this login "
                                    f"({reason}): it {not_member}")) from None
            raise TeamConnectError(f"lost the team store: {describe_failure(exc)}") from None
        finally:
            conn.rollback()
        if self.identity.display_name is None:
            raise _Hold(Problem("refused", f"the login {self.identity.role} {not_member}"))

    def _stop(self, entries: list[outbox.Entry], done: set[int], problem: Problem,
              problems: list[Problem], *, hold: bool) -> None:
        log.info("publishing stopped: %s", problem.message)
        problems.append(problem)
        self._failed([e.id for e in entries if e.id not in done], problem, hold=hold)

    def _failed(self, ids: list[int], problem: Problem, *, hold: bool) -> None:
        with self._store.write() as s:
            outbox.mark_failed(s, ids, SHORT_REASON[problem.kind], self._now(), hold=hold)

    def _send(self, conn: Connection, entry: outbox.Entry) -> Sent | None:
        """Send one entry in one server transaction, then mark it published here."""
        with self._store.read() as s:
            if outbox.waits_for_earlier(s, entry):
                return None  # its round's earlier entry is backing off: keep the order
            item = outbox.payload(s, entry)
        if item is None:
            return None  # the round was deleted here meanwhile: nothing to send
        sc = item.scorecard
        who = self.identity
        if who is not None and who.display_name is not None \
                and fold_name(who.display_name) != fold_name(sc.interviewer):
            raise _Hold(Problem("refused", (
                f"round {sc.id} was scored by {sc.interviewer!r}, but this login is "
                f"{who.display_name!r} on the team store: the panel lead can import its "
                "file instead (`companion session import --team FILE`)"), sc.id))
        try:
            if item.amendment is None:
                self._report_submitted(conn, sc)
            with conn.begin():
                if item.amendment is None:
                    stored = self._publish_round(conn, item)
                else:
                    stored = self._publish_amendment(conn, item)
        except TeamConflictError as exc:
            raise _Hold(Problem("conflict", str(exc), sc.id)) from None
        except TeamLoopRuleError as exc:
            raise _Hold(Problem("no loop", str(exc), sc.id)) from None
        except TeamRefusedError as exc:
            raise _Hold(Problem("refused", str(exc), sc.id)) from None
        except (TeamConnectError, TeamSchemaError):
            raise
        except DBAPIError as exc:  # the commit itself failed: stored or not, a retry is safe
            raise TeamConnectError(f"lost the team store while publishing round {sc.id}: "
                                   f"{describe_failure(exc)}") from None
        except TeamStoreError as exc:  # e.g. a NUL character the server cannot store
            raise _Hold(Problem("refused", str(exc), sc.id)) from None
        # The server has committed. A crash before the next line sends it again next
        # time, and the server answers "already stored".
        with self._store.write() as s:
            outbox.mark_published(s, [entry.id], self._now())
        return Sent(sc.id, sc.candidate, item.seq, stored)

    def _report_submitted(self, conn: Connection, sc: Scorecard) -> None:
        """Tell the team store this loop round was submitted, before its scorecard goes.

        Its own committed transaction, ahead of the scorecard's: when the scorecard
        is then refused or held, the lead still sees "submitted, not yet published".
        A round of no loop (as this laptop last copied them) reports nothing.
        """
        from companion.store.loops import list_loops
        from companion.team.loops import round_progress

        key = fold_name(sc.candidate)
        for loop, origin in list_loops(self._store):
            if origin != "team" or loop.closed or fold_name(loop.candidate) != key:
                continue
            for number, r in loop.rounds_of(sc.interviewer):
                if r.template_id != sc.template_id or r.submitted_at is not None:
                    continue
                try:
                    with conn.begin():
                        round_progress(conn, loop.id, number, "submitted")
                except TeamRefusedError as exc:  # reassigned or closed meanwhile
                    log.info("submission of round %s not reported: %s", sc.id, exc)
                return

    def _publish_round(self, conn: Connection, item: outbox.Payload) -> bool:
        try:
            return server.publish_scorecard(conn, item.scorecard)
        except TeamConflictError:
            if self._imported_by_lead(conn, item.scorecard.id) is None:
                raise
            return False  # a panel lead stored this round from its file: it is there

    def _publish_amendment(self, conn: Connection, item: outbox.Payload) -> bool:
        assert item.amendment is not None
        carried = self._imported_by_lead(conn, item.scorecard.id)
        if carried is not None and carried >= item.seq:
            return False  # the imported file already held this amendment
        return server.append_amendment(conn, item.scorecard.id, item.seq, item.amendment.at,
                                       amendment_to_dict(item.amendment))

    def _imported_by_lead(self, conn: Connection, round_id: str) -> int | None:
        """How many amendments a lead's import of our own round carried; None if none."""
        copy = server.stored_copy(conn, round_id)
        if copy is None or self.identity is None or copy.owner != self.identity.role \
                or copy.published_by == self.identity.role:
            return None
        return copy.amendments_in_payload


# A cable pulled in the middle of a publish must end it in about a minute, not in
# the two hours of the operating system's default (the entry is then sent again).
KEEPALIVES = {"keepalives": "1", "keepalives_idle": "30", "keepalives_interval": "10",
              "keepalives_count": "3"}


def _with_keepalives(conninfo: str) -> str:
    given = options(conninfo)
    return make_conninfo(conninfo, **{k: v for k, v in KEEPALIVES.items() if k not in given})
