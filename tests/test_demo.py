"""``companion demo``: two finished, realistic scorecards of one candidate, stored once."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from companion.content.loader import load_pack
from companion.content.model import Pack
from companion.demo.pair import demo_round, store_demo
from companion.demo.pair_script import CANDIDATE, SCENARIO, SCRIPTS
from companion.exchange.files import read_scorecard_file, write_scorecard_file
from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.record.scorecard import RATING_SCORE, Scorecard
from companion.store import Store

NOW = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack()


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory, pack: Pack) -> tuple[Scorecard, ...]:
    folder = tmp_path_factory.mktemp("demo-store")
    with Store.open(folder) as store:
        result = store_demo(store, pack, now=NOW)
        assert result.created
        return tuple(store.load_scorecard(rid) for rid in result.round_ids)


def test_demo_then_list_shows_two_submitted_rounds_of_one_candidate(cli: Any) -> None:
    res = cli("demo")
    assert res.returncode == 0, res.stderr
    rows = json.loads(cli("sessions", "list", "--json").stdout)
    assert len(rows) == 2
    assert {r["candidate"] for r in rows} == {CANDIDATE}
    assert {r["status"] for r in rows} == {"submitted"}
    assert len({r["interviewer"] for r in rows}) == 2
    assert len({(r["archetype"], r["level"], r["template_id"]) for r in rows}) == 1
    ids = {r["id"] for r in rows}
    assert all(rid in res.stdout for rid in ids)
    assert "--pdf card.pdf" in res.stdout and "--pdf debrief.pdf" in res.stdout
    panel_line = next(ln for ln in res.stdout.splitlines() if "companion panel" in ln)
    assert all(rid in panel_line for rid in ids)


def test_demo_twice_adds_nothing(cli: Any) -> None:
    first = cli("demo")
    second = cli("demo")
    assert second.returncode == 0, second.stderr
    assert "already stored" in second.stdout and "Traceback" not in second.stderr
    rows = json.loads(cli("sessions", "list", "--json").stdout)
    assert len(rows) == 2
    assert all(r["id"] in first.stdout and r["id"] in second.stdout for r in rows)


def test_a_deleted_demo_round_is_stored_again_alone(tmp_path: Path, pack: Pack) -> None:
    with Store.open(tmp_path / "d") as store:
        first = store_demo(store, pack, now=NOW)
        store.delete_round(first.round_ids[1])
        again = store_demo(store, pack, now=NOW)
        assert again.created
        assert again.round_ids[0] == first.round_ids[0]
        assert again.round_ids[1] != first.round_ids[1]
        assert len(store.list_rounds()) == 2


def test_an_interrupted_demo_round_is_replaced_not_left_to_resume(tmp_path: Path,
                                                                 pack: Pack) -> None:
    with Store.open(tmp_path / "d") as store:
        engine = RoundEngine.start(store, pack, demo_round(pack), candidate=CANDIDATE,
                                   interviewer=SCRIPTS[0].interviewer, archetype="distributed",
                                   level="senior", clock=ManualClock(NOW))
        engine.rate("mid", item_id=SCENARIO)
        engine.close()  # the demo was killed here, before submitting
        assert len(store.unfinished_rounds()) == 1
        result = store_demo(store, pack, now=NOW)
        assert store.unfinished_rounds() == []
        assert sorted(r.id for r in store.list_rounds()) == sorted(result.round_ids)
        assert engine.round_id not in result.round_ids


def test_the_two_interviewers_disagree_two_steps_apart(cards: tuple[Scorecard, ...]) -> None:
    dana, marcus = cards
    assert (dana.interviewer, marcus.interviewer) == tuple(s.interviewer for s in SCRIPTS)
    gaps = []
    for item in dana.items:
        other = marcus.item(item.item_id)
        assert other is not None and item.rating and other.rating
        gaps.append(abs(RATING_SCORE[item.rating] - RATING_SCORE[other.rating]))
    assert max(gaps) >= 2
    assert dana.recommendation != marcus.recommendation
    assert {dana.recommendation, marcus.recommendation} <= {"strong_no", "no", "yes",
                                                            "strong_yes"}


def test_each_card_is_finished_and_complete(cards: tuple[Scorecard, ...], pack: Pack) -> None:
    for sc in cards:
        assert sc.submitted and sc.submitted_at is not None
        assert (sc.archetype, sc.level, sc.template_id) == ("distributed", "senior", "scenario")
        assert sc.pack_id == pack.id and sc.summary.strip()
        assert [it.item_id for it in sc.items] == [SCENARIO]
        item = sc.items[0]
        assert item.said.strip() and item.read.strip()
        assert sc.said.strip() and sc.read.strip()
        assert item.rated_at is not None and sc.started_at < item.rated_at < sc.submitted_at
        answered = {p.probe_id: p for p in item.probes}
        for pid in pack.failure_probe.probe_ids():
            probe = answered[pid]
            assert probe.asked and probe.rating in RATING_SCORE and probe.note.strip()
        scripted = {p.id for p in pack.scenario(SCENARIO).probes}
        assert scripted <= set(answered)
        raised = [f for f in sc.flags if f.state != "off"]
        assert raised and all(f.evidence.strip() and f.events for f in raised)
        assert all(f.item_id == SCENARIO for f in raised)
        # Timed like a real round: every section was entered and took time.
        assert len(sc.sections) == len(pack.template("scenario").sections)
        assert all(s.started_at is not None and s.elapsed_s > 60 for s in sc.sections)
        assert 55 * 60 < sc.duration_s < 80 * 60
        # Dated the day before "now", so it reads as a recent round.
        assert sc.started_at.date() == datetime(2026, 11, 27).date()


def test_demo_cards_pass_the_import_checks(cards: tuple[Scorecard, ...], pack: Pack,
                                           tmp_path: Path) -> None:
    for n, sc in enumerate(cards):
        path = write_scorecard_file(sc, tmp_path / f"card{n}.json")
        assert read_scorecard_file(path, pack) == sc


def test_show_of_a_demo_round(cli: Any) -> None:
    res = cli("demo")
    dana_id = next(ln.split()[0] for ln in res.stdout.splitlines() if "by Dana" in ln)
    shown = cli("session", "show", dana_id[:8])
    assert shown.returncode == 0, shown.stderr
    for text in (CANDIDATE, "Dana Whitfield", "Failure probe, queue", "Evidence:",
                 "Recommendation: Yes"):
        assert text in shown.stdout
