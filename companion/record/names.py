"""The app's one rule for telling whether two names are the same person.

Interviewers and panel leads type candidate and colleague names by hand, on
different machines: case, spacing and Unicode form (a macOS keyboard may give
"e" plus a combining accent where Windows gives "é") must not split one person
in two, in the independence rule, the panel's grouping, the panel check, the
decisions or calibration.

The team store compares names on the server with its own SQL function
(``companion.fold_name``: lower case, spaces folded). This rule is at least as
loose, so the client never holds back a name the server would accept.
"""

from __future__ import annotations

import unicodedata


def fold_name(name: str) -> str:
    """``name`` for comparing: Unicode NFC, case-folded, white space runs made one, trimmed."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def same_person(a: str, b: str) -> bool:
    return fold_name(a) == fold_name(b)
