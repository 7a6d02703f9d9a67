"""The calibration PDF: charts first, then the tables, then what each figure means.

A hiring manager should get the gist in two minutes: the first page shows
each interviewer's lean and scatter against co-panelists (dots with 95%
whiskers) and each question's agreement and prediction (bars with whiskers),
with the findings the figures support written under each chart. "Too few"
figures are drawn as words, never as a dot or a bar.

Charts are tables of small drawings, one row per interviewer or question, so
names go through the same font fallback as every other text and a long list
breaks across pages with its axis repeated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from companion.calibration.findings import basis, team_scatter
from companion.calibration.model import (
    LEAN_MIN,
    NOISY_RATIO,
    USEFUL_TAU,
    Calibration,
    Finding,
    RatingFigures,
)
from companion.calibration.stats.estimate import Estimate
from companion.calibration.text import GLOSSARY, cut_ends, figure, item_counts, scope
from companion.content.model import Pack
from companion.export.document import MARGIN_X, PAGE_SIZES, build_pdf
from companion.export.fonts import fonts
from companion.export.styles import INK, MUTED, RULE, grid, para, styles
from companion.practice.scoring import PracticeFigure

DARK = colors.Color(0.25, 0.25, 0.25)
LIGHT = colors.Color(0.68, 0.68, 0.68)
ROW_H = 15.0
NAME_W = 130.0
ITEM_NAME_W = 170.0  # a question's title and its counts
# A chart up to this tall (in points; the page body of A4 and of Letter both hold it)
# moves whole to the next page rather than break; a taller one breaks where it starts.
KEEP_CHART_H = 560.0
LEAN_AXIS = (-1.5, 1.5)
SCATTER_AXIS = (0.0, 1.6)
ITEM_AXIS = (-0.4, 1.0)


def render_calibration(cal: Calibration, pack: Pack, out: Path, *,
                       page_size: str = "a4", warnings: Sequence[str] = (),
                       practice: Mapping[str, PracticeFigure] | None = None) -> Path:
    """Write the calibration report of ``cal`` to ``out``; returns the path.

    ``warnings`` go on page 1 (team store rows that were left out, one line each);
    ``practice`` (folded name -> figure) gets a table of its own after the figures.
    """
    size = PAGE_SIZES.get(page_size.lower(), PAGE_SIZES["a4"])
    width = size[0] - 2 * MARGIN_X
    story = calibration_story(cal, width, practice)
    story[1:1] = [para(f"Left out: {line}", styles().small) for line in warnings]
    return build_pdf(story, Path(out),
                     title="Calibration: interviewers and questions",
                     author="Interview Companion",
                     subject="Interview calibration (confidential interviewer data)",
                     running_head="Calibration: interviewers and questions",
                     page_size=page_size)


def calibration_story(cal: Calibration, width: float,
                      practice: Mapping[str, PracticeFigure] | None = None) -> list[Flowable]:
    st = styles()
    story: list[Flowable] = [para("Calibration: interviewers and questions", st.title),
                             para(scope(cal), st.small)]
    if not cal.scorecards:
        story.append(para("No submitted scorecards in this scope yet: nothing to show.",
                          st.body))
        return story
    story.append(para("Interviewers against their co-panelists", st.h1))
    story.extend(_interviewer_chart(cal, width))
    story.extend(_findings([f for f in cal.findings if f.about == "interviewer"],
                           "No interviewer leans or scatters beyond what chance allows here."))
    # The heading goes with its chart: never alone at the foot of a page (a chart taller
    # than a page starts under it, which the room kept before each heading allows).
    heading = para("Questions and scenarios: agreement and prediction", st.h1)
    chart = _item_chart(cal.items, width)
    story.extend([KeepTogether([heading, *chart])] if len(chart) == 1 else [heading, *chart])
    story.extend(_findings([f for f in cal.findings if f.about != "interviewer"],
                           "No question stands out as uninformative at this confidence."))
    story.extend(_tables(cal, width))
    if practice:
        story.append(_practice_table(practice, width))
    story.append(para("What each figure means", st.h1))
    for name, meaning in GLOSSARY:
        story.append(para(name, st.label))
        story.append(para(meaning, st.body))
    return story


def _findings(found: Sequence[Finding], none: str) -> list[Flowable]:
    st = styles()
    if not found:
        return [para(none, st.small)]
    return [para(f"\u2022 {f.text}", st.body) for f in found]


# ---------------------------------------------------------------- charts

def _x(value: float, axis: tuple[float, float], left: float, span: float) -> float:
    lo, hi = axis
    return left + (min(max(value, lo), hi) - lo) / (hi - lo) * span


def _word(d: Drawing, text: str, x: float, y: float, size: float = 7.0,
          anchor: str = "start", colour: colors.Color = MUTED) -> None:
    d.add(String(x, y, text, fontName=fonts().regular, fontSize=size, fillColor=colour,
                 textAnchor=anchor))


def _dot(d: Drawing, e: Estimate, axis: tuple[float, float], left: float, span: float,
         y: float, fill: colors.Color = INK) -> None:
    """A dot with its whisker; hollow when tentative; "too few" as words."""
    if not e.shown or e.value is None:
        _word(d, figure(e, n=False), left + 4, y - 2.5)
        return
    _whisker(d, e, axis, left, span, y)
    hollow = e.status == "tentative"
    d.add(Circle(_x(e.value, axis, left, span), y, 2.8, strokeColor=fill, strokeWidth=1,
                 fillColor=colors.white if hollow else fill))


def _whisker(d: Drawing, e: Estimate, axis: tuple[float, float], left: float, span: float,
             y: float) -> None:
    """The 95% whisker: a tick at each end, or an arrowhead where the chart's edge cuts it."""
    if e.low is None or e.high is None:
        return
    lo, hi = _x(e.low, axis, left, span), _x(e.high, axis, left, span)
    d.add(Line(lo, y, hi, y, strokeColor=INK, strokeWidth=0.9))
    for xe, cut, way in zip((lo, hi), cut_ends(e, axis), (-1, 1), strict=True):
        if cut:
            d.add(Polygon([xe, y, xe - 4 * way, y + 2.8, xe - 4 * way, y - 2.8],
                          fillColor=INK, strokeColor=INK, strokeWidth=0.4))
        else:
            d.add(Line(xe, y - 2.5, xe, y + 2.5, strokeColor=INK, strokeWidth=0.9))


