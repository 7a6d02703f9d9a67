"""The command line in a hostile environment: one clear line, exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_a_symlink_loop_as_the_data_folder_is_one_line(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    for args, env in ((("--data-dir", str(tmp_path / "a")), None),
                      ((), {"COMPANION_DATA_DIR": str(tmp_path / "a" / "sub")})):
        res = cli(*args, "sessions", "list", env=env)
        assert res.returncode == 2
        assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
        assert "a loop of symbolic links" in res.stderr


def test_without_the_postgresql_driver_a_team_command_says_how_to_add_it(
        tmp_path: Path) -> None:
    """The bundle ships without psycopg: a team command says so in one line, exit 2."""
    import subprocess
    import sys

    from tests.conftest import REPO

    code = ("import sys; sys.modules['psycopg'] = None  # as in a copy without the driver\n"
            "from companion.cli import main\n"
            "sys.exit(main(['--data-dir', sys.argv[1], 'team', 'setup', "
            "'postgresql://lead@db.example/hiring']))")
    res = subprocess.run([sys.executable, "-c", code, str(tmp_path / "data")],
                         capture_output=True, text=True, cwd=REPO, timeout=120)
    assert res.returncode == 2, res.stderr
    assert "PostgreSQL driver" in res.stderr and "docs/IT.md" in res.stderr
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1
