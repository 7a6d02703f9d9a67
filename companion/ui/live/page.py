"""The round page's layout: what the interviewer reads on the left, what they write on the right.

Left, in one card: the item to read (heading, prompt, cues) above the controls
(rubric and probes). The controls always get the room they need, so every
button of the current item stays on screen without scrolling, even on a
1280x720 laptop with the cues open; the reading part gets what it needs of the
rest and scrolls on its own when the cues do not fit (``ReadThenControls``).
The card's minimum height is exactly that (the controls whole, a few lines of
reading), so the window's minimum says honestly whether the page fits the screen
(``companion.ui.screen_fit`` steps the zoom down when it does not).
Right: the red flags above the two note fields, which take the spare height.
Above both: the timer strip and the navigation bar.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLayout,
    QLayoutItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

SIDE_WIDTH = (340, 430)  # min, max of the right-hand column
COMPACT_SIDE_WIDTH = (220, 250)
# The reading part never shrinks below this many lines of body text: the heading, the
# prompt's start and a line or two of the cues, scrolled with the arrow keys.
READING_MIN_LINES = 6
COMPACT_READING_MIN_LINES = 4  # the compact window is for glancing; the cues scroll


class FittingScroll(QScrollArea):
    """A scroll area that asks for all of its content's height, not Qt's capped hint.

    ``QScrollArea.sizeHint`` stops at 24 lines of text; these parts want to show
    everything, and only scroll when the window really is too small (a compact
    window at a large zoom, say).
    """

    def __init__(self, name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # Wrap instead: a sideways scroll would hide the rating chips.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        viewport = self.viewport()
        if viewport is not None:
            viewport.setAutoFillBackground(False)  # the card's colour shows through

    def setWidget(self, widget: QWidget) -> None:
        super().setWidget(widget)
        widget.setAutoFillBackground(False)  # QScrollArea turns it on; the card shows
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A scroll area does not pass its content's new size on; the layout must ask again.
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
            parent = self.parentWidget()
            layout = parent.layout() if parent is not None else None
            if layout is not None:
                layout.invalidate()  # ReadThenControls shares the card out again
        return super().eventFilter(watched, event)

    def sizeHint(self) -> QSize:
        inner = self.widget()
        if inner is None:
            return super().sizeHint()
        hint = inner.sizeHint()
        return QSize(hint.width(), hint.height() + 2 * self.frameWidth())

    def hasHeightForWidth(self) -> bool:
        inner = self.widget()
        return inner is not None and inner.hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:
        inner = self.widget()
        if inner is None:
            return super().heightForWidth(width)
        frame = 2 * self.frameWidth()
        return inner.heightForWidth(width - frame) + frame

    def minimumSizeHint(self) -> QSize:
        return QSize(0, min(self.sizeHint().height(), 4 * self.fontMetrics().lineSpacing()))


class ReadingScroll(FittingScroll):
    """The prompt and cues: takes the height the controls leave, scrolls beyond it."""

    def __init__(self, name: str, parent: QWidget) -> None:
        super().__init__(name, parent)
        self.setProperty("live_role", "reading")  # its focus ring (companion.ui.live.style)
        self.min_lines = READING_MIN_LINES

    def set_compact(self, compact: bool) -> None:
        self.min_lines = COMPACT_READING_MIN_LINES if compact else READING_MIN_LINES
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        # Asks for little, so the controls below get their full height first; the
        # expanding policy then hands it all the room that is left.
        return QSize(super().sizeHint().width(), self.minimumSizeHint().height())

    def hasHeightForWidth(self) -> bool:
        return False

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.min_lines * self.fontMetrics().lineSpacing())


class ReadThenControls(QLayout):
    """The item card: what to read on top, the controls right under it.

    The controls get all the height they need first; the reading part gets what
    it needs of the rest (at least ``READING_MIN_LINES`` lines) and scrolls past
    that; whatever is left over stays below the controls, so on a tall window the
    rubric sits right under the prompt rather than at the bottom of the card.
    """

    def __init__(self, parent: QWidget, reading: QScrollArea, controls: QScrollArea) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._reading, self._controls = reading, controls
        self.addWidget(reading)
        self.addWidget(controls)
        parent.installEventFilter(self)  # shown or hidden: the minimum changes

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
            _stale_upwards(self.parentWidget())
        return False

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def _margins(self) -> tuple[int, int]:
        m = self.contentsMargins()
        return m.left() + m.right(), m.top() + m.bottom()

    def _wants(self, area: QScrollArea, width: int) -> int:
        """The height ``area`` needs to show all of its content at ``width``."""
        inner = area.widget()
        if inner is None:
            return area.sizeHint().height()
        frame = 2 * area.frameWidth()
        if inner.hasHeightForWidth():
            return inner.heightForWidth(width - frame) + frame
        return inner.sizeHint().height() + frame

    def sizeHint(self) -> QSize:
        mx, my = self._margins()
        width = max(self._reading.sizeHint().width(), self._controls.sizeHint().width())
        height = (self._wants(self._reading, width) + self.spacing()
                  + self._wants(self._controls, width))
        return QSize(width + mx, height + my)

    def minimumSize(self) -> QSize:
        # The controls whole (never scrolled away) at the width the card has now: the
        # window's width does not follow its height, so this cannot oscillate. A hidden
        # card (the finish page is up) keeps an old width: it asks for no more than a
        # few lines, and its minimum is asked again when it shows.
        mx, my = self._margins()
        read, ctrl = self._reading.minimumSizeHint(), self._controls.minimumSizeHint()
        width = self.geometry().width() - mx
        card = self.parentWidget()
        shown = card is not None and card.isVisible()
        controls = self._wants(self._controls, width) if width > 0 and shown else ctrl.height()
        return QSize(max(read.width(), ctrl.width()) + mx,
                     read.height() + self.spacing() + controls + my)

    def setGeometry(self, rect: QRect) -> None:
        width_changed = rect.width() != self.geometry().width()
        super().setGeometry(rect)
        inner = rect.marginsRemoved(self.contentsMargins())
        width, room = inner.width(), inner.height() - self.spacing()
        least = self._reading.minimumSizeHint().height()
        wanted = self._wants(self._controls, width)
        controls = min(wanted, max(room - least, 0))
        reading = max(min(self._wants(self._reading, width), room - controls), 0)
        if width_changed:
            # The controls' height at the new width is a new minimum.
            _stale_upwards(self.parentWidget())
        # Given their whole height, the controls need no scroll bar, and must not keep one:
        # a bar shown while the window was briefly too short (the window manager answers a
        # resize later) narrows the controls, their lines wrap into more height than was
        # measured at the full width, and Qt, measuring at the narrow width, keeps the bar
        # and cuts the last probe row (seen under openbox on a busy machine: 34 of its 46
        # pixels, the row 15 px narrower). Short of room, the bar lets them scroll.
        policy = (Qt.ScrollBarPolicy.ScrollBarAlwaysOff if controls >= wanted
                  else Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        if self._controls.verticalScrollBarPolicy() != policy:
            self._controls.setVerticalScrollBarPolicy(policy)
        self._reading.setGeometry(QRect(inner.x(), inner.y(), width, reading))
        self._controls.setGeometry(QRect(inner.x(), inner.y() + reading + self.spacing(),
                                         width, controls))


def _stale_upwards(widget: QWidget | None) -> None:
    """Mark ``widget`` and every level up to the window for a new size hint at once; one
    at a time (Qt's way) the window keeps an old minimum for a dozen event-loop passes."""
    while widget is not None and not widget.isWindow():
        widget.updateGeometry()
        widget = widget.parentWidget()


@dataclass(frozen=True)
class RoundPage:
    page: QWidget
    reading: ReadingScroll
    controls: QScrollArea
    side: QWidget


def _column(parent: QScrollArea, name: str, widgets: tuple[QWidget, ...]) -> QWidget:
    host = QWidget(parent)
    host.setObjectName(name)
    lay = QVBoxLayout(host)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(8)
    for widget in widgets:
        widget.setParent(host)
        lay.addWidget(widget)
    lay.addStretch(1)
    parent.setWidget(host)
    return host


def build_round_page(parent: QWidget, top: tuple[QWidget, ...], reading: tuple[QWidget, ...],
                     controls: tuple[QWidget, ...], writing: tuple[QWidget, ...]) -> RoundPage:
    """Lay out ``top`` widgets in rows, ``reading`` over ``controls`` in a card, and
    ``writing`` in a side column whose last widget (the notes) takes the spare height."""
    page = QWidget(parent)
    page.setObjectName("live.page.round")

    card = QFrame(page)
    card.setObjectName("live.item_card")
    card.setProperty("live_role", "card")
    read = ReadingScroll("live.reading", card)
    # Keyboard users reach it with Tab and scroll it with the arrow and page keys.
    read.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    _column(read, "live.reading.body", reading)
    ctrl = FittingScroll("live.controls", card)
    ctrl.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    _column(ctrl, "live.controls.body", controls)
    card_lay = ReadThenControls(card, read, ctrl)
    card_lay.setContentsMargins(14, 10, 14, 10)
    card_lay.setSpacing(8)

    side = QWidget(page)
    side.setObjectName("live.side")
    side_lay = QVBoxLayout(side)
    side_lay.setContentsMargins(0, 0, 0, 0)
    side_lay.setSpacing(8)
    for i, widget in enumerate(writing):
        side_lay.addWidget(widget, 1 if i == len(writing) - 1 else 0)
    set_side_width(side, compact=False)

    middle = QHBoxLayout()
    middle.setSpacing(10)
    # Shares, not size hints: the flag titles wrap to the column's width, so its width
    # must not follow their length.
    middle.addWidget(card, 5)
    middle.addWidget(side, 2)
    page_lay = QVBoxLayout(page)
    page_lay.setContentsMargins(10, 8, 10, 8)
    page_lay.setSpacing(8)
    for widget in top:
        page_lay.addWidget(widget)
    page_lay.addLayout(middle, 1)
    return RoundPage(page, read, ctrl, side)


def set_side_width(side: QWidget, compact: bool) -> None:
    low, high = COMPACT_SIDE_WIDTH if compact else SIDE_WIDTH
    side.setMinimumWidth(low)
    side.setMaximumWidth(high)
