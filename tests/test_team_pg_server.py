"""The throwaway PostgreSQL server the team-store tests stand on.

As root it must run as the ``postgres`` account (initdb refuses root); as anyone
else it runs as themselves; and where no server can start, the tests fail with
a message that says what to install, never skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import psycopg

from tests.conftest import REPO
from tests.pg_server import PgServer

CHILD = textwrap.dedent("""
    import json, os, subprocess, sys
    import pg_server
    server = pg_server.PgServer.start()
    try:
        out = subprocess.run(["psql", server.conninfo(), "-Atc",
                              "SELECT current_setting('data_directory')"],
                             capture_output=True, text=True, check=True).stdout.strip()
        report = {"uid": os.geteuid(), "owner": os.stat(server.data).st_uid,
                  "data_directory": out, "data": str(server.data), "root": str(server.root)}
    finally:
        server.stop()
    report["removed"] = not os.path.exists(report["root"])
    print(json.dumps(report))
""")


def test_the_suite_server_runs_under_an_unprivileged_account(pg_server: PgServer) -> None:
    owner = os.stat(pg_server.data).st_uid
    assert owner != 0
    if os.geteuid() == 0:
        assert pg_server.account.name == "postgres" and owner == pg_server.account.uid
    else:
        assert owner == os.geteuid()
    with psycopg.connect(pg_server.conninfo()) as conn:
        row = conn.execute("SELECT current_setting('data_directory'), "
                           "current_setting('listen_addresses')").fetchone()
    assert row == (str(pg_server.data), "127.0.0.1")


def test_an_ordinary_user_starts_and_stops_a_server_of_their_own(tmp_path: Path) -> None:
    """As root, run the helper as 'nobody'; otherwise as ourselves (no root in sight)."""
    folder = Path(tempfile.mkdtemp(prefix="companion-pgchild-"))
    try:
        folder.chmod(0o755)  # readable by the other account
        shutil.copy(REPO / "tests" / "pg_server.py", folder / "pg_server.py")
        (folder / "pg_server.py").chmod(0o644)
        extra: dict[str, object] = {}
        python = sys.executable
        if os.geteuid() == 0:
            extra = {"user": "nobody", "group": "nogroup", "extra_groups": []}
            # our interpreter may live in root's home; the system one is world-readable
            python = shutil.which("python3", path="/usr/bin:/bin") or python
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder),
               "PYTHONPATH": str(folder), "LANG": "C.UTF-8"}
        res = subprocess.run([python, "-c", CHILD], cwd=folder, env=env,
                             capture_output=True, text=True, timeout=120, **extra)  # type: ignore[call-overload]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert res.returncode == 0, res.stderr[-2000:]
    report = json.loads(res.stdout)
    assert report["uid"] != 0 and report["owner"] == report["uid"]
    assert report["data_directory"] == report["data"]
    assert report["removed"]


def test_without_a_server_the_team_tests_fail_and_say_why(tmp_path: Path) -> None:
    empty = tmp_path / "no-postgres-here"
    empty.mkdir()
    env = dict(os.environ, COMPANION_PG_BINDIR=str(empty),
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider",
         "tests/test_team_schema.py::test_downgrade_to_nothing_and_up_again"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 1, res.stdout[-2000:]
    assert "1 error" in res.stdout and "skipped" not in res.stdout
    assert "the team store tests need a PostgreSQL server" in res.stdout
    assert f"COMPANION_PG_BINDIR={empty}: no initdb in that folder" in res.stdout
