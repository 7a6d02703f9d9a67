"""The wheel route for locked-down laptops: build it, install it, use it from elsewhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest
from pypdf import PdfReader

from companion.team.schema import head_revision
from tests.conftest import REPO


def test_every_package_in_the_source_tree_is_listed_for_the_wheel() -> None:
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    found = {
        ".".join(p.parent.relative_to(REPO).parts)
        for p in (REPO / "companion").rglob("__init__.py")
    }
    assert found - listed == set(), "add these packages to pyproject.toml"
    assert "companion.resources" in listed


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with our wheel installed (dependencies come from this interpreter)."""
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q",
                    "-w", str(root / "dist")],
                   check=True, capture_output=True, cwd=root)
    wheel = next((root / "dist").glob("interview_companion-*.whl"))
    python = venv_over_running_environment(root / "venv")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                    "--no-deps", "-q", str(wheel)], check=True, capture_output=True)
    return python


def running_site_packages() -> list[str]:
    """The folders this interpreter imports installed packages from, venv or not."""
    return [p for p in sys.path if p.endswith("-packages") and Path(p).is_dir()]


def venv_over_running_environment(folder: Path) -> Path:
    """A fresh venv that sees the packages of the interpreter running the tests.

    ``system_site_packages=True`` is not enough: inside a venv it points at the base
    interpreter's folder, where the app's dependencies are not installed. Plain paths in
    a ``.pth`` file (not ``site.addsitedir``) also keep out the running environment's
    editable install of the source tree, so the wheel is what gets imported.
    """
    venv.EnvBuilder(with_pip=False).create(folder)
    python = folder / "bin" / "python"
    own = subprocess.run([str(python), "-c", "import site; print(site.getsitepackages()[0])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    (Path(own) / "running_environment.pth").write_text(
        "\n".join(running_site_packages()) + "\n")
    return python


def test_the_test_venv_sees_this_environments_dependencies(tmp_path: Path) -> None:
    python = venv_over_running_environment(tmp_path / "venv")
    probe = subprocess.run([str(python), "-c", "import platformdirs, sqlalchemy, alembic, "
                            "reportlab, PySide6; import importlib.util as u; "
                            "print(u.find_spec('companion'))"],
                           capture_output=True, text=True, cwd=tmp_path,
                           env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "None", "the source tree must not leak into the venv"


def _run(python: Path, cwd: Path, data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["COMPANION_DATA_DIR"] = str(data)
    return subprocess.run([str(python), "-m", "companion", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


def test_installed_wheel_works_outside_the_source_tree(installed_wheel: Path,
                                                       tmp_path: Path) -> None:
    probe = subprocess.run(
        [str(installed_wheel), "-c", "import companion; print(companion.__file__)"],
        capture_output=True, text=True, cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert str(REPO) not in probe.stdout, "the test must exercise the installed copy"

    data = tmp_path / "data"
    check = _run(installed_wheel, tmp_path, data, "content", "check")
    assert check.returncode == 0, check.stderr
    assert "12 questions" in check.stdout
    demo = _run(installed_wheel, tmp_path, data, "demo")
    assert demo.returncode == 0, demo.stderr
    listed = _run(installed_wheel, tmp_path, data, "sessions", "list", "--json")
    ids = [r["id"] for r in json.loads(listed.stdout)]
    assert len(ids) == 2
    out = tmp_path / "debrief.pdf"
    panel = _run(installed_wheel, tmp_path, data, "panel", *ids, "--pdf", str(out))
    assert panel.returncode == 0, panel.stderr
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Panel debrief" in text


def test_installed_wheel_carries_the_team_store_revisions(installed_wheel: Path,
                                                            tmp_path: Path) -> None:
    code = ("import companion.team.schema as s, json; "
            "print(json.dumps([s.head_revision(), str(s._scripts_folder())]))")
    out = subprocess.run([str(installed_wheel), "-c", code], capture_output=True, text=True,
                         cwd=tmp_path, check=True,
                         env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    head, folder = json.loads(out.stdout)
    assert head == head_revision()
    assert str(REPO) not in folder and (Path(folder) / "env.py").is_file()
