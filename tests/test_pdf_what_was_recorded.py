"""The PDFs print what the window records, and keep small tables whole (issue 14).

- An ordinary probe is ticked as asked (and when); the window has no rating or
  answer for one, so neither PDF prints a "Not rated" or "-" it could never fill.
- The weighted-summary table never leaves its header alone at the foot of a page.
- ``panel`` counts "1 scorecard", not "1 scorecards".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from companion.content.loader import builtin_pack
from companion.content.planner import plan_loop
from companion.export.panel_pdf import render_panel
from companion.export.scorecard_pdf import render_scorecard
from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.record.scorecard import Scorecard
from companion.store import Store
from tests.scorecards import make_scorecard, pack, pdf_body, pdf_pages


def _window_round(data_dir: Path, interviewer: str) -> Scorecard:
    """A round taken the way the window takes it: ordinary probes are only ticked."""
    p = builtin_pack()
    planned = next(r for r in plan_loop(p, "api", "senior").rounds
                   if r.template.kind == "technical")
    clock = ManualClock()
    with Store.open(data_dir) as store:
        engine = RoundEngine.start(store, p, planned, candidate="Dana Whitfield",
                                   interviewer=interviewer, archetype="api", level="senior",
                                   clock=clock)
        engine.start_round()
        item = next(it for it in engine.items if it.probes)
        engine.jump(engine.items.index(item))
        clock.advance(125)
        engine.answer_probe(item.probes[0].id, asked=True)  # Ctrl+1: ticked, nothing more
        engine.rate("mid")
        engine.set_recommendation("yes")
        engine.submit()
        engine.close()
        return store.load_scorecard(engine.round_id)


def test_ordinary_probes_show_when_they_were_asked(tmp_path: Path, data_dir: Path) -> None:
    p = builtin_pack()
    sc = _window_round(data_dir, "Sam Ortiz")
    probe = next(pr for it in sc.items for pr in it.probes)
    question = next(q for it in sc.items if it.probes
                    for q in (p.find_item(it.item_id),) if q is not None)
    text = " ".join(pdf_body(render_scorecard(sc, p, tmp_path / "c.pdf")).split())
    start = text.index("Probes asked")
    probes = text[start:text.index("What they said", start)]
    assert probes.startswith("Probes asked Probe Asked (into the round)")
    assert "2:05" in probes
    assert "Not rated" not in probes and "Rating" not in probes and "Answer" not in probes
    other = _window_round(data_dir, "Priya Raman")
    panel = " ".join(pdf_body(render_panel([sc, other], p, tmp_path / "d.pdf")).split())
    text_of_probe = next(x.text for x in question.probes if x.id == probe.probe_id)
    assert f"Probe asked, 2:05 into the round: “{text_of_probe}”" in panel
    assert "(no answer noted)" not in panel and "Probe [Not rated]" not in panel


def test_recorded_ratings_and_answers_still_print(tmp_path: Path) -> None:
    sc = make_scorecard(pack())  # probes with ratings and notes, as a file may carry them
    text = " ".join(pdf_body(render_scorecard(sc, pack(), tmp_path / "c.pdf")).split())
    assert "Probe Asked (into the round) Rating Answer" in text


def test_the_weighted_summary_header_never_ends_a_page_alone(tmp_path: Path) -> None:
    p = pack()
    seen = 0
    for words in range(20, 140, 4):  # moves the section down the page a little each time
        sc = make_scorecard(p, words_per_note=words, seed=words)
        for page in pdf_pages(render_scorecard(sc, p, tmp_path / f"{words}.pdf")):
            flat = " ".join(page.split())
            if "Dimension Weight Items rated Mean" in flat:
                seen += 1
                assert "Weighted summary (an aid, not a verdict)" in flat
                assert "Weighted mean" in flat, f"header alone at {words} words per note"
    assert seen == len(range(20, 140, 4))


def test_one_scorecard_is_one_scorecard(cli: Any, tmp_path: Path, data_dir: Path) -> None:
    sc = _window_round(data_dir, "Sam Ortiz")
    res = cli("panel", sc.id, "--pdf", str(tmp_path / "one.pdf"))
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().endswith("(1 scorecard)")
