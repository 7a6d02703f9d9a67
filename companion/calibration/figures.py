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
says what the data support and no more; a tentative figure (n under 30) that
crosses one is reported as tentative.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from companion.calibration.findings import find
from companion.calibration.model import (
    GENERIC_DIMENSION,
    YES_SIDE,
    Calibration,
    Filters,
    InterviewerFigures,
    RatingFigures,
)
from companion.calibration.stats import (
    MIN_N,
    Estimate,
    alpha_interval,
    estimate,
    kendall_tau_b,
    mean_interval,
    median_interval,
    wilson,
)
from companion.content.model import DIMENSIONS, Pack
from companion.decision import Decision
from companion.independence import RoundLike, closed_candidates
from companion.scorecard import (
    RATING_SCORE,
    RATINGS,
    RECOMMENDATIONS,
    Scorecard,
)


def round_end(sc: Scorecard) -> datetime:
    """When the round ended: its start plus the time its clock ran."""
    return sc.started_at + timedelta(seconds=sc.duration_s)


def _key(name: str) -> str:
    return name.strip().casefold()


def _seed(text: str) -> int:
    """A stable seed per figure, so each interval is the same whatever else is computed."""
    return zlib.crc32(text.encode("utf-8"))


# ---------------------------------------------------------------- as submitted

def submitted_ratings(sc: Scorecard) -> dict[str, str | None]:
    """Item id -> the rating as submitted (before any amendment)."""
    out = {it.item_id: it.rating for it in sc.items}
    seen: set[str] = set()
    for a in sc.amendments:
        kind, _, item_id = a.field.partition(":")
        if kind == "rating" and item_id in out and item_id not in seen:
            seen.add(item_id)
            out[item_id] = a.old or None
    return out


def submitted_recommendation(sc: Scorecard) -> str | None:
    first = next((a for a in sc.amendments if a.field == "recommendation"), None)
    return (first.old or None) if first is not None else sc.recommendation


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

@dataclass
class _Round:
    """One submitted scorecard, reduced to what the figures read."""

    sc: Scorecard
    cand: str
    ratings: dict[str, str | None]
    scores: dict[str, int]  # items rated on the scale (not skipped, not unrated)
    recommendation: str | None
    usual_score: float = 0.0  # this interviewer's mean rating score, over every item
    usual_rec: float = 0.0  # and their mean recommendation (0 strong no .. 3 strong yes)


def compute(scorecards: Sequence[Scorecard], decisions: Iterable[Decision], pack: Pack, *,
            viewer: str | None = None, rounds: Iterable[RoundLike] | None = None,
            filters: Filters | None = None) -> Calibration:
    """Every calibration figure over ``scorecards`` as ``viewer`` may see them.

    ``rounds`` lists every stored round, submitted or not (for the independence
    rule); by default the scorecards themselves. Unsubmitted scorecards never
    count.
    """
    filters = filters or Filters()
    everything = list(rounds) if rounds is not None else list(scorecards)
    hidden = held_back(viewer, everything)
    chosen: list[_Round] = []
    seen_hidden: set[str] = set()
    for sc in scorecards:
        if sc.submitted_at is None:
            continue
        if filters.archetype and sc.archetype != filters.archetype:
            continue
        if filters.since and sc.started_at.astimezone().date() < filters.since:
            continue
        cand = _key(sc.candidate)
        if cand in hidden:
            seen_hidden.add(cand)
            continue
        ratings = submitted_ratings(sc)
        scores = {i: RATING_SCORE[r] for i, r in ratings.items() if r in RATING_SCORE}
        chosen.append(_Round(sc, cand, ratings, scores, submitted_recommendation(sc)))
    _set_usual(chosen)
    verdicts = {_key(d.candidate): d for d in decisions if d.decided}
    cands = {r.cand for r in chosen}
    units = _units(chosen)
    interviewers = _interviewers(chosen, units, verdicts, pack)
    items = _items(chosen, units, verdicts, pack)
    dimensions = _dimensions(chosen, units, verdicts, pack, filters.archetype)
    starts = [r.sc.started_at for r in chosen]
    result = Calibration(
        viewer=viewer, filters=filters, scorecards=len(chosen), candidates=len(cands),
        held_back=len(seen_hidden), decided=len(cands & verdicts.keys()),
        first=min(starts) if starts else None, last=max(starts) if starts else None,
        interviewers=interviewers, items=items, dimensions=dimensions)
    return replace(result, findings=find(result))


