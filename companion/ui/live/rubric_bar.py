"""Quick-tap rubric buttons: Strong, Mid, Thin, Very thin, Skip.

Hovering or focusing a button shows the anchored cue of that level; otherwise the
cue of the current rating stays visible, so a tap always shows what it meant.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from companion.content.model import Cues
from companion.record.scorecard import RUBRIC_BUTTONS
from companion.ui.live.common import (
    BODY_PT,
    SMALL_PT,
    Zoomable,
    describe,
    rating_label,
    sized_font,
    tap_button,
)
from companion.ui.theme import set_look

BUTTON_TEXT: dict[str, str] = {
    "strong": "Strong",
    "mid": "Mid",
    "thin": "Thin",
    "very_thin": "Very thin",
    "skip": "Skip",
}
BUTTON_KEY: dict[str, str] = {
    "strong": "Alt+1",
    "mid": "Alt+2",
    "thin": "Alt+3",
    "very_thin": "Alt+4",
    "skip": "Alt+0",
}


class RubricBar(QWidget, Zoomable):
    """Five buttons and a cue line; emits ``rate_requested(value)`` and nothing else."""

    rate_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rubric.bar")
        self._compact = False
        self._cues = Cues()
        self._current: str | None = None
        self._hovered: str | None = None

        self.target = QLabel(self)
        self.target.setObjectName("rubric.target")
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        row.setSpacing(8)
        for value in RUBRIC_BUTTONS:
            btn = tap_button(self, f"{BUTTON_TEXT[value]}\n{BUTTON_KEY[value]}",
                             f"rubric.{value}", checkable=True, style="rubric")
            btn.setToolTip(f"Rate {BUTTON_TEXT[value].lower()} ({BUTTON_KEY[value]})")
            describe(btn, BUTTON_TEXT[value],
                     "Skip the item on purpose; it is not scored." if value == "skip" else
                     f"Rate the item, or the picked probe row, {BUTTON_TEXT[value].lower()}.",
                     BUTTON_KEY[value])
            btn.clicked.connect(lambda _c=False, v=value: self._tapped(v))
            btn.installEventFilter(self)
            row.addWidget(btn, 0 if value == "skip" else 1)
            self.buttons[value] = btn
        self.cue = QLabel(self)
        self.cue.setObjectName("rubric.cue")
        self.cue.setWordWrap(True)
        self.cue.setMinimumHeight(1)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(self.target)
        lay.addLayout(row)
        lay.addWidget(self.cue)
        self.set_target("")
        self._apply_fonts()

    def set_cues(self, cues: Cues) -> None:
        self._cues = cues
        self._show_cue()

    def set_current(self, value: str | None) -> None:
        """Highlight the current rating (of whatever the bar is rating now)."""
        self._current = value
        for v, btn in self.buttons.items():
            btn.setChecked(v == value)
        self._show_cue()

    def current(self) -> str | None:
        return self._current

    def set_target(self, description: str) -> None:
        """Say what a tap rates: the item, or a probe picked with Ctrl+digit.

        Shown only while a probe is picked: rating the item is what the buttons say.
        """
        self.target.setText(f"Rating: {description}" if description else "Rating: this item")
        set_look(self.target, "probe_target", bool(description))
        self.target.setVisible(bool(description))

    def set_cue_line(self, visible: bool) -> None:
        """Show the cue of the current (or hovered) level under the buttons; off while the
        item's cues are open above, which show every level."""
        self.cue.setVisible(visible)

    def set_compact(self, compact: bool) -> None:
        """Compact: the level names alone; the Alt+digit keys stay in tool tips and help."""
        self._compact = compact
        for value, btn in self.buttons.items():
            btn.setText(BUTTON_TEXT[value] if compact
                        else f"{BUTTON_TEXT[value]}\n{BUTTON_KEY[value]}")
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        base = self.font()
        size = SMALL_PT if self._compact else BODY_PT
        for btn in self.buttons.values():
            btn.setFont(sized_font(base, size, self._zoom, bold=True))
            btn.setMinimumHeight(int((38 if self._compact else 52) * self._zoom))
            # Narrow buttons in compact mode: the level name is all that must fit.
            btn.setStyleSheet("padding: 4px 4px;" if self._compact else "")
        self.cue.setFont(sized_font(base, BODY_PT, self._zoom))
        self.target.setFont(sized_font(base, SMALL_PT, self._zoom))

    def _tapped(self, value: str) -> None:
        # Keep the highlight on the engine's value until it reports back.
        self.buttons[value].setChecked(value == self._current)
        self.rate_requested.emit(value)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.Enter, QEvent.Type.FocusIn):
            for value, btn in self.buttons.items():
                if btn is watched:
                    self._hovered = value
                    self._show_cue()
        elif kind in (QEvent.Type.Leave, QEvent.Type.FocusOut):
            self._hovered = None
            self._show_cue()
        return super().eventFilter(watched, event)

    def _show_cue(self) -> None:
        level = self._hovered or self._current
        if level is None:
            self.cue.setText("Hover over or Tab to a button to see its anchored cue.")
            return
        if level == "skip":
            self.cue.setText("Skip: passed over on purpose, not scored.")
            return
        text = self._cues.get(level) or "no cue for this level"
        prefix = "" if self._hovered else "Current: "
        self.cue.setText(f"{prefix}{rating_label(level)} — {text}")
