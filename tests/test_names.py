"""One rule for telling whether two typed names are the same person, used everywhere."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

from companion.calibration.figures import compute
from companion.export.panel_select import group_panels, panel_key
from companion.record.independence import can_view
from companion.record.names import fold_name, same_person
from tests.fixtures.samples import sample_pack, sample_scorecard


def test_case_spacing_and_unicode_form_do_not_split_a_person() -> None:
    composed = "Zoë  Łukasiewicz "
    decomposed = unicodedata.normalize("NFD", "zoë łukasiewicz")
    assert composed != decomposed
    assert fold_name(composed) == fold_name(decomposed) == "zoë łukasiewicz"
    assert same_person("STRASSE", "straße")
    assert not same_person("Ana Ruiz", "Ana Ruis")


def test_the_panel_grouping_and_the_independence_rule_agree() -> None:
    mine = sample_scorecard("mine", candidate="Zoë Łukasiewicz", interviewer="Sam Ortiz",
                            submitted=False)
    theirs = sample_scorecard("theirs", candidate=unicodedata.normalize(
        "NFD", "zoë   łukasiewicz"), interviewer="Kim Lee")
    other = sample_scorecard("other", candidate="Bo Chan", interviewer="Kim Lee")
    # The colleague's card of the same candidate, spelled another way, stays closed...
    assert not can_view(" sam ortiz", theirs, [mine, theirs, other]).allowed
    assert can_view("Sam Ortiz", other, [mine, theirs, other]).allowed
    # ... and is grouped with the viewer's own once both are submitted.
    done = replace(mine, submitted_at=theirs.submitted_at)
    groups = group_panels([done, theirs, other])
    assert sorted(sorted(sc.id for sc in g.scorecards) for g in groups) == [
        ["mine", "theirs"], ["other"]]
    (group,) = [g for g in groups if len(g.scorecards) == 2]
    assert group.key == panel_key(theirs) == panel_key(done)


def test_calibration_holds_back_the_candidate_under_any_spelling() -> None:
    pending = sample_scorecard("p", candidate="Zoë Łukasiewicz", interviewer="Sam Ortiz",
                               submitted=False)
    colleague = sample_scorecard("c", candidate="  ZOË ŁUKASIEWICZ", interviewer="Kim Lee")
    cal = compute([colleague], [], sample_pack(), viewer="sam ortiz", rounds=[pending])
    assert cal.scorecards == 0
