"""Charts never hide how far a figure reaches: a whisker cut at the chart's edge is
marked with an arrowhead, in the PDF and in the window, and each row gives its n."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from reportlab.graphics.shapes import Drawing, Line, Polygon

from companion.calibration.model import InterviewerFigures
from companion.calibration.stats.estimate import Estimate
from companion.calibration.text import cut_ends, figure
from companion.export import calibration_pdf
from companion.ui.calibration_charts import LeniencyChart

AXIS = (-1.5, 1.5)
WIDE = Estimate(-1.2, -1.9, -0.5, 12, "pairs", "mean", clusters=6)  # past the low end
INSIDE = Estimate(0.1, -0.2, 0.4, 40, "pairs", "mean", clusters=20)
NONE = Estimate(None, None, None, 30, "units", "alpha", clusters=30,
                note="every rating is the same, so agreement is not defined")


def test_cut_ends_and_the_words_for_a_missing_figure() -> None:
    assert cut_ends(WIDE, AXIS) == (True, False)
    assert cut_ends(INSIDE, AXIS) == (False, False)
    assert cut_ends(NONE, AXIS) == (False, False)
    assert figure(NONE) == ("n/a (every rating is the same, so agreement is not defined); "
                            "30 units from 30 candidates")
    assert figure(WIDE, "steps") == ("\u22121.20 (\u22121.90 to \u22120.50) tentative; "
                                     "12 pairs from 6 candidates")


def test_a_count_of_one_reads_in_the_singular() -> None:
    """A new team's first rounds: "1 pair from 1 candidate", not "1 pairs from 1 candidates"."""
    one = Estimate(None, None, None, 1, "pairs", "mean", clusters=1)
    assert figure(one) == "too few (1 pair from 1 candidate)"
    assert figure(Estimate(None, None, None, 2, "units", "alpha", clusters=1)) == (
        "too few (2 units from 1 candidate)")
    assert figure(Estimate(None, None, None, 1, "rounds", "median")) == "too few (1 round)"


def test_pdf_whisker_cut_at_the_edge_ends_in_an_arrowhead() -> None:
    def shapes(e: Estimate) -> list[object]:
        d = Drawing(300, 20)
        calibration_pdf._dot(d, e, AXIS, 0, 300, 10)
        return list(d.contents)

    cut = shapes(WIDE)
    arrows = [s for s in cut if isinstance(s, Polygon)]
    assert len(arrows) == 1 and min(arrows[0].points[0::2]) == 0  # at the left edge
    ticks = [s for s in cut if isinstance(s, Line) and s.x1 == s.x2]
    assert len(ticks) == 1  # the high end keeps its plain tick
    assert not any(isinstance(s, Polygon) for s in shapes(INSIDE))


def _figures(lean: Estimate) -> InterviewerFigures:
    few = Estimate(None, None, None, 3, "rounds", "x", clusters=3, note="too few")
    return InterviewerFigures("Avery", 6, {}, lean, INSIDE, few, few, few, few, few)


def test_window_chart_marks_the_cut_whisker(qtbot: QtBot) -> None:
    chart = LeniencyChart()
    qtbot.addWidget(chart)
    chart.resize(900, 200)
    chart.set_figures((_figures(WIDE),))
    (_, left, _), _ = chart.panels()
    image = chart.grab().toImage()
    y = round(chart.row_y(0))
    # The arrowhead fills the triangle just inside the edge; a plain tick would not.
    inside = image.pixelColor(round(left) + 4, y - 2)
    background = image.pixelColor(round(left) + 4, y - 12)
    # (in the ink's colour, whichever theme an earlier test left: compare, don't assume)
    assert abs(inside.lightness() - background.lightness()) > 60, (
        inside.name(), background.name())
    chart.set_figures((_figures(INSIDE),))
    image = chart.grab().toImage()
    assert abs(image.pixelColor(round(left) + 4, y - 2).lightness()
               - background.lightness()) < 30
    # Read out, the row gives its n too.
    assert "leniency +0.10 (\u22120.20 to +0.40); 40 pairs from 20 candidates" in (
        chart.accessibleDescription())