def _guides(d: Drawing, axis: tuple[float, float], left: float, span: float,
            dashed: Sequence[float] = (), solid: Sequence[float] = ()) -> None:
    h = d.height
    for v in solid:
        x = _x(v, axis, left, span)
        d.add(Line(x, 0, x, h, strokeColor=RULE, strokeWidth=0.7))
    for v in dashed:
        x = _x(v, axis, left, span)
        d.add(Line(x, 0, x, h, strokeColor=RULE, strokeWidth=0.5, strokeDashArray=[2, 2]))


def _axis(width: float, panels: Sequence[tuple[tuple[float, float], float, float,
                                               Sequence[float], Callable[[float], str]]],
          titles: Sequence[tuple[float, str]]) -> Drawing:
    """Tick labels for each panel (axis, left, span, ticks, format) and panel titles."""
    d = Drawing(width, 24)
    for axis, left, span, ticks, fmt in panels:
        d.add(Line(left, 2, left + span, 2, strokeColor=RULE, strokeWidth=0.5))
        for t in ticks:
            x = _x(t, axis, left, span)
            d.add(Line(x, 0, x, 4, strokeColor=RULE, strokeWidth=0.5))
            _word(d, fmt(t), x, 6, 6.5, "middle")
    for x, title in titles:
        _word(d, title, x, 16, 7.5, "middle", INK)
    return d


def _chart_table(rows: list[list[object]], heights: list[float],
                 name_w: float = NAME_W) -> Table:
    table = Table(rows, colWidths=[name_w, None], rowHeights=heights, repeatRows=1,
                  hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.Color(0.9, 0.9, 0.9)),
    ]))
    return table


def _fitted(label: Sequence[Flowable], width: float, least: float) -> float:
    """A chart row's height: ``least``, or more where its name and counts wrap onto
    more lines than that holds (a long name drawn over the next row otherwise)."""
    return max(least, sum(p.wrap(width, 10_000)[1] for p in label) + 2)


_DOTS_KEY = ("Dots: estimates; whiskers: 95% intervals, with an arrowhead where "
             "one runs on past the chart's edge; hollow: tentative (fewer than 15 "
             f"candidates). Dashed lines at \u00b1{LEAN_MIN:.1f} steps: leaning "
             "beyond them with the whole whisker is called lenient or harsh. Scatter: "
             "the solid line is the rest of the team's typical value, the dashed one "
             f"{NOISY_RATIO:g} times it.")
