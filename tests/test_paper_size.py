"""PDFs come on A4 or US Letter: chosen on the command line, or in the window's View menu.

The window follows the locale (Letter where it measures in US units) until a
size is picked, and remembers the pick. Page sizes are read back from the PDFs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QPushButton

from tests.conftest import run_cli
from tests.test_ui_shell_rounds import _run_and_submit
from tests.ui_helpers import loaded, open_window

A4 = (595, 842)
LETTER = (612, 792)


def _size(pdf: Path) -> tuple[int, int]:
    pages = PdfReader(pdf).pages
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages}
    assert len(sizes) == 1, sizes
    return sizes.pop()


def _demo_ids(data_dir: Path) -> list[str]:
    assert run_cli("demo", data_dir=data_dir).returncode == 0
    listed = run_cli("sessions", "list", "--json", data_dir=data_dir)
    return [row["id"] for row in json.loads(listed.stdout)]


def test_command_line_exports_on_a4_unless_letter_is_asked(data_dir: Path,
                                                           tmp_path: Path) -> None:
    first, second = _demo_ids(data_dir)
    for paper, size in ((None, A4), ("letter", LETTER), ("a4", A4)):
        extra = ["--paper", paper] if paper else []
        card, debrief = tmp_path / f"card-{paper}.pdf", tmp_path / f"debrief-{paper}.pdf"
        res = run_cli("export", first, "--pdf", str(card), *extra, data_dir=data_dir)
        assert res.returncode == 0, res.stderr
        res = run_cli("panel", first, second, "--pdf", str(debrief), *extra, data_dir=data_dir)
        assert res.returncode == 0, res.stderr
        assert _size(card) == size and _size(debrief) == size


def test_an_unknown_paper_is_refused_with_the_choices(data_dir: Path) -> None:
    res = run_cli("export", "x", "--pdf", "out.pdf", "--paper", "legal", data_dir=data_dir)
    assert res.returncode == 2
    assert "invalid choice: 'legal'" in res.stderr and "letter" in res.stderr


@pytest.mark.parametrize(("locale", "expected"), [
    (QLocale(QLocale.Language.English, QLocale.Country.UnitedStates), "letter"),
    (QLocale(QLocale.Language.German, QLocale.Country.Germany), "a4"),
])
def test_window_follows_the_locale_until_a_size_is_chosen(
        qtbot, data_dir: Path, locale: QLocale, expected: str) -> None:  # type: ignore[no-untyped-def]
    kept = QLocale()
    QLocale.setDefault(locale)
    try:
        window = open_window(qtbot, data_dir)
        assert window.paper() == expected
        assert window.actions_.paper[expected].isChecked()
        other = "a4" if expected == "letter" else "letter"
        window.actions_.paper[other].trigger()
        assert window.paper() == other and window.actions_.paper[other].isChecked()
        window.close()
        assert open_window(qtbot, data_dir).paper() == other  # remembered
    finally:
        QLocale.setDefault(kept)


def test_window_exports_on_the_chosen_paper(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir)
    window.actions_.paper["letter"].trigger()
    with loaded(window, data_dir):
        _run_and_submit(qtbot, window, "Ines Duarte", "no")
        page = window.pages.finish_page
        with qtbot.waitSignal(page.export_status.finished, timeout=30000) as blocker:
            qtbot.mouseClick(page.findChild(QPushButton, "submittedExportButton"),
                             Qt.MouseButton.LeftButton)
        assert _size(Path(blocker.args[0])) == LETTER

        window.actions_.paper["a4"].trigger()
        window.show_start()
        start = window.start_screen
        start.past.select_row(0)
        with qtbot.waitSignal(start.export_status.finished, timeout=30000) as blocker:
            qtbot.mouseClick(start.findChild(QPushButton, "exportPdfButton"),
                             Qt.MouseButton.LeftButton)
        assert _size(Path(blocker.args[0])) == A4
