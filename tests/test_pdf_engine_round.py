"""A round run through the real live engine, amended after submission, exported as PDF."""

from __future__ import annotations

from pathlib import Path

from companion.content.loader import builtin_pack
from companion.content.planner import plan_loop
from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.store import Store
from tests.scorecards import pdf_body


def test_engine_round_with_amendments_prints_them_in_words(tmp_path: Path) -> None:
    from companion.export.scorecard_pdf import render_scorecard

    pack = builtin_pack()
    planned = next(r for r in plan_loop(pack, "api", "senior").rounds
                   if any(i.startswith("s-") for i in r.items))
    scenario = pack.item(planned.items[0])
    clock = ManualClock()
    with Store.open(tmp_path / "data") as store:
        eng = RoundEngine.start(store, pack, planned, candidate="Андрей Смирнов",
                                interviewer="Zoë Łukasiewicz", archetype="api",
                                level="senior", clock=clock)
        eng.start_round()
        clock.advance(300)
        eng.rate("thin")
        eng.answer_probe("failure.database", rating="mid", note="Falls back to a read replica.")
        eng.answer_probe(scenario.probes[0].id, rating="thin", note="Guessed at the balancer.")
        eng.edit_notes("said", "Started from the cache, not from the numbers.")
        eng.set_flag(pack.red_flags[0].id, "confirmed", evidence="Named three products, no why.")
        eng.set_recommendation("no")
        eng.set_summary("Sound instincts, thin on failure handling.")
        clock.advance(1500)
        assert eng.submit()
        clock.advance(3600)
        eng.rate("mid")
        eng.answer_probe("failure.queue", rating="thin", note="Retries forever, no dead letters.")
        eng.edit_notes("said", "Started from the cache; measured once asked.")
        eng.flush()
        sc = eng.scorecard()
        eng.close()

    out = render_scorecard(sc, pack, tmp_path / "round.pdf")
    flat = " ".join(pdf_body(out).split())
    assert "Андрей Смирнов" in flat and "Zoë Łukasiewicz" in flat
    assert f"Rating of {scenario.title}" in flat
    assert f"Queue failure probe on {scenario.title}" in flat
    assert "Before: not recorded After: asked, Thin: Retries forever, no dead letters." in flat
    assert f"Notes (what they said) on {scenario.title}" in flat
    assert ("Before: Started from the cache, not from the numbers. "
            "After: Started from the cache; measured once asked.") in flat
    assert "Before: Thin After: Mid" in flat
    # The item itself shows the amended values, marked as amended.
    assert f"Scenario 1: {scenario.title} (amended after submission)" in flat
    assert "Confirmed: " + pack.red_flags[0].title in flat
    assert "Recommendation: No" in flat