def _set_usual(rounds: Sequence[_Round]) -> None:
    """Give each round its interviewer's mean rating and mean recommendation."""
    scores: dict[str, list[int]] = defaultdict(list)
    recs: dict[str, list[int]] = defaultdict(list)
    for r in rounds:
        who = _key(r.sc.interviewer)
        scores[who].extend(r.scores.values())
        if r.recommendation in RECOMMENDATIONS:
            recs[who].append(RECOMMENDATIONS.index(r.recommendation))
    for r in rounds:
        who = _key(r.sc.interviewer)
        r.usual_score = sum(scores[who]) / len(scores[who]) if scores[who] else 0.0
        r.usual_rec = sum(recs[who]) / len(recs[who]) if recs[who] else 0.0


# (candidate, item) -> [(interviewer key, score)], for every rated item
Units = dict[tuple[str, str], list[tuple[str, int]]]


def _units(rounds: Sequence[_Round]) -> Units:
    units: Units = defaultdict(list)
    for r in rounds:
        who = _key(r.sc.interviewer)
        for item_id, score in r.scores.items():
            units[r.cand, item_id].append((who, score))
    return units


def _interviewers(rounds: Sequence[_Round], units: Units, verdicts: Mapping[str, Decision],
                  pack: Pack) -> tuple[InterviewerFigures, ...]:
    by_person: dict[str, list[_Round]] = defaultdict(list)
    names: dict[str, str] = {}
    for r in rounds:
        who = _key(r.sc.interviewer)
        by_person[who].append(r)
        names.setdefault(who, r.sc.interviewer.strip())
    failure_ids = set(pack.failure_probe.probe_ids())
    out = []
    for who, mine in by_person.items():
        diffs: list[float] = []
        clusters: list[str] = []
        for (cand, _item), rated in units.items():
            others = [s for w, s in rated if w != who]
            if not others:
                continue
            mean_others = sum(others) / len(others)
            for w, s in rated:
                if w == who:
                    diffs.append(s - mean_others)
                    clusters.append(cand)
        leniency = mean_interval(diffs, clusters, unit="pairs")
        scatter = _scatter(diffs, clusters, leniency.value)
        counts = Counter(r.ratings[i] or "unrated" for r in mine for i in r.ratings)
        ratings = {k: counts.get(k, 0) for k in (*RATINGS, "skip", "unrated")}
        judged = [r for r in mine if r.cand in verdicts and r.recommendation in RECOMMENDATIONS]
        agree = sum((r.recommendation in YES_SIDE) == (verdicts[r.cand].outcome == "hire")
                    for r in judged)
        confirmed = sum(any(f.state == "confirmed" for f in r.sc.flags) for r in mine)
        scenarios = skips = 0
        for r in mine:
            for it in r.sc.items:
                scen = pack.find_scenario(it.item_id)
                if scen is None or not scen.failure_probes or it.item_id not in r.scores:
                    continue
                scenarios += 1
                asked = {p.probe_id for p in it.probes if p.asked}
                skips += not failure_ids <= asked
        hours = [max(0.0, (r.sc.submitted_at - round_end(r.sc)).total_seconds() / 3600)
                 for r in mine if r.sc.submitted_at is not None]
        out.append(InterviewerFigures(
            name=names[who], rounds=len(mine), ratings=ratings, leniency=leniency,
            scatter=scatter, agreement=wilson(agree, len(judged), unit="rounds"),
            red_flags=wilson(confirmed, len(mine), unit="rounds"),
            failure_probe_skips=wilson(skips, scenarios, unit="scenarios"),
            lateness_h=median_interval(hours, unit="rounds")))
    out.sort(key=lambda f: f.name.casefold())
    return tuple(out)


def _scatter(diffs: Sequence[float], clusters: Sequence[str], lean: float | None) -> Estimate:
    """How far an interviewer's ratings stray around their own lean: the root mean square
    of (difference - lean), with the interval of the mean square carried over."""
    if lean is None:
        return mean_interval([], unit="pairs")
    square = mean_interval([(d - lean) ** 2 for d in diffs], clusters, unit="pairs")
    if square.value is None or square.low is None or square.high is None:
        return square
    return replace(square, value=math.sqrt(square.value), low=math.sqrt(max(0.0, square.low)),
                   high=math.sqrt(square.high), method="root mean square, 95% t interval of "
                   "the mean square, clustered by candidate")


