"""Broken packs: each gives exit 2 and one line naming the file, the location and the line.

Every case runs the real command line in a subprocess (``content check PATH``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

HEADER = '[pack]\nid = "team"\nversion = "0.1"\ntitle = "Team pack"\n\n'

QUESTION = """\
[[questions]]
id = "q-team"
title = "Team question"
prompt = "How do you roll back a bad deploy?"
archetypes = ["api"]
dimension = "technical"

[questions.cues]
strong = "Has a rehearsed, fast path back."
"""

TEMPLATE = """\
[[templates]]
id = "t-team"
kind = "technical"
title = "Team round"
minutes = 45

[[templates.sections]]
id = "one"
title = "First part"
minutes = 30
draws = "questions"

[[templates.sections]]
id = "two"
title = "Second part"
minutes = 15
"""

ARCHETYPE = """\
[[archetypes]]
id = "platform"
title = "Platform engineer"
owns = "Internal tooling and deploy pipelines."
weights = { technical = 50, design = 30, ownership = 20 }
labels = { technical = "Tooling", design = "Design", ownership = "Ownership" }
pay = { low = 130000, high = 180000 }
"""


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    location: str  # the key path the message must name
    what: str  # a fragment of what is wrong
    marker: str | None  # text on the line the message must point at (None: no line)


CASES = [
    Case("malformed-toml", HEADER + QUESTION.replace('title = "Team question"',
                                                      'title = "Team question'),
         "line 8, column", "not valid TOML", None),
    Case("unknown-table", HEADER + QUESTION.replace("[[questions]]", "[[question]]")
         .replace("[questions.cues]", "[question.cues]"),
         "question", "unknown table 'question'; did you mean 'questions'?", "[[question]]"),
    Case("unknown-key", HEADER + QUESTION.replace("prompt =", 'promt = "Hi"\nprompt ='),
         "questions[0].promt", "unknown key 'promt'; did you mean 'prompt'?", "promt ="),
    Case("missing-field", HEADER + QUESTION.replace('dimension = "technical"\n', ""),
         "questions[0].dimension", "missing key 'dimension'", "[[questions]]"),
    Case("wrong-type", HEADER + QUESTION.replace("[questions.cues]",
                                                 'listen_minutes = "three"\n\n[questions.cues]'),
         "questions[0].listen_minutes", "expected a whole number", "listen_minutes ="),
    Case("duplicate-id", HEADER + QUESTION + "\n" + QUESTION,
         "questions[1].id", "duplicate id 'q-team'", None),
    Case("unknown-archetype", HEADER + QUESTION.replace('["api"]', '["api", "frontend"]'),
         "questions[0].archetypes[1]", "unknown archetype 'frontend'", "archetypes ="),
    Case("unknown-dimension", HEADER + QUESTION.replace('"technical"', '"coding"'),
         "questions[0].dimension", "unknown dimension 'coding'", "dimension ="),
    Case("unknown-red-flag", HEADER + QUESTION.replace(
        "[questions.cues]", 'watch_flags = ["arrogance"]\n\n[questions.cues]'),
         "questions[0].watch_flags[0]", "unknown red flag 'arrogance'", "watch_flags ="),
    Case("weights-not-100", HEADER + ARCHETYPE.replace("ownership = 20 }", "ownership = 10 }"),
         "archetypes[0].weights", "weights add up to 90, not 100", "weights ="),
    Case("empty-prompt", HEADER + QUESTION.replace('"How do you roll back a bad deploy?"',
                                                   '"   "'),
         "questions[0].prompt", "prompt is empty", "prompt ="),
    Case("sections-overrun", HEADER + TEMPLATE.replace("minutes = 15", "minutes = 25"),
         "templates[0].sections", "sections add up to 55 minutes but the round lasts 45",
         "[[templates.sections]]"),
    Case("unknown-level", HEADER + TEMPLATE.replace(
        'title = "Team round"', 'title = "Team round"\nlevels = ["principal"]'),
         "templates[0].levels[0]", "unknown level 'principal'", "levels ="),
    Case("bad-cue-level", HEADER + QUESTION + 'weak = "Shrugs."\n',
         "questions[0].cues.weak", "unknown cue level 'weak'", "weak ="),
    Case("no-pack-table", QUESTION, "pack", "no [pack] table", None),
    Case("draws-missing-section", HEADER + TEMPLATE.replace(
        'minutes = 45', 'minutes = 45\nmax_scenarios = 1'),
         "templates[0].max_scenarios", "no section draws scenarios", "max_scenarios ="),
    Case("duplicate-probe-id", HEADER + QUESTION
         + '\n[[questions.probes]]\nid = "why"\ntext = "Why?"\n'
         + '\n[[questions.probes]]\nid = "why"\ntext = "Why not?"\n',
         "questions[0].probes[1].id", "duplicate probe id 'why'", None),
    Case("red-flag-key-taken", HEADER + '[[red_flags]]\nid = "late"\ntitle = "Late"\n'
         'sounds_like = "Joins late."\nprobe_first = "Ask why."\nkey = "1"\n',
         "red_flags[0].key", "key '1' is already used by red flag 'buzzwords'", "key ="),
    Case("second-opener", HEADER + QUESTION.replace('dimension = "technical"',
                                                    'dimension = "technical"\nopener = true'),
         "questions[0].opener", "more than one question is the opener", "opener ="),
    Case("list-not-table", 'questions = "all of them"\n' + HEADER,
         "questions", "questions has the wrong shape", "questions ="),
    Case("added-cue-unknown-level", HEADER + QUESTION.replace(
        "[questions.cues]", 'added_cues = ["weak"]\n\n[questions.cues]'),
         "questions[0].added_cues[0]", "unknown cue level 'weak'", "added_cues ="),
    Case("added-cue-without-text", HEADER + QUESTION.replace(
        "[questions.cues]", 'added_cues = ["mid"]\n\n[questions.cues]'),
         "questions[0].added_cues[0]", "added_cues lists 'mid' but cues has no 'mid' text",
         "added_cues ="),
    Case("added-cue-twice", HEADER + QUESTION.replace(
        "[questions.cues]", 'added_cues = ["strong", "strong"]\n\n[questions.cues]'),
         "questions[0].added_cues[1]", "cue level 'strong' is listed twice", "added_cues ="),
    Case("coding-without-format", HEADER + TEMPLATE.replace('kind = "technical"',
                                                            'kind = "coding"'),
         "templates[0].coding_format", "needs a coding format", "[[templates]]"),
]


def _expected_line(text: str, marker: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"marker {marker!r} not in the test pack")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_pack_is_reported_in_one_line(case: Case, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / f"{case.name}.toml"
    path.write_text(case.text, encoding="utf-8")
    res = cli("content", "check", str(path))
    assert res.returncode == 2, res.stdout + res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""
    *problems, tally = res.stderr.strip().splitlines()
    assert tally == "content check: 1 problem found"
    assert len(problems) == 1, problems
    line = problems[0]
    assert line.startswith(f"{path}: {case.location}"), line
    assert case.what in line, line
    assert "; " in line.split(case.what, 1)[-1] or "; " in line  # says what to do
    if case.marker is not None:
        assert f"(line {_expected_line(case.text, case.marker)})" in line, line


def test_cases_are_distinct() -> None:
    assert len({c.name for c in CASES}) == len(CASES) >= 12
    assert len({(c.location, c.what) for c in CASES}) == len(CASES)


def test_every_problem_in_a_file_is_reported(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    text = (HEADER
            + QUESTION.replace("prompt =", "promt =").replace('["api"]', '["api", "mobile"]')
            + 'weak = "Shrugs."\n\n'
            + TEMPLATE.replace("minutes = 15", "minutes = 25").replace(
                'title = "Team round"', 'title = "Team round"\nlevels = ["lead"]')
            + "\n" + ARCHETYPE.replace("design = 30,", "design = 40,"))
    path = tmp_path / "many.toml"
    path.write_text(text, encoding="utf-8")
    res = cli("content", "check", str(path))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    *problems, tally = res.stderr.strip().splitlines()
    expected = [
        "questions[0].promt", "questions[0].prompt", "questions[0].cues.weak",
        "questions[0].archetypes[1]", "templates[0].levels[0]", "templates[0].sections",
        "archetypes[0].weights",
    ]
    for location in expected:
        assert any(p.startswith(f"{path}: {location}") for p in problems), (location, problems)
    assert all(p.startswith(f"{path}: ") for p in problems)
    assert all(re.search(r"\(line \d+\)", p) for p in problems), problems
    assert tally == f"content check: {len(problems)} problems found"
    assert len(problems) == len(expected)


def test_problems_across_files_and_packs_all_reported(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "folder-pack"
    folder.mkdir()
    (folder / "pack.toml").write_text(HEADER, encoding="utf-8")
    (folder / "questions.toml").write_text(QUESTION.replace('"technical"', '"vibes"'),
                                           encoding="utf-8")
    (folder / "rounds.toml").write_text("[[templates]\n", encoding="utf-8")
    single = tmp_path / "single.toml"
    single.write_text(HEADER + ARCHETYPE.replace("low = 130000", "low = 230000"),
                      encoding="utf-8")
    missing = tmp_path / "nowhere.toml"
    res = cli("content", "check", str(folder), str(single), str(missing))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    err = res.stderr
    assert f"{folder / 'questions.toml'}: questions[0].dimension (line 6): unknown dimension" in err
    assert f"{folder / 'rounds.toml'}: line 1, column" in err and "not valid TOML" in err
    assert f"{single}: archetypes[0].pay.low" in err and "above high 180000" in err
    assert f"{missing}: (path): no such file or folder" in err
    assert err.strip().splitlines()[-1] == "content check: 4 problems found"


def test_broken_pack_in_the_data_folder_fails_other_commands_cleanly(  # type: ignore[no-untyped-def]
        data_dir: Path, cli) -> None:
    packs = data_dir / "packs"
    packs.mkdir(parents=True)
    (packs / "team.toml").write_text(HEADER + QUESTION.replace("prompt =", "promt ="),
                                     encoding="utf-8")
    res = cli("content", "list")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert f"{packs / 'team.toml'}: questions[0].promt (line 9)" in res.stderr


def test_template_without_sections(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    text = HEADER + TEMPLATE.split("[[templates.sections]]")[0] + "sections = []\n"
    path = tmp_path / "empty-sections.toml"
    path.write_text(text, encoding="utf-8")
    res = cli("content", "check", str(path))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    line = _expected_line(text, "sections = []")
    assert f"{path}: templates[0].sections (line {line}): sections is empty" in res.stderr