_BARS_KEY = ("Bars: estimates; whiskers: 95% intervals, with an arrowhead where "
             "one runs on past the chart's edge; bars without fill: "
             f"tentative. Dashed lines at {USEFUL_TAU:.1f} (a useful question's link "
             "to the recommendation) and 0.8 (agreement commonly asked of a "
             "measure).")


def _interviewer_chart(cal: Calibration, width: float) -> list[Flowable]:
    st = styles()
    plot_w = width - NAME_W
    gap = 16.0
    lean_span = (plot_w - gap) * 0.6
    scat_left = lean_span + gap
    scat_span = plot_w - scat_left - 4
    head = _axis(plot_w, [
        (LEAN_AXIS, 0, lean_span, (-1.5, -1, -0.5, 0, 0.5, 1, 1.5),
         lambda v: f"{v:+g}" if v else "0"),
        (SCATTER_AXIS, scat_left, scat_span, (0, 0.5, 1, 1.5), lambda v: f"{v:g}")],
        [(lean_span / 2, "Leniency: rating steps vs co-panelists"),
         (scat_left + scat_span / 2, "Scatter (rating steps)")])
    rows: list[list[object]] = [[para("Interviewer (pairs rated with others)", st.small_cell),
                                 head]]
    heights = [24.0]
    for f in cal.interviewers:
        d = Drawing(plot_w, ROW_H)
        _guides(d, LEAN_AXIS, 0, lean_span, dashed=(-LEAN_MIN, LEAN_MIN), solid=(0,))
        typical = team_scatter(cal.interviewers, f.name)
        if typical is not None:
            _guides(d, SCATTER_AXIS, scat_left, scat_span, solid=(typical,),
                    dashed=(NOISY_RATIO * typical,))
        _dot(d, f.leniency, LEAN_AXIS, 0, lean_span, ROW_H / 2)
        _dot(d, f.scatter, SCATTER_AXIS, scat_left, scat_span, ROW_H / 2)
        label = [para(f.name, st.small_cell), para(basis(f.leniency), st.small_cell)]
        rows.append([label, d])
        heights.append(_fitted(label, NAME_W, 2 * ROW_H - 4))
    return _with_note(_chart_table(rows, heights), sum(heights), _DOTS_KEY, width)


def _item_chart(items: Sequence[RatingFigures], width: float) -> list[Flowable]:
    st = styles()
    plot_w = width - ITEM_NAME_W
    span = plot_w - 4
    head = _axis(plot_w, [(ITEM_AXIS, 0, span, (-0.4, -0.2, 0, 0.2, 0.4, 0.6, 0.8, 1.0),
                           lambda v: f"{v:g}")],
                 [(span / 2, "Agreement (alpha, dark) and predicts recommendation "
                             "(tau-b, light)")])
    rows: list[list[object]] = [[para("Question or scenario", st.small_cell), head]]
    heights = [24.0]
    row_h = 3 * ROW_H - 4
    for f in items:
        d = Drawing(plot_w, row_h)
        _guides(d, ITEM_AXIS, 0, span, solid=(0,), dashed=(USEFUL_TAU, 0.8))
        _bar(d, f.agreement, span, row_h * 0.72, DARK)
        _bar(d, f.predicts_recommendation, span, row_h * 0.28, LIGHT)
        label = [para(f.title, st.small_cell), para(item_counts(f), st.small_cell)]
        rows.append([label, d])
        heights.append(_fitted(label, ITEM_NAME_W, row_h + 2))
    return _with_note(_chart_table(rows, heights, ITEM_NAME_W), sum(heights), _BARS_KEY,
                      width)


def _bar(d: Drawing, e: Estimate, span: float, y: float, fill: colors.Color) -> None:
    if not e.shown or e.value is None:
        _word(d, figure(e, n=False), _x(0, ITEM_AXIS, 0, span) + 3, y - 2.5)
        return
    x0, x1 = _x(0, ITEM_AXIS, 0, span), _x(e.value, ITEM_AXIS, 0, span)
    hollow = e.status == "tentative"
    d.add(Rect(min(x0, x1), y - 4, abs(x1 - x0), 8, strokeColor=fill, strokeWidth=0.8,
               fillColor=colors.white if hollow else fill))
    _whisker(d, e, ITEM_AXIS, 0, span, y)


