"""Calibration figures from hand-made scorecards: each figure, the independence rule,
ratings as submitted, filters, and the plain-words findings."""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from companion.calibration.figures import compute, held_back
from companion.calibration.model import Filters
from companion.calibration.stats.estimate import RESOLUTION_VAR
from companion.calibration.stats.student_t import t_quantile
from companion.content.loader import builtin_pack
from companion.content.model import Pack
from companion.record.changes import Amendment, Rate, Recommend
from companion.record.decision import Decision
from companion.record.rated import round_end, submitted_ratings, submitted_recommendation
from companion.record.scorecard import FlagRecord, ItemRecord, ProbeAnswer, Scorecard
from companion.store.records import RoundSummary

T0 = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
Q1, Q2, SCEN = "q-pagination", "q-idempotent-safe", "s-read-timeouts"


@pytest.fixture(scope="module")
def pack() -> Pack:
    return builtin_pack()


def card(rid: str, cand: str, who: str, ratings: dict[str, str | None], rec: str = "yes", *,
         start: datetime = T0, minutes: float = 60, late_h: float = 1.0,
         archetype: str = "api", flags: tuple[FlagRecord, ...] = (),
         probes: tuple[ProbeAnswer, ...] = (), amendments: tuple[Amendment, ...] = (),
         submitted: bool = True) -> Scorecard:
    items = tuple(ItemRecord(i, "scenario" if i.startswith("s-") else "question", r,
                             probes=probes if i.startswith("s-") else ())
                  for i, r in ratings.items())
    end = start + timedelta(minutes=minutes)
    return Scorecard(candidate=cand, interviewer=who, archetype=archetype, level="senior",
                     template_id="technical", round_title="Technical interview",
                     pack_id="builtin", pack_version="1", started_at=start, id=rid,
                     submitted_at=end + timedelta(hours=late_h) if submitted else None,
                     duration_s=minutes * 60, items=items, flags=flags, recommendation=rec,
                     amendments=amendments)


def test_round_end_is_start_plus_clock_time() -> None:
    sc = card("r", "Ana", "Kim", {Q1: "mid"}, minutes=55)
    assert round_end(sc) == T0 + timedelta(minutes=55)


def test_leniency_scatter_and_counts_on_exact_data(pack: Pack) -> None:
    scs = []
    for n in range(12):
        cand = f"Cand {n}"
        scs.append(card(f"a{n}", cand, "Avery", {Q1: "strong", Q2: "strong"}, "strong_yes",
                        late_h=2.0 + n))
        scs.append(card(f"b{n}", cand, "Blake", {Q1: "mid", Q2: "mid"}, "yes"))
        scs.append(card(f"c{n}", cand, "Casey", {Q1: "mid", Q2: "mid"}, "no"))
    cal = compute(scs, [], pack)
    avery, blake, casey = cal.interviewers
    assert (avery.name, blake.name, casey.name) == ("Avery", "Blake", "Casey")
    # Avery is one step above both co-panelists on every shared answer.
    assert avery.leniency.value == pytest.approx(1.0)
    # The candidates never differ, so the interval's width is the rating scale's floor:
    # 1/12 step squared between candidates, over 12 candidates, t with 11 df.
    half = t_quantile(0.975, 11) * (RESOLUTION_VAR / 12) ** 0.5
    assert (avery.leniency.low, avery.leniency.high) == pytest.approx((1 - half, 1 + half))
    assert avery.leniency.n == 24 and avery.leniency.clusters == 12
    assert blake.leniency.value == pytest.approx(-0.5)
    assert avery.scatter.value == pytest.approx(0.0)
    assert avery.rounds == 12 and avery.ratings["strong"] == 24 and avery.ratings["mid"] == 0
    assert avery.lateness_h.value == pytest.approx(7.5)  # median of 2..13 hours
    assert avery.agreement.n == 0  # no decisions yet
    q1 = cal.items[0]
    assert (q1.id, q1.asked, q1.rated, q1.most_common) == (Q1, 36, 36, "mid")
    assert q1.distribution == {"strong": 12, "mid": 24, "thin": 0, "very_thin": 0}
    assert q1.spread.value == pytest.approx(24 / 36)
    json.dumps(cal.to_dict())  # everything serialises


