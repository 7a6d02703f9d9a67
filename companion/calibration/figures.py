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
from dataclasses import replace
from itertools import chain, repeat
from operator import add, attrgetter, methodcaller, mul, sub
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
from companion.calibration.stats.estimate import (
    RESOLUTION_VAR,
    SQUARE_RESOLUTION_VAR,
    Estimate,
    estimate,
)
from companion.calibration.stats.intervals import mean_interval_runs, median_interval, wilson
from companion.calibration.stats.tau import tau_b_codes
from companion.calibration.sweep import Links, Round, RoundRuns, Runs, Swept, Tally, sweep
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
_NO_CODES: Mapping[int, int] = MappingProxyType({})
_RATINGS_OF = attrgetter("ratings")
_ITEMS = methodcaller("items")
_CONFIRMED = attrgetter("src.confirmed_flag")
_CAND = attrgetter("cand")


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
    # Every author's closed candidates together are the candidates of every unsubmitted
    # round: one pass, where a pass per author cost authors x rounds.
    return {fold_name(r.candidate) for r in everything if r.submitted_at is None}


# ---------------------------------------------------------------- the computation

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
    chosen: list[Round] = []
    # The rounds of each candidate: the panel's answers are compared within a candidate,
    # so every per-answer figure is gathered in one walk over them (see sweep).
    by_cand: dict[str, list[Round]] = defaultdict(list)
    seen_hidden: set[str] = set()
    keys: dict[str, str] = {}  # names as compared; each name recurs, so fold it once
    by_person: dict[str, list[Round]] = defaultdict(list)
    for rc in cards:
        if filters.archetype and rc.archetype != filters.archetype:
            continue
        if filters.since and rc.started_at.astimezone().date() < filters.since:
            continue
        cand = keys.get(rc.candidate) or keys.setdefault(rc.candidate, fold_name(rc.candidate))
        if cand in hidden:
            seen_hidden.add(cand)
            continue
        who = keys.get(rc.interviewer) or keys.setdefault(rc.interviewer,
                                                          fold_name(rc.interviewer))
        r = Round(rc, cand, who, rc.ratings, rc.recommendation, _NO_CODES)
        chosen.append(r)
        by_cand[cand].append(r)
        by_person[who].append(r)
    # Each interviewer's ratings by (item, rating), counted at C speed, skipped and unrated
    # ones included: summed by item for the items, by rating for the interviewer, and
    # scored for the interviewer's usual rating.
    given = {who: Counter(chain.from_iterable(map(_ITEMS, map(_RATINGS_OF, mine))))
             for who, mine in by_person.items()}
    codes = _set_usual(chosen, given)
    verdicts = {fold_name(d.candidate): d for d in decisions if d.decided}
    swept = sweep(by_cand, verdicts, pack)
    interviewers = _interviewers(by_person, given, swept, verdicts, pack)
    tallies = _tallies(given.values(), swept.found)
    items = _items(tallies, pack, codes, kinds)
    dimensions = _dimensions(tallies, swept.links, pack, codes, filters.archetype)
    starts = [r.src.started_at for r in chosen]
    result = Calibration(
        viewer=viewer, filters=filters, scorecards=len(chosen), candidates=len(by_cand),
        held_back=len(seen_hidden), decided=len(by_cand.keys() & verdicts.keys()),
        first=min(starts) if starts else None, last=max(starts) if starts else None,
        interviewers=interviewers, items=items, dimensions=dimensions)
    return replace(result, findings=find(result))


