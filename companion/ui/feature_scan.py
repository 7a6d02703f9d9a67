"""Answer PySide6's "does this module use PySide6?" from the file's bytes, not via inspect.

Once PySide6 is imported it checks every module imported after it, to know which
modules ``from __feature__ import ...`` may switch: ``"PySide6" in
inspect.getsource(module)``. That reads, decodes and splits each file into lines and
keeps them in ``linecache``; for the forty-odd modules on the way to the first frame
it was about 2 % of ``--smoke``'s instructions (bench/startup.py). ``fast_check`` gives
the same answer for a module loaded from a ``.py`` file by looking for the same word
in its bytes (the word is ASCII, so any ASCII-based encoding agrees), and leaves every
other module (built in, compiled, no file) to PySide6's own check. The app never uses
``__feature__``; the answers are kept exact all the same.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

# Where PySide6 6.x keeps the check; without it (another version) nothing is changed.
FEATURE_MODULES = ("shibokensupport.feature", "PySide6.support.feature")


def fast_check(original: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    """``original``'s answer for ``module``, read from its ``.py`` file when it has one."""

    def uses_pyside(module: ModuleType) -> bool:
        path = vars(module).get("__file__")
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return original(module)

    uses_pyside.original = original  # type: ignore[attr-defined]
    return uses_pyside


def install() -> bool:
    """Put ``fast_check`` in place of PySide6's check (once); False when there is none."""
    for name in FEATURE_MODULES:
        feature = sys.modules.get(name)
        check = vars(feature).get("_mod_uses_pyside") if feature is not None else None
        if feature is not None and check is not None:
            if not hasattr(check, "original"):
                feature._mod_uses_pyside = fast_check(check)  # type: ignore[attr-defined]
            return True
    return False
