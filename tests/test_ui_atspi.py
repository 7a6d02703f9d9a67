"""A screen reader's walk over AT-SPI: what Orca would be told, not what Qt thinks.

``tests/atspi_driver.py`` opens the window on an X server inside a private D-Bus
session with Qt's AT-SPI bridge on, and at each state has Debian's ``pyatspi``
(``tests/atspi_walk.py``, under ``/usr/bin/python3``) read the whole tree over the
accessibility bus. The states: the start screen with an unfinished round listed,
the live view of a design round with the cues open after F5, the panel, calibration,
loops and practice pages. (``.ci/run`` installs at-spi2-core and python3-pyatspi.)

On each, every focusable control that shows has a name a person can use: a combo
box by a label it is labelled by (on Linux a combo box's own name is its current
choice, and the label comes through that relation), anything else by a name of its
own. Nothing shows under a part of the window that does not, and the red flag F5
raised reads as checked while the others read as unchecked.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import REPO
from tests.x_server import x_with_window_manager

Node = dict[str, Any]


def problems(nodes: list[Node]) -> list[str]:
    """What a screen-reader user would trip over in one walk of the tree."""
    found = []
    for node in nodes:
        states, where = node["states"], " > ".join(node["path"][-3:])
        if "showing" not in states:
            continue
        parent = node["parent"]
        while parent >= 0:
            if "showing" not in nodes[parent]["states"]:
                found.append(f"shows inside a hidden {nodes[parent]['role']}: {where}")
                break
            parent = nodes[parent]["parent"]
        if "focusable" not in states:
            continue
        labels = [label for label in node["labelled_by"] if label.strip()]
        if node["role"] == "combo box":
            if not labels:
                found.append(f"combo box named only by its value {node['name']!r}: {where}")
        elif not node["name"].strip() and not labels:
            found.append(f"unnamed focus stop ({node['role']}): {where}")
    return found


def _walk_the_window(tmp_path: Path, data_dir: Path) -> dict[str, Any]:
    with x_with_window_manager(tmp_path) as x_env:
        env = dict(x_env, COMPANION_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO))
        env.pop("AT_SPI_BUS_ADDRESS", None)  # a desktop's own bus: use the private one
        res = subprocess.run(["dbus-run-session", "--", sys.executable, "-m",
                              "tests.atspi_driver", str(data_dir)],
                             capture_output=True, text=True, cwd=REPO, env=env, timeout=180)
    assert res.returncode == 0, res.stderr[-3000:]
    found: dict[str, Any] = json.loads(res.stdout.splitlines()[-1])
    return found


def test_a_screen_reader_finds_every_control_named_and_every_flag_state(
        tmp_path: Path, data_dir: Path) -> None:
    found = _walk_the_window(tmp_path, data_dir)
    states = ("start", "live", "panel", "calibration", "loops", "practice")
    for state in states:
        assert problems(found[state]) == [], state

    def showing(state: str, role: str) -> list[Node]:
        return [n for n in found[state] if n["role"] == role and "showing" in n["states"]]

    # The walk saw the controls, not an empty window.
    for state, least in (("start", 20), ("live", 35), ("panel", 8), ("calibration", 12),
                         ("loops", 8), ("practice", 4)):
        stops = [n for n in found[state] if {"focusable", "showing"} <= set(n["states"])]
        assert len(stops) >= least, (state, len(stops))
    # The start screen's combo boxes and the jump list each come with their label.
    combos = {n["labelled_by"][0]: n["name"] for n in showing("start", "combo box")}
    assert set(combos) == {"Role", "Level", "Coding", "Round"}
    assert combos["Role"] == "API / service generalist"  # the name is the current choice
    [jump] = showing("live", "combo box")
    assert jump["labelled_by"] == ["Jump to"] and jump["name"].startswith("1. ")
    # The unfinished round's row shows on the start screen, and is gone under the round.
    cells = [n["name"] for n in showing("start", "table cell")]
    assert "Ana Ruiz" in cells
    assert "Ana Ruiz" not in [n["name"] for n in showing("live", "table cell")]
    assert any(n["role"] == "table cell" and n["parent"] >= 0 for n in found["live"])
    # F5 raised the first flag: checked; the other four are checkable and not checked.
    flags = {n["name"]: n["states"] for n in showing("live", "check box")
             if n["name"] in found["flags"]}
    assert list(flags) == found["flags"]
    first, *others = found["flags"]
    assert "checked" in flags[first] and "checkable" in flags[first]
    for title in others:
        assert "checkable" in flags[title] and "checked" not in flags[title], title


def test_the_judge_catches_each_kind_of_problem() -> None:
    def node(role: str, name: str, states: list[str], parent: int = 0,
             labelled_by: list[str] | None = None) -> Node:
        return {"role": role, "name": name, "states": states, "parent": parent,
                "labelled_by": labelled_by or [], "path": [role]}

    shown = ["showing", "focusable"]
    nodes = [node("frame", "Window", ["showing"], parent=-1),
             node("combo box", "Mid-level", shown),
             node("combo box", "Mid-level", shown, labelled_by=["Level"]),
             node("push button", "", shown),
             node("push button", "", shown, labelled_by=["Go"]),
             node("filler", "", []),
             node("table cell", "Ana Ruiz", ["showing"], parent=5)]
    assert problems(nodes) == [
        "combo box named only by its value 'Mid-level': combo box",
        "unnamed focus stop (push button): push button",
        "shows inside a hidden filler: table cell"]
