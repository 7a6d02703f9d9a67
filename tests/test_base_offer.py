"""What the start screen's base-offer field accepts, said rather than silently fixed."""

from __future__ import annotations

import pytest

from companion.base.errors import CompanionError
from companion.content.planner import parse_base_offer


@pytest.mark.parametrize(("typed", "value"), [
    ("", None), ("   ", None), ("185000", 185_000), ("185,000", 185_000),
    ("$185,000", 185_000), (" 185 000 ", 185_000), ("185_000", 185_000),
])
def test_amounts_in_whole_dollars_are_accepted(typed: str, value: int | None) -> None:
    assert parse_base_offer(typed) == value


@pytest.mark.parametrize(("typed", "says"), [
    ("abc", "is not an amount"), ("-5", "must be above zero"), ("0", "must be above zero"),
    ("185k", "is not an amount"), ("185000.50", "is not an amount"), ("١٢٣", "is not an amount"),
    ("20000000", "is more than $10,000,000"),
])
def test_anything_else_says_what_was_typed_and_what_is_accepted(typed: str, says: str) -> None:
    with pytest.raises(CompanionError) as caught:
        parse_base_offer(typed)
    message = str(caught.value)
    assert repr(typed.strip()) in message and says in message
    assert "whole US dollars" in message