def test_submitted_values_are_used_not_later_amendments() -> None:
    late = T0 + timedelta(days=2)
    sc = card("r", "Ana", "Kim", {Q1: "strong", Q2: "thin"}, "yes", amendments=(
        Amendment(late, Rate(Q1, "thin", late), Rate(Q1, "mid", None)),
        Amendment(late + timedelta(hours=1), Rate(Q1, "strong", late), Rate(Q1, "thin", late)),
        Amendment(late, Recommend("yes"), Recommend("no"))))
    assert submitted_ratings(sc) == {Q1: "mid", Q2: "thin"}
    assert submitted_recommendation(sc) == "no"
    assert submitted_recommendation(card("s", "Ana", "Kim", {}, "yes")) == "yes"


def _summaries(scs: list[Scorecard]) -> list[RoundSummary]:
    return [RoundSummary.of(sc, sc.id, sc.submitted_at) for sc in scs]


def test_a_viewer_with_an_unsubmitted_scorecard_gets_nothing_from_that_candidate(
        pack: Pack) -> None:
    scs = [card(f"x{n}-{who}", f"Cand {n}", who, {Q1: "mid"})
           for n in range(12) for who in ("Kim", "Lou")]
    pending = card("open", "cand 3 ", "Mo", {Q1: None}, submitted=False)
    rounds = _summaries([*scs, pending])
    assert held_back("mo", rounds) == {"cand 3"}
    assert held_back("Kim", rounds) == set()
    assert held_back(None, rounds) == {"cand 3"}  # reader unknown: nobody's pending ones
    for viewer, expected in (("Mo", 11), ("Kim", 12), (None, 11)):
        cal = compute([*scs, pending], [], pack, viewer=viewer, rounds=rounds)
        assert cal.candidates == expected and cal.scorecards == 2 * expected
        assert cal.held_back == 12 - expected
    # The unsubmitted scorecard itself never counts, even for its own author.
    assert compute([pending], [], pack, viewer="Kim", rounds=rounds).scorecards == 0


def test_an_unknown_reader_is_held_back_from_every_authors_open_candidates() -> None:
    # With nobody named, every author of an unsubmitted scorecard is a possible reader:
    # what is held back is the union of what each of them may not see.
    rng = random.Random(5)
    cards = [card(f"r{n}", rng.choice(["Ana", "ana ", "Bo", "Cy", "Dee"]),
                  rng.choice(["Kim", "kim", "Lou", "Mo"]), {Q1: "mid"},
                  submitted=rng.random() < 0.6) for n in range(60)]
    rounds = _summaries(cards)
    authors = {r.interviewer for r in rounds if r.submitted_at is None}
    expected = set().union(*(held_back(who, rounds) for who in authors))
    assert expected and held_back(None, rounds) == expected
    # One pass, not one per author: 3,000 open rounds by as many authors took 2.5 s.
    many = _summaries([card(f"o{n}", f"Cand {n % 500}", f"Author {n}", {Q1: None},
                            submitted=False) for n in range(3000)])
    began = time.perf_counter()
    assert held_back(None, many) == {f"cand {n}" for n in range(500)}
    assert time.perf_counter() - began < 0.5


def test_filters_since_and_archetype(pack: Pack) -> None:
    scs = [card("old", "Ana", "Kim", {Q1: "mid"}, start=T0),
           card("new", "Bo", "Kim", {Q1: "mid"}, start=T0 + timedelta(days=30)),
           card("dist", "Cy", "Kim", {Q1: "mid"}, start=T0 + timedelta(days=30),
                archetype="distributed")]
    since = (T0 + timedelta(days=10)).astimezone().date()
    assert compute(scs, [], pack, filters=Filters(since=since)).scorecards == 2
    cal = compute(scs, [], pack, filters=Filters(since=since, archetype="api"))
    assert cal.scorecards == 1 and cal.first == T0 + timedelta(days=30)
    assert compute(scs, [], pack, filters=Filters(since=date(2030, 1, 1))).scorecards == 0
    dims = compute(scs, [], pack, filters=Filters(archetype="api")).dimensions
    assert [(d.id, d.title, d.weight) for d in dims] == [
        ("technical", "API and service design", 60), ("design", "System design scenario", 25),
        ("ownership", "Behavioural and ownership", 15)]


