"""The Calibration page's two charts, drawn with QPainter in the theme's colours.

Each chart is one row per interviewer or question: estimates as dots (leniency,
scatter) or bars (agreement, prediction) with their 95% whiskers; hollow when
tentative; "too few (n)" written where there is no number. The same figures
are given in words as the chart's accessible description, so a screen reader
(and anyone tabbing onto the chart) gets them too. Views only: they draw the
figures they are handed and decide nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from companion.calibration.findings import basis, team_scatter
from companion.calibration.model import (
    LEAN_MIN,
    NOISY_RATIO,
    USEFUL_TAU,
    InterviewerFigures,
    RatingFigures,
)
from companion.calibration.stats.estimate import Estimate
from companion.calibration.text import cut_ends, figure, item_counts

Axis = tuple[float, float]
LEAN_AXIS: Axis = (-1.5, 1.5)
SCATTER_AXIS: Axis = (0.0, 1.6)
ITEM_AXIS: Axis = (-0.4, 1.0)


class _RowChart(QWidget):
    """Rows of labelled marks over one or more horizontal axes, with a header of ticks."""

    LABEL_W = 200
    ROW_H = 36  # two lines: the name, and the n the row rests on
    HEAD_H = 50

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # reachable, so it can be read out
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.rows = 0

    def sizeHint(self) -> QSize:
        return QSize(720, self.HEAD_H + max(self.rows, 1) * self.ROW_H + 8)

    def minimumSizeHint(self) -> QSize:
        return QSize(420, self.sizeHint().height())

    # -- geometry ----------------------------------------------------------------------
    def panels(self) -> list[tuple[Axis, float, float]]:
        """(axis, left, width) of each panel, in widget coordinates."""
        raise NotImplementedError

    @staticmethod
    def at(value: float, axis: Axis, left: float, width: float) -> float:
        lo, hi = axis
        return left + (min(max(value, lo), hi) - lo) / (hi - lo) * width

    def row_y(self, row: int) -> float:
        return self.HEAD_H + row * self.ROW_H + self.ROW_H / 2

    # -- colours ---------------------------------------------------------------------------
    def ink(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.WindowText)

    def muted(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.PlaceholderText)

    def accent(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Link)

    def rule(self) -> QColor:
        colour = QColor(self.muted())
        colour.setAlpha(110)
        return colour

    # -- drawing helpers ------------------------------------------------------------------
    def draw_axis(self, p: QPainter, axis: Axis, left: float, width: float,
                  ticks: Sequence[float], fmt: Callable[[float], str], title: str) -> None:
        p.setPen(QPen(self.ink()))
        fm = QFontMetrics(p.font())
        p.drawText(QRectF(left, 0, width, fm.height()), Qt.AlignmentFlag.AlignHCenter, title)
        p.setPen(QPen(self.muted()))
        base = self.HEAD_H - 6
        p.drawLine(QPointF(left, base), QPointF(left + width, base))
        for t in ticks:
            x = self.at(t, axis, left, width)
            p.drawLine(QPointF(x, base - 3), QPointF(x, base + 3))
            text = fmt(t)
            w = fm.horizontalAdvance(text)
            p.drawText(QPointF(x - w / 2, base - 6), text)

    def guide(self, p: QPainter, value: float, axis: Axis, left: float, width: float,
              dashed: bool, top: float | None = None, bottom: float | None = None) -> None:
        pen = QPen(self.rule(), 1, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
        p.setPen(pen)
        x = self.at(value, axis, left, width)
        p.drawLine(QPointF(x, self.HEAD_H if top is None else top),
                   QPointF(x, self.height() - 4 if bottom is None else bottom))

    def label(self, p: QPainter, row: int, text: str, counts: str) -> None:
        """The row's name, and under it (muted) what its figures rest on."""
        base = p.font()
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() * 0.82)  # the counts: smaller, so they fit
        top = self.row_y(row) - QFontMetrics(base).height()
        for line, colour, font in ((text, self.ink(), base), (counts, self.muted(), small)):
            p.setFont(font)
            fm = QFontMetrics(font)
            p.setPen(QPen(colour))
            shown = fm.elidedText(line, Qt.TextElideMode.ElideRight, self.LABEL_W - 10)
            p.drawText(QRectF(0, top, self.LABEL_W - 8, fm.height()),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, shown)
            top += fm.height()
        p.setFont(base)

    def missing(self, p: QPainter, e: Estimate, x: float, y: float) -> None:
        p.setPen(QPen(self.muted()))
        fm = QFontMetrics(p.font())
        p.drawText(QPointF(x + 4, y + fm.ascent() / 2 - 1), figure(e, n=False))

    def whisker(self, p: QPainter, e: Estimate, axis: Axis, left: float, width: float,
                y: float) -> None:
        """The 95% whisker: a tick at each end, or an arrowhead where the edge cuts it."""
        if e.low is None or e.high is None:
            return
        p.setPen(QPen(self.ink(), 1.3))
        lo, hi = self.at(e.low, axis, left, width), self.at(e.high, axis, left, width)
        p.drawLine(QPointF(lo, y), QPointF(hi, y))
        for end, cut, way in zip((lo, hi), cut_ends(e, axis), (-1, 1), strict=True):
            if cut:
                p.setBrush(self.ink())
                p.drawPolygon([QPointF(end, y), QPointF(end - 6 * way, y - 4),
                               QPointF(end - 6 * way, y + 4)])
                p.setBrush(Qt.BrushStyle.NoBrush)
            else:
                p.drawLine(QPointF(end, y - 4), QPointF(end, y + 4))

    def dot(self, p: QPainter, e: Estimate, axis: Axis, left: float, width: float,
            y: float) -> None:
        if not e.shown or e.value is None:
            self.missing(p, e, left, y)
            return
        self.whisker(p, e, axis, left, width, y)
        p.setPen(QPen(self.accent(), 1.6))
        filled = e.status == "solid"
        p.setBrush(self.accent() if filled else self.palette().color(QPalette.ColorRole.Base))
        p.drawEllipse(QPointF(self.at(e.value, axis, left, width), y), 5, 5)
        p.setBrush(Qt.BrushStyle.NoBrush)


