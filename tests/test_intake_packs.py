"""Hostile question packs: every problem is one line that starts with the file's name.

A pack is text a team passes around and edits by hand, so it is input from outside
like a scorecard file: nesting, numbers, sizes and ids are bounded before the
pack reaches the planner, the window or a PDF (issue 10).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from companion.base.errors import ContentError
from companion.content.loader import load_pack

HEAD = '[pack]\nid = "mine"\nversion = "1"\ntitle = "Mine"\n\n'
QUESTION = """[[questions]]
id = "q-mine"
title = "A question of ours"
prompt = "Ask it."
archetypes = ["api"]
dimension = "technical"
[questions.cues]
strong = "Says why."
"""


def _problems(tmp_path: Path, body: str, name: str = "mine.toml") -> list[str]:
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_pack([path])
    lines = info.value.problems
    assert lines and all(line.startswith(f"{path}: ") and "\n" not in line for line in lines)
    return lines


@pytest.mark.parametrize("key", ['"it\\"s"', '"two\\nlines"', '"a.b"', "'single'"])
def test_a_quoted_key_stays_on_one_line_naming_the_file(tmp_path: Path, key: str) -> None:
    lines = _problems(tmp_path, QUESTION.replace('prompt = "Ask it."',
                                                 f'prompt = "Ask it."\n{key} = 1'))
    assert any("unknown key" in line for line in lines)


def test_a_quote_mark_in_a_cue_level(tmp_path: Path) -> None:
    (line,) = _problems(tmp_path, QUESTION + '"we\\"ak" = "Vague."\n')
    assert 'questions[0].cues."we\\"ak"' in line and "unknown cue level" in line


@pytest.mark.parametrize(("body", "expected"), [
    ("deep = " + "[" * 2000 + "]" * 2000 + "\n", "nested more than 12 levels"),
    ("deep = " + "{a = " * 2000 + "1" + "}" * 2000 + "\n", "nested more than 12 levels"),
    ("n = " + "9" * 5000 + "\n", "5,000 digits"),
    ("x = nan\n", "not a finite number"),
], ids=["deep-list", "deep-table", "long-number", "nan"])
def test_structure_and_numbers_are_refused_before_parsing(tmp_path: Path, body: str,
                                                          expected: str) -> None:
    (line,) = _problems(tmp_path, body)
    assert expected in line


def test_sizes_and_ids(tmp_path: Path) -> None:
    body = QUESTION.replace('id = "q-mine"', 'id = "q:mine"').replace(
        'prompt = "Ask it."', f'prompt = "{"long " * 1000}"').replace(
        'title = "A question of ours"', f'title = "{"t" * 201}"')
    lines = _problems(tmp_path, body)
    assert any("questions[0].id" in ln and "'q:mine' is not an id" in ln for ln in lines)
    assert any("prompt is 5,000 characters long; keep it to 4,000" in ln for ln in lines)
    assert any("title is 201 characters long; keep it to 200" in ln for ln in lines)
    lines = _problems(tmp_path, QUESTION.replace('prompt = "Ask it."',
                                                 'prompt = "Ask it."\nlisten_minutes = 99999999'))
    assert any("99999999 is too large" in ln for ln in lines)


def test_a_device_or_an_oversized_file_is_not_read(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as info:
        load_pack([Path("/dev/zero")])
    assert info.value.problems == ["/dev/zero: (path): is a device, pipe or socket, not a "
                                   "pack; give the path of a pack file or folder"]
    big = tmp_path / "big.toml"
    with big.open("wb") as fh:
        fh.truncate(2 * 1024 * 1024)  # sparse
    with pytest.raises(ContentError) as info:
        load_pack([big])
    (line,) = info.value.problems
    assert line.startswith(f"{big}: (file): too large for a pack file")


def test_content_check_reports_them_with_exit_2(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(HEAD + "x = " + "[" * 5000 + "]" * 5000 + '\n"k\\"ey" = 1\n',
                    encoding="utf-8")
    res = cli("content", "check", str(path))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    lines = res.stderr.splitlines()
    assert lines[0].startswith(f"{path}: (file): lists or tables nested more than 12")
    assert lines[-1] == "content check: 1 problem found"
