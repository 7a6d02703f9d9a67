"""The live view's own style rules: states (rated, probed, over time, not saved).

Colours come from the application's two checked palettes, so the states stay as
readable as the rest of the window in light and dark. Widgets select a rule with
a dynamic property (``rubric``, ``flagstate``, ``timerstate``, ``savestate``...),
never with a colour of their own.
"""

from __future__ import annotations

from string import Template

from companion.ui.theme import PALETTES

_RULES = Template("""
QFrame[live_role="card"] {
    background: ${surface};
    border: 1px solid ${border};
    border-radius: 8px;
}
QFrame[live_role="cues"] {
    background: ${surface_alt};
    border: 1px solid ${border};
    border-radius: 6px;
}
QLabel[live_role="muted"], QLabel[live_role="caption"] { color: ${muted}; }
QPushButton[rubric="true"] { padding: 4px 10px; }
QPushButton[rubric="true"]:checked, QPushButton[chip="true"]:checked {
    background: ${accent};
    color: ${on_accent};
    border: 2px solid ${text};
}
QPushButton[chip="true"] { padding: 2px 6px; }
QPushButton[flag="true"] { text-align: left; padding: 2px 10px; }
QPushButton[flagstate="probed"] {
    background: ${warn_bg};
    color: ${warn_text};
    border: 2px solid ${warn_text};
}
QPushButton[flagstate="confirmed"] {
    background: ${danger_bg};
    color: ${danger_text};
    border: 2px solid ${danger_text};
}
QFrame[probe_row="true"] { border-radius: 5px; border: 1px solid transparent; }
QFrame[probe_row="true"][targeted="true"] {
    background: ${selection};
    border: 2px solid ${accent};
}
QFrame[targeted="true"] QLabel, QFrame[targeted="true"] QCheckBox { color: ${on_selection}; }
QCheckBox { border: 3px solid transparent; border-radius: 4px; }
QCheckBox::indicator {
    width: 16px;
    height: 16px;
    border: 2px solid ${muted};
    border-radius: 3px;
    background: ${surface};
}
QCheckBox::indicator:checked {
    background: ${accent};
    border-color: ${text};
}
QLabel[probe_target="true"] { color: ${accent}; font-weight: 600; }
QFrame[timerstate="warning"] {
    background: ${warn_bg};
    border: 1px solid ${warn_text};
    border-radius: 6px;
}
QFrame[timerstate="warning"] QLabel, QLabel[timerstate="warning"] { color: ${warn_text}; }
QFrame[timerstate="over"] {
    background: ${danger_bg};
    border: 2px solid ${danger_text};
    border-radius: 6px;
}
QFrame[timerstate="over"] QLabel, QLabel[timerstate="over"] { color: ${danger_text}; }
QFrame[timerstate="running"] {
    background: ${selection};
    border: 1px solid ${accent};
    border-radius: 6px;
}
QFrame[timerstate="running"] QLabel { color: ${on_selection}; }
QFrame[timerstate="done"] QLabel { color: ${muted}; }
QLabel[timerstate="warning"] { padding: 4px 8px; }
QLabel[savestate="saved"] { color: ${ok_text}; }
QLabel[savestate="saving"] { color: ${muted}; }
QLabel[savestate="failed"] {
    color: ${danger_text};
    background: ${danger_bg};
    border: 1px solid ${danger_text};
    border-radius: 4px;
    padding: 2px 6px;
}
QLabel[locked="true"] { color: ${ok_text}; }
QFrame[live_role="confirm"] {
    background: ${warn_bg};
    border: 1px solid ${warn_text};
    border-radius: 6px;
}
QFrame[live_role="confirm"] QLabel { color: ${warn_text}; }
QScrollArea[live_role="reading"]:focus { border: 2px solid ${focus}; border-radius: 4px; }
QPushButton[rubric="true"]:focus, QPushButton[chip="true"]:focus,
QPushButton[flag="true"]:focus, QCheckBox:focus {
    border: 3px solid ${focus};
}
QLabel[live_role="alert"] {
    color: ${danger_text};
    background: ${danger_bg};
    border: 1px solid ${danger_text};
    border-radius: 4px;
    padding: 4px 8px;
}
""")


def live_style(dark: bool) -> str:
    """Style rules for the live view on the light or dark palette."""
    return _RULES.substitute(PALETTES["dark" if dark else "light"])
