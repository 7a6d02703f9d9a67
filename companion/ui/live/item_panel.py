"""The current question or scenario in large type, with its anchored cues one key away."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from companion.content.model import CUE_LEVELS, FailureProbe, Question, Scenario
from companion.ui.live.common import BODY_PT, PROMPT_PT, SMALL_PT, TITLE_PT, Zoomable, sized_font

CUE_TITLE: dict[str, str] = {
    "strong": "Strong",
    "mid": "Mid",
    "thin": "Thin",
    "very_thin": "Very thin",
}


class ItemPanel(QWidget, Zoomable):
    """Shows one item: a small heading, the prompt big, the cues folded away until asked for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("item.panel")
        self._item: Question | Scenario | None = None
        self._compact = False

        self.heading = QLabel(self)
        self.heading.setObjectName("item.heading")
        self.heading.setWordWrap(True)
        self.watch = QLabel(self)
        self.watch.setObjectName("item.watch")
        self.watch.setWordWrap(True)
        self.watch.setProperty("live_role", "muted")
        self.prompt = QLabel(self)
        self.prompt.setObjectName("item.prompt")
        self.prompt.setWordWrap(True)
        self.prompt.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.hint = QLabel(self)
        self.hint.setObjectName("item.hint")
        self.hint.setWordWrap(True)
        self.hint.setProperty("live_role", "muted")

        self.cues = QFrame(self)
        self.cues.setObjectName("item.cues")
        self.cues.setProperty("live_role", "cues")
        box = QVBoxLayout(self.cues)
        box.setContentsMargins(10, 8, 10, 8)
        box.setSpacing(4)
        self._cue_texts: dict[str, QLabel] = {}
        for level in CUE_LEVELS:
            text = QLabel(self.cues)
            text.setObjectName(f"item.cue.{level}")
            text.setWordWrap(True)
            text.setTextFormat(Qt.TextFormat.RichText)
            box.addWidget(text)
            self._cue_texts[level] = text
        self.first_move = QLabel(self.cues)
        self.first_move.setObjectName("item.first_move")
        self.first_move.setWordWrap(True)
        self.first_move.setTextFormat(Qt.TextFormat.RichText)
        self.failure_note = QLabel(self.cues)
        self.failure_note.setObjectName("item.failure_note")
        self.failure_note.setWordWrap(True)
        self.failure_note.setTextFormat(Qt.TextFormat.RichText)
        box.addWidget(self.first_move)
        box.addWidget(self.failure_note)
        # The item's guidance for the interviewer lives with the cues: useful, but long.
        self.hint.setParent(self.cues)
        box.addWidget(self.hint)
        self.cues.hide()

        self.cue_hint = QLabel(
            "Alt+C: what strong, mid, thin and very thin answers sound like, and guidance",
            self)
        self.cue_hint.setObjectName("item.cue_hint")
        self.cue_hint.setProperty("live_role", "muted")

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        lay.addWidget(self.heading)
        lay.addWidget(self.prompt)
        lay.addWidget(self.watch)
        lay.addWidget(self.cue_hint)
        lay.addWidget(self.cues)
        self._apply_fonts()

    # -- display -------------------------------------------------------------------------
    def show_item(self, item: Question | Scenario, dimension_label: str = "",
                  failure: FailureProbe | None = None, watch: str = "") -> None:
        """Display ``item``; ``watch`` names the red flags it tends to bring out."""
        self._item = item
        kind = "Scenario" if item.kind == "scenario" else "Question"
        parts = [kind, item.title]
        if dimension_label:
            parts.append(dimension_label)
        self.heading.setText("  ·  ".join(parts))
        self.prompt.setText(item.prompt)
        self.watch.setText(f"Watch for: {watch}" if watch else "")
        self.watch.setVisible(bool(watch))
        self.hint.setText(item.hint)
        self.hint.setVisible(bool(item.hint))
        for level in CUE_LEVELS:
            text = item.cues.get(level)
            shown = escape(text) if text else "<i>no cue in this pack</i>"
            self._cue_texts[level].setText(f"<b>{CUE_TITLE[level]}:</b> {shown}")
        first = item.strong_first_move if isinstance(item, Scenario) else ""
        self.first_move.setText(f"<b>Strong first move:</b> {escape(first)}" if first else "")
        self.first_move.setVisible(bool(first))
        names = "; ".join(failure.complete_answer) if failure else ""
        self.failure_note.setText(
            f"<b>Failure probe, complete answer:</b> {escape(names)}" if names else "")
        self.failure_note.setVisible(bool(names))

    def show_round_only(self, round_title: str) -> None:
        """No question or scenario in this round (say, a screening call): say so plainly."""
        self._item = None
        self.heading.setText(f"Round  ·  {round_title}" if round_title else "Round")
        self.prompt.setText("This round has no questions from the pack. Follow its sections "
                            "on the clock above; your notes belong to the round as a whole.")
        for label in (self.watch, self.cue_hint, self.cues):
            label.hide()

    def set_cues_visible(self, visible: bool) -> None:
        """Fold the cues out or in; while they are out the prompt (already asked) is
        set smaller, so the anchors get the room."""
        self.cues.setVisible(visible)
        self.cue_hint.setVisible(not visible and not self._compact)
        self._apply_fonts()

    def set_compact(self, compact: bool) -> None:
        self._compact = compact
        # No item, no cues: Alt+C does nothing in a round without questions.
        self.cue_hint.setVisible(not compact and not self.cues_visible()
                                 and self._item is not None)

    def cues_visible(self) -> bool:
        return not self.cues.isHidden()

    def _apply_fonts(self) -> None:
        base = self.font()
        z = self._zoom
        self.heading.setFont(sized_font(base, TITLE_PT, z, bold=True))
        self.prompt.setFont(sized_font(base, TITLE_PT if self.cues_visible() else PROMPT_PT, z))
        self.hint.setFont(sized_font(base, SMALL_PT, z))
        self.cue_hint.setFont(sized_font(base, SMALL_PT, z))
        self.watch.setFont(sized_font(base, SMALL_PT + 0.5, z))
        for label in (self.first_move, self.failure_note, *self._cue_texts.values()):
            label.setFont(sized_font(base, BODY_PT, z))
