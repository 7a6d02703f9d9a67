"""Every keyboard action of the live view, in one table.

No shortcut is a bare letter or digit, so none fires while the interviewer types:
rubric and recommendation keys use Alt, probe rows Ctrl, red flags and timers
the function keys. The table is also what the help overlay lists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class ActionSpec:
    name: str  # objectName, e.g. "action.rate.strong"
    text: str  # what the help overlay shows as the action's name
    keys: tuple[str, ...]
    help: str
    page: str  # "round", "finish" or "any": where the action is enabled


def make_action(parent: QWidget, spec: ActionSpec, handler: Callable[[], object],
                attach: bool = True) -> QAction:
    """A QAction limited to ``parent`` and its children, added to ``parent`` if ``attach``."""
    action = QAction(spec.text, parent)
    action.setObjectName(spec.name)
    action.setShortcuts([QKeySequence(k) for k in spec.keys])
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.setToolTip(spec.help)
    action.setStatusTip(spec.help)
    action.setProperty("page", spec.page)
    action.triggered.connect(lambda _checked=False: handler())
    if attach:
        parent.addAction(action)
    return action


RATE_SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("action.rate.strong", "Rate Strong", ("Alt+1",),
               "Rate the item (or the picked probe row) strong", "round"),
    ActionSpec("action.rate.mid", "Rate Mid", ("Alt+2",),
               "Rate the item (or the picked probe row) mid", "round"),
    ActionSpec("action.rate.thin", "Rate Thin", ("Alt+3",),
               "Rate the item (or the picked probe row) thin", "round"),
    ActionSpec("action.rate.very_thin", "Rate Very thin", ("Alt+4",),
               "Rate the item (or the picked probe row) very thin", "round"),
    ActionSpec("action.rate.skip", "Skip", ("Alt+0",),
               "Mark the item as skipped on purpose", "round"),
)

PROBE_SPECS: tuple[ActionSpec, ...] = (
    *(ActionSpec(f"action.probe.{n}", f"Probe row {n}", (f"Ctrl+{n}",),
                 f"Mark probe row {n} asked; on a failure row, the next Alt+digit rates it",
                 "round")
      for n in range(1, 10)),
    ActionSpec("action.probe.clear", "Rate the whole item", ("Ctrl+0",),
               "Point the rubric keys back at the whole item", "round"),
)

# The nine row keys appear once in the help, as this entry; it is never attached to a
# widget, so its key is not registered twice.
PROBE_HELP_SPEC = ActionSpec(
    "action.probe.rows", "Probe row 1 … 9 (Ctrl+1 … Ctrl+9)", ("Ctrl+1",),
    "Mark the numbered row asked; on a failure row the next Alt+digit rates it; "
    "the same key again drops it as the target", "round")

FLAG_KEYS: tuple[str, ...] = ("F5", "F6", "F7", "F8", "F9")

OTHER_SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("action.cues", "Show / hide cues", ("Alt+C",),
               "Fold out what strong, mid, thin and very thin answers sound like", "round"),
    ActionSpec("action.next", "Next item", ("Alt+Right", "Ctrl+PgDown"),
               "Go to the next question or scenario", "round"),
    ActionSpec("action.previous", "Previous item", ("Alt+Left", "Ctrl+PgUp"),
               "Go back one question or scenario", "round"),
    ActionSpec("action.jump", "Jump list", ("Ctrl+J",),
               "Open the list of items with their ratings and flags", "round"),
    ActionSpec("action.clock", "Start / pause clock", ("Ctrl+Shift+P",),
               "Start the round clock, or pause and resume it", "any"),
    ActionSpec("action.listen", "Listen timer", ("F2",),
               "Start the listening timer (let them talk without interrupting)", "round"),
    ActionSpec("action.sketch", "Sketch timer", ("F3",),
               "Start the sketch timer for the design scenario", "round"),
    ActionSpec("action.section", "Next section", ("F4",),
               "Close the current section and start the next one's countdown", "round"),
    ActionSpec("action.notes.said", "Notes: what they said", ("Ctrl+Shift+S",),
               "Put the caret in the evidence notes", "round"),
    ActionSpec("action.notes.read", "Notes: my read", ("Ctrl+Shift+R",),
               "Put the caret in your interpretation notes", "round"),
    ActionSpec("action.finish", "Finish / back to round", ("Ctrl+Shift+F",),
               "Switch between the round and the finish page", "any"),
)

REC_SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("action.rec.strong_no", "Recommend strong no", ("Alt+1",),
               "Finish page: recommend strong no", "finish"),
    ActionSpec("action.rec.no", "Recommend no", ("Alt+2",), "Finish page: recommend no", "finish"),
    ActionSpec("action.rec.yes", "Recommend yes", ("Alt+3",), "Finish page: recommend yes",
               "finish"),
    ActionSpec("action.rec.strong_yes", "Recommend strong yes", ("Alt+4",),
               "Finish page: recommend strong yes", "finish"),
    ActionSpec("action.submit", "Submit the scorecard", ("Ctrl+Return", "Ctrl+Enter"),
               "Finish page: first press asks to confirm, second press submits", "finish"),
)


def flag_specs(titles: tuple[tuple[str, str], ...]) -> tuple[ActionSpec, ...]:
    """One cycling action per red flag: (flag id, title) pairs, at most five."""
    return tuple(
        ActionSpec(f"action.flag.{fid}", f"Flag: {title}", (FLAG_KEYS[i],),
                   "Cycle off → probed once → confirmed → off; words selected in the "
                   "notes become the evidence", "round")
        for i, (fid, title) in enumerate(titles[: len(FLAG_KEYS)])
    )


def bind_actions(view: QWidget, handlers: Mapping[str, Callable[[], object]],
                 flag_titles: tuple[tuple[str, str], ...]) -> tuple[list[QAction], list[QAction]]:
    """Create every action on ``view``, each calling its handler from ``handlers``.

    Returns (listed, rows): the actions the help shows, and the nine probe-row
    actions it shows once through ``PROBE_HELP_SPEC``.
    """
    listed: list[QAction] = []
    rows: list[QAction] = []
    for spec in (*RATE_SPECS, *PROBE_SPECS, *flag_specs(flag_titles), *OTHER_SPECS, *REC_SPECS):
        action = make_action(view, spec, handlers[spec.name])
        if spec.name.removeprefix("action.probe.").isdigit():
            rows.append(action)
        else:
            listed.append(action)
    listed.insert(len(RATE_SPECS), make_action(view, PROBE_HELP_SPEC, handlers["action.probe.1"],
                                               attach=False))
    return listed, rows
