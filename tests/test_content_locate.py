"""Finding the line of a key path in a TOML file's raw text (best effort)."""

from __future__ import annotations

from companion.content.problems import ProblemLog, SourceFile, locate, render

TEXT = """\
[pack]
id = "x"

[[questions]]
id = "a"
cues = { strong = "yes", thin = "no" }

[[questions]]
id = "b"

[questions.cues]
strong = "yes"

[[questions.probes]]
id = "p1"

[[questions.probes]]
id = "p2"
"""


def test_render() -> None:
    assert render(("questions", 3, "cues", "strong")) == "questions[3].cues.strong"
    assert render(()) == "(top level)"


def test_locate_tables_arrays_and_inline_keys() -> None:
    assert locate(TEXT, ("pack", "id")) == 2
    assert locate(TEXT, ("questions", 0, "id")) == 5
    assert locate(TEXT, ("questions", 0, "cues", "thin")) == 6
    assert locate(TEXT, ("questions", 1, "id")) == 9
    assert locate(TEXT, ("questions", 1, "cues", "strong")) == 12
    assert locate(TEXT, ("questions", 1, "probes", 1, "id")) == 18


def test_locate_falls_back_to_the_nearest_enclosing_part() -> None:
    assert locate(TEXT, ("questions", 1, "prompt")) == 8
    assert locate(TEXT, ("questions", 5, "id")) is None
    assert locate("", ("pack",)) is None


def test_problem_line_format() -> None:
    log = ProblemLog()
    log.add(SourceFile("team.toml", TEXT), ("questions", 1, "cues", "strong"),
            "too vague", "say what a strong answer names")
    log.add(SourceFile("other.toml"), ("pay",), "missing", "add it")
    assert log.lines == [
        "team.toml: questions[1].cues.strong (line 12): too vague; say what a strong answer names",
        "other.toml: pay: missing; add it",
    ]
