"""The built-in backend pack: complete, consistent, and shaped the way the planner expects."""

from __future__ import annotations

import dataclasses

import pytest

from companion.content.loader import builtin_pack
from companion.content.model import CUE_LEVELS, DIMENSIONS, LEVELS, Pack

QUESTION_IDS = {
    "q-last-service", "q-sql-vs-nosql", "q-pagination", "q-idempotent-safe", "q-slow-query",
    "q-rate-limiting", "q-logs-vs-metrics", "q-zero-downtime-migration", "q-intermittent-500s",
    "q-message-queue", "q-third-party-tests", "q-cap-plain",
}
SCENARIO_IDS = {"s-read-timeouts", "s-event-side-effect", "s-fk-big-table", "s-cache-hit-drop"}
FLAG_IDS = {"buzzwords", "resume-voice", "no-tradeoffs", "defensive", "cannot-draw"}


@pytest.fixture(scope="module")
def pack() -> Pack:
    return builtin_pack()


def test_counts_and_ids(pack: Pack) -> None:
    assert (pack.id, pack.version) == ("backend", "1.0")
    assert [a.id for a in pack.archetypes] == ["api", "distributed", "data"]
    assert {q.id for q in pack.questions} == QUESTION_IDS and len(pack.questions) == 12
    assert {s.id for s in pack.scenarios} == SCENARIO_IDS and len(pack.scenarios) == 4
    assert {f.id for f in pack.red_flags} == FLAG_IDS and len(pack.red_flags) == 5
    assert [lvl.id for lvl in pack.levels] == list(LEVELS)


def test_archetype_weights_labels_and_pay(pack: Pack) -> None:
    expected = {
        "api": ((60, 25, 15), (125_000, 175_000), "API and service design"),
        "distributed": ((35, 45, 20), (165_000, 245_000), "Deep technical"),
        "data": ((50, 30, 20), (140_000, 195_000), "Data modelling and SQL"),
    }
    for arch in pack.archetypes:
        weights, band, technical = expected[arch.id]
        assert tuple(arch.weight(d) for d in DIMENSIONS) == weights
        assert (arch.pay.low, arch.pay.high) == band
        assert arch.label("technical") == technical
        assert arch.label("ownership") == "Behavioural and ownership"
        assert arch.owns and arch.pay.note
    assert "$250K" in pack.archetype("distributed").pay.note
    assert "Snowflake" in pack.archetype("data").pay.note


def test_every_item_is_usable(pack: Pack) -> None:
    archetypes = {a.id for a in pack.archetypes}
    flags = {f.id for f in pack.red_flags}
    for item in (*pack.questions, *pack.scenarios):
        assert item.prompt.strip() and item.title.strip(), item.id
        assert item.archetypes and set(item.archetypes) <= archetypes, item.id
        assert item.dimension in DIMENSIONS, item.id
        assert item.cues.strong, item.id  # the guide gives a strong anchor for every item
        assert set(item.watch_flags) <= flags, item.id
        probe_ids = [p.id for p in item.probes]
        assert probe_ids and len(probe_ids) == len(set(probe_ids)), item.id
    for arch in archetypes:  # each archetype has enough to fill a technical round
        assert sum(q.suits(arch) for q in pack.questions) >= 5
        assert any(s.suits(arch) for s in pack.scenarios)


def test_cue_anchors_follow_the_guide(pack: Pack) -> None:
    def given(item_id: str) -> list[str]:
        item = pack.item(item_id)
        return [lvl for lvl, _t in item.cues.present() if lvl not in item.added_cues]

    # The anchors the hiring guide gives, left as the guide has them ...
    assert given("q-pagination") == ["strong", "mid", "thin"]
    assert given("q-slow-query") == ["strong", "mid", "thin"]
    assert given("q-logs-vs-metrics") == ["strong", "thin", "very_thin"]
    assert given("q-message-queue") == ["strong", "thin", "very_thin"]
    assert given("q-intermittent-500s") == ["strong"]
    assert given("s-cache-hit-drop") == ["strong"]
    assert given("s-fk-big-table") == ["strong"]
    # ... and an anchor at every point of the scale: the pack writes the rest and says so.
    for item in (*pack.questions, *pack.scenarios):
        assert [lvl for lvl, _t in item.cues.present()] == list(CUE_LEVELS), item.id
        assert item.added_cues and set(item.added_cues) <= set(CUE_LEVELS) - {"strong"}
        for level in item.added_cues:
            text = item.cues.get(level)
            assert text and len(text.split()) >= 8, (item.id, level)


