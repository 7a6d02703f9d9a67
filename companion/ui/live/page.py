"""The round page's layout: what the interviewer reads on the left, what they write on the right.

Left, in a scroll area: the item, the rubric, the probes. Right: the red flags
above the two note fields. Above both: the timer strip and the navigation bar.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

SIDE_WIDTH = (340, 430)  # min, max of the right-hand column
COMPACT_SIDE_WIDTH = (220, 250)


@dataclass(frozen=True)
class RoundPage:
    page: QWidget
    scroll: QScrollArea
    side: QWidget


def build_round_page(parent: QWidget, top: tuple[QWidget, ...], reading: tuple[QWidget, ...],
                     writing: tuple[QWidget, ...]) -> RoundPage:
    """Lay out ``top`` widgets in rows, ``reading`` in a card, ``writing`` in a side column.

    The last ``writing`` widget (the notes) takes the spare height.
    """
    page = QWidget(parent)
    page.setObjectName("live.page.round")

    card = QFrame(page)
    card.setObjectName("live.item_card")
    card.setProperty("live_role", "card")
    card_lay = QVBoxLayout(card)
    card_lay.setContentsMargins(14, 10, 14, 10)
    card_lay.setSpacing(10)
    for widget in reading:
        card_lay.addWidget(widget)
    card_lay.addStretch(1)
    scroll = QScrollArea(page)
    scroll.setObjectName("live.scroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    # Wrap instead: a sideways scroll would hide the rating chips.
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(card)

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
    middle.addWidget(scroll, 1)
    middle.addWidget(side)
    page_lay = QVBoxLayout(page)
    page_lay.setContentsMargins(10, 8, 10, 8)
    page_lay.setSpacing(8)
    for widget in top:
        page_lay.addWidget(widget)
    page_lay.addLayout(middle, 1)
    return RoundPage(page, scroll, side)


def set_side_width(side: QWidget, compact: bool) -> None:
    low, high = COMPACT_SIDE_WIDTH if compact else SIDE_WIDTH
    side.setMinimumWidth(low)
    side.setMaximumWidth(high)