def test_decisions_flags_probes_and_skips(pack: Pack) -> None:
    probes_all = tuple(ProbeAnswer(f"failure.{t}", True, "mid")
                       for t in ("database", "queue", "downstream"))
    probes_two = (*probes_all[:2], ProbeAnswer("failure.downstream", False))
    scs, decisions = [], []
    for n in range(12):
        cand = f"Cand {n}"
        # Kim says yes to the even candidates; the panel hires candidates 0..5; 10, 11 withdraw.
        scs.append(card(f"k{n}", cand, "Kim", {Q1: "skip" if n == 0 else "mid",
                                              SCEN: None if n == 1 else "thin"},
                        "yes" if n % 2 == 0 else "no",
                        probes=probes_two if n < 3 else probes_all,
                        flags=(FlagRecord("buzzwords", "confirmed"),) if n < 4 else
                        (FlagRecord("defensive", "probed"),)))
        outcome = "withdrawn" if n >= 10 else "hire" if n < 6 else "no_hire"
        decisions.append(Decision(cand, outcome, "Lead", T0, "senior" if outcome == "hire"
                                  else None))
    cal = compute(scs, decisions, pack)
    (kim,) = cal.interviewers
    # Decided: 0..9. Kim's side matches for 0, 2, 4 (yes, hired) and 7, 9 (no, not hired).
    assert (kim.agreement.n, kim.agreement.value) == (10, pytest.approx(5 / 10))
    assert kim.red_flags.value == pytest.approx(4 / 12)  # confirmed only
    # Candidate 1's scenario was not rated: 11 scenarios; 0 and 2 skipped a failure probe.
    assert (kim.failure_probe_skips.n, kim.failure_probe_skips.value) == (
        11, pytest.approx(2 / 11))
    q1 = next(i for i in cal.items if i.id == Q1)
    scen = next(i for i in cal.items if i.id == SCEN)
    assert (q1.asked, q1.skipped, q1.unrated, q1.rated) == (12, 1, 0, 11)
    assert (scen.asked, scen.unrated, scen.rated) == (12, 1, 11)
    assert cal.decided == 10 and cal.candidates == 12


def _team(pack: Pack, seed: int, useless: str | None = None, flat: str | None = None
          ) -> tuple[list[Scorecard], list[Decision]]:
    """A plain panel: 60 candidates, three of five interviewers each, five items asked by
    everyone; ``useless`` is rated without regard to skill, ``flat`` is always Mid."""
    rng = random.Random(seed)
    people = ("Ann", "Ben", "Cat", "Dev", "Eli")
    items = (Q1, Q2, "q-sql-vs-nosql", "q-logs-vs-metrics", SCEN)
    steps = ("very_thin", "thin", "mid", "strong")
    scs, decisions = [], []
    for n in range(60):
        cand, skill = f"Cand {n}", rng.gauss(0, 1)
        answer = {i: rng.gauss(0, 1) if i == useless else skill + rng.gauss(0, 0.4)
                  for i in items}
        recs = []
        for who in rng.sample(people, 3):
            ratings: dict[str, str | None] = {}
            for i in items:
                level = 1.5 + answer[i] + rng.gauss(0, 0.35)
                ratings[i] = "mid" if i == flat else steps[max(0, min(3, round(level)))]
            rec = ("strong_no", "no", "yes", "strong_yes")[
                max(0, min(3, round(1.5 + skill + rng.gauss(0, 0.4))))]
            recs.append(rec in ("yes", "strong_yes"))
            scs.append(card(f"{n}-{who}", cand, who, ratings, rec))
        hire = sum(recs) >= 2
        decisions.append(Decision(cand, "hire" if hire else "no_hire", "Lead", T0,
                                  "senior" if hire else None))
    return scs, decisions


def test_an_ordinary_team_raises_no_finding(pack: Pack) -> None:
    scs, decisions = _team(pack, seed=1)
    cal = compute(scs, decisions, pack)
    assert cal.findings == ()
    q1 = cal.items[0]
    assert q1.agreement.status == "solid" and q1.agreement.value is not None
    assert q1.agreement.value > 0.6
    assert q1.predicts_recommendation.low is not None and q1.predicts_recommendation.low > 0.3


def test_findings_name_a_question_without_spread_and_one_that_predicts_nothing(
        pack: Pack) -> None:
    scs, decisions = _team(pack, seed=2, useless="q-logs-vs-metrics", flat="q-sql-vs-nosql")
    cal = compute(scs, decisions, pack)
    found = {(f.about, f.subject, f.kind) for f in cal.findings}
    assert found == {("item", "q-sql-vs-nosql", "no_spread"),
                     ("item", "q-logs-vs-metrics", "predicts_nothing")}
    flat = next(f for f in cal.findings if f.kind == "no_spread")
    assert flat.text.startswith("Nearly everyone rates SQL or NoSQL for a new feature Mid: "
                                "100% of 180 ratings")
    assert not flat.tentative
    useless = next(f for f in cal.findings if f.kind == "predicts_nothing")
    assert "does not predict the interviewer's recommendation" in useless.text
    assert "180 ratings from 60 candidates" in useless.text
    sql = next(i for i in cal.items if i.id == "q-sql-vs-nosql")
    assert sql.agreement.value is None and "not defined" in sql.agreement.note


