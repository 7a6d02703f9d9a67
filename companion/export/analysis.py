"""Plain-Python analysis behind the PDFs: weighting, rating matrix, disagreements, coverage.

Kept apart from layout so every number a debrief shows can be unit-tested.
Ratings count strong=4, mid=3, thin=2, very_thin=1; "skip" and unrated items
are left out of every average.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from companion.base.errors import CompanionError
from companion.content.model import DIMENSIONS, Archetype, Pack
from companion.record.change_text import item_title
from companion.record.names import same_person
from companion.record.scorecard import RATING_LABEL, RATING_SCORE, RECOMMENDATION_LABEL, Scorecard

YES_SIDE = frozenset({"yes", "strong_yes"})
NO_SIDE = frozenset({"no", "strong_no"})
# Two ratings this many steps apart on one item put it on the debrief agenda.
DISAGREEMENT_STEPS = 2
# A scorecard with fewer than this share of its items rated (or none) rated "almost
# nothing": perhaps a token published to read colleagues' scorecards early. Its
# recommendation is shown but does not count toward agreement.
RATED_SHARE_MIN = 0.25


def rated_count(sc: Scorecard) -> tuple[int, int]:
    """(items rated on the rubric, items recorded) of one scorecard."""
    return sum(1 for rec in sc.items if rec.rating in RATING_SCORE), len(sc.items)


def almost_nothing_rated(sc: Scorecard) -> bool:
    rated, items = rated_count(sc)
    return rated == 0 or rated < RATED_SHARE_MIN * items


@dataclass(frozen=True)
class DimensionScore:
    dimension: str
    label: str
    weight: int  # percent of the archetype's loop weighting
    mean: float | None  # mean rating score of the rated items; None if none rated
    rated: int  # how many items counted


@dataclass(frozen=True)
class WeightedSummary:
    """A rating aid, not a verdict: the archetype's weighting applied to the item ratings."""

    dimensions: tuple[DimensionScore, ...]
    overall: float | None  # weighted mean over the dimensions that were scored
    unscored: tuple[str, ...]  # weighted dimensions with no rated item


def archetype_of(pack: Pack, archetype_id: str) -> Archetype | None:
    return pack.find_archetype(archetype_id)


def item_dimension(pack: Pack, item_id: str) -> str | None:
    item = pack.find_item(item_id)
    return item.dimension if item else None


def weighted_summary(sc: Scorecard, pack: Pack) -> WeightedSummary:
    """Mean score per dimension, and the archetype-weighted mean of those means."""
    arche = archetype_of(pack, sc.archetype)
    scores: dict[str, list[int]] = {d: [] for d in DIMENSIONS}
    for rec in sc.items:
        dim = item_dimension(pack, rec.item_id)
        if dim in scores and rec.rating in RATING_SCORE:
            scores[dim].append(RATING_SCORE[rec.rating])
    dims = []
    total = weight_sum = 0.0
    unscored = []
    for d in DIMENSIONS:
        weight = arche.weight(d) if arche else 0
        vals = scores[d]
        mean = sum(vals) / len(vals) if vals else None
        dims.append(DimensionScore(d, arche.label(d) if arche else d, weight, mean, len(vals)))
        if mean is None:
            if weight > 0:
                unscored.append(d)
        elif weight > 0:
            total += weight * mean
            weight_sum += weight
    overall = total / weight_sum if weight_sum else None
    return WeightedSummary(tuple(dims), overall, tuple(unscored))


def format_score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} / 4"


# ---------------------------------------------------------------- panel checks


def check_panel(scorecards: Sequence[Scorecard], labels: Sequence[str]) -> list[Scorecard]:
    """The scorecards a debrief may merge, or a CompanionError saying why not.

    ``labels`` names each scorecard for messages (its file path or stored id).
    Unsubmitted scorecards, other candidates and other packs are refused rather
    than silently dropped: a debrief missing a voice must be a visible decision.
    The same round given twice (a file and its stored copy) is kept once.
    """
    if not scorecards:
        raise CompanionError("a panel debrief needs at least one scorecard")
    if len(labels) != len(scorecards):
        raise ValueError("one label per scorecard")
    pending = [f"{lab} ({sc.interviewer})" for sc, lab in zip(scorecards, labels, strict=True)
               if not sc.submitted]
    if pending:
        raise CompanionError("only submitted scorecards go into a panel debrief; not submitted: "
                             + ", ".join(pending))
    first, first_label = scorecards[0], labels[0]
    others = [f"{lab} ({sc.candidate!r})" for sc, lab in zip(scorecards, labels, strict=True)
              if not same_person(sc.candidate, first.candidate)]
    if others:
        raise CompanionError(f"these scorecards are not about {first.candidate!r} "
                             f"(from {first_label}): " + ", ".join(others))
    packs = [f"{lab} ({sc.pack_id} {sc.pack_version})"
             for sc, lab in zip(scorecards, labels, strict=True)
             if (sc.pack_id, sc.pack_version) != (first.pack_id, first.pack_version)]
    if packs:
        raise CompanionError(
            f"these scorecards use a different question pack than {first_label} "
            f"({first.pack_id} {first.pack_version}): " + ", ".join(packs))
    unique: dict[str, Scorecard] = {}
    for sc in scorecards:
        kept = unique.get(sc.id)
        # Keep the copy with the most amendments: it is the later state of the same round.
        if kept is None or len(sc.amendments) > len(kept.amendments):
            unique[sc.id] = sc
    return list(unique.values())


