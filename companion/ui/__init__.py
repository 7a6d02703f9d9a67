"""The window: the only package that imports Qt (PySide6)."""

from companion.ui.refcounts import pin_singletons

# Before any Qt object exists; see refcounts.py (PySide6 6.12 on CPython < 3.12).
pin_singletons()