def test_archetype_fit_is_sensible(pack: Pack) -> None:
    assert set(pack.question("q-last-service").archetypes) == {"api", "distributed", "data"}
    assert set(pack.question("q-slow-query").archetypes) == {"data", "api"}
    assert set(pack.question("q-cap-plain").archetypes) == {"distributed", "data"}
    assert pack.question("q-rate-limiting").dimension == "design"
    assert not pack.question("q-slow-query").suits("distributed")
    assert all(s.dimension == "design" for s in pack.scenarios)


def test_the_opener(pack: Pack) -> None:
    openers = [q for q in pack.questions if q.opener]
    assert [q.id for q in openers] == ["q-last-service"]
    assert openers[0].listen_minutes == 3


def test_scenarios(pack: Pack) -> None:
    for s in pack.scenarios:
        assert s.kind == "scenario" and s.strong_first_move
    assert pack.scenario("s-read-timeouts").sketch_minutes == 3
    general = dict(pack.failure_probe.targets)
    for s in pack.scenarios:
        # Every design scenario carries the three failure probes, each phrased for it.
        probe = pack.failure_probe_for(s)
        assert probe is not None, s.id
        assert [t for t, _ in probe.targets] == ["database", "queue", "downstream"]
        for target, text in probe.targets:
            assert text and text != general[target], (s.id, target)
    assert pack.failure_probe_for(pack.questions[0]) is None


def test_failure_probe(pack: Pack) -> None:
    fp = pack.failure_probe
    assert [t for t, _text in fp.targets] == ["database", "queue", "downstream"]
    assert fp.probe_ids() == ("failure.database", "failure.queue", "failure.downstream")
    assert len(fp.complete_answer) == 3
    joined = " ".join(fp.complete_answer)
    assert "recovery" in joined and "retr" in joined and "consistency" in joined


def test_red_flags_have_distinct_keys(pack: Pack) -> None:
    assert sorted(f.key for f in pack.red_flags) == ["1", "2", "3", "4", "5"]
    assert all(f.sounds_like and f.probe_first for f in pack.red_flags)


def test_templates_fit_and_cover_every_round_kind(pack: Pack) -> None:
    by_id = {t.id: t for t in pack.templates}
    for t in pack.templates:
        assert t.sections and t.section_minutes() <= t.minutes, t.id
    assert {t.kind for t in pack.templates} >= {
        "screen", "technical", "scenario", "behavioural", "architecture", "coding",
        "take_home_review"}
    assert [by_id[i].minutes for i in ("screen", "technical", "scenario", "behavioural")] == [
        45, 60, 75, 45]
    assert by_id["architecture"].levels == ("staff",)
    assert by_id["scenario"].senior_grade and by_id["scenario"].max_scenarios == 1
    assert by_id["coding-live-mid"].minutes == 45 and by_id["coding-live-mid"].levels == ("mid",)
    assert by_id["take-home-review"].coding_format == "take_home"
    opener = by_id["technical"].sections[0]
    assert (opener.timer, opener.draws) == ("listen", "questions")
    assert any(s.timer == "sketch" and s.draws == "scenarios" for s in by_id["scenario"].sections)
    orders = [t.order for t in pack.templates]
    assert orders == sorted(orders)


def test_levels_and_pay_anchors(pack: Pack) -> None:
    assert pack.level("mid").default_coding == "live"
    assert not pack.level("mid").take_home_paid
    for lvl in ("senior", "staff"):
        assert pack.level(lvl).default_coding == "take_home"
        assert pack.level(lvl).take_home_paid
    assert all((r.min_rounds, r.max_rounds) == (3, 5) for r in pack.levels)
    pay = pack.pay
    assert (pay.placed_median, pay.placed_searches) == (138_500, 63)
    assert (pay.public_low, pay.public_high) == (108_000, 148_000)
    assert (pay.take_home_fee_low, pay.take_home_fee_high) == (150, 300)
    assert "2025" in pay.placed_window and "2026" in pay.placed_window


def test_builtin_pack_is_cached_and_immutable(pack: Pack) -> None:
    assert builtin_pack() is pack
    with pytest.raises(dataclasses.FrozenInstanceError):
        pack.questions[0].title = "changed"  # type: ignore[misc]


def test_content_check_reports_the_counts(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("content", "check")
    assert res.returncode == 0, res.stderr
    samples = len(builtin_pack().samples)
    assert samples >= 64  # four a level for each of the sixteen items, at the least
    assert res.stdout.strip() == ("ok: pack backend 1.0: 3 archetypes, 12 questions, "
                                  "4 scenarios, 5 red flags, 8 round templates, 3 levels, "
                                  f"{samples} sample answers")
