"""A section with nothing to show is never entered: F4 passes the failure-probe section by
in a design round whose scenario carries no failure probes (a team's own pack may say so),
and the scorecard PDF, read back, does not list it among the sections."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from companion.content.loader import builtin_pack
from companion.content.model import Pack
from companion.content.planner import PlannedRound
from companion.export.scorecard_pdf import render_scorecard
from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.store import Store
from tests.scorecards import pdf_pages
from tests.ui_live_support import START


def _design_round(pack: Pack, data_dir: Path) -> tuple[Store, RoundEngine]:
    template = pack.find_template("scenario")
    assert template is not None
    store = Store.open(data_dir)
    engine = RoundEngine.start(store, pack, PlannedRound(template, ("s-fk-big-table",)),
                               candidate="Ana Pereira", interviewer="Sam Okafor",
                               archetype="data", level="senior", clock=ManualClock(START))
    engine.start_round()
    return store, engine


def _walk(engine: RoundEngine) -> list[str]:
    seen = [engine.timers().section_title]
    while engine.next_section():
        seen.append(engine.timers().section_title)
    return seen


def _sections_in_pdf(engine: RoundEngine, pack: Pack, out: Path) -> str:
    """The PDF's "Sections: planned and actual" table, as text read back from the file."""
    text = "\n".join(pdf_pages(render_scorecard(engine.scorecard(), pack, out)))
    start = text.index("Sections: planned and actual")
    return text[start:text.index("Weighted summary", start)]


def test_the_failure_section_is_passed_by_only_when_nothing_carries_the_probes(
        data_dir: Path) -> None:
    pack = builtin_pack()
    store, engine = _design_round(pack, data_dir)
    try:
        with_probes = _walk(engine)
        listed = _sections_in_pdf(engine, pack, data_dir / "with.pdf")
    finally:
        engine.close()
        store.close()
    assert "Failure probes: database, queue, downstream" in with_probes

    own = replace(pack, scenarios=tuple(
        replace(s, failure_probes=False) if s.id == "s-fk-big-table" else s
        for s in pack.scenarios))
    store, engine = _design_round(own, data_dir / "own")
    try:
        without = _walk(engine)
        left_out = _sections_in_pdf(engine, own, data_dir / "without.pdf")
    finally:
        engine.close()
        store.close()
    assert without == [t for t in with_probes if not t.startswith("Failure probes")]
    assert len(without) == len(with_probes) - 1
    # The PDF lists the section where it was there to enter, and leaves it out where F4
    # passed it by; every other section stays.
    assert "Failure probes" in listed
    assert "Failure probes" not in left_out
    for title in without:
        assert title.split(":")[0] in left_out, title