def _prediction(pairs: list[tuple[float, float]], clusters: list[str],
                varies: bool) -> Estimate:
    """Kendall's tau-b of ratings (from each interviewer's average) against an outcome.

    A rating that never varies would seem to once measured from each interviewer's
    average: it has nothing to correlate, and says so.
    """
    if not varies and len(pairs) >= MIN_N:
        return estimate(None, None, None, len(pairs), "ratings", "Kendall's tau-b",
                        note="the rating never varies: no rank correlation")
    return kendall_tau_b(pairs, clusters, unit="ratings")


def _rating_figures(rounds: Sequence[_Round], item_ids: set[str], units: Units,
                    verdicts: Mapping[str, Decision], *, id: str, title: str, kind: str,
                    dimension: str | None, weight: int | None = None) -> RatingFigures:
    asked = skipped = unrated = 0
    dist: Counter[str] = Counter()
    rec_pairs: list[tuple[float, float]] = []
    rec_clusters: list[str] = []
    dec_pairs: list[tuple[float, float]] = []
    dec_clusters: list[str] = []
    for r in rounds:
        rec = r.recommendation
        verdict = verdicts.get(r.cand)
        for item_id, rating in r.ratings.items():
            if item_id not in item_ids:
                continue
            asked += 1
            if rating is None:
                unrated += 1
                continue
            if rating == "skip":
                skipped += 1
                continue
            if rating not in RATING_SCORE:
                continue
            dist[rating] += 1
            # Measured from the interviewer's own average, so that a lenient interviewer's
            # high ratings and many yeses do not pass for prediction.
            score = RATING_SCORE[rating] - r.usual_score
            if rec in RECOMMENDATIONS:
                rec_pairs.append((score, RECOMMENDATIONS.index(rec) - r.usual_rec))
                rec_clusters.append(r.cand)
            if verdict is not None:
                dec_pairs.append((score, 1.0 if verdict.outcome == "hire" else 0.0))
                dec_clusters.append(r.cand)
    rated = sum(dist.values())
    top = max(RATINGS, key=lambda k: (dist[k], -RATINGS.index(k))) if rated else None
    unit_values = [[s for _, s in rated_by] for (_, item_id), rated_by in units.items()
                   if item_id in item_ids]
    varies = len([k for k in RATINGS if dist[k]]) >= 2
    return RatingFigures(
        id=id, title=title, kind=kind, dimension=dimension, asked=asked, skipped=skipped,
        unrated=unrated, distribution={k: dist[k] for k in RATINGS}, most_common=top,
        spread=wilson(dist[top] if top else 0, rated, unit="ratings"),
        agreement=alpha_interval(unit_values, "ordinal", seed=_seed(id)),
        predicts_recommendation=_prediction(rec_pairs, rec_clusters, varies),
        predicts_decision=_prediction(dec_pairs, dec_clusters, varies),
        weight=weight, items=tuple(sorted(item_ids)) if kind == "dimension" else ())


def _items(rounds: Sequence[_Round], units: Units, verdicts: Mapping[str, Decision],
           pack: Pack) -> tuple[RatingFigures, ...]:
    asked = {i for r in rounds for i in r.ratings}
    order = [it.id for it in (*pack.questions, *pack.scenarios)]
    known = [i for i in order if i in asked]
    unknown = sorted(asked - set(order))
    out = []
    for item_id in (*known, *unknown):
        item = pack.find_item(item_id)
        kind = item.kind if item else next(
            (it.kind for r in rounds for it in r.sc.items if it.item_id == item_id), "question")
        out.append(_rating_figures(
            rounds, {item_id}, units, verdicts, id=item_id,
            title=item.title if item else item_id, kind=kind,
            dimension=item.dimension if item else None))
    return tuple(out)


def _dimensions(rounds: Sequence[_Round], units: Units, verdicts: Mapping[str, Decision],
                pack: Pack, archetype: str | None) -> tuple[RatingFigures, ...]:
    arche = pack.find_archetype(archetype) if archetype else None
    asked = {i for r in rounds for i in r.ratings}
    out = []
    for dim in DIMENSIONS:
        ids = {i for i in asked if (item := pack.find_item(i)) and item.dimension == dim}
        label = arche.label(dim) if arche else GENERIC_DIMENSION.get(dim, dim)
        out.append(_rating_figures(rounds, ids, units, verdicts, id=dim, title=label,
                                   kind="dimension", dimension=dim,
                                   weight=arche.weight(dim) if arche else None))
    return tuple(out)