# ---------------------------------------------------------------- panel analysis


@dataclass(frozen=True)
class Disagreement:
    kind: str  # "rating" | "recommendation"
    subject: str  # item id for ratings, "recommendation" otherwise
    title: str
    # (interviewer column label, value label) for each voice, in panel order
    positions: tuple[tuple[str, str], ...]
    spread: int  # rating steps between the highest and the lowest rating (0 for recs)


@dataclass(frozen=True)
class RaisedFlag:
    flag_id: str
    title: str
    interviewer: str
    state: str
    raised_at_s: float | None  # seconds into the round when first raised
    evidence: str
    item_title: str


@dataclass(frozen=True)
class PanelAnalysis:
    candidate: str
    archetype_id: str
    archetype_title: str
    columns: tuple[str, ...]  # one label per scorecard (the interviewer, made unique)
    item_ids: tuple[str, ...]  # rows of the rating matrix, in pack order
    ratings: dict[str, tuple[str | None, ...]]  # item id -> rating per column
    dimension_means: dict[str, tuple[float | None, ...]]  # dimension -> mean per column
    weighted: tuple[WeightedSummary, ...]  # per column
    disagreements: tuple[Disagreement, ...]
    flags: tuple[RaisedFlag, ...]
    unasked_questions: tuple[str, ...]
    unasked_scenarios: tuple[str, ...]
    unscored_dimensions: tuple[str, ...]
    notes: tuple[str, ...]  # caveats worth printing (e.g. mixed archetypes)
    barely_rated: tuple[str, ...] = ()  # columns that rated almost nothing


def column_labels(scorecards: Sequence[Scorecard]) -> tuple[str, ...]:
    """Interviewer names; one interviewer with two rounds gets the round title added."""
    names = [sc.interviewer.strip() or "(unnamed)" for sc in scorecards]
    labels = []
    for sc, name in zip(scorecards, names, strict=True):
        labels.append(f"{name} ({sc.round_title})" if names.count(name) > 1 else name)
    # Still equal (same interviewer, same round title): number them.
    return tuple(f"{lab} #{i + 1}" if labels.count(lab) > 1 else lab
                 for i, lab in enumerate(labels))


def _was_asked(sc: Scorecard, item_id: str) -> bool:
    rec = sc.item(item_id)
    if rec is None:
        return False
    if rec.rating is not None and rec.rating != "skip":
        return True
    return bool(rec.said.strip() or rec.read.strip() or any(p.asked for p in rec.probes))


def _pack_order(pack: Pack) -> dict[str, int]:
    return {it.id: i for i, it in enumerate((*pack.questions, *pack.scenarios))}


def rating_disagreements(pack: Pack, columns: Sequence[str], item_ids: Sequence[str],
                         ratings: dict[str, tuple[str | None, ...]]) -> list[Disagreement]:
    out = []
    for item_id in item_ids:
        row = ratings[item_id]
        scored = [(col, r) for col, r in zip(columns, row, strict=True) if r in RATING_SCORE]
        if len(scored) < 2:
            continue
        values = [RATING_SCORE[r] for _, r in scored if r is not None]
        spread = max(values) - min(values)
        if spread >= DISAGREEMENT_STEPS:
            out.append(Disagreement("rating", item_id, item_title(pack, item_id),
                                    tuple((c, RATING_LABEL[r]) for c, r in scored if r), spread))
    # Widest gaps first: they deserve the most debrief time.
    out.sort(key=lambda d: -d.spread)
    return out


