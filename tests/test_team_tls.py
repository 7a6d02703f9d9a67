"""Finding 7 of issue "Team store, hardened": TLS, secrets in connection strings, member audit.

The TLS test turns on ``ssl`` on the session's throwaway server with a CA made here
by Debian's ``openssl`` command (and a second, wrong CA), then connects over TCP
with ``sslmode=verify-full``: the right CA connects, the wrong one and a missing CA
file are named as TLS problems, ``team connect`` exits 2, and a publisher holds
its entries instead of retrying them as if the network were down.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from companion.store import outbox
from companion.team.settings import EVERYTHING
from tests.conftest import run_cli
from tests.pg_server import PgServer
from tests.publish_support import member, publisher, run_round
from tests.team_support import PASSWORD, TeamDb, create_database, drop_database


def openssl(*args: str, cwd: Path) -> None:
    tool = shutil.which("openssl")
    assert tool, "the TLS test needs Debian's 'openssl' command (apt-get install openssl)"
    res = subprocess.run([tool, *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr


def make_ca(folder: Path, name: str) -> None:
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2",
            "-subj", f"/CN={name}", cwd=folder)


@dataclass
class Tls:
    db: TeamDb
    sam: str
    right: Path  # the CA that signed the server's certificate
    wrong: Path  # another CA

    def conninfo(self, rootcert: Path, role: str | None = None) -> str:
        return (f"{self.db.conninfo(role or self.sam, tcp=True)} sslmode=verify-full "
                f"sslrootcert={rootcert}")


@pytest.fixture(scope="module")
def tls(pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tls]:
    folder = tmp_path_factory.mktemp("ca")
    make_ca(folder, "team-ca")
    make_ca(folder, "other-ca")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1",
            cwd=folder)
    (folder / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n", encoding="utf-8")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "team-ca.pem", "-CAkey", "team-ca.key",
            "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "san.ext",
            cwd=folder)
    # The server reads its key as its own user, and only from a private file.
    for name in ("server.crt", "server.key"):
        target = pg_server.root / name
        shutil.copy(folder / name, target)
        target.chmod(0o600)
        if pg_server.account.uid is not None:
            os.chown(target, pg_server.account.uid, pg_server.account.gid or -1)
    settings = {"ssl_cert_file": str(pg_server.root / "server.crt"),
                "ssl_key_file": str(pg_server.root / "server.key"), "ssl": "on"}
    with psycopg.connect(pg_server.conninfo(), autocommit=True) as conn:
        for key, value in settings.items():
            conn.execute(f"ALTER SYSTEM SET {key} = '{value}'")
        conn.execute("SELECT pg_reload_conf()")
    db = create_database(pg_server)
    try:
        yield Tls(db, db.add("sam", "interviewer", "Sam Okafor"), folder / "team-ca.pem",
                  folder / "other-ca.pem")
    finally:
        drop_database(db)
        with psycopg.connect(pg_server.conninfo(), autocommit=True) as conn:
            for key in settings:
                conn.execute(f"ALTER SYSTEM RESET {key}")
            conn.execute("SELECT pg_reload_conf()")


def test_verify_full_with_the_right_ca_connects_and_a_wrong_ca_is_a_tls_problem(
        tls: Tls, tmp_path: Path) -> None:
    env = {"PGPASSWORD": PASSWORD}
    res = run_cli("team", "connect", tls.conninfo(tls.right), data_dir=tmp_path, env=env)
    assert res.returncode == 0, res.stderr
    assert "reachable: yes" in res.stdout and f"connected as: {tls.sam} (Sam Okafor)" \
        in res.stdout
    with psycopg.connect(tls.conninfo(tls.right), password=PASSWORD) as conn:
        assert conn.pgconn.ssl_in_use  # really over TLS

    res = run_cli("team", "connect", tls.conninfo(tls.wrong), data_dir=tmp_path, env=env)
    assert res.returncode == 2
    assert ("TLS problem: the server's certificate is not signed by the CA in "
            f"{tls.wrong}") in res.stderr
    assert "cannot reach" not in res.stderr

    missing = tmp_path / "no-such-ca.pem"
    res = run_cli("team", "connect", tls.conninfo(missing), data_dir=tmp_path, env=env)
    assert res.returncode == 2
    assert f"TLS problem: the CA file {missing} is missing or unreadable" in res.stderr
    assert "refused the login" not in res.stderr


def test_a_tls_failure_holds_the_outbox_instead_of_retrying_it(tls: Tls, tmp_path: Path) -> None:
    me = member(tls.db, "kim", "interviewer", "Kim Lee", tmp_path)
    with me.store() as store:
        rid = run_round(store, "Kim Lee", "Mei Lin").round_id
        pub = publisher(store, tls.db, me.role, conninfo=tls.conninfo(tls.wrong, me.role),
                        password=PASSWORD)
        run = pub.publish()
        pub.close()
        assert run.stopped is not None and run.stopped.kind == "tls"
        assert "TLS problem" in run.stopped.message and not run.needs_password
        with store.read() as s:  # held until someone asks, not retried on a timer
            assert "TLS problem" in outbox.states(s, EVERYTHING)[rid].describe()
            assert outbox.due(s, datetime.now(UTC) + timedelta(hours=1), EVERYTHING) == []
        pub = publisher(store, tls.db, me.role, conninfo=tls.conninfo(tls.right, me.role),
                        password=PASSWORD)
        run = pub.publish(everything=True)
        pub.close()
    assert [s.round_id for s in run.sent] == [rid]


def test_no_secret_of_a_connection_string_is_saved_or_printed(
        tls: Tls, tmp_path: Path) -> None:
    url = (f"{tls.conninfo(tls.right)} password='{PASSWORD}' "
           "sslpassword=key-secret-6f1e")
    res = run_cli("team", "connect", url, data_dir=tmp_path)
    assert res.returncode == 0, res.stderr  # the password in the URL served the check
    said = res.stdout + res.stderr
    saved = (tmp_path / "team.json").read_text(encoding="utf-8")
    for secret in (PASSWORD, "key-secret-6f1e"):
        assert secret not in said and secret not in saved
    assert "sslpassword" not in json.loads(saved)["conninfo"]
    assert "the password, sslpassword in the URL were used for this check only" in said
    status = run_cli("team", "status", data_dir=tmp_path, env={"PGPASSWORD": PASSWORD})
    assert PASSWORD not in status.stdout + status.stderr


def test_member_changes_are_audited(tls: Tls) -> None:
    role = tls.db.add("moe", "lead", "Moe Ansari")
    with tls.db.begin() as conn:
        conn.execute(text("UPDATE companion.members SET display_name = 'Moe A. Ansari' "
                          "WHERE role_name = :r"), {"r": role})
        rows = conn.execute(text("SELECT action, role_name, changed_by FROM "
                                 "companion.member_changes WHERE role_name = :r ORDER BY id"),
                            {"r": role}).all()
    assert [(a, r) for a, r, _ in rows] == [("INSERT", role), ("UPDATE", role)]
    assert {by for _, _, by in rows} == {"postgres"}
