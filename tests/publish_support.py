"""Helpers for the publishing tests: rounds run through the real engine, a team per test.

A round here is a short real one (the demo's scenario round of the built-in pack):
started, rated, noted, recommended and submitted through ``RoundEngine``, so the
outbox entries are the ones the window would queue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from companion.content.model import Pack
from companion.demo.pair import demo_round
from companion.intake.json_reader import Obj
from companion.live.clock import ManualClock
from companion.live.engine import ROUND, RoundEngine
from companion.record.change_codec import amendment_from
from companion.record.scorecard import Scorecard
from companion.store import Store
from companion.team import server
from companion.team.publisher import Publisher
from companion.team.settings import EVERYTHING, TeamSettings
from tests.scorecards import pack as builtin
from tests.team_support import TeamDb

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@dataclass
class Played:
    """A submitted round and its clock (the clock moves on for amendments)."""

    engine: RoundEngine
    clock: ManualClock

    @property
    def round_id(self) -> str:
        return self.engine.round_id

    def amend(self, rating: str, minutes: float = 30) -> None:
        """Change the rating after submission (an amendment), ``minutes`` later."""
        self.clock.advance(minutes * 60)
        self.engine.rate(rating)
        assert self.engine.amendments()[-1].at == self.clock.now()


def run_round(store: Store, interviewer: str, candidate: str, *, rating: str = "mid",
              start: datetime = START, pack: Pack | None = None,
              keep_open: bool = False, note: str | None = None) -> Played:
    """A whole short round, submitted; closed unless ``keep_open`` (to amend it later)."""
    pack = pack or builtin()
    clock = ManualClock(start)
    engine = RoundEngine.start(store, pack, demo_round(pack), candidate=candidate,
                               interviewer=interviewer, archetype="api", level="senior",
                               clock=clock)
    engine.start_round()
    engine.rate(rating)
    engine.edit_notes("said", note or f"{interviewer} heard a clear answer about retries.")
    clock.advance(600)
    engine.tick()
    engine.edit_notes("said", "Thoughtful about on-call.", item_id=ROUND)
    engine.set_recommendation("yes" if rating in ("mid", "strong") else "no")
    engine.set_summary(f"{interviewer}'s summary of {candidate}.")
    clock.advance(30)
    assert engine.submit()
    if not keep_open:
        engine.close()
    return Played(engine, clock)


@dataclass
class Member:
    role: str
    name: str
    data: Path

    def store(self) -> Store:
        return Store.open(self.data)


def member(db: TeamDb, base: str, kind: str, name: str, root: Path) -> Member:
    role = db.add(base, kind, name)  # type: ignore[arg-type]
    data = root / base
    data.mkdir(parents=True, exist_ok=True)
    return Member(role, name, data)


def publisher(store: Store, db: TeamDb, role: str, *, joined_at: datetime = EVERYTHING,
              now: Callable[[], datetime] | None = None, conninfo: str | None = None,
              password: str | None = None) -> Publisher:
    team = TeamSettings(conninfo or db.conninfo(role), joined_at)
    if now is None:
        return Publisher(store, team, password=password)
    return Publisher(store, team, password=password, now=now)


def server_counts(db: TeamDb) -> tuple[int, int]:
    """(scorecards, amendments) on the server, counted by the owner (no rules apply)."""
    with db.begin() as conn:
        cards = conn.exec_driver_sql("SELECT count(*) FROM companion_data.scorecards").scalar()
        amendments = conn.exec_driver_sql("SELECT count(*) FROM companion_data.amendments").scalar()
    return int(cards or 0), int(amendments or 0)


def current_from_team(stored: server.StoredScorecard) -> Scorecard:
    """A stored scorecard with its amendments applied in order (what a debrief shows)."""
    sc = stored.scorecard
    for a in stored.amendments:
        sc = sc.apply(amendment_from(Obj(a.change, f"amendment {a.seq}")))
    return sc