def _set_usual(rounds: Sequence[Round],
               given: Mapping[str, Counter[tuple[str, str | None]]]) -> tuple[int, int]:
    """Give each round its interviewer's mean rating and recommendation, and the ranks of
    its ratings and recommendation measured from those means; returns how many distinct
    ranks each has (so every question's comparison shares one coding). ``given`` counts
    each interviewer's ratings by (item, rating)."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # sum, n, rec sum, n
    for who, counted in given.items():
        t = totals[who]
        for (_, rating), count in counted.items():
            if (score := RATING_SCORE.get(rating)) is not None:  # type: ignore[arg-type]
                t[0] += score * count
                t[1] += count
    for r in rounds:
        t = totals[r.who]
        if r.recommendation in REC_INDEX:
            t[2] += REC_INDEX[r.recommendation]
            t[3] += 1
    usual = {who: (t[0] / t[1] if t[1] else 0.0, t[2] / t[3] if t[3] else 0.0)
             for who, t in totals.items()}
    xs = {s - u for u, _ in usual.values() for s in RATING_SCORE.values()}
    ys = {x - v for _, v in usual.values() for x in REC_INDEX.values()}
    x_rank = {x: n for n, x in enumerate(sorted(xs))}
    y_rank = {y: n for n, y in enumerate(sorted(ys))}
    cols = len(y_rank)
    # Code tables (see Round) per interviewer, and per interviewer and recommendation,
    # shared by their rounds (they are read, never changed).
    ranks = {who: {s: x_rank[s - u] for s in RATING_SCORE.values()}
             for who, (u, _) in usual.items()}
    dec_codes = {who: {s: 2 * x for s, x in rank.items()} for who, rank in ranks.items()}
    rec_codes: dict[tuple[str, int], dict[int, int]] = {}
    for r in rounds:
        r.usual_score, r.usual_rec = usual[r.who]
        r.dec_code = dec_codes[r.who]
        if r.recommendation in REC_INDEX:
            y = r.rec_rank = y_rank[REC_INDEX[r.recommendation] - r.usual_rec]
            code = rec_codes.get((r.who, y))
            if code is None:
                code = rec_codes[r.who, y] = {s: x * cols + y for s, x in ranks[r.who].items()}
            r.rec_code = code
    return len(x_rank), cols


def _interviewers(by_person: Mapping[str, Sequence[Round]],
                  given: Mapping[str, Counter[tuple[str, str | None]]], swept: Swept,
                  verdicts: Mapping[str, Decision], pack: Pack
                  ) -> tuple[InterviewerFigures, ...]:
    diffs, runs = swept.diffs, swept.runs
    out = []
    for who, mine in by_person.items():
        leniency = mean_interval_runs(diffs.get(who, []), runs.get(who, []), unit="pairs",
                                      floor=RESOLUTION_VAR)
        scatter = _scatter(diffs.get(who, []), runs.get(who, []), leniency)
        counts: Counter[str | None] = Counter()
        for (_, rating), count in given[who].items():
            counts[rating] += count
        counts["unrated"] = counts.pop(None, 0)
        ratings = {k: counts.get(k, 0) for k in (*RATINGS, "skip", "unrated")}
        judged = [r for r in mine if r.cand in verdicts and r.recommendation in RECOMMENDATIONS]
        agree = sum((r.recommendation in YES_SIDE) == (verdicts[r.cand].outcome == "hire")
                    for r in judged)
        confirmed = sum(map(_CONFIRMED, mine))
        hours = [max(0.0, (r.src.submitted_at - r.src.ended_at).total_seconds() / 3600)
                 for r in mine]
        met = len(set(map(_CAND, mine)))
        out.append(InterviewerFigures(
            name=mine[0].src.interviewer.strip(), rounds=len(mine), ratings=ratings,
            leniency=leniency, scatter=scatter,
            agreement=wilson(agree, len(judged), "rounds", len({r.cand for r in judged})),
            red_flags=wilson(confirmed, len(mine), "rounds", met),
            failure_probe_skips=wilson(swept.skips[who], swept.scenarios[who], "scenarios",
                                       len(swept.probed_cands.get(who, ()))),
            lateness_h=median_interval(hours, "rounds", met),
            on_time=wilson(sum(map(DUE_HOURS.__ge__, hours)), len(hours), "rounds", met)))
    out.sort(key=lambda f: f.name.casefold())
    return tuple(out)


def _scatter(diffs: Sequence[float], runs: Sequence[int], lean: Estimate) -> Estimate:
    """How far an interviewer's ratings stray around their own lean: the root mean square
    of (difference - lean), with the interval of the mean square carried over.

    Without a lean there is no scatter around it either, for the same reason and on
    the same n."""
    if lean.value is None:
        return replace(lean, method="root mean square")
    off = list(map(sub, diffs, repeat(lean.value, len(diffs))))
    square = mean_interval_runs(list(map(mul, off, off)), runs, unit="pairs",
                                floor=SQUARE_RESOLUTION_VAR)
    if square.value is None or square.low is None or square.high is None:
        return square
    return replace(square, value=math.sqrt(square.value), low=math.sqrt(max(0.0, square.low)),
                   high=math.sqrt(square.high), method="root mean square, 95% t interval of "
                   "the mean square, clustered by candidate, variance floored at the rating "
                   "scale's resolution")


def _prediction(runs: Runs, codes: tuple[int, int], varies: bool) -> Estimate:
    """Kendall's tau-b of ratings (from each interviewer's average) against an outcome.

    A rating that never varies would seem to once measured from each interviewer's
    average: it has nothing to correlate, and says so.
    """
    if not varies:
        return estimate(None, None, None, len(runs.codes), "ratings", "Kendall's tau-b",
                        len(runs.lengths), note=NEVER_VARIES)
    return tau_b_codes(runs.codes, runs.lengths, *codes)


def _tallies(given: Iterable[Counter[tuple[str, str | None]]],
             found: Mapping[str, Tally]) -> dict[str, Tally]:
    """Each item's tally (from sweep) with how often it got each rating, from each
    interviewer's counts by (item, rating)."""
    out: dict[str, Tally] = {}  # in the order items were first met (no order is read)
    for (item_id, rating), count in chain.from_iterable(map(_ITEMS, given)):
        t = out.get(item_id) or out.setdefault(item_id, found.get(item_id) or Tally())
        t.asked += count
        if rating is None:
            t.unrated += count
        elif rating == "skip":
            t.skipped += count
        elif rating in RATING_SCORE:
            t.dist[rating] += count
    return out


def _rating_figures(t: Tally, predicts: tuple[Estimate, Estimate], *, id: str, title: str,
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


def _varies(t: Tally) -> bool:
    return len([k for k in RATINGS if t.dist[k]]) >= 2


def _items(tallies: Mapping[str, Tally], pack: Pack, codes: tuple[int, int],
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


def _dimensions(tallies: Mapping[str, Tally], links: Mapping[str, Links], pack: Pack,
                codes: tuple[int, int], archetype: str | None) -> tuple[RatingFigures, ...]:
    arche = pack.find_archetype(archetype) if archetype else None
    of_item = {i: item.dimension for i in tallies if (item := pack.find_item(i)) is not None}
    out = []
    for dim in DIMENSIONS:
        ids = sorted(i for i, d in of_item.items() if d == dim)
        pooled = Tally()
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


def _round_link(runs: RoundRuns, cols: int, varies: bool) -> Estimate:
    if not varies:
        return estimate(None, None, None, len(runs.xs), "rounds", "Kendall's tau-b",
                        len(runs.lengths), note=NEVER_VARIES)
    # Only the order of the means matters: rank them, all at once, and code each round's
    # cell as sweep.Round does (rank * columns + outcome), in C.
    code = {x: i * cols for i, x in enumerate(sorted(set(runs.xs)))}
    coded = list(map(add, map(code.__getitem__, runs.xs), runs.ys))
    return tau_b_codes(coded, runs.lengths, len(code), cols, unit="rounds")