def _with_note(chart: Table, height: float, note: str, width: float) -> list[Flowable]:
    """The chart (``height`` tall) with its reading key: under it and kept together
    when the two fit on a page; else the key first and the chart breaking between its
    rows from where it starts (the axis repeated on each page), so that the key is
    never left alone at the top of the page after.

    Not as the two rows of one table, as before: a row cannot break across pages, so
    a chart of 28 interviewers or more could not be laid out at all.
    """
    st = styles()
    key = para(note, st.small)
    if height <= KEEP_CHART_H:
        return [KeepTogether([chart, Spacer(width, 6), key])]
    return [key, Spacer(width, 4), chart]


# ---------------------------------------------------------------- tables

def _cell(e: Estimate, fmt: str = "plain") -> str:
    return figure(e, fmt)


def _tables(cal: Calibration, width: float) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [para("The figures", st.h1), para("Interviewers", st.h2)]
    head = ["Interviewer", "Rounds", "Leniency (steps)", "Scatter (steps)",
            "Matches decision", "Red flags", "Failure probes skipped", "Submitted after",
            "On time (within a day)"]
    data: list[list[object]] = [[para(h, st.col_head, bold=True) for h in head]]
    for f in cal.interviewers:
        # Figures in the small size: each carries its interval and n.
        data.append([para(f.name, st.cell), para(str(f.rounds), st.cell),
                     *(para(_cell(e, fmt), st.small_cell) for e, fmt in (
                         (f.leniency, "steps"), (f.scatter, "plain"), (f.agreement, "share"),
                         (f.red_flags, "share"), (f.failure_probe_skips, "share"),
                         (f.lateness_h, "hours"), (f.on_time, "share")))])
    out.append(_grid(data, [width * x for x in (0.12, 0.08, 0.12, 0.11, 0.12, 0.11, 0.11, 0.11,
                                                0.12)]))
    for title, figs in (("Questions and scenarios", cal.items), ("Dimensions", cal.dimensions)):
        head = ["Dimension" if title == "Dimensions" else "Item", "Asked",
                "Skipped, unrated", "Most common", "Agreement (alpha)",
                "Predicts recommend­ation", "Predicts decision"]
        data = [[para(h, st.col_head, bold=True) for h in head]]
        for rf in figs:
            name = rf.title + (f" ({rf.weight}%)" if rf.weight is not None else "")
            common = (f"{_label(rf.most_common)} {figure(rf.spread, 'share')}"
                      if rf.most_common else figure(rf.spread, "share"))
            data.append([para(name, st.cell), para(str(rf.asked), st.cell),
                         para(f"{rf.skipped}, {rf.unrated}", st.cell),
                         para(common, st.small_cell),
                         *(para(_cell(e), st.small_cell) for e in (
                             rf.agreement, rf.predicts_recommendation, rf.predicts_decision))])
        widths = [width * x for x in (0.21, 0.08, 0.09, 0.16, 0.15, 0.16, 0.15)]
        # A short table stays with its heading rather than leave the heading alone.
        out.append(KeepTogether([para(title, st.h2), _grid(data, widths)]))
    out.append(Spacer(1, 4))
    out.append(para("Each figure: the estimate, its 95% interval in brackets, "
                    "\u201ctentative\u201d when it rests on fewer than 15 candidates (or 30 "
                    "ratings), and what it rests on; \u201ctoo few\u201d when under 5 "
                    "candidates (or 10 ratings); \u201cn/a\u201d with the reason.", st.small))
    return out


def _label(rating: str | None) -> str:
    from companion.record.scorecard import RATING_LABEL

    return RATING_LABEL.get(rating or "", rating or "-")


def _practice_table(practice: Mapping[str, PracticeFigure], width: float) -> Flowable:
    """Each interviewer's practice sets and how far their levels fell from the written
    ones: rater training, kept out of every figure above."""
    st = styles()
    head = ["Interviewer", "Practice sets", "Signed error from the written level (steps)"]
    data: list[list[object]] = [[para(h, st.col_head, bold=True) for h in head]]
    for p in sorted(practice.values(), key=lambda p: p.name.casefold()):
        data.append([para(p.name, st.cell), para(str(p.sets), st.cell),
                     para(_cell(p.signed_error, "steps"), st.small_cell)])
    note = ("Rated on sample answers written to show a known level; above zero an "
            "interviewer rates higher than the anchors, below zero lower. No figure above "
            "counts these sets.")
    return KeepTogether([para("Practice on sample answers", st.h2),
                         _grid(data, [width * x for x in (0.25, 0.15, 0.6)]),
                         para(note, st.small)])


def _grid(data: list[list[object]], widths: list[float]) -> Table:
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(grid(zebra=True, rows=len(data)))
    return table