class LeniencyChart(_RowChart):
    """Per interviewer: leniency against co-panelists, and scatter around it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("calibration.leniencyChart", parent)
        self.setAccessibleName("Leniency and scatter per interviewer")
        self.figures: tuple[InterviewerFigures, ...] = ()

    def set_figures(self, figures: tuple[InterviewerFigures, ...]) -> None:
        self.figures = figures
        self.rows = len(figures)
        self.setAccessibleDescription(describe_interviewers(figures))
        self.updateGeometry()
        self.update()

    def panels(self) -> list[tuple[Axis, float, float]]:
        plot = max(self.width() - self.LABEL_W - 8, 200)
        lean_w = plot * 0.56
        gap = 56  # room for the last tick label of one panel and the first of the next
        return [(LEAN_AXIS, self.LABEL_W, lean_w),
                (SCATTER_AXIS, self.LABEL_W + lean_w + gap, plot - lean_w - gap)]

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        (lean_axis, lean_l, lean_w), (sc_axis, sc_l, sc_w) = self.panels()
        self.draw_axis(p, lean_axis, lean_l, lean_w, (-1.5, -1, -0.5, 0, 0.5, 1, 1.5),
                       lambda v: f"{v:+g}" if v else "0", "Leniency (rating steps)")
        self.draw_axis(p, sc_axis, sc_l, sc_w, (0, 0.5, 1, 1.5), lambda v: f"{v:g}",
                       "Scatter (rating steps)")
        self.guide(p, 0, lean_axis, lean_l, lean_w, dashed=False)
        for v in (-LEAN_MIN, LEAN_MIN):
            self.guide(p, v, lean_axis, lean_l, lean_w, dashed=True)
        for row, f in enumerate(self.figures):
            y = self.row_y(row)
            self.label(p, row, f.name, basis(f.leniency))
            typical = team_scatter(self.figures, f.name)
            if typical is not None:
                top, bottom = y - self.ROW_H / 2, y + self.ROW_H / 2
                self.guide(p, typical, sc_axis, sc_l, sc_w, False, top, bottom)
                self.guide(p, NOISY_RATIO * typical, sc_axis, sc_l, sc_w, True, top, bottom)
            self.dot(p, f.leniency, lean_axis, lean_l, lean_w, y)
            self.dot(p, f.scatter, sc_axis, sc_l, sc_w, y)
        p.end()


class ItemChart(_RowChart):
    """Per question: agreement (alpha) and prediction of the recommendation (tau-b)."""

    LABEL_W = 310  # question titles (and their counts) are longer than names
    ROW_H = 40

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("calibration.itemChart", parent)
        self.setAccessibleName("Agreement and prediction per question")
        self.figures: tuple[RatingFigures, ...] = ()

    def set_figures(self, figures: tuple[RatingFigures, ...]) -> None:
        self.figures = figures
        self.rows = len(figures)
        self.setAccessibleDescription(describe_items(figures))
        self.updateGeometry()
        self.update()

    def panels(self) -> list[tuple[Axis, float, float]]:
        return [(ITEM_AXIS, self.LABEL_W, max(self.width() - self.LABEL_W - 12, 200))]

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        ((axis, left, width),) = self.panels()
        self.draw_axis(p, axis, left, width, (-0.4, -0.2, 0, 0.2, 0.4, 0.6, 0.8, 1.0),
                       lambda v: f"{v:g}", "Agreement (alpha, upper bar) and predicts "
                       "recommendation (tau-b, lower bar)")
        self.guide(p, 0, axis, left, width, dashed=False)
        for v in (USEFUL_TAU, 0.8):
            self.guide(p, v, axis, left, width, dashed=True)
        for row, f in enumerate(self.figures):
            y = self.row_y(row)
            self.label(p, row, f.title, item_counts(f))
            self.bar(p, f.agreement, axis, left, width, y - 7, self.accent())
            self.bar(p, f.predicts_recommendation, axis, left, width, y + 7, self.muted())
        p.end()

    def bar(self, p: QPainter, e: Estimate, axis: Axis, left: float, width: float, y: float,
            colour: QColor) -> None:
        zero = self.at(0, axis, left, width)
        if not e.shown or e.value is None:
            self.missing(p, e, zero, y)
            return
        end = self.at(e.value, axis, left, width)
        p.setPen(QPen(colour, 1.2))
        p.setBrush(colour if e.status == "solid" else Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(min(zero, end), y - 5, abs(end - zero), 10))
        p.setBrush(Qt.BrushStyle.NoBrush)
        self.whisker(p, e, axis, left, width, y)


def describe_interviewers(figures: Sequence[InterviewerFigures]) -> str:
    """The leniency chart in words, one interviewer per sentence."""
    return " ".join(f"{f.name}: leniency {figure(f.leniency, 'steps')}, scatter "
                    f"{figure(f.scatter)}." for f in figures) or "No interviewer yet."


def describe_items(figures: Sequence[RatingFigures]) -> str:
    """The question chart in words, one question per sentence."""
    return " ".join(f"{f.title}: agreement {figure(f.agreement)}, predicts recommendation "
                    f"{figure(f.predicts_recommendation)}." for f in figures) or "No question yet."
