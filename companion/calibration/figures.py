"""Calibration figures from plain scorecards and the panel's decisions.

Per interviewer: rounds scored, how they rate, how far they lean from their
co-panelists on the same item of the same candidate (leniency) and how much
they scatter around that lean, how often their recommendation matched the
panel's decision, red flags, skipped failure probes, and how long after the
round they submitted. Per question or scenario, and per dimension of the loop
weighting: how often asked, skipped or left unrated, how spread the ratings
are, whether interviewers agree (Krippendorff's alpha, ordinal) and whether
the rating predicts the interviewer's recommendation and the panel's decision.

Ratings and recommendations are taken as submitted: an amendment made later
may echo the debrief rather than the interview, and agreement is only worth
measuring between independent judgements. Everything else uses current values.

Findings (lenient, harsh, noisy, no spread, predicts nothing) are raised only
when the whole 95% interval lies past a threshold that matters, so a finding
says what the data support and no more; a tentative figure (under 15 candidates
or 30 of its n) that crosses one is reported as tentative, and a figure from fewer
than 5 candidates is not computed at all (see stats.estimate.MIN_CANDIDATES).
"""

from __future__ import annotations

import math
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain, repeat
from operator import attrgetter, itemgetter, methodcaller, mul, sub
from types import MappingProxyType

from companion.base.gcpause import paused_gc
from companion.calibration.findings import find
from companion.calibration.model import (
    GENERIC_DIMENSION,
    YES_SIDE,
    Calibration,
    Filters,
    InterviewerFigures,
    RatingFigures,
)
from companion.calibration.stats.bootstrap import alpha_interval
from companion.calibration.stats.estimate import RESOLUTION_VAR, Estimate, estimate
from companion.calibration.stats.intervals import mean_interval, median_interval, wilson
from companion.calibration.stats.tau import tau_b_runs
from companion.content.model import DIMENSIONS, Pack
from companion.loop.status import DUE
from companion.record.decision import Decision
from companion.record.independence import RoundLike, closed_candidates
from companion.record.names import fold_name
from companion.record.rated import RatedRound, item_kinds
from companion.record.rated import rated as rated_round
from companion.record.scorecard import (
    RATING_SCORE,
    RATINGS,
    RECOMMENDATIONS,
    Scorecard,
)

# A scorecard is on time within a day of the round's end: the loop's own rule.
DUE_HOURS = DUE.total_seconds() / 3600
REC_INDEX = {rec: n for n, rec in enumerate(RECOMMENDATIONS)}  # strong no 0 .. strong yes 3
NEVER_VARIES = "the rating never varies, so there is no rank correlation"
_NONE_ASKED: frozenset[str] = frozenset()
_NO_RANKS: Mapping[int, int] = MappingProxyType({})
_RATINGS_OF = attrgetter("ratings")
_SCORE = itemgetter(1)


def _seed(text: str) -> int:
    """A stable seed per figure, so each interval is the same whatever else is computed."""
    return zlib.crc32(text.encode("utf-8"))


def held_back(viewer: str | None, rounds: Iterable[RoundLike]) -> set[str]:
    """Candidates (keys) whose scorecards no figure may use for ``viewer``.

    A viewer with an unsubmitted scorecard of a candidate sees nothing computed
    from that candidate. With no viewer named (the command line cannot tell who
    is reading), every candidate with any unsubmitted scorecard is held back.
    """
    everything = list(rounds)
    if viewer is not None:
        return closed_candidates(viewer, everything)
    out: set[str] = set()
    for who in {r.interviewer for r in everything if r.submitted_at is None}:
        out |= closed_candidates(who, everything)
    return out


# ---------------------------------------------------------------- the computation

