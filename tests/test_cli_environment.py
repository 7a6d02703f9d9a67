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
