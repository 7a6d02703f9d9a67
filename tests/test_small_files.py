"""The small files the app keeps in its data folder are bounded and never followed through a link.

settings.ini, team.json and the entries of a pack folder: a link is refused by name
(or moved aside, never written through), size is capped before reading, and bad
bytes or deep nesting are one line, never "unexpected error".
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from companion.base.errors import CompanionError, ContentError
from companion.base.paths import settings_file
from companion.base.settings_file import remembered_interviewer
from companion.content.loader import load_pack
from companion.team.settings import load_team, save_conninfo
from tests.conftest import run_cli

HEADER = '[pack]\nid = "team"\nversion = "0.2"\ntitle = "Team pack"\n'
SETTINGS = "[round]\ninterviewer=Sam Ortiz\n"


def test_a_linked_settings_file_has_its_target_left_alone(qtbot: object, data_dir: Path,
                                                          tmp_path: Path) -> None:
    from companion.ui.settings import UiSettings

    target = tmp_path / "someone-elses.txt"
    target.write_text("precious\n")
    data_dir.mkdir(parents=True)
    link = settings_file(data_dir)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    assert remembered_interviewer(data_dir) == ""  # not read through the link
    ui = UiSettings(data_dir)
    ui.zoom = 1.4
    ui._qs.sync()
    assert target.read_text() == "precious\n"
    assert not link.is_symlink() and "zoom" in link.read_text()
    (aside,) = link.parent.glob(f"{link.name}.set-aside-*")
    assert aside.is_symlink() and aside.resolve() == target


def test_an_oversized_settings_file_is_moved_aside_unread(qtbot: object, data_dir: Path) -> None:
    from companion.ui.settings import UiSettings

    path = settings_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SETTINGS + "x" * (200 * 1024))
    assert remembered_interviewer(data_dir) == ""
    UiSettings(data_dir)
    assert list(path.parent.glob(f"{path.name}.set-aside-*"))
    path.write_text(SETTINGS)
    assert remembered_interviewer(data_dir) == "Sam Ortiz"


@pytest.mark.parametrize("content", [
    b"\xff\xfe not utf-8",
    b"[" * 200_000 + b"]" * 200_000,
    b'{"conninfo": "host=x", "pad": "' + b"y" * (1024 * 1024) + b'"}',
], ids=["not-utf8", "nested-200000-deep", "one-megabyte"])
def test_a_bad_team_file_is_one_line(data_dir: Path, content: bytes) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "team.json").write_bytes(content)
    with pytest.raises(CompanionError) as err:
        load_team(data_dir)
    assert "\n" not in str(err.value) and str(data_dir / "team.json") in str(err.value)
    res = run_cli("sessions", "list", data_dir=data_dir)
    assert res.returncode in (1, 2) and "unexpected" not in res.stderr.lower(), res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "team.json" in res.stderr


def test_a_team_file_linked_to_a_device_is_refused_by_name(data_dir: Path,
                                                           tmp_path: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "team.json").symlink_to("/dev/zero")
    with pytest.raises(CompanionError, match="is a link"):
        load_team(data_dir)
    real = tmp_path / "real.json"
    real.write_text('{"conninfo": "host=elsewhere"}')
    (data_dir / "team.json").unlink()
    (data_dir / "team.json").symlink_to(real)
    with pytest.raises(CompanionError, match="is a link"):
        load_team(data_dir)
    save_conninfo(data_dir, "host=db.example dbname=team")  # replaces the link, not its target
    assert real.read_text() == '{"conninfo": "host=elsewhere"}'
    team = load_team(data_dir)
    assert team is not None and team.conninfo == "host=db.example dbname=team"


def test_links_in_a_pack_folder_are_refused_by_name(tmp_path: Path) -> None:
    outside = tmp_path / "outside.toml"
    outside.write_text(HEADER)
    packs = tmp_path / "packs"
    (packs / "folder").mkdir(parents=True)
    (packs / "folder" / "pack.toml").symlink_to(outside)
    (packs / "linked.toml").symlink_to(outside)
    (packs / "linked-folder").symlink_to(packs / "folder")
    with pytest.raises(ContentError) as err:
        load_pack(user_dir=packs)
    text = str(err.value)
    for name in ("folder/pack.toml", "linked.toml", "linked-folder"):
        assert f"{packs / name}: (file): is a link" in text, text
    assert os.path.exists(outside)


def test_a_settings_file_that_is_a_pipe_is_moved_aside_not_read(qtbot: object,
                                                                data_dir: Path) -> None:
    """A pipe (or a device node) in its place would block QSettings' read or take its write."""
    import stat

    from companion.ui.settings import UiSettings

    path = settings_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    assert remembered_interviewer(data_dir) == ""  # refused without waiting for a writer
    ui = UiSettings(data_dir)
    ui.zoom = 1.2
    ui._qs.sync()
    (aside,) = path.parent.glob(f"{path.name}.set-aside-*")
    assert stat.S_ISFIFO(os.lstat(aside).st_mode)
    assert stat.S_ISREG(os.lstat(path).st_mode) and "zoom" in path.read_text()