@dataclass(slots=True)
class _Round:
    """One submitted scorecard, reduced to what the figures read."""

    src: RatedRound
    cand: str
    who: str  # the interviewer, as compared (trimmed, casefolded)
    ratings: Mapping[str, str | None]
    scores: dict[str, int]  # items rated on the scale (not skipped, not unrated)
    recommendation: str | None
    # Ranks of (score - usual_score) by score, and of (recommendation - usual_rec),
    # among every interviewer's: what the rank correlations compare (set by _set_usual).
    score_rank: Mapping[int, int]
    usual_score: float = 0.0  # this interviewer's mean rating score, over every item
    usual_rec: float = 0.0  # and their mean recommendation (0 strong no .. 3 strong yes)
    rec_rank: int | None = None




def compute(scorecards: Sequence[Scorecard], decisions: Iterable[Decision], pack: Pack, *,
            viewer: str | None = None, rounds: Iterable[RoundLike] | None = None,
            filters: Filters | None = None) -> Calibration:
    """Every calibration figure over ``scorecards`` as ``viewer`` may see them.

    ``rounds`` lists the stored rounds for the independence rule (only the ones not
    submitted matter, so those alone will do); by default the scorecards themselves.
    Unsubmitted scorecards never count.
    """
    with paused_gc():
        everything = list(rounds) if rounds is not None else list(scorecards)
        submitted = [sc for sc in scorecards if sc.submitted_at is not None]
        return compute_rated([rated_round(sc) for sc in submitted], decisions, pack, viewer=viewer,
                             rounds=everything, filters=filters, kinds=item_kinds(submitted))


def compute_rated(cards: Sequence[RatedRound], decisions: Iterable[Decision], pack: Pack, *,
                  viewer: str | None = None, rounds: Iterable[RoundLike] | None = None,
                  filters: Filters | None = None,
                  kinds: Mapping[str, str] | None = None) -> Calibration:
    """``compute`` over scorecards already reduced to what calibration reads (the local
    store reads them so, see store.bulk). ``kinds`` gives the kind of items the pack
    does not hold (question by default)."""
    with paused_gc():  # many small acyclic objects: see companion/base/gcpause.py
        return _compute(cards, decisions, pack, viewer, rounds, filters, kinds or {})


def _compute(cards: Sequence[RatedRound], decisions: Iterable[Decision], pack: Pack,
             viewer: str | None, rounds: Iterable[RoundLike] | None,
             filters: Filters | None, kinds: Mapping[str, str]) -> Calibration:
    filters = filters or Filters()
    everything = list(rounds) if rounds is not None else list(cards)
    hidden = held_back(viewer, everything)
    chosen: list[_Round] = []
    # The rounds of each candidate: the panel's answers are compared within a candidate,
    # so every per-answer figure is gathered in one walk over them (see _sweep).
    by_cand: dict[str, list[_Round]] = defaultdict(list)
    seen_hidden: set[str] = set()
    keys: dict[str, str] = {}  # names as compared; each name recurs, so fold it once
    score_of = RATING_SCORE.get
    for rc in cards:
        if filters.archetype and rc.archetype != filters.archetype:
            continue
        if filters.since and rc.started_at.astimezone().date() < filters.since:
            continue
        cand = keys.get(rc.candidate) or keys.setdefault(rc.candidate, fold_name(rc.candidate))
        if cand in hidden:
            seen_hidden.add(cand)
            continue
        ratings = rc.ratings
        who = keys.get(rc.interviewer) or keys.setdefault(rc.interviewer,
                                                          fold_name(rc.interviewer))
        scores = {item_id: score for item_id, rating in ratings.items()
                  if (score := score_of(rating)) is not None}  # type: ignore[arg-type]
        r = _Round(rc, cand, who, ratings, scores, rc.recommendation, _NO_RANKS)
        chosen.append(r)
        by_cand[cand].append(r)
    codes = _set_usual(chosen)
    verdicts = {fold_name(d.candidate): d for d in decisions if d.decided}
    swept = _sweep(by_cand, verdicts, pack)
    interviewers = _interviewers(chosen, swept, verdicts, pack)
    tallies = _tallies(chosen, swept.found)
    items = _items(tallies, pack, codes, kinds)
    dimensions = _dimensions(tallies, swept.links, pack, codes, filters.archetype)
    starts = [r.src.started_at for r in chosen]
    result = Calibration(
        viewer=viewer, filters=filters, scorecards=len(chosen), candidates=len(by_cand),
        held_back=len(seen_hidden), decided=len(by_cand.keys() & verdicts.keys()),
        first=min(starts) if starts else None, last=max(starts) if starts else None,
        interviewers=interviewers, items=items, dimensions=dimensions)
    return replace(result, findings=find(result))


