"""Keep PySide6 6.12's reference-count leak on None, True and False from aborting the app.

PySide6 6.12.0 on CPython 3.10 and 3.11 releases one reference to ``True`` on
every signal emission and one to ``None`` on many calls that return nothing
(``QLabel.setText``, ``processEvents``, ...). Those singletons are ordinary
reference-counted objects before CPython 3.12, so an open round (a timer tick
four times a second, a refresh on every keystroke) drains them within minutes
and the interpreter stops with "Fatal Python error: none_dealloc" or
"bool_dealloc": the window vanishes mid-interview. CPython 3.12 made them
immortal (PEP 683), which is why the same code runs there.

``pin_singletons()`` does by hand what 3.12 does: it adds a very large number
to the three reference counts, so no realistic session can drain them (2**40
references is years at a million leaks a second). The objects are static and
never freed anyway, so nothing else changes. It is a no-op on 3.12 and later,
and with PySide6 before 6.12, which does not leak (ctypes is then not even
imported: it is a few milliseconds on the way to the first frame).
"""

from __future__ import annotations

import sys

import PySide6

LEAKING_SERIES = (6, 12)

HEADROOM = 1 << 40
_pinned = False


def needed(pyside: tuple[int, ...] | None = None) -> bool:
    """Whether this PySide6 and CPython pair can drain the singletons' counts."""
    version = tuple(PySide6.__version_info__[:2]) if pyside is None else pyside[:2]
    return sys.version_info < (3, 12) and version >= LEAKING_SERIES


def pin_singletons(force: bool = False) -> bool:
    """Give None, True and False effectively unlimited references; True if it did so.

    ``force`` pins even where ``needed()`` says no leak is expected.
    """
    global _pinned
    if _pinned or sys.version_info >= (3, 12) or not (force or needed()):
        return False
    import ctypes

    for obj in (None, True, False):
        # ob_refcnt is the first field of every object in a release build of CPython;
        # check that the word there really is this object's count before changing it.
        cell = ctypes.c_ssize_t.from_address(id(obj))
        if abs(cell.value - sys.getrefcount(obj)) > 1000:
            return False
        cell.value += HEADROOM
    _pinned = True
    return True
