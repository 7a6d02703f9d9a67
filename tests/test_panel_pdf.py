"""The panel debrief PDF read back with pypdf, and both PDF commands end to end."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from companion.base.errors import CompanionError
from companion.exchange.files import write_scorecard_file
from companion.export.panel_pdf import PANEL_COLUMNS, column_blocks, render_panel
from companion.record.scorecard import Scorecard
from companion.store import Store
from tests.scorecards import flag, make_scorecard, pack, pdf_body, squash


def _panel() -> tuple[list[str], list[Scorecard]]:
    p = pack()
    qs = [q.id for q in p.questions if q.suits("api", "senior")]
    ss = [s.id for s in p.scenarios if s.suits("api", "senior")]
    a = make_scorecard(p, interviewer="Priya Raman", seed=1, recommendation="yes",
                       item_ids=[qs[0], qs[1], qs[2], ss[0]],
                       ratings={qs[0]: "strong", qs[1]: "mid", qs[2]: "mid", ss[0]: "mid"},
                       flags=[flag(p.red_flags[0].id, "confirmed",
                                   "Listed five tools & no reason for any.", 9, qs[1])],
                       words_per_note=80)
    b = make_scorecard(p, interviewer="Андрей Смирнов", seed=2, recommendation="no",
                       item_ids=[qs[0], qs[1], ss[0]],
                       ratings={qs[0]: "thin", qs[1]: "mid", ss[0]: "thin"},
                       words_per_note=80)
    c = make_scorecard(p, interviewer="王芳", seed=3, recommendation="strong_yes",
                       item_ids=[qs[0], qs[2], ss[0]],
                       ratings={qs[0]: "mid", qs[2]: "mid", ss[0]: "strong"},
                       flags=[flag(p.red_flags[2].id, "probed", "Would not pick a side 😀", 40)],
                       words_per_note=80)
    return [qs[0], qs[1], qs[2], ss[0]], [a, b, c]


def test_debrief_lists_agenda_first_and_shows_every_voice(tmp_path: Path) -> None:
    p = pack()
    items, scs = _panel()
    out = render_panel(scs, p, tmp_path / "debrief.pdf")
    text = pdf_body(out)
    flat = " ".join(text.split())
    # Agenda first: recommendation split, then the 2-step gaps (items[0]: strong/thin/mid,
    # ss[0]: mid/thin/strong); items[1] and items[2] agree.
    agenda = flat.index("Debrief agenda: where the panel disagrees")
    matrix = flat.index("Ratings per question and scenario")
    assert agenda < matrix
    head = flat[agenda:matrix]
    assert "1. (!) Recommendations split between yes and no" in head
    assert "Priya Raman: Yes; Андрей Смирнов: No; 王芳: Strong yes" in head
    t0, t3 = p.item(items[0]).title, p.item(items[3]).title
    assert f"(!) {t0}: ratings 2 steps apart" in head
    assert f"(!) {t3}: ratings 2 steps apart" in head
    assert f"{p.item(items[1]).title}: ratings" not in head
    assert head.count("(!)") == 3
    # The matrix: one row per item, one column per interviewer, in panel order.
    for item_id, row in ((items[1], "Mid Mid -"), (items[2], "Mid - Mid")):
        assert f"{p.item(item_id).title} " in flat
        after = flat[flat.index(p.item(item_id).title, matrix):]
        assert row in after[:160], (item_id, after[:160])
    # Flags with who raised them and the evidence.
    assert (f"Confirmed: {p.red_flag(scs[0].flags[0].flag_id).title}, raised by Priya Raman"
            in flat)
    assert "Listed five tools & no reason for any." in flat
    assert f"Probed: {p.red_flag(scs[2].flags[0].flag_id).title}, raised by 王芳" in flat
    assert "Would not pick a side 😀" in flat
    # Each recommendation and summary; coverage; every note in full.
    for who, rec in (("Priya Raman", "Yes"), ("Андрей Смирнов", "No"), ("王芳", "Strong yes")):
        assert f"{who}: {rec}" in flat
    body = squash(text)
    for sc in scs:
        notes = [sc.summary, sc.said, sc.read]
        for it in sc.items:
            notes += [it.said, it.read, *(pr.note for pr in it.probes if pr.asked)]
        assert [n[:30] for n in notes if squash(n) not in body] == []
    assert "nobody asked" in flat
    unasked = [q for q in p.questions if q.suits("api", "senior") and q.id not in items]
    assert all(q.title in flat for q in unasked)



def test_column_blocks_are_few_even_and_in_order() -> None:
    assert column_blocks(0) == []
    for n in range(1, 60):
        blocks = column_blocks(n)
        assert [c for b in blocks for c in b] == list(range(n))
        assert len(blocks) == -(-n // PANEL_COLUMNS)  # as few as will do
        sizes = {len(b) for b in blocks}
        assert max(sizes) <= PANEL_COLUMNS and max(sizes) - min(sizes) <= 1
    assert column_blocks(8) == [range(8)] and column_blocks(12) == [range(6), range(6, 12)]


def test_a_panel_of_forty_one_prints_its_columns_in_blocks(tmp_path: Path) -> None:
    # Forty-one scorecards of one candidate (a hostile teammate's, or a lead's wide pick)
    # made the rating matrix's columns narrower than their padding: reportlab raised
    # instead of writing the debrief. Each wide table now comes in blocks of at most
    # PANEL_COLUMNS interviewers, each block under a caption, in panel order.
    p = pack()
    q = next(q.id for q in p.questions if q.suits("api", "senior"))
    steps = ("strong", "mid", "thin", "very_thin")
    labels = ("Strong", "Mid", "Thin", "Very thin")
    scs = [make_scorecard(p, interviewer=f"Panelist {k:02d}", seed=k, item_ids=[q],
                          ratings={q: steps[k % 4]}, words_per_note=3,
                          sc_id=f"{k:032x}") for k in range(41)]
    out = render_panel(scs, p, tmp_path / "wide.pdf")
    flat = " ".join(pdf_body(out).split())
    matrix = flat.index("Ratings per question and scenario")
    dims = flat.index("Dimensions and weighted summary")
    title = p.item(q).title
    blocks = column_blocks(41)
    assert [len(b) for b in blocks] == [7, 7, 7, 7, 7, 6]
    at = matrix
    for block in blocks:
        at = flat.index(f"Interviewers {block.start + 1} to {block.stop} of 41", at)
        names = " ".join(f"Panelist {k:02d}" for k in block)
        row = " ".join(labels[k % 4] for k in block)
        assert names in flat[at:at + 400]
        assert f"{title} " in flat[at:at + 600] and row in flat[at:at + 600], block
    assert at < dims  # every block of the matrix before the dimensions
    at = dims
    for block in blocks:  # and the dimensions' table the same way
        at = flat.index(f"Interviewers {block.start + 1} to {block.stop} of 41", at)


def test_a_disagreement_among_many_long_names_goes_on_over_rows(tmp_path: Path) -> None:
    # Twenty-four voices with names of 200 characters (the longest a file may carry) made
    # the agenda's "who said what" one cell taller than a page: reportlab raised. The
    # voices now come at most PANEL_COLUMNS a row, the rest on "(continued)" rows.
    p = pack()
    q = next(q.id for q in p.questions if q.suits("api", "senior"))
    names = [f"Panelist {k:02d} " + "w" * 188 for k in range(24)]
    scs = [make_scorecard(p, interviewer=who, seed=k, item_ids=[q],
                          ratings={q: "strong" if k % 2 else "very_thin"}, words_per_note=3,
                          recommendation="yes" if k % 2 else "no", sc_id=f"{k:032x}")
           for k, who in enumerate(names)]
    out = render_panel(scs, p, tmp_path / "long.pdf")
    flat = squash(pdf_body(out))
    agenda = flat.index(squash("Debrief agenda: where the panel disagrees"))
    matrix = flat.index(squash("Ratings per question and scenario"))
    head = flat[agenda:matrix]
    assert head.count("(continued)") == 2 * (len(column_blocks(24)) - 1)  # two topics
    at = 0
    for who in names:  # every voice, in panel order, under the first topic
        at = head.index(squash(who), at) + 1


def test_long_column_heads_are_cut_in_the_middle_and_still_tell_rounds_apart(
        tmp_path: Path) -> None:
    # One interviewer's eight rounds, name and round titles of 200 characters each:
    # their column heads (name and title, 400 characters) made a head row taller than a
    # page. Heads are now cut in the middle; the end that differs stays, and the header
    # table above still gives each one whole.
    p = pack()
    q = next(q.id for q in p.questions if q.suits("api", "senior"))
    who = "Long Name " + "n" * 190
    scs = [replace(make_scorecard(p, interviewer=who, seed=k, item_ids=[q], words_per_note=3,
                                  sc_id=f"{k:032x}"), round_title="Round " + "t" * 190 + f"{k:04d}")
           for k in range(8)]
    flat = squash(pdf_body(render_panel(scs, p, tmp_path / "heads.pdf")))
    matrix = flat.index(squash("Ratings per question and scenario"))
    dims = flat.index(squash("Dimensions and weighted summary"))
    for k, sc in enumerate(scs):
        assert squash(f"{who} ({sc.round_title})") in flat[:matrix]  # whole, above
        assert re.search(f"\u2026t+{k:04d}\\)", flat[matrix:dims])  # cut, its end kept

def test_debrief_metadata_names_and_pages(tmp_path: Path) -> None:
    _, scs = _panel()
    out = render_panel(scs, pack(), tmp_path / "debrief.pdf")
    reader = PdfReader(str(out))
    assert reader.metadata is not None
    assert reader.metadata.title == "Panel debrief: Zoë Łukasiewicz"
    assert reader.metadata.author == "Priya Raman, Андрей Смирнов, 王芳"
    n = len(reader.pages)
    assert f"page {n} of {n}" in reader.pages[-1].extract_text()


def test_debrief_refuses_mixed_panels_naming_the_inputs(tmp_path: Path) -> None:
    _, scs = _panel()
    other = replace(scs[1], candidate="Someone Else")
    with pytest.raises(CompanionError, match=r"b\.json \('Someone Else'\)"):
        render_panel([scs[0], other], pack(), tmp_path / "x.pdf", labels=["a.json", "b.json"])
    draft = replace(scs[2], submitted_at=None)
    with pytest.raises(CompanionError, match=r"not submitted: c\.json"):
        render_panel([scs[0], draft], pack(), tmp_path / "x.pdf", labels=["a.json", "c.json"])
    assert not (tmp_path / "x.pdf").exists()


def _store(data_dir: Path, *scs: Scorecard) -> None:
    store = Store.open(data_dir)
    try:
        for sc in scs:
            store.save_imported(sc)
    finally:
        store.close()


def test_export_command_renders_a_stored_round(cli, data_dir: Path,  # type: ignore[no-untyped-def]
                                               tmp_path: Path) -> None:
    _, scs = _panel()
    _store(data_dir, scs[0])
    out = tmp_path / "card.pdf"
    res = cli("export", scs[0].id[:9], "--pdf", str(out))
    assert res.returncode == 0, res.stderr
    assert "Zoë Łukasiewicz" in pdf_body(out)
    bad = cli("export", "no-such-round", "--pdf", str(out))
    assert bad.returncode == 2 and "no-such-round" in bad.stderr
    assert "Traceback" not in bad.stderr
    nodir = cli("export", scs[0].id, "--pdf", str(tmp_path / "missing" / "c.pdf"))
    assert nodir.returncode == 2 and "missing" in nodir.stderr


def test_panel_command_mixes_files_and_stored_ids(cli, data_dir: Path,  # type: ignore[no-untyped-def]
                                                  tmp_path: Path) -> None:
    _, scs = _panel()
    _store(data_dir, scs[0])
    f1 = write_scorecard_file(scs[1], tmp_path / "andrei.json")
    f2 = write_scorecard_file(scs[2], tmp_path / "wang.json")
    out = tmp_path / "debrief.pdf"
    res = cli("panel", scs[0].id, str(f1), str(f2), "--pdf", str(out))
    assert res.returncode == 0, res.stderr
    flat = " ".join(pdf_body(out).split())
    assert "Priya Raman: Yes; Андрей Смирнов: No; 王芳: Strong yes" in flat

    stranger = write_scorecard_file(replace(scs[1], candidate="Someone Else", id="other"),
                                    tmp_path / "stranger.json")
    res = cli("panel", str(f1), str(stranger), "--pdf", str(tmp_path / "mixed.pdf"))
    assert res.returncode == 2
    assert "stranger.json" in res.stderr and "Someone Else" in res.stderr
    assert not (tmp_path / "mixed.pdf").exists()
    missing = cli("panel", str(tmp_path / "nope.json"), "--pdf", str(tmp_path / "m.pdf"))
    assert missing.returncode == 2 and "nope.json" in missing.stderr


def test_a_change_after_submission_is_printed_as_an_amendment(tmp_path: Path) -> None:
    from companion.record.changes import Amendment, Rate, Recommend

    p = pack()
    items, (a, b, c) = _panel()
    later = a.submitted_at
    assert later is not None
    title = p.item(items[1]).title
    a = a.apply(Amendment(later.replace(hour=18, minute=5), Rate(items[1], "strong", later),
                          Rate(items[1], "mid", None), "Re-read my notes after the debrief."))
    a = a.apply(Amendment(later.replace(hour=18, minute=9), Recommend("strong_yes"),
                          Recommend("yes")))
    text = " ".join(pdf_body(render_panel([a, b, c], p, tmp_path / "debrief.pdf")).split())
    section = text[text.index("Amended after submission"):]
    assert section.index(f"Priya Raman, 2026-11-20 18:05 UTC: Rating of {title}") \
        < section.index("Priya Raman, 2026-11-20 18:09 UTC: Recommendation")
    assert "Before: Mid After: Strong Reason: Re-read my notes after the debrief." in section
    assert "Before: Yes After: Strong yes" in section
    assert "Strong yes (amended after submission)" in text
    # Without amendments there is no such section.
    plain = pdf_body(render_panel([b, c], p, tmp_path / "plain.pdf"))
    assert "Amended after submission" not in plain
