"""Small shared helpers for the live-round widgets: time formats, colours, fonts.

Nothing here knows a rule of the round; it only turns engine values into text
and picks colours that stay readable on both light and dark palettes.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QPushButton, QWidget

from companion.record.scorecard import RATING_LABEL

# Point sizes at zoom 1; the prompt stays at 20 pt or more so it reads at arm's length.
PROMPT_PT = 22.0
TITLE_PT = 13.0
BODY_PT = 12.0
SMALL_PT = 10.5
TIMER_PT = 20.0

RATING_SHORT: dict[str, str] = {
    "strong": "S",
    "mid": "M",
    "thin": "T",
    "very_thin": "VT",
    "skip": "–",
}


def rating_label(value: str | None) -> str:
    """Human label of a rubric value, or "not rated"."""
    if not value:
        return "not rated"
    return RATING_LABEL.get(value, value)


def mmss(seconds: float) -> str:
    """``75.4`` -> ``01:15``; hours roll into minutes (a round is under two hours)."""
    total = max(0, int(seconds))
    return f"{total // 60:02d}:{total % 60:02d}"


def clock_time(at: datetime | None) -> str:
    """A stored UTC time as local wall-clock ``HH:MM:SS`` (what the interviewer sees)."""
    if at is None:
        return ""
    return at.astimezone().strftime("%H:%M:%S")


def short_time(at: datetime | None) -> str:
    if at is None:
        return ""
    return at.astimezone().strftime("%H:%M")


def is_dark(widget: QWidget) -> bool:
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


def tap_button(parent: QWidget, text: str, name: str, *, checkable: bool = False,
               style: str | None = None) -> QPushButton:
    """A button that acts on a click without taking the keyboard focus, yet is in the
    Tab chain.

    A tap must not pull the caret out of the notes the interviewer is typing in, so
    a click leaves the focus where it is (``TabFocus``, not ``StrongFocus``); a
    keyboard-only user still reaches the button with Tab and presses it with Space.
    ``style`` names the boolean property the style sheet keys its look on
    (``rubric``, ``chip``, ...).
    """
    btn = QPushButton(text, parent)
    btn.setObjectName(name)
    btn.setCheckable(checkable)
    if style:
        btn.setProperty(style, True)
    btn.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    return btn


def describe(widget: QWidget, name: str, what: str, key: str = "") -> None:
    """The accessible name and description a screen reader speaks, with the shortcut.

    ``what`` says what the control does, in a sentence; ``key`` is its shortcut.
    """
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(f"{what} Shortcut: {key}." if key else what)


def sized_font(base: QFont, points: float, zoom: float, bold: bool = False) -> QFont:
    """``base`` at ``points * zoom`` point size."""
    font = QFont(base)
    font.setPointSizeF(max(6.0, points * zoom))
    font.setBold(bold)
    return font


class Zoomable:
    """A panel that sizes its own type: ``set_zoom`` rescales it through ``_apply_fonts``."""

    _zoom = 1.0

    def set_zoom(self, zoom: float) -> None:
        """Scale this panel's type; 1.0 gives the point sizes named in this module."""
        self._zoom = zoom
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        raise NotImplementedError
