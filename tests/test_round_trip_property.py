"""Whatever the engine stores, the app's own gates take back: the round trip as an invariant.

Hypothesis plays random sessions through the real engine on a real SQLite file, with
the awkward timings users produce (an item passed in under a millisecond, a round
closed at once, amendments after submitting). After every step that a user could
stop at, the stored round must export to a file, import into a fresh data folder as
the same content, and, once submitted, pass the team store's reader as published.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.exchange.files import (
    canonical_json,
    read_scorecard_file,
    scorecard_from_payload,
    write_scorecard_file,
)
from companion.live.clock import ManualClock
from companion.live.engine import ROUND, RoundEngine
from companion.record.change_codec import amendment_to_dict
from companion.record.scorecard import Scorecard
from companion.store import Store, records
from companion.team import server
from companion.team.reading import with_amendments
from tests.fixtures.samples import sample_pack, sample_planned

PACK = sample_pack()
# The durations that broke exports: under a millisecond, a 40 ms pass, raw monotonic noise.
AWKWARD_S = (0.0, 0.000041491821997624356, 0.041491821997624356, 0.0999999999, 1 / 3, 61.7)

class MachineClock(ManualClock):
    """A hand-cranked clock whose monotonic origin is an arbitrary reading, like a machine's.

    Differences of such readings carry float noise in their last digits, which is
    what a real ``time.monotonic()`` hands the timers.
    """

    def __init__(self, origin: float) -> None:
        super().__init__()
        self.origin = origin

    def monotonic(self) -> float:
        return self.origin + (super().monotonic() - 1000.0)


step = st.one_of(
    st.tuples(st.just("wait"), st.sampled_from(AWKWARD_S) | st.floats(0, 900)),
    st.tuples(st.just("rate"), st.sampled_from(["strong", "mid", "thin", "very_thin", None])),
    st.tuples(st.just("next"), st.none()), st.tuples(st.just("previous"), st.none()),
    st.tuples(st.just("note"), st.text(max_size=40)),
    st.tuples(st.just("round_note"), st.text(max_size=40)),
    st.tuples(st.just("flag"), st.sampled_from(["rf-blame", "rf-buzzwords"])),
    st.tuples(st.just("probe"), st.sampled_from(["failure.queue", "failure.database"])),
    st.tuples(st.just("pause"), st.none()), st.tuples(st.just("resume"), st.none()),
    st.tuples(st.just("section"), st.none()),
    st.tuples(st.just("recommend"), st.sampled_from(["strong_yes", "yes", "no", "strong_no"])),
    st.tuples(st.just("summary"), st.text(max_size=40)),
    st.tuples(st.just("submit"), st.none()),
    st.tuples(st.just("check"), st.none()),
)


def _play(eng: RoundEngine, clock: ManualClock, kind: str, arg: Any) -> None:
    if kind == "wait":
        clock.advance(arg)
    elif kind == "rate":
        eng.rate(arg)
    elif kind == "next":
        eng.go_next()
    elif kind == "previous":
        eng.go_previous()
    elif kind == "note":
        eng.edit_notes("said", arg)
    elif kind == "round_note":
        eng.edit_notes("read", arg, item_id=ROUND)
    elif kind == "flag":
        eng.cycle_flag(arg)
    elif kind == "probe":
        eng.answer_probe(arg, rating="thin", item_id="s-orders")
    elif kind == "pause":
        eng.pause()
    elif kind == "resume":
        eng.resume()
    elif kind == "section":
        eng.next_section()
    elif kind == "recommend":
        eng.set_recommendation(arg)
    elif kind == "summary":
        eng.set_summary(arg)
    elif kind == "submit" and eng.submit_blocker() is None:
        eng.submit()


def _as_published(store: Store, sc: Scorecard) -> Scorecard:
    """The round through the team store's reader: payload and amendments as jsonb keeps them."""
    with store.read() as s:
        submitted = records.load(s, sc.id, amended=False)
    assert submitted is not None
    body, digest = server._payload_text(submitted)
    payload = json.loads(body)
    now = datetime.now(UTC)
    amendments = tuple(
        server.StoredAmendment(sc.id, seq, a.at, sc.interviewer,
                               json.loads(canonical_json(amendment_to_dict(a))), now)
        for seq, a in enumerate(sc.amendments, start=1))
    read = scorecard_from_payload(payload, digest, f"team store scorecard {sc.id}", PACK)
    return with_amendments(server.StoredScorecard(read, "sam", "sam", now, amendments))


