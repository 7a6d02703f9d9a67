"""The outbox: a submission and each amendment wait durably, in order, to be published."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.store import Store, outbox
from companion.store.db import DB_NAME
from tests.fixtures.samples import sample_pack, sample_planned

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _submitted(store: Store, clock: ManualClock) -> RoundEngine:
    pack = sample_pack()
    eng = RoundEngine.start(store, pack, sample_planned(pack), candidate="Mei Lin",
                            interviewer="Sam Ortiz", archetype="api", level="senior",
                            clock=clock)
    eng.rate("thin")
    assert eng.set_recommendation("no")
    return eng


def test_submission_and_each_amendment_are_queued_with_them(tmp_path: Path) -> None:
    clock = ManualClock()
    with Store.open(tmp_path) as store:
        eng = _submitted(store, clock)
        with store.read() as s:
            assert outbox.due(s, clock.now(), EPOCH) == []  # nothing before submission
        eng.submit()
        clock.advance(60)
        eng.rate("mid")
        eng.set_recommendation("yes")
        eng.close()
        with store.read() as s:
            entries = outbox.due(s, clock.now(), EPOCH)
            states = outbox.states(s, EPOCH)
    assert [e.round_id for e in entries] == [eng.round_id] * 3
    assert [e.amendment_id is None for e in entries] == [True, False, False]
    assert states[eng.round_id].state == "waiting" and states[eng.round_id].waiting == 3
    # Queued in the transaction that stored them: each amendment row has its entry.
    raw = sqlite3.connect(tmp_path / DB_NAME)
    assert raw.execute("SELECT count(*) FROM amendment").fetchone() == (2,)
    assert raw.execute("SELECT count(*) FROM outbox WHERE amendment_id IN "
                       "(SELECT id FROM amendment)").fetchone() == (2,)
    raw.close()


def test_failures_back_off_and_published_entries_leave_the_queue(tmp_path: Path) -> None:
    clock = ManualClock()
    with Store.open(tmp_path) as store:
        eng = _submitted(store, clock)
        eng.submit()
        eng.close()
        now = clock.now()
        with store.write() as s:
            (entry,) = outbox.due(s, now, EPOCH)
            outbox.mark_failed(s, [entry.id], "server unreachable", now)
        with store.read() as s:
            assert outbox.due(s, now + timedelta(seconds=1), EPOCH) == []  # backing off
            assert [e.tries for e in outbox.due(s, now + timedelta(seconds=3), EPOCH)] == [1]
            state = outbox.states(s, EPOCH)[eng.round_id]
        local = now.astimezone().strftime("%H:%M")
        assert state.describe() == f"waiting to publish: server unreachable since {local} (1 try)"
        with store.write() as s:
            outbox.mark_failed(s, [entry.id], "server unreachable", now + timedelta(seconds=3))
            outbox.mark_published(s, [entry.id], now + timedelta(seconds=10))
        with store.read() as s:
            assert outbox.due(s, now + timedelta(days=1), EPOCH) == []
            assert outbox.states(s, EPOCH)[eng.round_id].describe() == "published"
            # Entries queued before the laptop joined a team stay local.
            assert outbox.states(s, now + timedelta(days=1))[eng.round_id].state == "published"


def test_backoff_grows_to_five_minutes() -> None:
    assert [outbox.backoff_s(n) for n in (1, 2, 3, 8, 9, 50)] == [2, 4, 8, 256, 300, 300]


def test_deleting_a_round_takes_its_entries(tmp_path: Path) -> None:
    clock = ManualClock()
    with Store.open(tmp_path) as store:
        eng = _submitted(store, clock)
        eng.submit()
        eng.close()
        store.delete_round(eng.round_id)
        with store.read() as s:
            assert outbox.due(s, clock.now(), EPOCH) == [] and outbox.states(s, EPOCH) == {}
