"""A tiny float survives the team store: jsonb writes it back without an exponent.

PostgreSQL keeps a JSON number as numeric and prints 1.2345678901234567e-05 as
0.000012345678901234567: 21 digits, though only 17 are significant. The bounded
reader counts significant digits for a fraction, so such a scorecard (a section
left after a few microseconds) still reads back; a number with too many
significant digits is still refused.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace

import pytest

from companion.intake.reading import Refused, parse_json
from companion.team import server
from tests.scorecards import make_scorecard, pack
from tests.team_support import TeamDb

TINY = 1.2345678901234567e-05


def test_significant_digits_are_what_is_bounded() -> None:
    assert parse_json('{"s": 0.000012345678901234567}') == {"s": TINY}
    with pytest.raises(Refused, match="digits"):
        parse_json('{"s": 0.0000123456789012345678901}')  # 24 significant digits
    with pytest.raises(Refused, match="digits"):
        parse_json('{"n": 1234567890123456789}')  # an integer: every digit counts


def test_a_scorecard_with_a_tiny_time_reads_back_from_the_team_store(db: TeamDb) -> None:
    """This app rounds times to milliseconds before they leave it, so jsonb never gets a
    long fraction from it; rows an older app published are what the reader's digit rule
    (above) is for."""
    sam = db.add("sam", "interviewer", "Sam Okafor")
    sc = make_scorecard(pack(), interviewer="Sam Okafor", sc_id=uuid.uuid4().hex)
    items = (replace(sc.items[0], time_spent_s=TINY), *sc.items[1:])
    sc = replace(sc, items=items)
    with db.begin(sam) as conn:
        server.publish_scorecard(conn, sc)
    with db.raw(sam) as conn:
        (text,) = conn.execute("SELECT payload FROM companion.read_scorecards(NULL, NULL)"
                               ).fetchone() or ("",)
    assert "0.0000123" not in str(text) and "e-05" not in str(text)
    with db.begin(sam) as conn:
        fetched = server.fetch_scorecards(conn, sc.candidate, pack())
    assert [u.line() for u in fetched.unreadable] == []
    assert fetched.scorecards[0].scorecard.items[0].time_spent_s == 0.0
    assert json.loads("0.000012345678901234567") == TINY
