"""Practice sets without Qt: the draw, rate-then-reveal, the figures and their storage."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from companion.calibration.stats.intervals import mean_interval, wilson
from companion.content.model import CUE_LEVELS
from companion.practice import draw, history
from companion.practice.draw import PracticeError
from companion.practice.model import SET_SIZE, PracticeItem, Rated
from companion.practice.scoring import Readiness, Tally, describe, figures
from companion.practice.session import PracticeSession, SetChoice
from companion.store import Store
from tests.practice_support import SCENARIO, ours, practice_pack


def test_every_set_shows_every_level_and_twelve_answers(tmp_path: Path) -> None:
    pack = practice_pack(tmp_path)
    items = ours(draw.pool(pack, "api"))
    # 5 items x 4 levels + 3 failure answers, all suiting the API archetype.
    assert len(items) == 23
    assert {i.target for i in items} == {None, "database", "queue", "downstream"}
    for seed in range(200):
        chosen = draw.draw_set(items, random.Random(seed))
        assert len(chosen) == SET_SIZE
        assert set(CUE_LEVELS) <= {i.level for i in chosen}
        assert len({i.key for i in chosen}) == SET_SIZE  # no answer twice
    # The first position is not always the same level: the set is shuffled.
    firsts = Counter(draw.draw_set(items, random.Random(s))[0].level for s in range(200))
    assert len(firsts) == 4


def test_dimension_narrows_the_pool_and_a_missing_level_is_refused(tmp_path: Path) -> None:
    pack = practice_pack(tmp_path)
    design = ours(draw.pool(pack, "api", "design"))
    assert {i.item_id for i in design} == {"q-rate-limiting", SCENARIO}
    ownership = [i for i in ours(draw.pool(pack, "api", "ownership")) if i.level != "mid"]
    with pytest.raises(PracticeError, match="no sample answer at the mid level"):
        draw.draw_set(ownership, random.Random(1))
    with pytest.raises(PracticeError, match="unknown archetype 'apii'"):
        draw.pool(pack, "apii")
    # A pool smaller than a set gives every answer it has, each level included.
    small = draw.draw_set(ours(draw.pool(pack, "api", "ownership")), random.Random(2))
    assert sorted(i.level for i in small) == sorted(CUE_LEVELS)


def test_a_rating_comes_first_and_cannot_be_changed_after_the_reveal(tmp_path: Path) -> None:
    pack = practice_pack(tmp_path)
    session = PracticeSession.draw(pack, SetChoice("Ana", "api"), rng=random.Random(5))
    first = session.current
    assert first is not None and not session.revealed
    assert session.next() is False and session.index == 0  # no skipping past unrated
    rated = session.rate("mid")
    assert rated is not None and session.revealed
    assert session.rate("strong") is None  # already revealed: the first rating stands
    assert session.ratings == [Rated(first, "mid")]
    assert session.next() is True and session.current is not first


def test_figures_agree_with_the_calibration_statistics() -> None:
    item = {lvl: PracticeItem(f"s-{lvl}", "q", lvl, "a", "w") for lvl in CUE_LEVELS}
    pairs = [("strong", "strong"), ("strong", "mid"), ("mid", "mid"), ("thin", "strong"),
             ("very_thin", "very_thin"), ("thin", "thin"), ("mid", "thin"),
             ("very_thin", "mid"), ("strong", "strong"), ("thin", "thin"), ("mid", "mid"),
             ("very_thin", "thin"), ("strong", "thin")]
    rated = [Rated(item[intended], given) for intended, given in pairs]
    t = Tally.of(rated)
    assert (t.n, t.exact, t.within_one) == (13, 7, 10)
    f = figures(t)
    assert f.exact == wilson(7, 13, "sample answers")
    expected = mean_interval([float(r.error) for r in rated], unit="sample answers")
    assert f.signed_error.value == pytest.approx(expected.value)
    assert f.signed_error.low == pytest.approx(expected.low)
    assert f.signed_error.high == pytest.approx(expected.high)
    assert [r.item.level for r in rated if r.missed] == ["thin", "very_thin", "strong"]
    # Adding tallies is the same as one tally over everything.
    assert Tally.of(rated[:5]) + Tally.of(rated[5:]) == t


def test_too_few_answers_give_no_number_and_readiness_needs_enough() -> None:
    it = PracticeItem("s", "q", "mid", "a", "w")
    few = Tally.of([Rated(it, "mid")] * 9)
    assert figures(few).exact.value is None
    assert describe(figures(few).exact).startswith("too few (9 sample answers")
    bar = Readiness()
    assert not bar.met(Tally.of([Rated(it, "mid")] * 23))  # perfect, but under 24
    assert bar.met(Tally.of([Rated(it, "mid")] * 24))
    # Exact 15/24 = 0.625 and within one 22/24 = 0.92: both at the bar.
    mixed = [Rated(it, "mid")] * 15 + [Rated(it, "thin")] * 7 + [Rated(it, "very_thin")] * 2
    assert bar.met(Tally.of(mixed))
    # One exact fewer (14/24 = 0.58): not yet.
    assert not bar.met(Tally.of([Rated(it, "strong"), *mixed[1:]]))
    # Exact enough, but three answers two steps off (within one 21/24 = 0.875): not yet.
    assert not bar.met(Tally.of([*mixed[:-3], *[Rated(it, "very_thin")] * 3]))
    assert Readiness(exact=0.5, within_one=0.8, min_n=10).met(Tally.of(mixed[:-3] + mixed[-2:]))


def test_a_set_is_stored_answer_by_answer(tmp_path: Path) -> None:
    pack = practice_pack(tmp_path)
    with Store.open(tmp_path / "data") as store:
        recorder = history.StoredSet(store)
        session = PracticeSession.draw(pack, SetChoice(" Ana ", "api", "technical"),
                                       recorder, rng=random.Random(9))
        for _ in range(5):
            item = session.current
            assert item is not None
            session.rate(item.level if session.index % 2 else "strong")
            session.next()
        (rec,) = history.sets(store)
        assert (rec.interviewer, rec.archetype, rec.dimension) == ("Ana", "api", "technical")
        assert rec.finished_at is None and rec.tally == session.tally()
        assert rec.tally.n == 5
        while session.current is not None:
            session.rate("thin")
            session.next()
    with Store.open(tmp_path / "data") as store:
        (rec,) = history.sets(store)
        assert rec.finished_at is not None and rec.tally.n == rec.size == len(session.items)
        assert history.sets(store, "Bo") == []
    assert {i.item_id for i in session.items} <= {
        it.id for it in pack.questions if it.dimension == "technical" and it.suits("api")}
