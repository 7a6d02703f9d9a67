"""The start screen keeps the choices made, says what it accepts, and drops stale news.

Also: an export the exports folder cannot take says what to do, and "Save as…"
writes the PDF wherever the user picks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from tests.test_ui_shell_rounds import _fill_form, _run_and_submit
from tests.ui_helpers import loaded, open_window


def _choose_round(window, prefix: str) -> None:  # type: ignore[no-untyped-def]
    rounds = window.start_screen.round
    rounds.setCurrentIndex(rounds.findText(prefix, Qt.MatchFlag.MatchStartsWith))


def test_the_chosen_round_survives_a_new_base_offer_and_coding_format(qtbot: QtBot,
                                                                      data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        _fill_form(qtbot, window)
        start = window.start_screen
        _choose_round(window, "System design")
        base = start.findChild(QLineEdit, "baseInput")
        base.setFocus()
        qtbot.keyClicks(base, "160000")
        qtbot.keyClick(base, Qt.Key.Key_Tab)  # leaving the field plans the loop again
        assert start.round.currentText().startswith("System design")
        start.coding.setCurrentIndex(start.coding.findData("take_home"))
        assert start.round.currentText().startswith("System design")
        assert "System design" in start.chosen_round().template.title


@pytest.mark.parametrize(("typed", "says"), [("abc", "is not an amount"),
                                             ("-5", "must be above zero")])
def test_the_base_offer_says_what_it_accepts_and_never_fixes_input_silently(
        qtbot: QtBot, data_dir: Path, typed: str, says: str) -> None:
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        start = window.start_screen
        note = start.findChild(QLabel, "baseNote")
        assert "Whole US dollars a year" in note.text()  # what it takes, before any typing
        base = start.findChild(QLineEdit, "baseInput")
        base.setFocus()
        qtbot.keyClicks(base, typed)
        assert base.text() == typed  # kept as typed: "-5" does not become "5"
        qtbot.keyClick(base, Qt.Key.Key_Tab)
        assert says in note.text() and f"'{typed}'" in note.text()
        assert note.property("role") == "error"
        assert "$5 " not in start.warnings_text.text()
        _fill_form(qtbot, window)
        qtbot.mouseClick(start.start_button, Qt.MouseButton.LeftButton)
        assert window.live_view is None
        assert start.form_error.text() == "Correct the base offer, or leave it empty."
        # Correcting it takes the problem away as soon as it is true.
        base.clear()
        qtbot.keyClicks(base, "185,000")
        assert note.property("role") != "error" and "Whole US dollars" in note.text()
        assert not start.form_error.isVisible()


def test_stale_messages_go_when_they_stop_being_true(qtbot: QtBot, data_dir: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        start = window.start_screen
        qtbot.mouseClick(start.start_button, Qt.MouseButton.LeftButton)
        assert start.form_error.text() == "Enter the candidate's name."
        qtbot.keyClicks(start.candidate, "Ines")
        assert start.form_error.text() == "Enter your name as the interviewer."
        qtbot.keyClicks(start.interviewer, "Sam")
        assert not start.form_error.isVisible()
        start.candidate.clear()

        # One interviewer's "Saved ...pdf" is not the next one's news.
        _run_and_submit(qtbot, window, "Ana Ruiz", "yes")
        window.show_start()
        with qtbot.waitSignal(start.export_status.finished, timeout=30000):
            qtbot.mouseClick(start.export_button, Qt.MouseButton.LeftButton)
        assert start.export_status.label.text().startswith("Saved ")
        _run_and_submit(qtbot, window, "Ben Okafor", "no")
        window.show_start()
        assert start.export_status.label.text() == ""

        # Nor is an old "Imported ..." on the panel page.
        from companion.exchange.files import write_scorecard_file

        store = window.store
        exported = data_dir / "ana.json"
        write_scorecard_file(store.load_scorecard(store.list_rounds()[-1].id), exported)
        monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                            staticmethod(lambda *a, **k: ([str(exported)], "")))
        window.show_panel()
        window.pages.panel_page.import_files()
        assert window.pages.panel_page.import_message.isVisible()
        window.show_start()
        window.show_panel()
        assert not window.pages.panel_page.import_message.isVisible()


def test_an_unwritable_exports_folder_says_what_to_do_and_save_as_works(
        qtbot: QtBot, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfReader

    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        _run_and_submit(qtbot, window, "Zoë Ngata", "yes")
        page = window.pages.finish_page
        # The exports folder's place is taken by a file: nothing can be written there,
        # whoever runs the test (root ignores permission bits, not this).
        (data_dir / "exports").write_text("not a folder", encoding="utf-8")
        status = page.export_status
        with qtbot.waitSignal(status.failed, timeout=30000):
            qtbot.mouseClick(page.findChild(QPushButton, "submittedExportButton"),
                             Qt.MouseButton.LeftButton)
        text = status.label.text()
        assert text.startswith("Not exported: ") and str(data_dir / "exports") in text
        assert "Save as…" in text and "made writable" in text
        assert status.label.property("role") == "error"
        offered = status.findChild(QPushButton, "exportSaveAs")
        assert offered.isVisible()

        chosen = tmp_path / "elsewhere" / "zoe"
        chosen.parent.mkdir()
        asked: list[str] = []

        def pick(_parent: QWidget, _title: str, suggested: str, _filter: str
                 ) -> tuple[str, str]:
            asked.append(suggested)
            return str(chosen), "PDF files (*.pdf)"

        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(pick))
        with qtbot.waitSignal(status.finished, timeout=30000) as done:
            qtbot.mouseClick(offered, Qt.MouseButton.LeftButton)
        assert asked and asked[0].endswith(".pdf") and "Zoë Ngata" in asked[0]
        written = Path(done.args[0])
        assert written == chosen.with_name("zoe.pdf")
        assert "Zoë Ngata" in "".join(p.extract_text() for p in PdfReader(written).pages)
        assert not offered.isVisible() and status.label.text().startswith("Saved zoe.pdf")

        # The start screen offers "Save PDF as…" for a past round too.
        window.show_start()
        chosen = tmp_path / "elsewhere" / "again.pdf"
        with qtbot.waitSignal(window.start_screen.export_status.finished, timeout=30000):
            qtbot.mouseClick(window.start_screen.findChild(QPushButton, "savePdfAsButton"),
                             Qt.MouseButton.LeftButton)
        assert chosen.exists()
