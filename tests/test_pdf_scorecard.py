"""The scorecard PDF, read back with pypdf: every note in full, every field, metadata, pages."""

from __future__ import annotations

import errno
import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from companion.base.errors import CompanionError
from companion.export import document
from companion.export.scorecard_pdf import render_scorecard
from companion.record.changes import Amendment, Rate
from companion.record.scorecard import Scorecard
from tests.scorecards import (
    START,
    flag,
    make_scorecard,
    pack,
    pdf_body,
    pdf_pages,
    squash,
    words,
)


def _card() -> Scorecard:
    p = pack()
    qs = [q.id for q in p.questions if q.suits("api")]
    flags = [f.id for f in p.red_flags]
    sc = make_scorecard(
        p, ratings={qs[0]: "strong", qs[1]: "thin", qs[2]: "skip", qs[3]: None},
        flags=[flag(flags[0], "confirmed", "Named four databases & <none> of the reasons.", 12,
                    qs[1]),
               flag(flags[1], "probed", "Spoke only of what the team did, never of own part.",
                    31)],
        amendments=[Amendment(START + timedelta(hours=3),
                              Rate(qs[1], "thin", START + timedelta(hours=3)),
                              Rate(qs[1], "very_thin", None),
                              "Re-read the notes: rollback was covered.")],
        words_per_note=120)
    return sc


def _text(path: Path) -> str:
    return pdf_body(path)


def test_every_note_appears_in_full(tmp_path: Path) -> None:
    sc = _card()
    text = squash(_text(render_scorecard(sc, pack(), tmp_path / "card.pdf")))
    notes = [sc.said, sc.read, sc.summary]
    for it in sc.items:
        notes += [it.said, it.read, *(p.note for p in it.probes)]
    notes += [f.evidence for f in sc.flags]
    notes += [a.reason for a in sc.amendments]
    assert sum(len(n.split()) for n in notes) > 3000  # a real amount of text
    missing = [n[:40] for n in notes if squash(n) not in text]
    assert missing == []


def test_header_ratings_cues_probes_and_flags(tmp_path: Path) -> None:
    p = pack()
    sc = _card()
    pages = pdf_pages(render_scorecard(sc, p, tmp_path / "card.pdf"))
    text = "\n".join(pages)
    flat = " ".join(text.split())
    for value in (sc.candidate, sc.interviewer, p.archetype("api").title,
                  p.level("senior").title, sc.round_title, "2026-11-20 14:00 UTC",
                  "1 h 02 min"):
        assert value in flat, value
    # The rating is printed with the pack's anchor text for that level.
    strong_cue = p.item(sc.items[0].item_id).cues.strong
    assert strong_cue
    assert f"Rating Strong {' '.join(strong_cue.split())}"[:80] in flat
    assert "Skipped" in flat and "Passed over on purpose." in flat
    assert "Not rated" in flat
    # The three failure probes, side by side, phrased as the scenario asked them.
    assert "Database Queue Downstream service" in flat
    failed_on = next(p.item(it.item_id) for it in sc.items
                     if any(a.probe_id.startswith("failure.") for a in it.probes))
    assert failed_on is not None
    asked = p.failure_probe_for(failed_on)
    assert asked is not None
    for _, phrasing in asked.targets:
        assert " ".join(phrasing.split()) in flat
    # Red flags: state, title, time into the round, evidence (escaped markup intact).
    assert f"Confirmed: {p.red_flag(sc.flags[0].flag_id).title}" in flat
    assert "probed at 12:00 into the round; confirmed at 15:00 into the round" in flat
    assert "Named four databases & <none> of the reasons." in flat
    assert f"Probed: {p.red_flag(sc.flags[1].flag_id).title}" in flat
    # Sections planned vs actual, weighted aid, recommendation, amendments.
    assert "Introduction 5 min 7 min 2 min over" in flat
    assert "Weighted summary (an aid, not a verdict)" in flat
    assert "Recommendation: Yes" in flat
    assert "Amendments after submission" in flat
    assert "(amended after submission)" in flat
    assert "Very thin" in flat and "Re-read the notes: rollback was covered." in flat