def recommendation_split(columns: Sequence[str], scorecards: Sequence[Scorecard],
                         barely_rated: Sequence[str] = ()) -> Disagreement | None:
    """Yes against no among the scorecards that rated something (``barely_rated`` do not count)."""
    recs = [(c, sc.recommendation) for c, sc in zip(columns, scorecards, strict=True)]
    sides = {("yes" if r in YES_SIDE else "no") for c, r in recs
             if r in YES_SIDE | NO_SIDE and c not in barely_rated}
    if len(sides) < 2:
        return None
    return Disagreement(
        "recommendation", "recommendation", "Overall recommendation is split",
        tuple((c, RECOMMENDATION_LABEL.get(r or "", "none")) for c, r in recs), 0)


def _flags(pack: Pack, columns: Sequence[str],
           scorecards: Sequence[Scorecard]) -> list[RaisedFlag]:
    out = []
    for col, sc in zip(columns, scorecards, strict=True):
        for fl in sc.flags:
            raised = [e for e in fl.events if e.state != "off"]
            if fl.state == "off" and not raised:
                continue
            found = pack.find_red_flag(fl.flag_id)
            title = found.title if found else fl.flag_id
            at = ((raised[0].at - sc.started_at).total_seconds() if raised else None)
            where = item_title(pack, fl.item_id) if fl.item_id else ""
            out.append(RaisedFlag(fl.flag_id, title, col, fl.state, at, fl.evidence, where))
    return out


def analyse_panel(scorecards: Sequence[Scorecard], pack: Pack) -> PanelAnalysis:
    """Everything the debrief PDF prints, computed from already-checked scorecards."""
    scs = list(scorecards)
    columns = column_labels(scs)
    archetypes = [sc.archetype for sc in scs]
    arche_id = max(set(archetypes), key=archetypes.count)
    arche = archetype_of(pack, arche_id)
    notes = []
    if len(set(archetypes)) > 1:
        notes.append("The scorecards name different archetypes ("
                     + ", ".join(sorted(set(archetypes)))
                     + f"); coverage and weighting use {arche_id!r}.")
    if (scs[0].pack_id, scs[0].pack_version) != (pack.id, pack.version):
        notes.append(f"The scorecards were written with pack {scs[0].pack_id} "
                     f"{scs[0].pack_version}; titles and coverage come from {pack.id} "
                     f"{pack.version}.")
    if arche is None:
        notes.append(f"The pack has no archetype {arche_id!r}; weighting and coverage "
                     "cannot be computed.")
    order = _pack_order(pack)
    seen = {rec.item_id for sc in scs for rec in sc.items}
    item_ids = tuple(sorted(seen, key=lambda i: (order.get(i, len(order)), i)))
    ratings = {i: tuple((rec.rating if (rec := sc.item(i)) else None) for sc in scs)
               for i in item_ids}
    weighted = tuple(weighted_summary(sc, pack) for sc in scs)
    dim_means = {d: tuple(next(x.mean for x in w.dimensions if x.dimension == d)
                          for w in weighted) for d in DIMENSIONS}

    barely = tuple(c for c, sc in zip(columns, scs, strict=True) if almost_nothing_rated(sc))
    for col in barely:
        rated, items = rated_count(scs[columns.index(col)])
        notes.append(f"{col} rated almost nothing ({rated} of {items} items): their "
                     "recommendation does not count toward agreement.")
    disagreements = rating_disagreements(pack, columns, item_ids, ratings)
    split = recommendation_split(columns, scs, barely)
    if split:
        disagreements.insert(0, split)

    level = scs[0].level
    unasked_q: tuple[str, ...] = ()
    unasked_s: tuple[str, ...] = ()
    unscored: tuple[str, ...] = ()
    if arche is not None:
        def nobody(ids: Sequence[str]) -> tuple[str, ...]:
            return tuple(i for i in ids if not any(_was_asked(sc, i) for sc in scs))

        unasked_q = nobody([q.id for q in pack.questions if q.suits(arche.id, level)])
        unasked_s = nobody([s.id for s in pack.scenarios if s.suits(arche.id, level)])
        unscored = tuple(d for d in DIMENSIONS if arche.weight(d) > 0
                         and all(m is None for m in dim_means[d]))
    return PanelAnalysis(
        candidate=scs[0].candidate,
        archetype_id=arche_id,
        archetype_title=arche.title if arche else arche_id,
        columns=columns,
        item_ids=item_ids,
        ratings=ratings,
        dimension_means=dim_means,
        weighted=weighted,
        disagreements=tuple(disagreements),
        flags=tuple(_flags(pack, columns, scs)),
        unasked_questions=unasked_q,
        unasked_scenarios=unasked_s,
        unscored_dimensions=unscored,
        notes=tuple(notes),
        barely_rated=barely,
    )
