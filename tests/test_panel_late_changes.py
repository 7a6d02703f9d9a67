"""The debrief shows what an interviewer changed after submitting (issue 10).

Sam submits with the scenario rated Thin, reads colleagues' cards, changes it to
Mid and adds a sentence to the notes. The lead must see it in the rating matrix,
in the evidence ("was Thin, changed 14:12 UTC, 25 min after submission") and on
the agenda, not just the new value with a misleading "rated 3:06 into the round".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from companion.export.late_changes import late_changes, text_difference
from companion.export.panel_pdf import render_panel
from companion.record.changes import Amendment, EditText, Rate
from companion.record.scorecard import Scorecard
from tests.scorecards import make_scorecard, pack, pdf_body, squash


def _panel() -> tuple[str, list[Scorecard]]:
    p = pack()
    scenario = next(s.id for s in p.scenarios if s.suits("api", "senior"))
    question = next(q.id for q in p.questions if q.suits("api", "senior"))
    priya = make_scorecard(p, interviewer="Priya Raman", seed=1, item_ids=[question, scenario],
                           ratings={question: "mid", scenario: "strong"})
    sam = make_scorecard(p, interviewer="Sam Ortiz", seed=2, item_ids=[question, scenario],
                         ratings={question: "mid", scenario: "thin"})
    assert sam.submitted_at is not None
    at = sam.submitted_at + timedelta(minutes=25)
    rec = sam.item(scenario)
    assert rec is not None
    added = " On reflection, the caching answer was better than I wrote."
    amendments = (
        Amendment(at, Rate(scenario, "mid", at), Rate(scenario, "thin", rec.rated_at)),
        Amendment(at + timedelta(minutes=1), EditText(scenario, "read", rec.read + added),
                  EditText(scenario, "read", rec.read)),
    )
    for a in amendments:
        sam = sam.apply(a)
    return scenario, [priya, sam]


def test_the_matrix_the_evidence_and_the_agenda_show_the_change(tmp_path: Path) -> None:
    p = pack()
    scenario, scs = _panel()
    title = p.item(scenario).title
    text = " ".join(pdf_body(render_panel(scs, p, tmp_path / "d.pdf")).split())
    sam = scs[1]
    assert sam.submitted_at is not None
    changed_at = (sam.submitted_at + timedelta(minutes=25)).strftime("%H:%M UTC")
    # The agenda lists both changes, numbered after the disagreements.
    agenda = text[text.index("Debrief agenda"):text.index("Ratings per question and scenario")]
    assert "what changed after submission" in agenda
    assert f"(changed) Sam Ortiz: Rating of {title}" in agenda
    assert f"changed {changed_at}, 25 min after submission" in agenda
    assert "Thin → Mid" in agenda
    assert squash(f"(changed) Sam Ortiz: Notes (my read) on {title}") in squash(agenda)
    assert squash("added “On reflection, the caching answer was better than I wrote.”") in \
        squash(agenda)
    # The matrix cell says what it was.
    matrix = text[text.index("Ratings per question and scenario"):text.index("Dimensions and")]
    assert "Mid (changed) was Thin" in matrix
    assert "the rating was changed after submission" in matrix
    # The evidence says when, instead of an offset into the round it does not belong to.
    evidence = text[text.index("Evidence"):]
    assert f"Sam Ortiz: Mid · was Thin, changed {changed_at}, 25 min after submission" in \
        evidence
    assert "Also changed after submission: Notes (my read)" in evidence
    assert "Priya Raman: Strong · rated" in evidence  # an untouched voice keeps its offset


def test_several_edits_of_one_thing_are_one_entry() -> None:
    p = pack()
    scenario, scs = _panel()
    sam = scs[1]
    assert sam.submitted_at is not None
    at = sam.submitted_at + timedelta(hours=1)
    again = Amendment(at, Rate(scenario, "strong", at), Rate(scenario, "mid", at))
    sam = sam.apply(again)
    changes = late_changes([scs[0], sam], ["Priya Raman", "Sam Ortiz"], p)
    rating = [c for c in changes if c.is_rating]
    assert len(rating) == 1 and rating[0].edits == 2
    assert (rating[0].before, rating[0].after) == ("Thin", "Strong")
    assert not [c for c in changes if c.column == "Priya Raman"]


def test_text_differences_are_short() -> None:
    long = "word " * 500
    assert text_difference(long, long + "new end") == "added “new end”"
    assert text_difference(long + "old end", long) == "removed “old end”"
    assert text_difference("a" * 500, "b" * 500, 20).count("…") == 2


def test_no_changes_no_section(tmp_path: Path) -> None:
    p = pack()
    _, scs = _panel()
    plain = [replace(sc, amendments=()) for sc in scs]
    text = " ".join(pdf_body(render_panel(plain, p, tmp_path / "d.pdf")).split())
    assert "Changed after submission" not in text and "(changed)" not in text
