"""The Practice page: rate sample answers, then see the level each was written to show.

Layout, keys and intent only. A ``PracticeSession`` (``companion.practice``) holds the
set and its rules; ``history.StoredSet`` writes each rating to the local file as it is
given, in tables no scorecard, debrief or calibration reads. The rating keys are the
live round's (Alt+1..4), so practice trains the same hands as well as the same eyes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from companion.base.errors import CompanionError
from companion.content.model import CUE_LEVELS, DIMENSIONS
from companion.ui.live.actions import RATE_SPECS, ActionSpec, make_action
from companion.ui.practice_publish import PublishSignals, PublishTask, publish_practice
from companion.ui.practice_views import PracticeItemView, PracticeSummaryView

if TYPE_CHECKING:
    from companion.content.model import Pack
    from companion.practice.session import PracticeSession
    from companion.store import Store
    from companion.team.settings import TeamSettings

PUBLISH_SPEC = ActionSpec("practice.action.publish", "Publish practice", ("Ctrl+Shift+U",),
                          "Send finished sets' sums to the team store", "practice")
AGAIN_SPEC = ActionSpec("practice.action.again", "Start a set, or the next answer",
                        ("Return", "Enter"), "Before a set or after one: draw twelve sample "
                        "answers; after a reveal: the next one", "practice")
NEXT_SPEC = ActionSpec("practice.action.next", "Next answer", ("Alt+Right", "Ctrl+Return"),
                       "After the reveal, show the next sample answer", "practice")


class PracticePage(QWidget):
    """One page of the window's stack; ``back_requested`` returns to the start screen."""

    back_requested = Signal()
    changed = Signal()  # the shown state moved on (a rating, a reveal, the next answer)
    published = Signal(str)  # a publish to the team store finished, and how

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("practice.page")
        self.store: Store | None = None
        self.pack: Pack | None = None
        self.viewer: Callable[[], str] = lambda: ""  # the window points it at its settings
        self.session: PracticeSession | None = None
        self.rng: random.Random | None = None  # tests set a seeded one
        self.team: TeamSettings | None = None
        self.team_password: Callable[[], str | None] = lambda: None
        self._publish_signals = PublishSignals(self)
        self._publish_signals.done.connect(self._published)

        title = QLabel("Practice", self)
        title.setProperty("role", "title")
        intro = QLabel("Rate sample answers as you would in a round (Alt+1 strong to Alt+4 "
                       "very thin). After each rating you see the level the answer was "
                       "written to show, and why. Nothing here touches a candidate.", self)
        intro.setProperty("role", "muted")
        intro.setWordWrap(True)
        self.archetype = QComboBox(self)
        self.archetype.setObjectName("practice.archetype")
        self.archetype.setAccessibleName("Role to practise")
        self.archetype.setAccessibleDescription("Sample answers come from this role's items.")
        self.dimension = QComboBox(self)
        self.dimension.setObjectName("practice.dimension")
        self.dimension.setAccessibleName("Dimension")
        self.dimension.setAccessibleDescription("Practise every dimension, or only one.")
        self.archetype.currentIndexChanged.connect(self._fill_dimensions)
        self.start_button = QPushButton("Start a set of 12", self)
        self.start_button.setObjectName("practice.start")
        self.start_button.setAccessibleDescription("Draw twelve sample answers, every level "
                                                   "among them. Shortcut: Return.")
        self.start_button.setProperty("role", "primary")
        self.start_button.clicked.connect(self.start_set)
        self.back_button = QPushButton("Back to rounds", self)
        self.back_button.setObjectName("practice.back")
        self.back_button.setAccessibleDescription("Return to the start screen; a set left "
                                                  "half-way keeps the ratings given.")
        self.back_button.clicked.connect(self.back_requested)
        self.message = QLabel(self)
        self.message.setObjectName("practice.message")
        self.message.setWordWrap(True)
        self.message.setProperty("role", "error")
        self.message.hide()
        self.past = QLabel(self)
        self.past.setObjectName("practice.past")
        self.past.setProperty("role", "muted")
        self.past.setWordWrap(True)

        choose = QHBoxLayout()
        for label, box in (("Role", self.archetype), ("Dimension", self.dimension)):
            caption = QLabel(label, self)
            caption.setBuddy(box)
            choose.addWidget(caption)
            choose.addWidget(box)
        choose.addWidget(self.start_button)
        choose.addStretch(1)
        choose.addWidget(self.back_button)

        self.views = QStackedWidget(self)
        self.views.setObjectName("practice.views")
        self.empty = QLabel("Choose a role and start a set.", self.views)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.item_view = PracticeItemView(self.views)
        self.summary_view = PracticeSummaryView(self.views)
        for view in (self.empty, self.item_view, self.summary_view):
            self.views.addWidget(view)
        self.item_view.rate_requested.connect(self.rate)
        self.item_view.next_requested.connect(self.next_answer)
        self.summary_view.again_requested.connect(self.start_set)
        self.summary_view.back_requested.connect(self.back_requested)
        self.summary_view.publish.clicked.connect(self.publish)

        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addWidget(intro)
        lay.addLayout(choose)
        lay.addWidget(self.past)
        lay.addWidget(self.message)
        lay.addWidget(self.views, 1)
        self.rate_actions: dict[str, QAction] = {}
        for spec in RATE_SPECS:
            value = spec.name.removeprefix("action.rate.")
            if value in CUE_LEVELS:
                self.rate_actions[value] = make_action(self, spec, partial(self.rate, value))
        self.next_action = make_action(self, NEXT_SPEC, self.next_answer)
        self.publish_action = make_action(self, PUBLISH_SPEC, self.publish)
        self.again_action = make_action(self, AGAIN_SPEC, self._return_pressed)

    def help_actions(self) -> list[QAction]:
        """The page's keys, for the help overlay (F1)."""
        return [*self.rate_actions.values(), self.next_action, self.publish_action,
                self.again_action]

    # -- sources -------------------------------------------------------------------------
    def set_sources(self, store: Store | None, pack: Pack | None) -> None:
        self.store, self.pack = store, pack
        self.archetype.blockSignals(True)
        self.archetype.clear()
        for arch in pack.archetypes if pack is not None else ():
            self.archetype.addItem(arch.title, arch.id)
        self.archetype.blockSignals(False)
        self._fill_dimensions()
        self.refresh_past()

    def set_team(self, team: TeamSettings | None,
                 password: Callable[[], str | None] = lambda: None) -> None:
        """Offer publishing to ``team`` (``None``: practice stays on this computer)."""
        self.team, self.team_password = team, password
        self.summary_view.publish.setVisible(team is not None)

    def publish(self) -> None:
        """Send the finished sets' summaries to the team store, off the GUI thread."""
        if self.team is None or self.store is None:
            return
        self.summary_view.publish.setEnabled(False)
        self.summary_view.publish_state.setText("Publishing\u2026")
        job = partial(publish_practice, self.store, self.team, self.team_password())
        QThreadPool.globalInstance().start(PublishTask(job, self._publish_signals))

    def _published(self, message: str) -> None:
        self.summary_view.publish.setEnabled(True)
        self.summary_view.publish_state.setText(message)
        self.published.emit(message)

    def _fill_dimensions(self) -> None:
        self.dimension.clear()
        self.dimension.addItem("Every dimension", None)
        arch = self.pack.find_archetype(self.archetype.currentData() or "") if self.pack else None
        for dim in DIMENSIONS:
            self.dimension.addItem(arch.label(dim) if arch else dim, dim)

    def refresh_past(self) -> None:
        """One line on this interviewer's stored practice, so the trend is in view."""
        from companion.practice import history
        from companion.practice.scoring import Tally, describe, figures

        if self.store is None:
            return
        name = self.viewer().strip()
        try:
            sets = history.sets(self.store, name or None)
        except CompanionError as exc:
            self.show_message(str(exc))
            return
        total = sum((s.tally for s in sets), Tally())
        who = name or "everyone here"
        if not sets:
            self.past.setText(f"No practice sets yet ({who}).")
            return
        noun = "set" if len(sets) == 1 else "sets"
        self.past.setText(f"Practice so far ({who}): {len(sets)} {noun}, {total.n} answers "
                          f"rated, exact agreement {describe(figures(total).exact)}.")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.on_shown()

    def on_shown(self) -> None:
        """Where the keyboard goes when the page opens (and the trend line, fresh)."""
        self.refresh_past()
        if self.session is not None and not self.session.finished:
            self.item_view.answer.setFocus()
        else:
            self.archetype.setFocus()

    # -- intent --------------------------------------------------------------------------
    def start_set(self) -> None:
        from companion.practice.history import StoredSet
        from companion.practice.session import PracticeSession, SetChoice

        if self.store is None or self.pack is None or self.archetype.currentData() is None:
            return
        choice = SetChoice(self.viewer().strip() or "me", self.archetype.currentData(),
                           self.dimension.currentData())
        try:
            self.session = PracticeSession.draw(self.pack, choice, StoredSet(self.store),
                                                rng=self.rng)
        except CompanionError as exc:
            self.show_message(str(exc))
            return
        self.message.hide()
        self._show_current()
        self.item_view.answer.setFocus()

    def rate(self, level: str) -> None:
        session = self.session
        if session is None or session.finished or session.revealed:
            return
        try:
            session.rate(level)
        except CompanionError as exc:  # the file could not take the rating
            self.show_message(f"Not saved: {exc}")
            return
        self._show_current()
        self.item_view.next_button.setFocus()

    def next_answer(self) -> None:
        session = self.session
        if session is None or not session.next():
            return
        if session.finished:
            self.summary_view.show_summary(self.pack_or_fail(), session.ratings,
                                           session.figures(), session.misses())
            self.views.setCurrentWidget(self.summary_view)
            self.summary_view.figures.setFocus()
            self.refresh_past()
            self.changed.emit()
            return
        self._show_current()
        self.item_view.answer.setFocus()

    def _return_pressed(self) -> None:
        if self.views.currentWidget() is self.summary_view or self.session is None:
            self.start_set()
        elif self.session.revealed:
            self.next_answer()

    def pack_or_fail(self) -> Pack:
        assert self.pack is not None
        return self.pack

    def _show_current(self) -> None:
        session = self.session
        if session is None or session.current is None:
            return
        rated = session.ratings[session.index] if session.revealed else None
        self.item_view.show_item(self.pack_or_fail(), session.current, session.index + 1,
                                 len(session.items), rated)
        self.views.setCurrentWidget(self.item_view)
        self.changed.emit()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
