"""The one-folder bundle builds here, runs, and carries only what the app uses.

The bundle is built once per test session from packaging/companion.spec into a
temporary folder (about a minute on a laptop), then exercised as a user would:
``companion --smoke`` opens the window and exits 0, the bundled command line
reads the built-in pack and writes a PDF, a ``portable`` marker moves the
data beside the executable, every module the app loads is in it (the PostgreSQL
driver is not: it is added beside it, and then a team store opens).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import REPO
from tests.pg_server import PgServer
from tests.team_support import create_database, drop_database

SPEC = REPO / "packaging" / "companion.spec"
BUILD_TIMEOUT_S = 1200
# Qt parts the app never uses; finding any of them in the bundle is a regression.
FORBIDDEN = ("Qt6Network", "QtNetwork", "Qt6Qml", "QtQml", "Qt6Quick", "QtQuick", "Qt6Pdf",
             "WebEngine", "Qt63D", "Multimedia", "VirtualKeyboard", "libqgtk3", "libqvnc")
# A guard against growth at today's size (155 MB); the target, 130 MB, is not
# reached yet (packaging/README.md says what is left).
MAX_BUNDLE_MB = 160


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the bundle once; returns the folder holding ``companion`` and ``companion-cli``."""
    out = tmp_path_factory.mktemp("bundle")
    proc = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(out / "dist"), "--workpath", str(out / "work"), str(SPEC)],
        cwd=REPO, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    folder = out / "dist" / "companion"
    assert (folder / exe("companion")).is_file()
    return folder


def exe(name: str) -> str:
    return name + (".exe" if sys.platform == "win32" else "")


