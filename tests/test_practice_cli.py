"""``practice`` in the terminal, driven through stdin, and ``practice history``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.practice_support import write_pack


def _run(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), COMPANION_DATA_DIR=str(data_dir))
    return subprocess.run([sys.executable, "-m", "companion", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, env=env, cwd=REPO)


def test_a_whole_set_in_the_terminal_is_revealed_summed_up_and_stored(
        tmp_path: Path, data_dir: Path) -> None:
    pack = write_pack(data_dir / "packs")  # the data folder's packs load by themselves
    assert pack.exists()
    # A wrong word is asked again; names and digits both work.
    answers = "2\nnonsense\nstrong\n" + "3\n" * 5 + "very thin\n" + "1\n" * 4
    res = _run(data_dir, "practice", "--archetype", "api", "--as", "Ana", "--seed", "11",
               stdin=answers)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert out.count("Written to show: ") == 12
    assert "'nonsense' is not a rating; type 1, 2, 3 or 4." in out
    # Every reveal comes after the answer it reveals, never before.
    for block in out.split("\n[")[1:]:
        assert block.index("They said:") < block.index("Written to show:")
    shown = re.findall(r"Written to show: ([A-Za-z ]+)\. You rated ([A-Za-z ]+):", out)
    assert len(shown) == 12 and {s[0] for s in shown} == {"Strong", "Mid", "Thin", "Very thin"}
    exact = sum(a == b for a, b in shown)
    assert f"exact agreement:       {exact / 12:.0%}" in out
    assert "n=12, tentative" in out
    hist = _run(data_dir, "practice", "history", "--json")
    assert hist.returncode == 0, hist.stderr
    data = json.loads(hist.stdout)
    (one,) = data["sets"]
    assert (one["interviewer"], one["rated"], one["exact"]) == ("Ana", 12, exact)
    assert data["archetypes"]["api"]["exact"]["n"] == 12
    text = _run(data_dir, "practice", "history")
    assert "Ana" in text.stdout and "api, all sets:" in text.stdout
    assert "first set to latest" not in text.stdout  # one set has no trend
    # A second set, every answer "mid": the trend line compares it with the first.
    assert _run(data_dir, "practice", "--archetype", "api", "--as", "Ana", "--seed", "12",
                stdin="2\n" * 12).returncode == 0
    second = json.loads(_run(data_dir, "practice", "history", "--json").stdout)["sets"][1]
    text = _run(data_dir, "practice", "history").stdout
    assert (f"first set to latest: exact {exact / 12:.0%} to {second['exact'] / 12:.0%}, "
            in text)
    assert "(n=12 and 12: one set each" in text


def test_stopping_early_keeps_the_ratings_given(tmp_path: Path, data_dir: Path) -> None:
    write_pack(data_dir / "packs")
    res = _run(data_dir, "practice", "--as", "Bo", "--dimension", "technical",
               stdin="1\n2\n3\n")  # input ends after three
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("Practice set: 12 sample answers for API")
    assert "Stopped after 3 of 12; the ratings given are kept." in res.stdout
    assert "This set: 3 rated." in res.stdout and "too few (3 sample answers" in res.stdout
    data = json.loads(_run(data_dir, "practice", "history", "--json").stdout)
    assert [(s["rated"], s["finished_at"], s["dimension"]) for s in data["sets"]] == [
        (3, None, "technical")]


def test_bad_choices_exit_2_with_one_line(tmp_path: Path, data_dir: Path) -> None:
    res = _run(data_dir, "practice", "--archetype", "nope", stdin="1\n")
    assert res.returncode == 2
    assert res.stderr.strip() == ("companion: unknown archetype 'nope'; choose one of api, "
                                  "distributed, data")
    res = _run(data_dir, "practice", "--dimension", "speed")
    assert res.returncode == 2 and "invalid choice: 'speed'" in res.stderr
    assert "Traceback" not in res.stderr
    empty = _run(data_dir, "practice", "history")
    assert empty.returncode == 0 and "No practice sets yet" in empty.stdout
