"""PySide6's per-module "uses PySide6?" check, read from the file's bytes: same answers."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

import pytest

import companion.ui  # noqa: F401  (installs the check, as the app's start does)
from companion.ui import feature_scan

MODULES = ("companion.ui.main_window", "companion.ui", "companion.cli", "json", "sys",
           "math", "PySide6.QtCore", "PySide6", "companion.ui.feature_scan")


def _pyside_feature() -> ModuleType:
    for name in feature_scan.FEATURE_MODULES:
        if name in sys.modules:
            return sys.modules[name]
    raise AssertionError("PySide6 keeps its feature check elsewhere")


def test_the_app_installs_the_byte_check_once() -> None:
    check = _pyside_feature()._mod_uses_pyside
    assert hasattr(check, "original")
    assert feature_scan.install() is True
    assert _pyside_feature()._mod_uses_pyside is check  # not wrapped twice


@pytest.mark.parametrize("name", MODULES)
def test_the_answer_is_pysides_own(name: str) -> None:
    check = _pyside_feature()._mod_uses_pyside
    module = importlib.import_module(name)
    assert check(module) == check.original(module)


def test_a_module_without_a_file_gets_pysides_answer(tmp_path) -> None:  # type: ignore[no-untyped-def]
    check = _pyside_feature()._mod_uses_pyside
    bare = ModuleType("made_here")
    gone = ModuleType("gone")
    gone.__file__ = str(tmp_path / "gone.py")  # never written: the read fails
    for module in (bare, gone):
        assert check(module) is False
        assert check.original(module) is False


def test_a_file_that_names_pyside6_says_so(tmp_path) -> None:  # type: ignore[no-untyped-def]
    check = _pyside_feature()._mod_uses_pyside
    uses = tmp_path / "uses.py"
    uses.write_text("# café\nfrom PySide6 import QtCore\n", encoding="utf-8")
    plain = tmp_path / "plain.py"
    plain.write_text("x = 'PySide'\n", encoding="utf-8")
    for path, expected in ((uses, True), (plain, False)):
        module = ModuleType(path.stem)
        module.__file__ = str(path)
        assert check(module) is expected
        assert check.original(module) is expected