def bundle_env(data_dir: Path | None) -> dict[str, str]:
    """The environment of a user's shell: no source tree on the path, offscreen Qt."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "COMPANION_DATA_DIR")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    if data_dir is not None:
        env["COMPANION_DATA_DIR"] = str(data_dir)
    return env


def run_bundled(folder: Path, name: str, *args: str, data_dir: Path | None,
                cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(folder / exe(name)), *args], capture_output=True, text=True,
                          timeout=120, env=bundle_env(data_dir), cwd=cwd)


def test_smoke_from_the_bundle_paints_and_exits_zero(bundle: Path, data_dir: Path,
                                                     tmp_path: Path) -> None:
    res = run_bundled(bundle, "companion", "--smoke", data_dir=data_dir, cwd=tmp_path)
    # --smoke exits 0 only after the first paint (1 if none comes within its timeout).
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr


def test_bundled_cli_reads_the_builtin_pack(bundle: Path, data_dir: Path,
                                            tmp_path: Path) -> None:
    res = run_bundled(bundle, "companion-cli", "content", "check", data_dir=data_dir,
                      cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "questions" in res.stdout and "scenarios" in res.stdout


def test_bundled_cli_exports_a_readable_pdf(bundle: Path, data_dir: Path,
                                            tmp_path: Path) -> None:
    demo = run_bundled(bundle, "companion-cli", "demo", data_dir=data_dir, cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    listed = run_bundled(bundle, "companion-cli", "sessions", "list", "--json",
                         data_dir=data_dir, cwd=tmp_path)
    rounds = json.loads(listed.stdout)
    assert rounds, listed.stderr
    out = tmp_path / "card.pdf"
    res = run_bundled(bundle, "companion-cli", "export", rounds[0]["id"], "--pdf", str(out),
                      data_dir=data_dir, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert rounds[0]["candidate"] in text  # reportlab and the shipped fonts work frozen


def test_portable_marker_keeps_data_beside_the_executable(bundle: Path,
                                                          tmp_path: Path) -> None:
    marker = bundle / "portable"
    marker.touch()
    try:
        res = run_bundled(bundle, "companion-cli", "demo", data_dir=None, cwd=tmp_path)
        assert res.returncode == 0, res.stderr
        assert any((bundle / "data").glob("companion.sqlite3*"))
    finally:
        marker.unlink()
        shutil.rmtree(bundle / "data", ignore_errors=True)


def test_bundle_carries_only_the_qt_it_uses(bundle: Path) -> None:
    # PyInstaller links some libraries twice by symbolic link; count each file once.
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    names = [p.relative_to(bundle).as_posix() for p in files]
    assert any("QtWidgets" in n for n in names)
    assert [n for n in names if any(bad in n for bad in FORBIDDEN)] == []
    assert [n for n in names if n.endswith(".qm")] == []  # Qt's translations left out
    size_mb = sum(p.stat().st_size for p in files) / 2**20
    assert size_mb < MAX_BUNDLE_MB, f"bundle grew to {size_mb:.0f} MB"


def _loaded_by_the_app() -> set[str]:
    """Top-level modules that importing every module of the app loads (from source),
    beyond what the interpreter loaded before it (site hooks of this machine's Python)."""
    code = ("import sys\nstart = set(sys.modules)\n"  # what the interpreter itself loads
            "import importlib, pkgutil, companion\n"
            "for m in pkgutil.walk_packages(companion.__path__, 'companion.'):\n"
            "    if m.name != 'companion.__main__':  # that one runs the app\n"
            "        importlib.import_module(m.name)\n"
            "import companion.ui.app, companion.cli\n"
            "print(' '.join(sorted({n.split('.')[0] for n in set(sys.modules) - start})))")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    return set(res.stdout.split())


def _bundled_tops(bundle: Path) -> set[str]:
    """Top-level Python modules and packages in the bundle's ``_internal`` folder."""
    inside = bundle / "_internal"
    tops = set()
    for p in inside.iterdir():
        if p.is_dir() and (any(p.glob("__init__.*")) or p.name in ("companion",)):
            tops.add(p.name)
        elif p.suffix in (".pyc", ".py") or ".cpython-" in p.name or p.suffix == ".pyd":
            tops.add(p.name.split(".")[0])
    for lib in inside.rglob("lib-dynload"):  # the standard library's extension modules
        tops |= {p.name.split(".")[0] for p in lib.iterdir()}
    base = inside / "base_library.zip"
    if base.is_file():
        import zipfile

        tops |= {n.split("/")[0].split(".")[0] for n in zipfile.ZipFile(base).namelist()}
    return tops


def test_bundle_holds_what_the_app_loads_and_not_the_driver(bundle: Path) -> None:
    """Every module a code path of the app loads is in the bundle; the driver is not."""
    loaded = _loaded_by_the_app() - set(sys.builtin_module_names)
    bundled = _bundled_tops(bundle)
    driver = {m for m in loaded if m.startswith("psycopg")}
    assert driver  # the source tree's team store does load it
    # The driver's own compiled helpers come with it; Pygments only colours Mako's
    # tracebacks, which the app never shows (left out in the spec); shiboken's own
    # bootstrap modules live inside its library, not as files.
    by_design = {"cython_runtime", "pygments", "__feature__", "signature_bootstrap",
                 "shibokensupport", *(m for m in loaded if m.startswith("_cython_"))}
    missing = sorted(loaded - driver - by_design - bundled)
    assert missing == [], f"loaded by the app but not in the bundle: {missing}"
    assert sorted(t for t in bundled if t.startswith("psycopg")) == []
    assert [p.name for p in bundle.rglob("libpq*")] == []  # nor the driver's libpq


def test_bundled_cli_sets_up_a_team_store_once_the_driver_is_added(
        bundle: Path, data_dir: Path, tmp_path: Path, pg_server: PgServer) -> None:
    """Without the driver the frozen app says how to add it; with it (IT's pip command),
    it finds its migration scripts and its PostgreSQL driver (with libpq)."""
    from importlib.metadata import version

    db = create_database(pg_server, set_up=False)
    drivers = bundle / "drivers"
    try:
        res = run_bundled(bundle, "companion-cli", "team", "setup", db.conninfo(),
                          data_dir=data_dir, cwd=tmp_path)
        assert res.returncode == 2 and "PostgreSQL driver" in res.stderr, res.stderr
        pip = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--target", str(drivers), f"psycopg[binary]=={version('psycopg')}"],
            capture_output=True, text=True, timeout=600)
        assert pip.returncode == 0, pip.stderr[-2000:]
        res = run_bundled(bundle, "companion-cli", "team", "setup", db.conninfo(),
                          data_dir=data_dir, cwd=tmp_path)
        assert res.returncode == 0, res.stderr
        assert "(created)" in res.stdout
    finally:
        shutil.rmtree(drivers, ignore_errors=True)
        drop_database(db)
