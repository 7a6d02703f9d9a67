"""Read one application's accessibility tree over AT-SPI, as a screen reader does.

Debian's ``python3-pyatspi`` is built for Debian's own Python, so this file runs
under ``/usr/bin/python3`` and imports nothing of the project. It is started by
``tests/atspi_driver.py`` inside the same private D-Bus session as the window and
prints one JSON list: every node under the application whose process id is given,
with its role, name, states, the names of the labels it is labelled by, the index
of its parent in the list, and its path of roles and names from the window down.

    /usr/bin/python3 tests/atspi_walk.py PID
"""

import json
import sys
import time

import pyatspi

STATES = {
    "focusable": pyatspi.STATE_FOCUSABLE,
    "focused": pyatspi.STATE_FOCUSED,
    "showing": pyatspi.STATE_SHOWING,
    "visible": pyatspi.STATE_VISIBLE,
    "checked": pyatspi.STATE_CHECKED,
    "pressed": pyatspi.STATE_PRESSED,
    "checkable": pyatspi.STATE_CHECKABLE,
}


def _application(pid):
    desktop = pyatspi.Registry.getDesktop(0)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            if app is not None and app.get_process_id() == pid:
                return app
        time.sleep(0.05)
    raise SystemExit(f"no application with process id {pid} on the accessibility bus")


def _labels(node):
    names = []
    for relation in node.getRelationSet():
        if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            names += [relation.getTarget(i).name for i in range(relation.getNTargets())]
    return names


def _walk(node, path, parent, out):
    role = node.getRoleName()
    state = node.getState()
    me = len(out)
    shown = state.contains(pyatspi.STATE_SHOWING)
    if shown or path == []:
        here = [*path, f"{role} {node.name!r}"]
        out.append({"parent": parent, "role": role, "name": node.name,
                    "description": node.description,
                    "states": [k for k, v in STATES.items() if state.contains(v)],
                    "labelled_by": _labels(node), "path": here})
    else:  # hidden: only whether something under it claims to show, which is cheaper
        here = [*path, role]
        out.append({"parent": parent, "role": role, "name": "", "description": "",
                    "states": [k for k, v in STATES.items() if state.contains(v)],
                    "labelled_by": [], "path": here})
    if role in ("combo box", "menu bar"):
        return  # a popup list's or menu's items are choices, not stops on the way
    for i in range(node.childCount):
        child = node.getChildAtIndex(i)
        if child is not None:
            _walk(child, here, me, out)


def main():
    app = _application(int(sys.argv[1]))
    out = []
    for i in range(app.childCount):
        window = app.getChildAtIndex(i)
        if window is not None:
            _walk(window, [], -1, out)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
