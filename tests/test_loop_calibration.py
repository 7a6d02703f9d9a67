"""Calibration's on-time share per interviewer: within a day of the round's end, with n."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from companion.calibration.figures import compute
from tests.scorecards import START, make_scorecard, pack


def _late(who: str, n: int, hours: float):  # type: ignore[no-untyped-def]
    sc = make_scorecard(pack(), interviewer=who, candidate=f"Candidate {who} {n}", seed=n,
                        sc_id=f"{who.split()[0].lower()}-{n}")
    end = START + timedelta(hours=1)
    return replace(sc, ended_at=end, submitted_at=end + timedelta(hours=hours))


def test_on_time_share_counts_a_day_and_says_n() -> None:
    # Twelve rounds of Ana, three of them written up more than a day after the round.
    ana = [_late("Ana Pereira", n, h) for n, h in enumerate([1, 2, 30, 3, 24, 0.5, 48, 5, 6,
                                                            26, 1, 2])]
    # Three of Bo: a figure on three rounds is not printed as a number.
    bo = [_late("Bo Chen", n, h) for n, h in enumerate([1, 40, 2])]
    cal = compute([*ana, *bo], [], pack())
    people = {f.name: f.to_dict() for f in cal.interviewers}
    share = people["Ana Pereira"]["on_time_share"]
    assert share["n"] == 12 and abs(share["value"] - 9 / 12) < 1e-9
    assert share["low"] < 0.75 < share["high"]
    assert people["Ana Pereira"]["lateness_hours"]["n"] == 12
    small = people["Bo Chen"]["on_time_share"]
    assert small["n"] == 3 and small["status"] == "too_few" and small["value"] is None


def test_a_share_of_all_or_nothing_keeps_its_value_inside_the_interval() -> None:
    from companion.calibration.stats.intervals import wilson

    for hits in (0, 12):
        e = wilson(hits, 12)
        assert e.low is not None and e.high is not None and e.value is not None
        assert e.low <= e.value <= e.high
