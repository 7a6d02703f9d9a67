"""Opening the window parses the command line with the window's options alone.

The result must be what the whole parser gives, and anything else (a command,
a typo, --help) must still reach the whole parser and read the same.
"""

from __future__ import annotations

import pytest

from companion.cli import COMMAND_WORDS, HANDLERS, build_parser, parse_args

WINDOW_LINES = [
    [],
    ["--smoke"],
    ["--screen", "1", "--data-dir", "/tmp/x"],
    ["--pack", "a.toml", "--pack", "b", "--smoke"],
    ["--data-dir", "export"],  # a command word as an option's value
]


@pytest.mark.parametrize("argv", WINDOW_LINES)
def test_window_options_parse_as_the_whole_parser_does(argv: list[str]) -> None:
    assert vars(parse_args(argv)) == vars(build_parser().parse_args(argv))


def test_a_command_still_gets_its_own_options() -> None:
    args = parse_args(["plan", "--archetype", "api", "--level", "senior", "--json"])
    assert (args.command, args.archetype, args.level, args.json) == ("plan", "api", "senior", True)


def test_every_command_word_reaches_its_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert {"content", "plan", "session", "panel", "retention"} <= COMMAND_WORDS
    for key in HANDLERS:
        if key == "gui":
            continue
        words = key.split()
        # A command that needs arguments fails with its own usage line, not the window's.
        try:
            args = parse_args(words)
        except SystemExit as exc:
            assert exc.code == 2
            assert f"companion {words[0]}" in capsys.readouterr().err
        else:
            assert args.command == words[0]


@pytest.mark.parametrize("argv", [["bogus"], ["--screen", "x"], ["--nope"]])
def test_bad_input_gives_the_whole_parsers_error(
        argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as fast:
        parse_args(argv)
    fast_err = capsys.readouterr().err
    with pytest.raises(SystemExit) as full:
        build_parser().parse_args(argv)
    assert fast.value.code == full.value.code == 2
    assert fast_err == capsys.readouterr().err


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--help"])
    out = capsys.readouterr().out
    assert "plan" in out and "panel" in out and "--smoke" in out