def test_weighted_summary_matches_hand_computation(tmp_path: Path) -> None:
    p = pack()
    arche = p.archetype("api")
    tech = [q.id for q in p.questions if q.suits("api") and q.dimension == "technical"][:2]
    own = [q.id for q in p.questions if q.suits("api") and q.dimension == "ownership"][:1]
    sc = make_scorecard(p, item_ids=[*tech, *own],
                        ratings={tech[0]: "strong", tech[1]: "thin", own[0]: "very_thin"})
    # technical mean 3.0, ownership 1.0, design unscored and left out of the weighting.
    expected = (arche.weight("technical") * 3.0 + arche.weight("ownership") * 1.0) / (
        arche.weight("technical") + arche.weight("ownership"))
    flat = " ".join(_text(render_scorecard(sc, p, tmp_path / "w.pdf")).split())
    assert f"Weighted mean {expected:.2f} / 4" in flat
    assert f"Not scored in this round: {arche.label('design')}." in flat


def test_footer_page_numbers_and_metadata(tmp_path: Path) -> None:
    sc = _card()
    out = render_scorecard(sc, pack(), tmp_path / "card.pdf")
    reader = PdfReader(str(out))
    n = len(reader.pages)
    assert n >= 3
    for i, page in enumerate(reader.pages, 1):
        text = page.extract_text()
        assert f"page {i} of {n}" in text
        assert "Confidential: candidate data" in text
    meta = reader.metadata
    assert meta is not None
    assert meta.title == f"Scorecard: {sc.candidate} ({sc.round_title})"
    assert meta.author == sc.interviewer


def test_draft_is_marked(tmp_path: Path) -> None:
    sc = make_scorecard(pack(), submitted=False)
    flat = " ".join(_text(render_scorecard(sc, pack(), tmp_path / "d.pdf")).split())
    assert "DRAFT: this scorecard has not been submitted" in flat
    assert "Draft (not submitted)" in flat


def test_a_probe_answer_longer_than_a_page_still_renders(tmp_path: Path) -> None:
    p = pack()
    sc = make_scorecard(p)
    huge = words(1500, 99)
    items = tuple(
        replace(it, probes=tuple(replace(pr, note=huge) if pr.probe_id == "failure.queue"
                                 else pr for pr in it.probes))
        if it.kind == "scenario" else it for it in sc.items)
    sc = replace(sc, items=items)
    text = squash(_text(render_scorecard(sc, p, tmp_path / "huge.pdf")))
    assert squash(huge) in text


def test_write_is_atomic_and_errors_name_the_file(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    p = pack()
    sc = make_scorecard(p)
    out = tmp_path / "card.pdf"
    out.write_bytes(b"previous export")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(document.os, "fsync", disk_full)
    with pytest.raises(CompanionError, match=r"card\.pdf.*No space left on device"):
        render_scorecard(sc, p, out)
    assert out.read_bytes() == b"previous export"  # the old file is untouched
    assert sorted(x.name for x in tmp_path.iterdir()) == ["card.pdf"]  # no temp file left
    monkeypatch.undo()

    with pytest.raises(CompanionError, match="no-such-folder"):
        render_scorecard(sc, p, tmp_path / "no-such-folder" / "x.pdf")
    with pytest.raises(CompanionError, match="is a folder"):
        render_scorecard(sc, p, tmp_path)
    render_scorecard(sc, p, out)
    assert out.read_bytes().startswith(b"%PDF")


def test_letter_paper_and_unknown_sizes(tmp_path: Path) -> None:
    sc = make_scorecard(pack())
    out = render_scorecard(sc, pack(), tmp_path / "letter.pdf", page_size="letter")
    box = PdfReader(str(out)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    a4 = PdfReader(str(render_scorecard(sc, pack(), tmp_path / "a4.pdf"))).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    with pytest.raises(CompanionError, match="page size"):
        render_scorecard(sc, pack(), tmp_path / "x.pdf", page_size="tabloid")
