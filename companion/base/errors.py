"""Errors the user can act on, as opposed to faults in the program."""

from __future__ import annotations


class CompanionError(Exception):
    """A problem with the user's input or environment.

    The command line prints ``str(error)`` to stderr and exits 2; the window
    shows it in a banner. Never carries a traceback to the user.
    """

    exit_code = 2


class ContentError(CompanionError):
    """One or more question packs are invalid; ``problems`` holds one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class StorageError(CompanionError):
    """The database or data folder cannot be used as asked."""


class ImportFileError(CompanionError):
    """A scorecard file cannot be imported."""
