"""Panel analysis without layout: checks, rating matrix, disagreements, coverage, weighting."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from companion.base.errors import CompanionError
from companion.export.analysis import (
    analyse_panel,
    check_panel,
    column_labels,
    weighted_summary,
)
from companion.record.changes import ROUND, Amendment, EditText
from tests.scorecards import START, flag, make_scorecard, pack


def _ids() -> tuple[list[str], list[str]]:
    p = pack()
    return ([q.id for q in p.questions if q.suits("api", "senior")],
            [s.id for s in p.scenarios if s.suits("api", "senior")])


def test_weighted_summary_uses_the_archetype_weights() -> None:
    p = pack()
    qs, ss = _ids()
    by_dim = {d: [i for i in (*qs, *ss) if p.item(i).dimension == d]
              for d in ("technical", "design", "ownership")}
    items = [by_dim["technical"][0], by_dim["technical"][1], by_dim["design"][0],
             by_dim["ownership"][0]]
    sc = make_scorecard(p, item_ids=items, ratings={
        items[0]: "strong", items[1]: "very_thin", items[2]: "mid", items[3]: "skip"})
    ws = weighted_summary(sc, p)
    arche = p.archetype("api")
    means = {d.dimension: d.mean for d in ws.dimensions}
    assert means == {"technical": 2.5, "design": 3.0, "ownership": None}
    assert ws.unscored == ("ownership",)  # skip is excluded, so ownership has no score
    expected = (arche.weight("technical") * 2.5 + arche.weight("design") * 3.0) / (
        arche.weight("technical") + arche.weight("design"))
    assert ws.overall == pytest.approx(expected)


def _panel():  # type: ignore[no-untyped-def]
    p = pack()
    qs, ss = _ids()
    a = make_scorecard(p, interviewer="Priya Raman", seed=1, recommendation="yes",
                       item_ids=[qs[0], qs[1], qs[2], qs[3], ss[0]],
                       ratings={qs[0]: "strong", qs[1]: "strong", qs[2]: "mid",
                                qs[3]: "skip", ss[0]: "mid"},
                       flags=[flag(p.red_flags[0].id, "confirmed", "Only buzzwords.", 9, qs[1])])
    # A bare skip: passed over with no probe and no note, so it does not count as asked.
    a = replace(a, items=tuple(replace(it, probes=(), said="", read="")
                               if it.item_id == qs[3] else it for it in a.items))
    b = make_scorecard(p, interviewer="Андрей Смирнов", seed=2, recommendation="no",
                       item_ids=[qs[0], qs[1], qs[2], ss[0]],
                       ratings={qs[0]: "thin", qs[1]: "very_thin", qs[2]: "thin",
                                ss[0]: "mid"})
    c = make_scorecard(p, interviewer="王芳", seed=3, recommendation="strong_yes",
                       item_ids=[qs[0], qs[2], ss[0]],
                       ratings={qs[0]: "mid", qs[2]: "strong", ss[0]: "very_thin"},
                       flags=[flag(p.red_flags[2].id, "probed", "No trade-offs named.", 40)])
    return p, qs, ss, [a, b, c]


def test_disagreements_for_a_constructed_panel() -> None:
    p, qs, ss, scs = _panel()
    an = analyse_panel(check_panel(scs, ["a.json", "b.json", "c.json"]), p)
    got = [(d.kind, d.subject, d.spread) for d in an.disagreements]
    # Split recommendation first, then rating gaps widest first; qs[0] (strong/thin/mid)
    # is 2 steps, qs[1] (strong/very thin) 3 steps, qs[2] (mid/thin/strong) 2 steps,
    # ss[0] (mid/mid/very thin) 2 steps; qs[3] was only skipped.
    assert got[0] == ("recommendation", "recommendation", 0)
    assert got[1] == ("rating", qs[1], 3)
    assert sorted(got[2:]) == sorted([("rating", qs[0], 2), ("rating", qs[2], 2),
                                      ("rating", ss[0], 2)])
    positions = dict(next(d for d in an.disagreements if d.subject == qs[1]).positions)
    assert positions == {"Priya Raman": "Strong", "Андрей Смирнов": "Very thin"}


def test_no_disagreement_within_one_step_or_same_side() -> None:
    p = pack()
    qs, _ = _ids()
    a = make_scorecard(p, interviewer="A", item_ids=qs[:2], recommendation="yes",
                       ratings={qs[0]: "strong", qs[1]: "thin"})
    b = make_scorecard(p, interviewer="B", item_ids=qs[:2], recommendation="strong_yes",
                       ratings={qs[0]: "mid", qs[1]: "skip"})
    an = analyse_panel([a, b], p)
    assert an.disagreements == ()


def test_matrix_flags_and_coverage() -> None:
    p, qs, ss, scs = _panel()
    an = analyse_panel(scs, p)
    assert an.columns == ("Priya Raman", "Андрей Смирнов", "王芳")
    assert an.ratings[qs[1]] == ("strong", "very_thin", None)
    assert an.ratings[qs[3]] == ("skip", None, None)
    assert [(f.interviewer, f.state, f.evidence) for f in an.flags] == [
        ("Priya Raman", "confirmed", "Only buzzwords."), ("王芳", "probed", "No trade-offs named.")]
    assert an.flags[0].raised_at_s == 9 * 60
    # qs[3] was only skipped, so it counts as not asked; the rest of the pack too.
    assert an.unasked_questions == tuple(qs[3:])
    assert an.unasked_scenarios == tuple(ss[1:])
    covered = {p.item(i).dimension for i in (qs[0], qs[1], qs[2], ss[0])}
    assert set(an.unscored_dimensions) == {"technical", "design", "ownership"} - covered


def test_refuses_unsubmitted_other_candidates_and_other_packs() -> None:
    _, _, _, scs = _panel()
    draft = replace(scs[1], submitted_at=None)
    with pytest.raises(CompanionError, match=r"not submitted: b\.json \(Андрей Смирнов\)"):
        check_panel([scs[0], draft], ["a.json", "b.json"])
    other = replace(scs[1], candidate="Someone Else")
    with pytest.raises(CompanionError, match=r"not about 'Zoë Łukasiewicz'.*b\.json "
                                             r"\('Someone Else'\)"):
        check_panel([scs[0], other], ["a.json", "b.json"])
    newer = replace(scs[2], pack_version="9.9")
    with pytest.raises(CompanionError, match=r"different question pack.*c\.json "
                                             r"\(backend 9\.9\)"):
        check_panel([scs[0], newer], ["a.json", "c.json"])
    with pytest.raises(CompanionError, match="at least one"):
        check_panel([], [])


def test_same_person_despite_case_and_spacing_and_duplicates_kept_once() -> None:
    _, _, _, scs = _panel()
    respelled = replace(scs[1], candidate="  zoë   łukasiewicz ")
    assert len(check_panel([scs[0], respelled], ["a", "b"])) == 2
    kept = check_panel([scs[0], scs[0], scs[1]], ["a", "a-again", "b"])
    assert [sc.id for sc in kept] == [scs[0].id, scs[1].id]
    # The same round from a file and from the store: the later (amended) copy wins.
    later = replace(scs[0], amendments=(
        Amendment(START + timedelta(days=1), EditText(ROUND, "summary", "new"),
                  EditText(ROUND, "summary", "old"), "typo"),))
    assert check_panel([scs[0], later], ["stored", "file.json"]) == [later]


def test_column_labels_tell_one_interviewer_s_rounds_apart() -> None:
    p = pack()
    a = make_scorecard(p, interviewer="Sam Lee", seed=1)
    b = replace(make_scorecard(p, interviewer="Sam Lee", seed=2), round_title="Scenario")
    c = make_scorecard(p, interviewer="Sam Lee", seed=3)
    t = a.round_title
    assert column_labels([a, b, c]) == (f"Sam Lee ({t}) #1", "Sam Lee (Scenario)",
                                        f"Sam Lee ({t}) #3")


def test_notes_say_when_the_printing_pack_differs() -> None:
    p, _, _, scs = _panel()
    assert analyse_panel(scs, p).notes == ()
    older = [replace(sc, pack_version="0.9") for sc in scs]
    (note,) = analyse_panel(older, p).notes
    assert f"written with pack {p.id} 0.9" in note and f"{p.id} {p.version}" in note
