"""`companion team ...` end to end: real processes against a real PostgreSQL server."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict
from sqlalchemy import text

from companion.content.planner import plan_loop
from companion.loop.model import assign, loop_from_plan
from companion.team import loops, server
from companion.team.errors import TeamLoopRuleError
from companion.team.schema import head_revision
from tests.conftest import REPO
from tests.pg_server import PgServer
from tests.scorecards import make_scorecard, pack
from tests.team_support import PASSWORD, TeamDb, create_database, drop_database


@pytest.fixture
def db(pg_server: PgServer) -> Iterator[TeamDb]:
    fresh = create_database(pg_server, set_up=False)
    try:
        yield fresh
    finally:
        drop_database(fresh)


@pytest.fixture
def team(tmp_path: Path, data_dir: Path):  # type: ignore[no-untyped-def]
    """Run ``python -m companion team ARGS`` with a clean PostgreSQL environment.

    HOME is an empty folder (no ~/.pgpass) and no PG* variable leaks in from the
    machine, so each test decides exactly where a password may come from.
    """
    home = tmp_path / "home"
    home.mkdir()

    def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        full = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        full.update(HOME=str(home), COMPANION_DATA_DIR=str(data_dir),
                    PYTHONPATH=str(REPO), **env)
        return subprocess.run([sys.executable, "-m", "companion", "team", *args],
                              capture_output=True, text=True, env=full, cwd=REPO,
                              timeout=120)

    run.home = home  # type: ignore[attr-defined]
    return run


def tcp_url(db: TeamDb, user: str, password: str | None = None) -> str:
    auth = f"{user}:{quote(password, safe='')}" if password else user
    return f"postgresql://{auth}@127.0.0.1:{db.server.port}/{db.name}"


def can_log_in(db: TeamDb, user: str, password: str) -> bool:
    try:
        with psycopg.connect(db.conninfo(user, tcp=True), password=password):
            return True
    except psycopg.OperationalError:
        return False


def test_an_administrator_sets_up_and_an_interviewer_connects(
        db: TeamDb, team, tmp_path: Path, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    admin = db.conninfo()
    res = team("setup", admin)
    assert res.returncode == 0, res.stderr
    assert f"schema: revision {head_revision()} (created)" in res.stdout
    assert "(already current)" in team("setup", admin).stdout

    sam, ana = db.role("sam"), db.role("ana")
    secret = tmp_path / "sam.pw"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    res = team("add-interviewer", sam, "--display-name", "Sam  Okafor", "--url", admin,
               "--password-file", str(secret))
    assert res.returncode == 0, res.stderr
    assert f"added {sam} (Sam Okafor) as interviewer" in res.stdout
    res = team("add-lead", ana, "--display-name", "Ana Pereira", "--url", admin,
               "--password-env", "ANA_SECRET", ANA_SECRET="ana's own passphrase")
    assert res.returncode == 0, res.stderr
    assert can_log_in(db, sam, PASSWORD) and can_log_in(db, ana, "ana's own passphrase")
    assert not can_log_in(db, sam, "a guess at it")

    # The password in the URL checks the login once and is never written down.
    res = team("connect", tcp_url(db, sam, PASSWORD))
    assert res.returncode == 0, res.stderr
    assert f"connected as: {sam} (Sam Okafor)" in res.stdout
    assert "role: interviewer" in res.stdout and "~/.pgpass" in res.stdout
    saved = (data_dir / "team.json").read_text(encoding="utf-8")
    assert PASSWORD not in saved and "password" not in saved
    assert conninfo_to_dict(json.loads(saved)["conninfo"]) == {
        "user": sam, "host": "127.0.0.1", "port": str(db.server.port), "dbname": db.name}
    assert (data_dir / "team.json").stat().st_mode & 0o077 == 0

    res = team("status")  # nowhere to find the password now
    assert res.returncode == 2
    assert "reachable: no" in res.stdout and "put it in ~/.pgpass" in res.stdout

    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{db.server.port}:{db.name}:{sam}:{PASSWORD}\n",
                      encoding="utf-8")
    pgpass.chmod(0o600)
    res = team("status", PGPASSFILE=str(pgpass))
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"schema: revision {head_revision()} (current" in res.stdout
    status = json.loads(team("status", "--json", PGPASSFILE=str(pgpass)).stdout)
    assert (status["role"], status["display_name"], status["groups"], status["owner"],
            status["schema_state"]) == (sam, "Sam Okafor", ["companion_interviewer"], False,
                                        "current")
    assert status["server_version"].startswith(str(db.server.bindir.parent.name))

    pgpass.write_text(f"*:*:*:{sam}:not the password\n", encoding="utf-8")
    res = team("status", PGPASSFILE=str(pgpass))
    assert res.returncode == 2 and "password authentication failed" in res.stdout

    assert team("disconnect").returncode == 0
    assert not (data_dir / "team.json").exists()
    assert "not configured" in team("status").stdout


def test_a_managed_server_admin_without_superuser_sets_it_up(
        db: TeamDb, team) -> None:  # type: ignore[no-untyped-def]
    dba, nobody = db.role("dba"), db.role("nosy")
    with psycopg.connect(db.server.conninfo(), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {dba} LOGIN CREATEROLE")
        conn.execute(f"CREATE ROLE {nobody} LOGIN")
        conn.execute(f'ALTER DATABASE "{db.name}" OWNER TO {dba}')
        conn.execute(f'REVOKE CREATE ON DATABASE "{db.name}" FROM PUBLIC')
    res = team("setup", db.conninfo(nobody))
    assert res.returncode == 2
    assert "team setup failed, nothing was changed: permission denied" in res.stderr
    res = team("setup", db.conninfo(dba))
    assert res.returncode == 0, res.stderr
    assert f"set up by: {dba} (owner of the team schema)" in res.stdout
    lee = db.role("lee")
    res = team("add-interviewer", lee, "--url", db.conninfo(dba), "--password-env", "PW",
               PW=PASSWORD)
    assert res.returncode == 0, res.stderr
    res = team("connect", db.conninfo(lee))
    assert res.returncode == 0 and f"connected as: {lee} ({lee})" in res.stdout
    # the rules work the same with a non-superuser owning the policy functions; loops
    # are required (the default), so a lead plans Priya's loop and gives Lee a round
    sam = db.add("sam", "interviewer", "Sam Okafor")
    planned = loop_from_plan(plan_loop(pack(), "api", "senior"), "Priya Raman", "x")
    loop = assign(planned, planned.find_round("technical") or 0, lee)
    with db.begin(db.add("ana", "lead", "Ana Pereira")) as conn:
        loops.create_loop(conn, loop)
    with db.begin(sam) as conn, pytest.raises(TeamLoopRuleError):  # not Sam's round
        server.publish_scorecard(conn, make_scorecard(pack(), interviewer="Sam Okafor",
                                                      candidate="Priya Raman"))
    with db.begin(lee) as conn:
        server.publish_scorecard(conn, make_scorecard(pack(), interviewer=lee,
                                                      candidate="Priya Raman"))
    with db.begin(sam) as conn:
        assert server.list_candidates(conn) == []
        assert server.fetch_scorecards(conn, "Priya Raman", pack()).scorecards == []
    with db.begin(dba) as conn:  # the setup account owns the tables (and is no member)
        assert conn.execute(text("SELECT count(*) FROM companion_data.scorecards")).scalar() == 1


def test_a_server_that_is_not_there_is_saved_and_reported(team, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    res = team("connect", "postgresql://sam@127.0.0.1:1/hiring?connect_timeout=3")
    assert res.returncode == 2  # the check failed: saved, and said so with exit code 2
    assert "reachable: no" in res.stdout
    assert "saved, but the team store cannot be used yet" in res.stderr
    res = team("status")
    assert res.returncode == 2
    assert "reachable: no" in res.stdout and "127.0.0.1" in res.stdout


def test_tls_options_pass_through_and_a_plain_remote_link_is_flagged(
        team, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    res = team("connect", "--no-check", "postgresql://sam@db.example.org/hiring?sslmode="
               "verify-full&sslrootcert=/etc/ssl/team-ca.pem")
    assert res.returncode == 0 and "not checked" not in res.stdout
    conninfo = json.loads((data_dir / "team.json").read_text())["conninfo"]
    assert "sslmode=verify-full" in conninfo and "sslrootcert=/etc/ssl/team-ca.pem" in conninfo
    res = team("connect", "--no-check", "postgresql://sam@db.example.org/hiring")
    assert "the server's certificate is not checked (sslmode=prefer)" in res.stdout
    res = team("connect", "--no-check", "hiring")
    assert json.loads((data_dir / "team.json").read_text())["conninfo"] == "service=hiring"


@pytest.mark.parametrize(("args", "message"), [
    (("connect", "host=db nonsense=1"), "not a PostgreSQL connection string"),
    (("connect", " "), "give a connection URL"),
    (("add-interviewer", "Sam Okafor", "--url", "host=/nowhere"), "cannot be a login name"),
    (("add-lead", "pg_sam", "--url", "host=/nowhere"), "is reserved"),
    (("add-interviewer", "sam"), "no team store: give --url URL"),
])
def test_bad_input_is_one_clear_line(team, args: tuple[str, ...], message: str) -> None:  # type: ignore[no-untyped-def]
    res = team(*args)
    assert res.returncode == 2
    assert message in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_a_password_is_needed_from_somewhere_when_there_is_no_terminal(
        db: TeamDb, team) -> None:  # type: ignore[no-untyped-def]
    team("setup", db.conninfo())
    res = team("add-interviewer", db.role("kim"), "--url", db.conninfo())
    assert res.returncode == 2
    assert "no terminal to ask for the password" in res.stderr
    with psycopg.connect(db.server.conninfo()) as conn:
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s",
                            (db.role("kim"),)).fetchone() == (0,)


def _in_a_terminal(args: list[str], answers: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run the app on a pseudo-terminal, answering each password prompt in turn."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the terminal is its controlling tty, as in a shell
        try:
            os.chdir(REPO)
            os.execve(sys.executable, [sys.executable, "-m", "companion", *args], env)
        finally:
            os._exit(127)
    seen = b""
    pending = list(answers)
    deadline = time.monotonic() + 60
    closed = False
    while not closed and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal (Linux reports EIO)
            chunk = b""
        closed = not chunk
        seen += chunk
        if pending and seen.endswith(b": "):  # a prompt, not the newline after one
            os.write(fd, pending.pop(0).encode() + b"\n")
    if not closed:  # stuck waiting for input: end it rather than hang the suite
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")


def test_the_password_prompt_does_not_echo(db: TeamDb, data_dir: Path) -> None:
    with psycopg.connect(db.server.conninfo()) as conn:
        conn.execute("SELECT 1")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(PYTHONPATH=str(REPO), COMPANION_DATA_DIR=str(data_dir))
    code, screen = _in_a_terminal(["team", "setup", db.conninfo()], [], env)
    assert code == 0, screen
    kim = db.role("kim")
    typed = "typed at the prompt 42"
    code, screen = _in_a_terminal(
        ["team", "add-interviewer", kim, "--url", db.conninfo()], [typed, typed], env)
    assert code == 0, screen
    assert f"password for {kim}:" in screen and "(again):" in screen
    assert typed not in screen  # no echo
    assert can_log_in(db, kim, typed)
    code, screen = _in_a_terminal(
        ["team", "add-lead", db.role("max"), "--url", db.conninfo()], [typed, "other"], env)
    assert code == 2 and "the two passwords differ" in screen


def test_service_files_and_tls_options_reach_libpq(
        pg_server: PgServer, team, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = create_database(pg_server)
    try:
        sam = db.add("sam", "interviewer", "Sam Okafor")
        services = tmp_path / "pg_service.conf"
        services.write_text(f"[hiring]\nhost=127.0.0.1\nport={db.server.port}\n"
                            f"dbname={db.name}\nuser={sam}\n", encoding="utf-8")
        pgpass = tmp_path / "pgpass"
        pgpass.write_text(f"*:*:*:{sam}:{PASSWORD}\n", encoding="utf-8")
        pgpass.chmod(0o600)
        env = {"PGSERVICEFILE": str(services), "PGPASSFILE": str(pgpass)}
        res = team("connect", "service=hiring", **env)
        assert res.returncode == 0 and f"connected as: {sam} (Sam Okafor)" in res.stdout
        # the throwaway server has no TLS: libpq itself refuses, so the option got there
        res = team("connect", tcp_url(db, sam) + "?sslmode=require", **env)
        assert "reachable: no" in res.stdout
        assert "server does not support SSL, but SSL was required" in res.stdout
    finally:
        drop_database(db)
