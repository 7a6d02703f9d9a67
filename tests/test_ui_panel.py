"""The panel debrief page in the real window: import files, pick a candidate, export the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QPushButton, QTreeWidget

from companion.content.loader import builtin_pack
from companion.demo.pair import store_demo
from companion.demo.pair_script import CANDIDATE, SCENARIO
from companion.exchange.files import write_scorecard_file
from companion.store import Store
from tests.ui_helpers import loaded, open_window, screenshot


@pytest.fixture
def demo_files(tmp_path: Path) -> list[Path]:
    """Two interviewers' submitted scorecards of one candidate, as the files they send."""
    with Store.open(tmp_path / "authors") as store:
        result = store_demo(store, builtin_pack())
        return [write_scorecard_file(store.load_scorecard(rid),
                                     tmp_path / f"scorecard-{n}.icscore.json")
                for n, rid in enumerate(result.round_ids)]


def choose_files(monkeypatch: pytest.MonkeyPatch, paths: list[Path]) -> list[str]:
    """Make the file dialog answer with ``paths``; returns the titles it was opened with."""
    asked: list[str] = []

    def fake(parent, caption, folder, filters):  # type: ignore[no-untyped-def]
        asked.append(caption)
        return [str(p) for p in paths], filters.split(";;")[0]

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(fake))
    return asked


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def test_panel_lead_imports_picks_and_exports_the_debrief(  # type: ignore[no-untyped-def]
        qtbot, data_dir: Path, demo_files: list[Path], monkeypatch) -> None:
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        qtbot.keyClick(window, Qt.Key.Key_D,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        page = window.pages.panel_page
        assert window.stack.currentWidget() is page
        assert page.findChild(QComboBox, "panel.candidate").count() == 0
        assert page.empty.isVisible() and not page.export_button.isEnabled()

        asked = choose_files(monkeypatch, demo_files)
        qtbot.mouseClick(page.findChild(QPushButton, "panel.import"), Qt.MouseButton.LeftButton)
        assert asked == ["Import scorecard files"]
        message = page.import_message.text()
        assert "Imported 2 scorecards (Dana Whitfield, Marcus Lee)." in message
        combo = page.findChild(QComboBox, "panel.candidate")
        assert [combo.itemText(i) for i in range(combo.count())] == [f"{CANDIDATE} · 2 scorecards"]
        tree = page.findChild(QTreeWidget, "panel.scorecards")
        assert sorted(tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())) == [
            "Dana Whitfield", "Marcus Lee"]
        assert not page.notice.isVisible()  # a lead who did not interview reads everything
        screenshot(window, "panel_imported")

        status = page.export_status
        with qtbot.waitSignal(status.finished, timeout=30000) as done:
            qtbot.mouseClick(page.findChild(QPushButton, "panel.export"),
                             Qt.MouseButton.LeftButton)
            assert status.bar.isVisible() and status.running  # the worker renders
        qtbot.waitUntil(lambda: not status.running)
        pdf = Path(done.args[0])
        assert pdf.parent == data_dir / "exports" and "Panel debrief" in pdf.name
        assert status.open_folder.isVisible() and pdf.name in status.label.text()
        text = pdf_text(pdf)
        assert f"Panel debrief: {CANDIDATE}" in text
        # The scenario's ratings per interviewer, as listed on the debrief agenda.
        # Each interviewer's rating in the matrix (columns in interview order) and on the agenda.
        title = builtin_pack().scenario(SCENARIO).title
        assert (f"Item (dimension) Dana Whitfield Marcus Lee (!) {title} System design "
                "scenario Strong Thin") in text
        assert "Dana Whitfield: Strong" in text and "Marcus Lee: Thin" in text
        assert "Dana Whitfield: Yes" in text and "Marcus Lee: No" in text
        screenshot(window, "panel_exported")

        # Importing the same files again stores nothing twice.
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
        assert "2 files already stored" in page.import_message.text()
        assert combo.count() == 1

        qtbot.mouseClick(page.findChild(QPushButton, "panel.back"), Qt.MouseButton.LeftButton)
        assert window.stack.currentWidget() is window.start_screen
        assert window.start_screen.past.rounds.rowCount() == 2
        screenshot(window, "panel_start_screen")  # the rounds list with its debrief button


def test_every_scorecard_row_is_as_tall_as_the_others(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    with Store.open(data_dir) as store:  # stored before the page is first shown
        store_demo(store, builtin_pack())
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        window.show_panel()
        tree = window.pages.panel_page.scorecards
        rows = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
        assert len(rows) == 2
        # Each row as tall as its content asks, the last one included.
        assert [tree.visualItemRect(row).height() for row in rows] == [
            tree.sizeHintForRow(i) for i in range(len(rows))]
        assert tree.visualItemRect(rows[1]).top() == tree.visualItemRect(rows[0]).bottom() + 1


def test_unticked_scorecards_stay_out_of_the_debrief(  # type: ignore[no-untyped-def]
        qtbot, data_dir: Path, demo_files: list[Path], monkeypatch) -> None:
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        qtbot.mouseClick(window.start_screen.findChild(QPushButton, "panelDebriefButton"),
                         Qt.MouseButton.LeftButton)
        page = window.pages.panel_page
        assert window.stack.currentWidget() is page
        choose_files(monkeypatch, demo_files)
        page.import_button.click()
        tree = page.scorecards
        rows = {tree.topLevelItem(i).text(0): tree.topLevelItem(i)
                for i in range(tree.topLevelItemCount())}
        for row in rows.values():
            row.setCheckState(0, Qt.CheckState.Unchecked)
        page.export_button.click()
        assert "Tick at least one" in page.export_status.label.text()
        assert not (data_dir / "exports").exists()

        rows["Marcus Lee"].setCheckState(0, Qt.CheckState.Checked)
        with qtbot.waitSignal(page.export_status.finished, timeout=30000) as done:
            page.export_button.click()
        text = pdf_text(Path(done.args[0]))
        assert "Marcus Lee" in text and "Dana Whitfield" not in text


def test_damaged_file_is_named_and_the_window_stays_up(  # type: ignore[no-untyped-def]
        qtbot, data_dir: Path, demo_files: list[Path], tmp_path: Path, monkeypatch) -> None:
    damaged = tmp_path / "from-chat.icscore.json"
    damaged.write_bytes(demo_files[1].read_bytes()[:700])  # cut off in transfer
    not_json = tmp_path / "notes.json"
    not_json.write_bytes(b"\xff\xfe not a scorecard")
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        window.actions_.panel.trigger()
        page = window.pages.panel_page
        choose_files(monkeypatch, [damaged, demo_files[0], not_json])
        page.import_button.click()
        message = page.import_message.text()
        assert "Imported 1 scorecard (Dana Whitfield)." in message
        assert "Not imported (2):" in message
        assert f"• {damaged}: the file is truncated" in message
        assert f"{not_json}: not a scorecard file" in message
        assert page.import_message.property("role") == "warning"
        assert window.isVisible() and window.stack.currentWidget() is page
        assert page.candidate.itemText(0) == f"{CANDIDATE} · 1 scorecard"
        screenshot(window, "panel_import_error")

        choose_files(monkeypatch, [])  # the dialog cancelled: nothing changes
        page.import_button.click()
        assert page.import_message.text() == message


def test_panel_action_is_listed_in_the_help(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir)
    window.actions_.help.trigger()
    rows = {name: keys for _g, keys, name, _h in window.pages.help_overlay.rows}
    assert rows.get("Panel debrief…") == "Ctrl+Shift+D"
