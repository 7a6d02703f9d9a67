"""A stored round whose items left the pack still opens, keeps its records and can be finished."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader

from companion.export.scorecard_pdf import render_scorecard
from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.store import Store
from tests.fixtures.samples import sample_pack, sample_planned


def _without(*gone: str):  # type: ignore[no-untyped-def]
    pack = sample_pack()
    return replace(pack, version="1.3.0",
                   questions=tuple(q for q in pack.questions if q.id not in gone),
                   scenarios=tuple(s for s in pack.scenarios if s.id not in gone))


def test_items_that_left_the_pack_come_back_as_stand_ins(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        eng = RoundEngine.start(store, sample_pack(), sample_planned(), candidate="Dana",
                                interviewer="Sam", archetype="api", level="senior",
                                clock=ManualClock())
        eng.rate("thin", "q-pagination")
        eng.edit_notes("said", "cursor over offset, no word on consistency", "q-pagination")
        eng.rate("mid", "s-orders")
        eng.jump(1)
        round_id = eng.round_id
        assert eng.close()

        newer = _without("q-pagination", "s-orders")
        again = RoundEngine.reopen(store, newer, round_id, clock=ManualClock())
        assert again.stand_ins == ("q-pagination", "s-orders")
        assert [it.id for it in again.items] == list(sample_planned().items)
        assert again.current.id == "q-pagination"  # where the round stopped
        assert "no longer in the pack" in again.current.title
        assert "1.3.0" in again.current.prompt
        # What was recorded is all there, and the round can still be changed and submitted.
        assert again.record("q-pagination").rating == "thin"
        assert again.notes("q-pagination")[0].startswith("cursor over offset")
        assert again.record("s-orders").rating == "mid"
        assert again.rate("mid", "q-pagination")
        again.set_recommendation("no")
        assert again.submit()
        sc = store.load_scorecard(round_id)
        assert sc.submitted and sc.item("q-pagination").rating == "mid"

        # The scorecard still exports against the newer pack; stand-ins print by id.
        out = tmp_path / "card.pdf"
        render_scorecard(sc, newer, out)
        text = "".join(page.extract_text() for page in PdfReader(out).pages)
        assert "q-pagination" in text and "cursor over offset" in text
        assert again.close()


def test_a_round_whose_items_are_all_known_has_no_stand_ins(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        eng = RoundEngine.start(store, sample_pack(), sample_planned(), candidate="Dana",
                                interviewer="Sam", archetype="api", level="senior",
                                clock=ManualClock())
        round_id = eng.round_id
        assert eng.close()
        again = RoundEngine.reopen(store, sample_pack(), round_id, clock=ManualClock())
        assert again.stand_ins == ()
        assert again.close()
