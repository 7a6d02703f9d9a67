"""The walk over every candidate's panel that gathers calibration's per-answer figures.

Leniency compares a rating with the co-panelists' ratings of the same answer, agreement
takes each answer's ratings as a unit, and the rank correlations take each rating (and
each round's per-dimension mean) with the candidate's outcomes: all of them compare
ratings within a candidate, so one walk (``sweep``) serves them all. figures.py turns
what it gathers into estimates.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from companion.content.model import DIMENSIONS, Pack
from companion.record.decision import Decision
from companion.record.rated import RatedRound
from companion.record.scorecard import RATING_SCORE

_NONE_ASKED: frozenset[str] = frozenset()
_SCORE = itemgetter(1)


@dataclass(slots=True)
class Round:
    """One submitted scorecard, reduced to what the figures read."""

    src: RatedRound
    cand: str
    who: str  # the interviewer, as compared (trimmed, casefolded)
    ratings: Mapping[str, str | None]  # item -> rating (skip and None are off the scale)
    recommendation: str | None
    # The rank correlations compare the rank of (score - usual_score) among every
    # interviewer's with that of (recommendation - usual_rec), and with the decision;
    # each (rating rank x, outcome rank y) is coded x * columns + y, as stats.tau's
    # tau_b_codes reads it. By score: the cell against the decision less the decision's
    # rank (2x), and against the recommendation (None without one). Set by _set_usual.
    dec_code: Mapping[int, int]
    rec_code: Mapping[int, int] | None = None
    usual_score: float = 0.0  # this interviewer's mean rating score, over every item
    usual_rec: float = 0.0  # and their mean recommendation (0 strong no .. 3 strong yes)
    rec_rank: int | None = None


@dataclass(slots=True)
class Runs:
    """Observations (rating rank, outcome rank) coded as in Round, candidate after
    candidate, and how many each candidate has: the form stats.tau.tau_b_codes reads."""

    codes: list[int] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)


@dataclass(slots=True)
class RoundRuns:
    """A dimension's rounds, candidate after candidate: each round's mean rating from the
    interviewer's average (coded once all are known), the outcome's rank, and how many
    rounds each candidate has."""

    xs: list[float] = field(default_factory=list)
    ys: list[int] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)


@dataclass
class Tally:
    """Everything one question (or a dimension's questions together) contributes."""

    asked: int = 0
    skipped: int = 0
    unrated: int = 0
    dist: Counter[str] = field(default_factory=Counter)
    rec: Runs = field(default_factory=Runs)  # vs recommendation
    dec: Runs = field(default_factory=Runs)  # vs hire (1) / not (0)
    # (a dimension's predictions come from each round's mean: see sweep)
    units: list[list[int]] = field(default_factory=list)  # scores of one answer, 2 or more
    rated_by: set[str] = field(default_factory=set)  # candidates with a rating of it
    unit_of: set[str] = field(default_factory=set)  # candidates of the units

    def add(self, other: Tally) -> None:
        self.asked += other.asked
        self.skipped += other.skipped
        self.unrated += other.unrated
        self.dist.update(other.dist)
        self.units += other.units
        self.rated_by |= other.rated_by
        self.unit_of |= other.unit_of


Links = tuple[RoundRuns, RoundRuns]  # a dimension's (vs recommendation, vs decision)


@dataclass
class Swept:
    """What the walk over each candidate's panel gathers (see sweep)."""

    # Per interviewer, each rating against the mean of the co-panelists' ratings of the
    # same answer, candidate after candidate, and how many each candidate gave (the form
    # stats.intervals.mean_interval_runs reads: no candidate named per difference).
    diffs: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    runs: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    found: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    links: dict[str, Links] = field(default_factory=dict)
    # Per interviewer: scenarios with the three failure probes they rated, how many of
    # those missed one or more of the probes, and the candidates of those scenarios.
    scenarios: Counter[str] = field(default_factory=Counter)
    skips: Counter[str] = field(default_factory=Counter)
    probed_cands: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def sweep(by_cand: Mapping[str, Sequence[Round]], verdicts: Mapping[str, Decision],
           pack: Pack) -> Swept:
    """One walk over every rating, candidate by candidate: leniency's differences, each
    item's comparisons with the recommendation and the decision and its units of
    agreement, and each dimension's per-round comparisons.

    Every one of these compares ratings within a candidate, so one walk serves them all
    (four walks over the 50,000 ratings of bench/calibration.py, with (candidate, item)
    keys hashed for each, cost more than the figures' arithmetic).
    """
    out = Swept()
    diffs, found = out.diffs, out.found
    place = {item.id: DIMENSIONS.index(item.dimension)
             for item in (*pack.questions, *pack.scenarios) if item.dimension in DIMENSIONS}
    links: list[Links] = [(RoundRuns(), RoundRuns()) for _ in DIMENSIONS]
    out.links = dict(zip(DIMENSIONS, links, strict=True))
    by_rec = [rec for rec, _ in links]
    by_dec = [dec for _, dec in links]
    none = [0] * len(DIMENSIONS)
    hired_of = {cand: int(d.outcome == "hire") for cand, d in verdicts.items()}
    failure_ids = set(pack.failure_probe.probe_ids())
    probed = {s.id for s in pack.scenarios if s.failure_probes}  # scenarios with the 3 probes
    score_of = RATING_SCORE.get
    for cand, panel in by_cand.items():
        hired = hired_of.get(cand)
        rated_here: dict[str, list[tuple[Round, int]]] = defaultdict(list)
        n_rec, n_dec = none.copy(), none.copy()  # this candidate's rounds per dimension
        for r in panel:
            totals, counts = none.copy(), none.copy()
            for item_id, rating in r.ratings.items():
                if (score := score_of(rating)) is None:  # type: ignore[arg-type]
                    continue  # skipped or unrated
                rated_here[item_id].append((r, score))
                d = place.get(item_id)
                if d is not None:
                    totals[d] += score
                    counts[d] += 1
            if counts == none:
                continue
            # The round's mean rating per dimension, measured from the interviewer's own
            # average, against the recommendation likewise (its rank) and the decision
            # (hire 1 / no hire 0): a dimension predicts as the loop weighting combines it.
            rr = r.rec_rank
            usual = r.usual_score
            for d, count in enumerate(counts):
                if count:
                    x = totals[d] / count - usual
                    if rr is not None:
                        runs = by_rec[d]
                        runs.xs.append(x)
                        runs.ys.append(rr)
                        n_rec[d] += 1
                    if hired is not None:
                        runs = by_dec[d]
                        runs.xs.append(x)
                        runs.ys.append(hired)
                        n_dec[d] += 1
        if n_rec != none:
            for runs, got in zip(by_rec, n_rec, strict=True):
                if got:
                    runs.lengths.append(got)
        if n_dec != none:
            for runs, got in zip(by_dec, n_dec, strict=True):
                if got:
                    runs.lengths.append(got)
        # Someone who met the candidate twice is compared with the others only.
        panelists = {r.who for r in panel}
        twice = len(panelists) < len(panel)
        had = {who: len(diffs[who]) for who in panelists}  # differences before this one
        for item_id, rated in rated_here.items():
            t = found[item_id]
            t.rated_by.add(cand)
            # Leniency: each rating against the mean of the others' ratings of the same
            # answer, gathered in the same loop as the comparisons below. Someone who
            # rated it twice (they met the candidate twice) is compared further down.
            m = len(rated)
            plain = m >= 2
            scan = False
            if plain and twice:
                people = len({r.who for r, _ in rated})
                plain = people == m
                scan = 2 <= people < m
            scores = list(map(_SCORE, rated))
            total = sum(scores)
            m1 = m - 1
            # Measured from the interviewer's own average, so that a lenient
            # interviewer's high ratings and many yeses do not pass for prediction.
            rec = t.rec.codes
            before = len(rec)
            for r, score in rated:
                if (codes := r.rec_code) is not None:
                    rec.append(codes[score])
                if plain:
                    diffs[r.who].append(score - (total - score) / m1)
            if hired is not None:
                t.dec.codes += [r.dec_code[score] + hired for r, score in rated]
            if len(rec) > before:
                t.rec.lengths.append(len(rec) - before)
            if hired is not None:
                t.dec.lengths.append(m)
            if item_id in probed:
                for r, _ in rated:
                    out.scenarios[r.who] += 1
                    out.probed_cands[r.who].add(cand)
                    asked = r.src.failure_asked.get(item_id, _NONE_ASKED)
                    out.skips[r.who] += not failure_ids <= asked
            if m < 2:
                continue
            t.units.append(scores)
            t.unit_of.add(cand)
            if scan:  # the others' mean, from each person's own total (no scan per rating)
                own: dict[str, list[int]] = {}
                for r, score in rated:
                    mine = own.get(r.who) or own.setdefault(r.who, [0, 0])
                    mine[0] += score
                    mine[1] += 1
                for r, score in rated:
                    mine = own[r.who]
                    diffs[r.who].append(score - (total - mine[0]) / (m - mine[1]))
        for who, start in had.items():
            if got := len(diffs[who]) - start:
                out.runs[who].append(got)
    return out
