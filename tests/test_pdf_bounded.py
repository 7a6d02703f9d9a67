"""Any scorecard the intake accepts renders in bounded time (issue 10).

A 1 MB note or a long amendment list used to spin in reportlab's layout for
minutes: it splits one Paragraph at a page end by laying out all of the rest
again. The limits are enforced where a file comes in (``companion.intake.limits``), and
the exports lay long text out in pieces, so the largest texts the intake lets in
render in seconds, in a scorecard and in a debrief.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from companion.exchange.gate import scorecard_from_data
from companion.exchange.schema import scorecard_to_dict
from companion.export.panel_pdf import render_panel
from companion.export.scorecard_pdf import render_scorecard
from companion.intake import limits
from companion.record.changes import ROUND, Amendment, EditText
from companion.record.scorecard import Scorecard
from tests.scorecards import make_scorecard, pack, pdf_body, squash, words

# Seconds a largest accepted scorecard may take, alone and in a debrief. They take
# about one to three seconds on the development machine; before, minutes.
BOUND_S = 20.0


def _largest(kind: str) -> Scorecard:
    """A scorecard at the intake's limits, filled with one kind of text."""
    p = pack()
    base = make_scorecard(p, words_per_note=5, seed=7)
    size = limits.NOTE_CHARS - 10
    if kind == "amended notes":  # a long note rewritten after submission: two whole texts
        at = base.submitted_at or base.started_at
        old, new = words(size // 6, 8)[:size], words(size // 6, 9)[:size]
        return replace(base, summary=new, amendments=(
            Amendment(at, EditText(ROUND, "summary", new), EditText(ROUND, "summary", old)),))
    if kind == "amendments":
        at = base.submitted_at or base.started_at
        text = words(40, 3)[:200]
        amendments = tuple(
            Amendment(at + timedelta(seconds=n), EditText(ROUND, "summary", f"{text} {n}"),
                      EditText(ROUND, "summary", text)) for n in range(limits.AMENDMENTS))
        return replace(base, amendments=amendments)
    text = {
        "words": words(size // 6, 5)[:size],
        "unbroken": "x" * size,
        "cjk": ("王芳说明缓存" * size)[:size],
        "lines": ("line of notes\n" * limits.NOTE_LINES)[:size],
    }[kind]
    fields = (limits.TEXT_CHARS - 20_000) // size
    items = tuple(replace(it, said=text, read=text) if n < (fields - 1) // 2 else it
                  for n, it in enumerate(base.items))
    return replace(base, items=items, summary=text)


@pytest.mark.parametrize("kind", ["words", "unbroken", "cjk", "lines", "amendments",
                                  "amended notes"])
def test_the_largest_accepted_scorecards_render_in_seconds(tmp_path: Path, kind: str) -> None:
    p = pack()
    sc = scorecard_from_data(scorecard_to_dict(_largest(kind)), p)  # the intake accepts it
    start = time.perf_counter()
    card = render_scorecard(sc, p, tmp_path / "card.pdf")
    card_s = time.perf_counter() - start
    other = make_scorecard(p, interviewer="Lee Park", seed=2)
    start = time.perf_counter()
    render_panel([sc, other], p, tmp_path / "panel.pdf")
    panel_s = time.perf_counter() - start
    assert card_s < BOUND_S and panel_s < BOUND_S, (card_s, panel_s)
    if kind == "words":  # split into pieces, the text is all there, in order
        body = squash(pdf_body(card))
        assert squash(sc.summary[:3000]) in body and squash(sc.summary[-3000:]) in body


def test_a_longer_note_is_refused_at_the_boundary() -> None:
    data = scorecard_to_dict(make_scorecard(pack()))
    data["summary"] = "x" * (limits.NOTE_CHARS + 1)
    with pytest.raises(ValueError, match="summary holds 200,001 characters"):
        scorecard_from_data(data, pack())
    data["summary"] = "\n" * (limits.NOTE_LINES + 1)
    with pytest.raises(ValueError, match="summary holds 2,001 line breaks"):
        scorecard_from_data(data, pack())
