"""Shared fixtures: every test gets its own data folder; nothing touches the real one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Qt must never try to reach a display in tests; pytest-qt reads this at import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app's data folder (database, packs, logs, settings) at a fresh temp dir."""
    root = tmp_path / "data"
    monkeypatch.setenv("COMPANION_DATA_DIR", str(root))
    return root


def run_cli(*args: str, data_dir: Path | None = None, timeout: float = 120,
            env: dict[str, str] | None = None,
            input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m companion ARGS`` as a real subprocess and capture its output."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = str(REPO) + os.pathsep + full_env.get("PYTHONPATH", "")
    if data_dir is not None:
        full_env["COMPANION_DATA_DIR"] = str(data_dir)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "companion", *args],
        capture_output=True, text=True, timeout=timeout, env=full_env, cwd=REPO, input=input,
    )


@pytest.fixture
def cli(data_dir: Path):  # type: ignore[no-untyped-def]
    """Call the command line in a subprocess against this test's data folder."""

    def _run(*args: str, **kw):  # type: ignore[no-untyped-def]
        kw.setdefault("data_dir", data_dir)
        return run_cli(*args, **kw)

    return _run


@pytest.fixture(scope="session")
def pg_server():  # type: ignore[no-untyped-def]
    """One real PostgreSQL server for the whole run (see tests/pg_server.py).

    The team-store tests must run wherever the suite runs: if no server can be
    started they fail, saying what is missing, rather than being skipped.
    """
    from tests.pg_server import PgServer, PgServerError

    try:
        server = PgServer.start()
    except PgServerError as exc:
        pytest.fail(f"the team store tests need a PostgreSQL server, and none could be "
                    f"started: {exc}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def db(pg_server):  # type: ignore[no-untyped-def]
    """A team store of its own for one test (a new database on the shared server),
    dropped after it."""
    from tests.team_support import create_database, drop_database

    fresh = create_database(pg_server)
    try:
        yield fresh
    finally:
        drop_database(fresh)


@pytest.fixture(scope="session")
def team_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding ``demo --team`` (a quarter of loops), made once per run."""
    folder = tmp_path_factory.mktemp("team") / "data"
    res = run_cli("demo", "--team", data_dir=folder, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "Stored a quarter of loops: 146 scorecards of 40 candidates by 8 interviewers" \
        in res.stdout, res.stdout
    assert "and 40 panel decisions" in res.stdout
    return folder
