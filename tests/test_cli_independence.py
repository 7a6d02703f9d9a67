"""Independence on the command line: the same rule as the window (issue 10).

While the reader's own scorecard of a candidate is unsubmitted, ``session show``,
``session export``, ``export --pdf`` and ``panel --pdf`` refuse colleagues'
scorecards of that candidate. The reader is ``--as NAME``, or the interviewer
name the window remembers; a panel lead who did not interview is unaffected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from companion.base.settings_file import remembered_interviewer
from companion.content.loader import builtin_pack
from companion.content.planner import plan_loop
from companion.exchange.files import write_scorecard_file
from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.store import Store
from tests.test_session_cli import make_card

CANDIDATE = "Robin Test"  # make_card's candidate


@pytest.fixture
def panel(data_dir: Path, tmp_path: Path) -> dict[str, Any]:
    """Kim's submitted card (stored and as a file), Lee's file, and Sam's round still open."""
    pack = builtin_pack()
    kim = make_card(pack)
    lee = make_card(pack, id="rnd-lee", interviewer="Lee Park")
    planned = next(r for r in plan_loop(pack, "distributed", "senior").rounds
                   if r.template.id == "scenario")
    with Store.open(data_dir) as store:
        store.save_imported(kim)
        engine = RoundEngine.start(store, pack, planned, candidate=CANDIDATE, interviewer="Sam",
                                   archetype="distributed", level="senior", clock=ManualClock())
        engine.rate("mid")
        engine.close()
    return {"kim": kim.id, "sam": engine.round_id,
            "files": [str(write_scorecard_file(kim, tmp_path / "kim.json")),
                      str(write_scorecard_file(lee, tmp_path / "lee.json"))]}


def _remember(data_dir: Path, name: str) -> None:
    """Type the name on the window's start screen, as far as the settings file is concerned."""
    from companion.ui.settings import UiSettings

    settings = UiSettings(data_dir)
    settings.interviewer = name
    settings.sync()


def _refused(res: Any, who: str) -> None:
    assert res.returncode == 2, res.stdout + res.stderr
    assert "Submit your own scorecard of Robin Test first" in res.stderr
    assert f"reading as {who!r}" in res.stderr
    assert "Named the pool ceiling" not in res.stdout + res.stderr  # Kim's notes stay closed


def test_the_remembered_name_closes_a_colleagues_card(cli: Any, data_dir: Path,
                                                       panel: dict[str, Any],
                                                       tmp_path: Path) -> None:
    _remember(data_dir, "Sam")
    _refused(cli("session", "show", panel["kim"]), "Sam")
    out = tmp_path / "kim.pdf"
    _refused(cli("export", panel["kim"], "--pdf", str(out)), "Sam")
    assert not out.exists()
    _refused(cli("session", "export", panel["kim"], "-o", str(tmp_path / "k.json")), "Sam")
    _refused(cli("panel", *panel["files"], "--pdf", str(out)), "Sam")
    _refused(cli("panel", panel["kim"], panel["files"][1], "--pdf", str(out)), "Sam")
    assert not out.exists()
    # Sam's own round stays open to Sam.
    assert cli("session", "show", panel["sam"]).returncode == 0


def test_as_names_the_reader(cli: Any, panel: dict[str, Any], tmp_path: Path) -> None:
    _refused(cli("session", "show", panel["kim"], "--as", " sam "), "sam")
    # A panel lead who interviewed nobody: every card is open.
    shown = cli("session", "show", panel["kim"], "--as", "Ana Lead")
    assert shown.returncode == 0 and "Named the pool ceiling" in shown.stdout
    res = cli("panel", *panel["files"], "--pdf", str(tmp_path / "d.pdf"), "--as", "Ana Lead")
    assert res.returncode == 0, res.stderr
    assert "(2 scorecards)" in res.stdout


def test_nobody_remembered_and_no_as_reads_like_a_lead(cli: Any, panel: dict[str, Any],
                                                       tmp_path: Path) -> None:
    assert cli("session", "show", panel["kim"]).returncode == 0
    res = cli("export", panel["kim"], "--pdf", str(tmp_path / "k.pdf"))
    assert res.returncode == 0, res.stderr


def test_once_submitted_the_cards_open(cli: Any, data_dir: Path, panel: dict[str, Any]) -> None:
    _remember(data_dir, "Sam")
    with Store.open(data_dir) as store:
        engine = RoundEngine.reopen(store, builtin_pack(), panel["sam"], clock=ManualClock())
        engine.set_recommendation("no")
        engine.submit()
        engine.close()
    assert cli("session", "show", panel["kim"]).returncode == 0


@pytest.mark.parametrize("name", ["Sam Ortiz", 'Zoë "Z" Łukasiewicz, Jr.; x=1 # no', "王芳",
                                  "back\\slash", "@at the start"])
def test_the_settings_file_reads_as_qt_wrote_it(data_dir: Path, name: str) -> None:
    _remember(data_dir, name)
    assert remembered_interviewer(data_dir) == name


@pytest.mark.parametrize("content", [
    b"[round]\ninterviewer=a, b\n",  # a list, not a name
    b"[round]\ninterviewer=\"open\n",
    b"[round]\ninterviewer=\\x7\n",
    b"[round]\ninterviewer=x\\\n",
    b"\xff\xfe[round]\n",
    b"[round]\ninterviewer=" + b"x" * 300 + b"\n",
])
def test_a_settings_file_that_makes_no_sense_names_nobody(data_dir: Path,
                                                          content: bytes) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "settings.ini").write_bytes(content)
    assert remembered_interviewer(data_dir) == ""
