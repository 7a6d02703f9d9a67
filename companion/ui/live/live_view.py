"""The live-round view: composes the panels, mirrors the engine, forwards intent.

``LiveView(engine)`` reads the engine's state; every button, checkbox, field and
shortcut calls one engine method. It hears about the engine only through its
``on_*`` slots, which the main window connects to the ``EngineBridge`` (the one
route from the core to the window, clock tick included). No rule of the round
(what a rating means, how a flag cycles, when notes are written) lives here. The
host window lists ``actions()`` in its help overlay; they are already attached
to this widget, so the host must not add them again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from companion.content.model import Question, Scenario
from companion.live.engine import ROUND, RoundEngine
from companion.record.flag_rules import raised_on
from companion.record.scorecard import RUBRIC_BUTTONS
from companion.ui.live import actions as acts
from companion.ui.live.common import SMALL_PT, describe, is_dark, short_time, sized_font
from companion.ui.live.finish_view import FinishView
from companion.ui.live.flags import FlagsPanel
from companion.ui.live.intents import IntentsMixin
from companion.ui.live.item_panel import ItemPanel
from companion.ui.live.nav import NavBar
from companion.ui.live.notes import FIELDS, NotesPanel
from companion.ui.live.overview import finish_overview, probe_target_text, unrated_note
from companion.ui.live.page import build_round_page, set_side_width
from companion.ui.live.probes import ProbesPanel
from companion.ui.live.rubric_bar import RubricBar
from companion.ui.live.style import live_style
from companion.ui.live.timers_view import TimersView
from companion.ui.page_stack import PageStack

log = logging.getLogger("companion.ui.live")

BASE_POINT_SIZE = 12.0  # the app font at zoom 1 (see companion.ui.theme)


class LiveView(QWidget, IntentsMixin):
    """The whole live round: timers, item, rubric, probes, flags, notes, navigation, finish."""

    problem = Signal(str)  # a failed write (StorageError) from the engine, for the host's banner
    leave_compact = Signal()  # the "Full size" button of the compact window

    def __init__(self, engine: RoundEngine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("live.view")
        self.engine = engine
        self._target: str | None = None  # probe id the next rubric key rates
        self._item_id: str | None = None
        self._dark: bool | None = None
        self._zoom = 1.0
        self._last_notes = "said"
        self._editing_notes = False
        self._compact = False

        pack = engine.pack
        self.timers = TimersView(self)
        self.nav = NavBar(self)
        self.item_panel = ItemPanel(self)
        self.rubric = RubricBar(self)
        self.probes = ProbesPanel(self)
        self.flags = FlagsPanel(tuple(pack.red_flags), self)
        self.notes = NotesPanel(self)
        self.finish = FinishView(self)
        self.message = QLabel(self)
        self.message.setObjectName("live.message")
        self.message.setProperty("live_role", "muted")
        self.message.setWordWrap(True)
        self.message.hide()
        self.locked = QLabel(self)
        self.locked.setObjectName("live.locked")
        self.locked.setProperty("locked", True)
        self.locked.hide()
        self.nav.add_status(self.timers.pacing)
        self.nav.add_status(self.locked)
        self._build_layout()
        # Ctrl+1..9 live in _row_actions and are listed once, as "action.probe.rows".
        self._actions: list[QAction] = []
        self._row_actions: list[QAction] = []
        self._build_actions()
        self._connect()

        self._apply_style()
        self._zoom_from_font()
        self.refresh_all()
        self.notes.show_saved(None)

    # -- layout ------------------------------------------------------------------------
    def _build_layout(self) -> None:
        # Sized by the page on screen: the hidden round page must not hold the finish
        # page (or the window) at its own minimum.
        self.stack = PageStack(self)
        self.stack.setObjectName("live.stack")
        self.flags.setProperty("live_role", "card")
        built = build_round_page(self.stack, (self.timers, self.nav), (self.item_panel,),
                                 (self.rubric, self.probes), (self.flags, self.notes))
        self._round_page, self._side = built.page, built.side
        self._reading, self._scroll = built.reading, built.controls
        describe(self._reading, "Question and cues",
                 "The prompt, and the anchored cues once shown. Scroll with the arrow keys.",
                 "Alt+C shows or hides the cues")
        self.stack.addWidget(self._round_page)
        self.stack.addWidget(self.finish)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.stack, 1)
        lay.addWidget(self.message)

    def _build_actions(self) -> None:
        eng = self.engine
        handlers: dict[str, Callable[[], object]] = {
            f"action.rate.{value}": partial(self.rate, value) for value in RUBRIC_BUTTONS}
        for n in range(1, 10):
            handlers[f"action.probe.{n}"] = partial(self.pick_probe_row, n)
        handlers.update({
            "action.probe.clear": partial(self._set_target, None),
            "action.cues": self.toggle_cues,
            "action.next": partial(self._call, eng.go_next),
            "action.previous": partial(self._call, eng.go_previous),
            "action.jump": self.nav.open_jump_list,
            "action.clock": self.toggle_clock,
            "action.listen": partial(self.start_side_timer, "listen"),
            "action.sketch": partial(self.start_side_timer, "sketch"),
            "action.section": partial(self._call, eng.next_section),
            "action.notes.said": partial(self.focus_notes, "said"),
            "action.notes.read": partial(self.focus_notes, "read"),
            "action.finish": self.toggle_finish,
            "action.submit": self.finish.confirm_or_ask,
        })
        for value in self.finish.rec_buttons:
            handlers[f"action.rec.{value}"] = partial(self.recommend, value)
        flag_titles = tuple((f.id, f.title) for f in self.flags.flags)
        for fid, _title in flag_titles:
            handlers[f"action.flag.{fid}"] = partial(self.cycle_flag, fid)
        self._actions, self._row_actions = acts.bind_actions(self, handlers, flag_titles)
        self._enable_page_actions()

    def _connect(self) -> None:
        self.rubric.rate_requested.connect(self.rate)
        self.probes.asked_toggled.connect(self._probe_asked)
        self.probes.rated.connect(self._probe_rated)
        self.flags.cycle_requested.connect(self.cycle_flag)
        self.flags.evidence_edited.connect(self._flag_evidence)
        self.flags.evidence_done.connect(lambda: self.focus_notes(self._last_notes))
        self.notes.edited.connect(self._notes_edited)
        self.timers.toggle_clock.connect(self.toggle_clock)
        self.timers.start_listen.connect(partial(self.start_side_timer, "listen"))
        self.timers.start_sketch.connect(partial(self.start_side_timer, "sketch"))
        self.timers.next_section.connect(lambda: self._call(self.engine.next_section))
        self.nav.previous.connect(lambda: self._call(self.engine.go_previous))
        self.nav.next.connect(lambda: self._call(self.engine.go_next))
        self.nav.jump.connect(self.jump_to)
        self.nav.finish.connect(self.toggle_finish)
        self.nav.leave_compact.connect(self.leave_compact.emit)
        self.finish.recommend.connect(self.recommend)
        self.finish.summary_edited.connect(lambda t: self._call(self.engine.set_summary, t))
        self.finish.submit_asked.connect(self.ask_submit)
        self.finish.submit.connect(lambda: self._call(self.engine.submit))
        self.finish.back.connect(self.show_round)
        for name, edit in self.notes.fields.items():
            edit.installEventFilter(self)
            edit.setProperty("notes_field", name)

    # -- public ------------------------------------------------------------------------
    def actions(self) -> list[QAction]:
        """Every keyboard action, each with its shortcut and a help text (tool tip)."""
        return list(self._actions)

    def action(self, name: str) -> QAction:
        """The action with objectName ``name`` (e.g. "action.rate.strong")."""
        return next(a for a in (*self._actions, *self._row_actions) if a.objectName() == name)

    def set_zoom(self, zoom: float) -> None:
        """Scale every panel's type; the host may call it, font changes also reach it."""
        self._zoom = zoom
        for panel in (self.item_panel, self.rubric, self.probes, self.flags, self.notes,
                      self.timers, self.nav, self.finish):
            panel.set_zoom(zoom)
        self.message.setFont(sized_font(self.font(), SMALL_PT, zoom))
        self.locked.setFont(sized_font(self.font(), SMALL_PT, zoom, bold=True))

    def zoom(self) -> float:
        return self._zoom

    def set_compact(self, compact: bool) -> None:
        """The narrow always-on-top window: drop the helper lines, keep every control."""
        self._compact = compact
        self.item_panel.set_compact(compact)
        self.flags.set_compact(compact)
        self.timers.set_compact(compact)
        self.nav.set_compact(compact)
        self.rubric.set_compact(compact)
        self.probes.set_compact(compact)
        self.notes.set_compact(compact)
        set_side_width(self._side, compact)
        self._reading.set_compact(compact)
        self.refresh_timers()

    # -- intent ------------------------------------------------------------------------
    def toggle_cues(self) -> None:
        if not self.engine.items:
            return
        shown = not self.item_panel.cues_visible()
        self.item_panel.set_cues_visible(shown)
        self.rubric.set_cue_line(not shown)  # the open cues say it all
        # Once the new layout has settled, bring the cues (or the prompt) into view.
        QTimer.singleShot(0, self, self._show_reading_top)

    def _show_reading_top(self) -> None:
        """The heading, the prompt and, below them, the first cues."""
        self._reading.verticalScrollBar().setValue(0)

    def toggle_finish(self) -> None:
        if self.stack.currentWidget() is self.finish:
            self.show_round()
        else:
            self.show_finish()

    def ask_submit(self) -> None:
        """Submit pressed: ask to confirm, or say at once what is missing (the engine knows)."""
        blocker = self.engine.submit_blocker()
        if blocker is None:
            self.finish.ask_confirm()
        else:
            self.finish.show_blocker(blocker)

    def show_finish(self) -> None:
        self._flush_notes()
        self.stack.setCurrentWidget(self.finish)
        self._enable_page_actions()
        self.refresh_state()
        self.finish.summary.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_round(self) -> None:
        self.stack.setCurrentWidget(self._round_page)
        self._enable_page_actions()
        self.refresh_all()
        self.focus_notes(self._last_notes)

    def focus_notes(self, name: str) -> None:
        self._last_notes = name
        self.notes.fields[name].setFocus(Qt.FocusReason.ShortcutFocusReason)

    # -- engine -> view ----------------------------------------------------------------
    def current_item(self) -> Question | Scenario | None:
        """The item on screen, or None in a round without questions (a screening call)."""
        return self.engine.current if self.engine.items else None

    def refresh_all(self) -> None:
        """Re-read everything, including the current item and its notes."""
        item = self.current_item()
        if item is None:
            if self._item_id != ROUND:
                self._show_round_only()
        elif item.id != self._item_id:
            self._show_item(item)
        self.refresh_state()
        self.refresh_timers()

    def refresh_state(self) -> None:
        """Re-read ratings, probes, flags, navigation and the finish page."""
        eng = self.engine
        items = tuple(eng.items)
        if items:
            record = eng.record(eng.current.id)
            self.rubric.set_current(self._target_rating(record))
            self.rubric.set_target(probe_target_text(self._target))
            self.probes.show_record(record, self._target)
        flags = tuple(eng.flags())
        self.flags.show_flags(flags)
        records = [eng.record(it.id) for it in items]
        per_item = [raised_on(flags, it.id) for it in items]
        self.nav.show_state(items, eng.index, [r.rating for r in records], per_item)
        submitted_at = eng.submitted_at
        self.locked.setVisible(submitted_at is not None)
        if submitted_at is not None:
            self.locked.setText(f"Submitted {short_time(submitted_at)}: changes are amendments")
        if self.stack.currentWidget() is self.finish:
            sc = eng.scorecard()
            self.finish.show_state(eng.recommendation, eng.summary or "", sc.submitted_at,
                                   sc.amendments, finish_overview(items, records, flags),
                                   eng.pack, unrated_note(items, records))

    def refresh_timers(self) -> None:
        item = self.current_item()
        ts = self.engine.timers()
        self.timers.show_state(ts, item.listen_minutes if item else None,
                               item.sketch_minutes if item else None)

    def _show_item(self, item: Question | Scenario) -> None:
        self._item_id = item.id
        self._target = None
        pack = self.engine.pack
        archetype = pack.find_archetype(self.engine.scorecard().archetype)
        label = archetype.label(item.dimension) if archetype else item.dimension
        failure = pack.failure_probe_for(item)
        keys = dict(zip((f.id for f in self.flags.flags), acts.FLAG_KEYS, strict=False))
        watch = "; ".join(f"{flag.title} ({keys[fid]})" for fid in item.watch_flags
                          if fid in keys and (flag := pack.find_red_flag(fid)) is not None)
        self.item_panel.show_item(item, label, failure, watch)
        self.rubric.set_cues(item.cues)
        self.probes.show_item(item, failure)
        self._chain_tab_order()
        said, read = self.engine.notes(item.id)
        self.notes.load(said, read)

    def _show_round_only(self) -> None:
        """A round with no questions: the notes belong to the round as a whole."""
        self._item_id = ROUND
        self._target = None
        self.item_panel.show_round_only(self.engine.scorecard().round_title)
        for panel in (self.rubric, self.probes):
            panel.hide()
        said, read = self.engine.notes(ROUND)
        self.notes.load(said, read)
        self._chain_tab_order()

    # -- engine events, connected by the main window to its EngineBridge ----------------
    def on_changed(self) -> None:
        """A tap or a keystroke changed the round."""
        if self._editing_notes:
            return  # a keystroke: the panels already show it; keep typing cheap
        self.refresh_state()
        self.refresh_timers()

    def on_navigated(self) -> None:
        self.refresh_all()
        self._refocus()

    def on_saved(self) -> None:
        if not self.engine.has_unsaved_notes:
            self.notes.show_saved(datetime.now().astimezone())

    def on_save_failed(self, message: str) -> None:
        self.notes.show_failed(message)

    def on_submitted(self) -> None:
        self.refresh_state()
        self.refresh_timers()

    def on_tick(self) -> None:
        """The bridge's clock tick: repaint the clocks from ``engine.timers()``."""
        self.refresh_timers()

    # -- helpers -----------------------------------------------------------------------
    def _refocus(self) -> None:
        """After a tap, put the caret back in the notes field last typed in.

        A button or check box that has the focus was reached with Tab (a click never
        gives them the focus, see ``tap_button``): a keyboard-only user pressed it with
        Space, and the focus stays where they are.
        """
        if self.stack.currentWidget() is not self._round_page:
            return
        focus = QApplication.focusWidget()
        if isinstance(focus, QPlainTextEdit) and focus.property("notes_field"):
            return
        if focus is not None and focus.objectName().endswith(".evidence"):
            return
        if (isinstance(focus, QAbstractButton) and focus.isVisible()
                and self._round_page.isAncestorOf(focus)):
            return
        self.notes.fields[self._last_notes].setFocus(Qt.FocusReason.OtherFocusReason)

    def _chain_tab_order(self) -> None:
        """Tab walks the round page as it reads: timers, navigation, the item, rubric,
        probe rows, red flags, then the notes. (Probe rows are rebuilt for each item,
        which would otherwise put them at the end of the chain.)"""
        chain: list[QWidget] = [
            self.timers.clock_btn, self.timers.section_btn, self.timers.listen_btn,
            self.timers.sketch_btn, self.nav.prev_btn, self.nav.next_btn, self.nav.jump_list,
            self.nav.finish_btn, self.nav.full_btn, self._reading,
            *self.rubric.buttons.values()]
        for row in self.probes.rows:
            chain += [row.asked, *row.chips.values()]
        for fid, button in self.flags.buttons.items():
            chain += [button, self.flags.evidence[fid]]
        chain += [self.notes.fields["said"], self.notes.fields["read"]]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _enable_page_actions(self) -> None:
        page = "finish" if self.stack.currentWidget() is self.finish else "round"
        for action in (*self._actions, *self._row_actions):
            where = action.property("page")
            action.setEnabled(where in ("any", page))

    def _apply_style(self) -> None:
        dark = is_dark(self)
        if dark != self._dark:
            self._dark = dark
            self.setStyleSheet(live_style(dark))

    def _zoom_from_font(self) -> None:
        size = QApplication.font().pointSizeF()
        self.set_zoom(size / BASE_POINT_SIZE if size > 0 else 1.0)

    def changeEvent(self, event: QEvent) -> None:
        kind = event.type()
        if kind == QEvent.Type.PaletteChange:
            self._apply_style()
        elif kind in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self._zoom_from_font()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            name = watched.property("notes_field")
            if name in FIELDS:
                self._last_notes = str(name)
        return super().eventFilter(watched, event)
