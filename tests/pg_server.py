"""A throwaway PostgreSQL server for the team-store tests (standard library only).

The server comes from Debian's ``postgresql`` package (``.ci/run`` installs it): the
newest ``/usr/lib/postgresql/<version>/bin``, or ``COMPANION_PG_BINDIR``. Its cluster
lives in a fresh folder under the system temp folder, listens on a Unix socket in
that folder and on 127.0.0.1 at a free port (the tests of password logins need TCP),
and is removed when the server stops.

initdb refuses to run as root, so as root the cluster belongs to the ``postgres``
user the package creates (the folder is handed to it and every server program runs
as it); any other user runs the server as themselves. Local socket logins are
trusted (the folder is private to the server's user, and root); TCP logins need a
SCRAM password, as on a real server.

This file is copied on its own into a child process by a test, so it imports
nothing from the repository.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DEBIAN_ROOT = Path("/usr/lib/postgresql")
SUPERUSER = "postgres"
# Durability settings a throwaway cluster does not need: they make start-up and
# every commit cheaper. Nothing here changes what the tests check.
FAST_SETTINGS = ("fsync = off", "synchronous_commit = off", "full_page_writes = off",
                 "max_connections = 60", "shared_buffers = 32MB")


class PgServerError(RuntimeError):
    """The server could not be started; the text says why and what to install."""


def find_bindir() -> Path:
    """The folder holding initdb, pg_ctl and postgres (the newest installed version)."""
    override = os.environ.get("COMPANION_PG_BINDIR")
    if override:
        path = Path(override)
        if not (path / "initdb").is_file():
            raise PgServerError(f"COMPANION_PG_BINDIR={override}: no initdb in that folder")
        return path
    found = [p for p in DEBIAN_ROOT.glob("*/bin") if (p / "initdb").is_file()] \
        if DEBIAN_ROOT.is_dir() else []
    if not found:
        raise PgServerError(
            f"no PostgreSQL server under {DEBIAN_ROOT}: install Debian's 'postgresql' "
            "package (apt-get install --no-install-recommends postgresql) or set "
            "COMPANION_PG_BINDIR to a folder holding initdb")

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", path.parent.name)) or (0,)

    return max(found, key=version)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Account:
    """Who the server's programs run as: None for the current user."""

    uid: int | None = None
    gid: int | None = None
    name: str = ""

    @classmethod
    def for_server(cls) -> Account:
        if os.geteuid() != 0:
            return cls(name=pwd.getpwuid(os.geteuid()).pw_name)
        try:
            entry = pwd.getpwnam("postgres")
        except KeyError:
            raise PgServerError(
                "running as root, but there is no 'postgres' user to run the server as "
                "(initdb refuses root); Debian's 'postgresql' package creates it") from None
        return cls(entry.pw_uid, entry.pw_gid, entry.pw_name)

    def run(self, args: list[str], cwd: Path, timeout: float = 60) \
            -> subprocess.CompletedProcess[str]:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
               "LC_ALL": "C.UTF-8"}
        if self.uid is None:
            env["HOME"] = os.environ.get("HOME", str(cwd))
            return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                                  timeout=timeout)
        env["HOME"] = str(cwd)
        return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout, user=self.uid, group=self.gid,
                              extra_groups=[])


@dataclass
class PgServer:
    root: Path
    bindir: Path
    port: int
    account: Account

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    @property
    def socket_dir(self) -> str:
        return str(self.root)

    @classmethod
    def start(cls, attempts: int = 3) -> PgServer:
        """initdb in a fresh folder and start the server; raises PgServerError."""
        bindir = find_bindir()
        account = Account.for_server()
        root = Path(tempfile.mkdtemp(prefix="companion-pg-"))
        try:
            if account.uid is not None:
                os.chown(root, account.uid, account.gid or -1)
            root.chmod(0o700)
            server = cls(root, bindir, 0, account)
            server._initdb()
            for attempt in range(attempts):
                server.port = free_port()
                server._write_settings()
                res = account.run([str(bindir / "pg_ctl"), "-D", str(server.data),
                                   "-l", str(server.log), "-w", "-t", "60", "start"], root,
                                  timeout=90)
                if res.returncode == 0:
                    return server
                if attempt == attempts - 1:
                    raise PgServerError("pg_ctl start failed: " + _last_lines(
                        res.stdout + res.stderr + server._log_text()))
                time.sleep(0.2)  # another process took the port: try a new one
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise
        raise PgServerError("unreachable")

    def _initdb(self) -> None:
        res = self.account.run(
            [str(self.bindir / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
             "-E", "UTF8", "--locale=C.UTF-8", "--auth-local=trust",
             "--auth-host=scram-sha-256", "--no-sync"], self.root, timeout=120)
        if res.returncode != 0:
            raise PgServerError(f"initdb failed as user {self.account.name!r}: "
                                + _last_lines(res.stdout + res.stderr))

    def _write_settings(self) -> None:
        lines = (f"port = {self.port}", "listen_addresses = '127.0.0.1'",
                 f"unix_socket_directories = '{self.socket_dir}'", *FAST_SETTINGS)
        # postgresql.auto.conf is read last and overrides postgresql.conf.
        (self.data / "postgresql.auto.conf").write_text("\n".join(lines) + "\n",
                                                        encoding="utf-8")

    def _log_text(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def conninfo(self, dbname: str = "postgres", user: str = SUPERUSER, *,
                 tcp: bool = False) -> str:
        """A libpq keyword/value string: the Unix socket (trusted) or TCP (password)."""
        host = "127.0.0.1" if tcp else self.socket_dir
        return f"host={host} port={self.port} dbname={dbname} user={user}"

    def halt(self) -> None:
        """Stop the server now, ending every session mid-transaction; keep its data.

        "fast" rather than "immediate": with this cluster's relaxed durability
        settings an immediate stop could also drop commits made just before it,
        which is the cluster's shortcut, not what a test of a stopping server means.
        """
        res = self.account.run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m",
                                "fast", "-w", "stop"], self.root, timeout=60)
        if res.returncode != 0:
            raise PgServerError("pg_ctl stop failed: " + _last_lines(res.stdout + res.stderr))

    def resume(self) -> None:
        """Start a halted server again on the same port, with the same data."""
        res = self.account.run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l",
                                str(self.log), "-w", "-t", "60", "start"], self.root,
                               timeout=90)
        if res.returncode != 0:
            raise PgServerError("pg_ctl start failed: " + _last_lines(
                res.stdout + res.stderr + self._log_text()))

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        try:
            if self.data.is_dir():
                self.account.run([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m",
                                  "immediate", "-w", "stop"], self.root, timeout=60)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _last_lines(text: str, count: int = 8) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-count:]) or "no output"