def test_no_finding_rests_on_too_few(pack: Pack) -> None:
    scs, decisions = _team(pack, seed=2, useless="q-logs-vs-metrics", flat="q-sql-vs-nosql")
    few = [sc for sc in scs if int(sc.candidate.split()[1]) < 3]  # 9 ratings per item
    cal = compute(few, decisions, pack)
    assert cal.findings == ()
    assert all(i.spread.status == "too_few" and i.spread.value is None for i in cal.items)
    assert all(i.agreement.status == "too_few" for i in cal.items)


def test_a_candidate_with_thousands_of_rounds_costs_no_more_than_their_number(
        pack: Pack) -> None:
    # An import gone wrong (or a hostile one) gives Cand 0 six thousand more rounds by
    # Avery. Each of Avery's ratings is still set against Blake's, and Blake's against
    # the mean of Avery's; the walk and tau-b's jackknife must not pay the square of
    # the candidate's ratings for it (7.8 s on this machine before they were bounded,
    # 0.06 s after).
    extra = 6000
    asked = (Q1, Q2, SCEN)
    scs = [card(f"a{n}", f"Cand {n}", "Avery", dict.fromkeys(asked, "strong"),
                "yes" if n % 2 else "no") for n in range(10)]
    scs += [card(f"b{n}", f"Cand {n}", "Blake", dict.fromkeys(asked, "mid"),
                 "yes" if n % 3 else "no") for n in range(10)]
    scs += [card(f"x{n}", "Cand 0", "Avery", dict.fromkeys(asked, "thin"), "no")
            for n in range(extra)]
    decisions = [Decision(f"Cand {n}", "hire", "Lead", T0, "senior") if n % 2 else
                 Decision(f"Cand {n}", "no_hire", "Lead", T0) for n in range(10)]
    began = time.perf_counter()
    cal = compute(scs, decisions, pack)
    assert time.perf_counter() - began < 2.0
    avery, blake = (next(f for f in cal.interviewers if f.name == n) for n in ("Avery", "Blake"))
    assert avery.leniency.n == 3 * (10 + extra)
    assert avery.leniency.value == pytest.approx((9 * 1 + 1 - extra) / (10 + extra))
    assert blake.leniency.n == 3 * 10
    assert blake.leniency.value == pytest.approx((-9 + 3 - (4 + 2 * extra) / (1 + extra)) / 10)
    q1 = next(i for i in cal.items if i.id == Q1)
    assert (q1.predicts_decision.n, q1.predicts_decision.clusters) == (20 + extra, 10)
    assert q1.predicts_decision.low is not None  # the exact jackknife ran over every group


def test_an_interviewer_who_met_a_candidate_twice_is_compared_with_the_others(
        pack: Pack) -> None:
    # Avery rates every answer Strong and Blake Mid, except that Avery met Cand 0 twice
    # (Strong, then Thin). Each of Avery's two ratings is set against Blake's alone, and
    # Blake's against the mean of Avery's two; Solo's answers, heard by Avery twice and by
    # nobody else, compare nobody with anybody.
    scs = [card(f"a{n}", f"Cand {n}", "Avery", {Q1: "strong"}) for n in range(10)]
    scs += [card(f"b{n}", f"Cand {n}", "Blake", {Q1: "mid"}) for n in range(10)]
    scs += [card("again", "Cand 0", "avery ", {Q1: "thin"}),
            card("s1", "Solo", "Avery", {Q1: "mid"}), card("s2", "Solo", "Avery", {Q1: "thin"})]
    cal = compute(scs, [], pack)
    avery, blake = (next(f for f in cal.interviewers if f.name == n) for n in ("Avery", "Blake"))
    assert (avery.leniency.n, avery.leniency.clusters) == (11, 10)
    assert avery.leniency.value == pytest.approx((9 * 1 + 1 - 1) / 11)
    assert (blake.leniency.n, blake.leniency.clusters) == (10, 10)
    assert blake.leniency.value == pytest.approx(-9 / 10)
