"""The two views of a practice set: one sample answer (before and after the reveal) and the
end-of-set summary. They show what the session holds and emit intent; the rules (rate
first, reveal after, no second rating) live in ``companion.practice.session``.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from companion.content.model import Pack
from companion.practice.model import PracticeItem, Rated
from companion.practice.scoring import Figures, describe
from companion.practice.text import LEVEL_NAME, heading, off_by, prompt_of
from companion.ui.live.common import describe as describe_widget
from companion.ui.live.probes import TARGET_TITLE, ProbeRow
from companion.ui.live.rubric_bar import RubricBar


def _label(parent: QWidget, name: str, role: str = "", rich: bool = False) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if role:
        label.setProperty("role", role)
    return label


class PracticeItemView(QWidget):
    """One sample answer: the question, what the candidate said, the rating keys, and once
    rated, the level it was written to show and why."""

    rate_requested = Signal(str)
    next_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("practice.item")
        self.progress = _label(self, "practice.progress", "muted")
        self.title = _label(self, "practice.title", "title")
        self.prompt = _label(self, "practice.prompt")
        self.said_heading = QLabel("What the candidate said", self)
        self.said_heading.setProperty("role", "muted")
        self.answer = _label(self, "practice.answer")
        self.answer.setAccessibleName("What the candidate said")
        self.answer.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a screen reader can read it
        self.answer_card = QFrame(self)
        self.answer_card.setObjectName("practice.answerCard")
        self.answer_card.setProperty("role", "card")
        QVBoxLayout(self.answer_card).addWidget(self.answer)
        self.probe_host = QVBoxLayout()
        self.probe_row: ProbeRow | None = None
        self.rubric = RubricBar(self)
        self.rubric.buttons["skip"].hide()  # every sample answer gets a level
        self.rubric.set_cue_line(False)  # the anchors would give the answer away
        self.rubric.rate_requested.connect(self._rubric_tapped)
        self.reveal = QFrame(self)
        self.reveal.setObjectName("practice.reveal")
        self.reveal.setProperty("role", "card")
        self.verdict = _label(self.reveal, "practice.verdict", rich=True)
        self.why = _label(self.reveal, "practice.why")
        self.anchor = _label(self.reveal, "practice.anchor", "muted")
        self.next_button = QPushButton("Next answer", self.reveal)
        self.next_button.setObjectName("practice.next")
        describe_widget(self.next_button, "Next answer", "Show the next sample answer.",
                        "Alt+Right")
        self.next_button.clicked.connect(self.next_requested)
        box = QVBoxLayout(self.reveal)
        box.addWidget(self.verdict)
        box.addWidget(self.why)
        box.addWidget(self.anchor)
        box.addWidget(self.next_button, 0, Qt.AlignmentFlag.AlignLeft)

        body = QWidget(self)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 0, 0)
        for w in (self.progress, self.title, self.prompt, self.said_heading, self.answer_card):
            lay.addWidget(w)
        lay.addLayout(self.probe_host)
        lay.addWidget(self.reveal)
        lay.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.rubric)

    def show_item(self, pack: Pack, item: PracticeItem, position: int, total: int,
                  rated: Rated | None) -> None:
        """Show ``item``; with ``rated``, its reveal too (the rating is then fixed)."""
        self.progress.setText(f"Sample answer {position} of {total}")
        self.title.setText(heading(item, pack))
        self.prompt.setText(prompt_of(item, pack))
        self.answer.setText(item.answer)
        self._show_probe_row(item, rated)
        target = TARGET_TITLE.get(item.target or "", "")
        self.rubric.set_target(f"{target} (failure probe)" if target else "")
        self.rubric.set_current(rated.rating if rated else None)
        for value, button in self.rubric.buttons.items():
            button.setEnabled(rated is None or value == rated.rating)
        self.reveal.setVisible(rated is not None)
        if rated is None:
            return
        self.verdict.setText(
            f"<b>Written to show: {LEVEL_NAME[item.level]}</b><br>You rated "
            f"{LEVEL_NAME[rated.rating]}: {escape(off_by(rated))}.")
        self.verdict.setAccessibleName(f"Written to show {LEVEL_NAME[item.level]}; you rated "
                                       f"{LEVEL_NAME[rated.rating]}, {off_by(rated)}")
        self.why.setText(f"Why: {item.why}")
        found = pack.find_item(item.item_id)
        if item.target is not None:  # the failure probe's anchor is what a complete answer names
            parts = "; ".join(pack.failure_probe.complete_answer)
            self.anchor.setText(f"A complete answer to the failure probe names: {parts}.")
        else:
            cue = found.cues.get(item.level) if found is not None else None
            self.anchor.setText(f"The {LEVEL_NAME[item.level].lower()} anchor: {cue}"
                                if cue else "")
        self.anchor.setVisible(bool(self.anchor.text()))
        self.next_button.setText("See the summary" if position == total else "Next answer")

    def _show_probe_row(self, item: PracticeItem, rated: Rated | None) -> None:
        """A failure answer shows the failure-probe row it belongs to, picked for rating."""
        if self.probe_row is not None:
            self.probe_host.removeWidget(self.probe_row)
            self.probe_row.deleteLater()
            self.probe_row = None
        if item.target is None:
            return
        title = TARGET_TITLE.get(item.target, item.target)
        row = ProbeRow(1, f"failure.{item.target}", title,
                       "the failure-probe row this answer is rated on", True, self)
        row.number.hide()  # the one row is picked already: Alt+1..4 rate it
        row.show_state(True, rated.rating if rated else None, rated is None)
        for value, chip in row.chips.items():
            chip.clicked.connect(lambda _c=False, v=value: self._rubric_tapped(v))
        self.probe_host.addWidget(row)
        self.probe_row = row

    def _rubric_tapped(self, value: str) -> None:
        if value != "skip":
            self.rate_requested.emit(value)


class PracticeSummaryView(QWidget):
    """The end of a set: agreement, signed error, and the answers missed by two steps."""

    again_requested = Signal()
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("practice.summary")
        title = QLabel("End of the set", self)
        title.setProperty("role", "title")
        self.figures = _label(self, "practice.figures", rich=True)
        self.figures.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.misses = _label(self, "practice.misses", rich=True)
        self.again = QPushButton("Another set", self)
        self.again.setObjectName("practice.again")
        self.again.setProperty("role", "primary")
        describe_widget(self.again, "Another set", "Draw a new set of twelve.", "Return")
        self.again.clicked.connect(self.again_requested)
        self.back = QPushButton("Back to rounds", self)
        self.back.setObjectName("practice.summaryBack")
        self.back.setAccessibleDescription("Return to the start screen.")
        self.back.clicked.connect(self.back_requested)
        self.publish = QPushButton("Publish to the team store", self)
        self.publish.setObjectName("practice.publish")
        describe_widget(self.publish, "Publish to the team store",
                        "Send the sums of your finished practice sets (not the answers) to "
                        "the team store, for the panel lead.", "Ctrl+Shift+U")
        self.publish.hide()  # shown only with a team store
        self.publish_state = _label(self, "practice.publishState", "muted")
        buttons = QHBoxLayout()
        buttons.addWidget(self.again)
        buttons.addWidget(self.back)
        buttons.addWidget(self.publish)
        buttons.addWidget(self.publish_state, 1)
        body = QWidget(self)
        lay = QVBoxLayout(body)
        lay.addWidget(title)
        lay.addWidget(self.figures)
        lay.addWidget(self.misses)
        lay.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addLayout(buttons)

    def show_summary(self, pack: Pack, rated: list[Rated], figures: Figures,
                     missed: list[Rated]) -> None:
        rows = (("Exact agreement", describe(figures.exact)),
                ("Within one step", describe(figures.within_one)),
                ("Mean signed error", describe(figures.signed_error, percent=False)))
        table = "".join(f"<tr><td>{name}&nbsp;&nbsp;</td><td><b>{escape(value)}</b></td></tr>"
                        for name, value in rows)
        self.figures.setText(
            f"<p>{len(rated)} sample answers rated.</p><table>{table}</table>"
            "<p>A signed error above zero means you rated answers higher than the level they "
            "were written to show; below zero, lower. Intervals are 95%; one set is a "
            "small sample, so read them before the number.</p>")
        self.figures.setAccessibleName(
            "; ".join(f"{name}: {value}" for name, value in rows))
        if not missed:
            self.misses.setText("<p>No answer was missed by two steps or more.</p>")
            return
        items = "".join(
            f"<li><b>{escape(heading(r.item, pack))}</b>: written "
            f"{LEVEL_NAME[r.item.level]}, you rated {LEVEL_NAME[r.rating]}.<br>"
            f"{escape(r.item.why)}</li>" for r in missed)
        self.misses.setText(f"<p><b>Missed by two steps or more ({len(missed)})</b></p>"
                            f"<ul>{items}</ul>")