def _set_usual(rounds: Sequence[_Round]) -> tuple[int, int]:
    """Give each round its interviewer's mean rating and recommendation, and the ranks of
    its ratings and recommendation measured from those means; returns how many distinct
    ranks each has (so every question's comparison shares one coding)."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # sum, n, rec sum, n
    for r in rounds:
        t = totals[r.who]
        t[0] += sum(r.scores.values())
        t[1] += len(r.scores)
        if r.recommendation in REC_INDEX:
            t[2] += REC_INDEX[r.recommendation]
            t[3] += 1
    usual = {who: (t[0] / t[1] if t[1] else 0.0, t[2] / t[3] if t[3] else 0.0)
             for who, t in totals.items()}
    xs = {s - u for u, _ in usual.values() for s in RATING_SCORE.values()}
    ys = {x - v for _, v in usual.values() for x in REC_INDEX.values()}
    x_rank = {x: n for n, x in enumerate(sorted(xs))}
    y_rank = {y: n for n, y in enumerate(sorted(ys))}
    # One rank table per interviewer, shared by their rounds (it is read, never changed).
    ranks = {who: {s: x_rank[s - u] for s in RATING_SCORE.values()}
             for who, (u, _) in usual.items()}
    for r in rounds:
        r.usual_score, r.usual_rec = usual[r.who]
        r.score_rank = ranks[r.who]
        if r.recommendation in REC_INDEX:
            r.rec_rank = y_rank[REC_INDEX[r.recommendation] - r.usual_rec]
    return len(x_rank), len(y_rank)


@dataclass(slots=True)
class _Runs:
    """Observations (rating rank, outcome rank), candidate after candidate, and how many
    each candidate has: the form stats.tau.tau_b_runs reads."""

    cells: list[tuple[int, int]] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _RoundRuns:
    """A dimension's rounds, candidate after candidate: each round's mean rating from the
    interviewer's average (coded once all are known), the outcome's rank, and how many
    rounds each candidate has."""

    xs: list[float] = field(default_factory=list)
    ys: list[int] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)


_Links = tuple[_RoundRuns, _RoundRuns]  # a dimension's (vs recommendation, vs decision)


@dataclass
class _Swept:
    """What the walk over each candidate's panel gathers (see _sweep)."""

    # Per interviewer, each rating against the mean of the co-panelists' ratings of the
    # same answer, and the candidate of each.
    diffs: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    clusters: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    found: dict[str, _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    links: dict[str, _Links] = field(default_factory=dict)
    # Per interviewer: scenarios with the three failure probes they rated, how many of
    # those missed one or more of the probes, and the candidates of those scenarios.
    scenarios: Counter[str] = field(default_factory=Counter)
    skips: Counter[str] = field(default_factory=Counter)
    probed_cands: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def _sweep(by_cand: Mapping[str, Sequence[_Round]], verdicts: Mapping[str, Decision],
           pack: Pack) -> _Swept:
    """One walk over every rating, candidate by candidate: leniency's differences, each
    item's comparisons with the recommendation and the decision and its units of
    agreement, and each dimension's per-round comparisons.

    Every one of these compares ratings within a candidate, so one walk serves them all
    (four walks over the 50,000 ratings of bench/calibration.py, with (candidate, item)
    keys hashed for each, cost more than the figures' arithmetic).
    """
    out = _Swept()
    diffs, clusters, found = out.diffs, out.clusters, out.found
    place = {item.id: DIMENSIONS.index(item.dimension)
             for item in (*pack.questions, *pack.scenarios) if item.dimension in DIMENSIONS}
    links: list[_Links] = [(_RoundRuns(), _RoundRuns()) for _ in DIMENSIONS]
    out.links = dict(zip(DIMENSIONS, links, strict=True))
    by_rec = [rec for rec, _ in links]
    by_dec = [dec for _, dec in links]
    none = [0] * len(DIMENSIONS)
    hired_of = {cand: int(d.outcome == "hire") for cand, d in verdicts.items()}
    failure_ids = set(pack.failure_probe.probe_ids())
    probed = {s.id for s in pack.scenarios if s.failure_probes}  # scenarios with the 3 probes
    for cand, panel in by_cand.items():
        hired = hired_of.get(cand)
        rated_here: dict[str, list[tuple[_Round, int]]] = defaultdict(list)
        n_rec, n_dec = none.copy(), none.copy()  # this candidate's rounds per dimension
        for r in panel:
            totals, counts = none.copy(), none.copy()
            for item_id, score in r.scores.items():
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
        twice = len(panel) > 1 and len({r.who for r in panel}) < len(panel)
        for item_id, rated in rated_here.items():
            t = found[item_id]
            t.rated_by.add(cand)
            # Leniency: each rating against the mean of the others' ratings of the same
            # answer, gathered in the same loop as the comparisons below. Someone who
            # rated it twice (they met the candidate twice) needs the scan further down.
            m = len(rated)
            plain = m >= 2
            scan = False
            if plain and twice:
                people = len({r.who for r, _ in rated})
                plain = people == m
                scan = 2 <= people < m
            total = sum(map(_SCORE, rated)) if plain else 0
            m1 = m - 1
            # Measured from the interviewer's own average, so that a lenient
            # interviewer's high ratings and many yeses do not pass for prediction.
            rec, dec = t.rec.cells, t.dec.cells
            before = len(rec)
            scores: list[int] = []
            for r, score in rated:
                x = r.score_rank[score]
                if r.rec_rank is not None:
                    rec.append((x, r.rec_rank))
                if hired is not None:
                    dec.append((x, hired))
                scores.append(score)
                if plain:
                    who = r.who
                    diffs[who].append(score - (total - score) / m1)
                    clusters[who].append(cand)
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
            if scan:  # the others' mean by a scan
                for r, score in rated:
                    who = r.who
                    others = [s for o, s in rated if o.who != who]
                    diffs[who].append(score - sum(others) / len(others))
                    clusters[who].append(cand)
    return out


def _interviewers(rounds: Sequence[_Round], swept: _Swept, verdicts: Mapping[str, Decision],
                  pack: Pack) -> tuple[InterviewerFigures, ...]:
    by_person: dict[str, list[_Round]] = defaultdict(list)
    names: dict[str, str] = {}
    for r in rounds:
        by_person[r.who].append(r)
        names.setdefault(r.who, r.src.interviewer.strip())
    diffs, clusters = swept.diffs, swept.clusters
    values = methodcaller("values")
    out = []
    for who, mine in by_person.items():
        leniency = mean_interval(diffs.get(who, []), clusters.get(who, []), unit="pairs",
                                 floor=RESOLUTION_VAR)
        scatter = _scatter(diffs.get(who, []), clusters.get(who, []), leniency)
        counts = Counter(chain.from_iterable(map(values, map(_RATINGS_OF, mine))))
        counts["unrated"] = counts.pop(None, 0)
        ratings = {k: counts.get(k, 0) for k in (*RATINGS, "skip", "unrated")}
        judged = [r for r in mine if r.cand in verdicts and r.recommendation in RECOMMENDATIONS]
        agree = sum((r.recommendation in YES_SIDE) == (verdicts[r.cand].outcome == "hire")
                    for r in judged)
        confirmed = sum(r.src.confirmed_flag for r in mine)
        hours = [max(0.0, (r.src.submitted_at - r.src.ended_at).total_seconds() / 3600)
                 for r in mine]
        met = len({r.cand for r in mine})
        out.append(InterviewerFigures(
            name=names[who], rounds=len(mine), ratings=ratings, leniency=leniency,
            scatter=scatter,
            agreement=wilson(agree, len(judged), "rounds", len({r.cand for r in judged})),
            red_flags=wilson(confirmed, len(mine), "rounds", met),
            failure_probe_skips=wilson(swept.skips[who], swept.scenarios[who], "scenarios",
                                       len(swept.probed_cands.get(who, ()))),
            lateness_h=median_interval(hours, "rounds", met),
            on_time=wilson(sum(h <= DUE_HOURS for h in hours), len(hours), "rounds", met)))
    out.sort(key=lambda f: f.name.casefold())
    return tuple(out)


def _scatter(diffs: Sequence[float], clusters: Sequence[str], lean: Estimate) -> Estimate:
    """How far an interviewer's ratings stray around their own lean: the root mean square
    of (difference - lean), with the interval of the mean square carried over.

    Without a lean there is no scatter around it either, for the same reason and on
    the same n."""
    if lean.value is None:
        return replace(lean, method="root mean square")
    off = list(map(sub, diffs, repeat(lean.value, len(diffs))))
    square = mean_interval(list(map(mul, off, off)), clusters, unit="pairs")
    if square.value is None or square.low is None or square.high is None:
        return square
    return replace(square, value=math.sqrt(square.value), low=math.sqrt(max(0.0, square.low)),
                   high=math.sqrt(square.high), method="root mean square, 95% t interval of "
                   "the mean square, clustered by candidate")


def _prediction(runs: _Runs, codes: tuple[int, int], varies: bool) -> Estimate:
    """Kendall's tau-b of ratings (from each interviewer's average) against an outcome.

    A rating that never varies would seem to once measured from each interviewer's
    average: it has nothing to correlate, and says so.
    """
    if not varies:
        return estimate(None, None, None, len(runs.cells), "ratings", "Kendall's tau-b",
                        len(runs.lengths), note=NEVER_VARIES)
    return tau_b_runs(runs.cells, runs.lengths, *codes)


@dataclass
class _Tally:
    """Everything one question (or a dimension's questions together) contributes."""

    asked: int = 0
    skipped: int = 0
    unrated: int = 0
    dist: Counter[str] = field(default_factory=Counter)
    rec: _Runs = field(default_factory=_Runs)  # vs recommendation
    dec: _Runs = field(default_factory=_Runs)  # vs hire (1) / not (0)
    # (a dimension's predictions come from each round's mean: see _sweep)
    units: list[list[int]] = field(default_factory=list)  # scores of one answer, 2 or more
    rated_by: set[str] = field(default_factory=set)  # candidates with a rating of it
    unit_of: set[str] = field(default_factory=set)  # candidates of the units

    def add(self, other: _Tally) -> None:
        self.asked += other.asked
        self.skipped += other.skipped
        self.unrated += other.unrated
        self.dist.update(other.dist)
        self.units += other.units
        self.rated_by |= other.rated_by
        self.unit_of |= other.unit_of


def _tallies(rounds: Sequence[_Round], found: Mapping[str, _Tally]) -> dict[str, _Tally]:
    """Each item's tally (from _sweep) with how often it got each rating, counted at C
    speed over every round's ratings, skipped and unrated ones included."""
    given: Counter[tuple[str, str | None]] = Counter(
        chain.from_iterable(map(methodcaller("items"), map(_RATINGS_OF, rounds))))
    out: dict[str, _Tally] = {}  # in the order items were first met, as before
    for (item_id, rating), count in given.items():
        t = out.get(item_id) or out.setdefault(item_id, found.get(item_id) or _Tally())
        t.asked += count
        if rating is None:
            t.unrated += count
        elif rating == "skip":
            t.skipped += count
        elif rating in RATING_SCORE:
            t.dist[rating] += count
    return out


def _rating_figures(t: _Tally, predicts: tuple[Estimate, Estimate], *, id: str, title: str,
                    kind: str, dimension: str | None, weight: int | None = None,
                    items: tuple[str, ...] = ()) -> RatingFigures:
    rated = sum(t.dist.values())
    top = max(RATINGS, key=lambda k: (t.dist[k], -RATINGS.index(k))) if rated else None
    return RatingFigures(
        id=id, title=title, kind=kind, dimension=dimension, asked=t.asked, skipped=t.skipped,
        unrated=t.unrated, distribution={k: t.dist[k] for k in RATINGS}, most_common=top,
        spread=wilson(t.dist[top] if top else 0, rated, "ratings", len(t.rated_by)),
        agreement=alpha_interval(t.units, "ordinal", seed=_seed(id), clusters=len(t.unit_of)),
        predicts_recommendation=predicts[0], predicts_decision=predicts[1],
        weight=weight, items=items)


def _varies(t: _Tally) -> bool:
    return len([k for k in RATINGS if t.dist[k]]) >= 2


def _items(tallies: Mapping[str, _Tally], pack: Pack, codes: tuple[int, int],
           kinds: Mapping[str, str]) -> tuple[RatingFigures, ...]:
    order = [it.id for it in (*pack.questions, *pack.scenarios)]
    known = [i for i in order if i in tallies]
    unknown = sorted(set(tallies) - set(order))
    out = []
    for item_id in (*known, *unknown):
        item = pack.find_item(item_id)
        kind = item.kind if item else kinds.get(item_id, "question")
        t = tallies[item_id]
        predicts = (_prediction(t.rec, codes, _varies(t)),
                    _prediction(t.dec, (codes[0], 2), _varies(t)))
        out.append(_rating_figures(t, predicts, id=item_id,
                                   title=item.title if item else item_id, kind=kind,
                                   dimension=item.dimension if item else None))
    return tuple(out)


def _dimensions(tallies: Mapping[str, _Tally], links: Mapping[str, _Links], pack: Pack,
                codes: tuple[int, int], archetype: str | None) -> tuple[RatingFigures, ...]:
    arche = pack.find_archetype(archetype) if archetype else None
    of_item = {i: item.dimension for i in tallies if (item := pack.find_item(i)) is not None}
    out = []
    for dim in DIMENSIONS:
        ids = sorted(i for i, d in of_item.items() if d == dim)
        pooled = _Tally()
        for i in ids:
            pooled.add(tallies[i])
        label = arche.label(dim) if arche else GENERIC_DIMENSION.get(dim, dim)
        rec, dec = links[dim]
        predicts = (_round_link(rec, codes[1], _varies(pooled)),
                    _round_link(dec, 2, _varies(pooled)))
        out.append(_rating_figures(pooled, predicts, id=dim, title=label, kind="dimension",
                                   dimension=dim, weight=arche.weight(dim) if arche else None,
                                   items=tuple(ids)))
    return tuple(out)


def _round_link(runs: _RoundRuns, cols: int, varies: bool) -> Estimate:
    if not varies:
        return estimate(None, None, None, len(runs.xs), "rounds", "Kendall's tau-b",
                        len(runs.lengths), note=NEVER_VARIES)
    # Only the order of the means matters: rank them, all at once.
    rank = {x: i for i, x in enumerate(sorted(set(runs.xs)))}
    cells = list(zip(map(rank.__getitem__, runs.xs), runs.ys, strict=True))
    return tau_b_runs(cells, runs.lengths, len(rank), cols, unit="rounds")