def check_round_trip(store: Store, round_id: str, folder: Path) -> None:
    """The stored round exports, imports to the same content, and reads as published."""
    sc = store.load_scorecard(round_id)
    out = write_scorecard_file(sc, folder / f"{sc.id}.icscore.json")
    back = read_scorecard_file(out, PACK)
    assert back == sc
    fresh = folder / f"fresh-{len(list(folder.iterdir()))}"
    with Store.open(fresh) as other:
        assert other.save_imported(back)
        assert other.load_scorecard(sc.id) == sc
    if sc.submitted_at is not None:
        assert _as_published(store, sc) == sc


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(origin=st.sampled_from([81234.56789, 7318.123456789, 523.9181]) | st.floats(1, 1e7),
       start_at_once=st.booleans(),
       steps=st.lists(step, max_size=25))
def test_every_stored_round_exports_imports_and_publishes(origin: float, start_at_once: bool,
                                                          steps: list[tuple[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        clock = MachineClock(origin)
        with Store.open(root / "data") as store:
            eng = RoundEngine.start(store, PACK, sample_planned(), candidate="Dana Whitfield",
                                    interviewer="Sam Ortiz", archetype="api", level="senior",
                                    clock=clock)
            if start_at_once:
                eng.start_round()
            for kind, arg in steps:
                _play(eng, clock, kind, arg)
                if kind in ("check", "submit"):
                    eng.flush()
                    check_round_trip(store, eng.round_id, root)
            eng.close()
            check_round_trip(store, eng.round_id, root)


def test_a_round_closed_within_milliseconds_exports(tmp_path: Path) -> None:
    """The finding itself: an item passed over in 40 ms, submitted 0.4 ms later."""
    clock = MachineClock(81234.56789)
    with Store.open(tmp_path / "data") as store:
        eng = RoundEngine.start(store, PACK, sample_planned(), candidate="Dana Whitfield",
                                interviewer="Sam Ortiz", archetype="api", level="senior",
                                clock=clock)
        eng.start_round()
        clock.advance(0.041491821997624356)
        eng.go_next()
        clock.advance(0.000411821997624356)
        eng.rate("mid")
        eng.set_recommendation("no")
        assert eng.submit()
        eng.close()
        sc = store.load_scorecard(eng.round_id)
        assert sc.items[0].time_spent_s == 0.041 and sc.duration_s == 0.042, sc
        check_round_trip(store, eng.round_id, tmp_path)


def test_rounds_stored_before_times_were_rounded_still_export(tmp_path: Path) -> None:
    """A row written with raw monotonic noise exports with its times in milliseconds."""
    clock = ManualClock()
    with Store.open(tmp_path / "data") as store:
        eng = RoundEngine.start(store, PACK, sample_planned(), candidate="Dana Whitfield",
                                interviewer="Sam Ortiz", archetype="api", level="senior",
                                clock=clock)
        eng.close()
        sc = store.load_scorecard(eng.round_id)
    noisy = replace(sc, id="r-noisy", duration_s=0.041491821997624356,
                    items=tuple(replace(it, time_spent_s=0.041491821997624356)
                                for it in sc.items))
    out = write_scorecard_file(noisy, tmp_path / "noisy.icscore.json")
    back = read_scorecard_file(out, PACK)
    assert back.duration_s == 0.041 and {it.time_spent_s for it in back.items} == {0.041}
