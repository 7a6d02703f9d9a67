"""Pausing Python's cycle collector while a burst of plain objects is built.

Reading a quarter of scorecards makes a few hundred thousand small objects
(tuples, rows, frozen dataclasses), none of them in a reference cycle. Each
burst of allocations triggers collections that walk every live object again,
and those walks were a third of the bulk read's time (bench/calibration.py).
Reference counting still frees everything as usual; only the cycle search
waits until the block ends, and the previous setting is restored.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
