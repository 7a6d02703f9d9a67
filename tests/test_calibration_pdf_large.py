"""The calibration PDF of a large team: a chart taller than a page breaks across pages
instead of failing to lay out, and a long name gets a row tall enough for it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pypdf import PdfReader
from reportlab.platypus import KeepTogether, Table

from companion.calibration.figures import compute
from companion.content.loader import builtin_pack
from companion.export import calibration_pdf
from companion.export.calibration_pdf import render_calibration
from tests.calibration_sim import Team, name, scorecards


def test_forty_interviewers_get_their_chart_across_pages(tmp_path: Path) -> None:
    # Twenty-eight interviewers or more made the chart taller than a page inside a table row,
    # which cannot break: reportlab raised and the command wrote no PDF at all.
    pack = builtin_pack()
    scs, decisions = scorecards(Team(120, interviewers=40, panel=3), seed=3)
    cal = compute(scs, decisions, pack)
    assert len(cal.interviewers) == 40
    out = render_calibration(cal, pack, tmp_path / "calibration.pdf")
    pages = [page.extract_text() for page in PdfReader(out).pages]
    flat = " ".join(" ".join(pages).split())
    start = flat.index("Interviewers against their co-panelists")
    key = flat.index("Dots: estimates", start)
    end = flat.index("Questions and scenarios: agreement and prediction", start)
    chart = flat[key:end]
    assert all(f"{name(k)} " in chart for k in range(40))  # every row, none lost
    assert key < flat.index(name(0), start)  # the key comes first, with the heading
    # The axis is repeated where the chart goes on.
    assert sum("Leniency: rating steps vs co-panelists" in p for p in pages) >= 2


def test_a_long_name_gets_a_chart_row_tall_enough_for_it() -> None:
    pack = builtin_pack()
    scs, decisions = scorecards(Team(20), seed=4)
    long = "Maria Fernanda Rodríguez-Castellanos de la Vega y Montenegro Álvarez"
    scs = [replace(sc, interviewer=long) if sc.interviewer == name(0) else sc for sc in scs]
    cal = compute(scs, decisions, pack)
    flows = calibration_pdf._interviewer_chart(cal, 480.0)
    # A short chart comes kept together with its key: look inside.
    inner = [g for f in flows for g in (f._content if isinstance(f, KeepTogether) else [f])]
    (table,) = [f for f in inner if isinstance(f, Table)]
    rows = table._cellvalues[1:]  # type: ignore[attr-defined]
    heights = table._argH[1:]  # type: ignore[attr-defined]
    names = [cell[0].text for cell, _drawing in rows]
    assert long in names
    for (cell, _drawing), height in zip(rows, heights, strict=True):
        needed = sum(p.wrap(calibration_pdf.NAME_W, 10_000)[1] for p in cell)
        assert height >= needed, (cell[0].text, height, needed)
