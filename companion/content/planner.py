"""The loop planner: archetype + level + offer + coding format -> rounds and warnings.

Plain Python over a loaded ``Pack``. The rounds come from the pack's round
templates; the questions and scenarios in each round are the ones that suit the
archetype (and level), never repeated across rounds. Calibration warnings catch
the loop shapes that lose candidates: a design round pitched above the offer,
too many or too few rounds, two coding exercises, an unpaid senior take-home.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from companion.base.errors import CompanionError
from companion.content.model import Archetype, LevelRule, Pack, RoundTemplate

_T = TypeVar("_T")

CodingChoice = Literal["live", "take_home", "both"]


@dataclass(frozen=True)
class PlanWarning:
    code: str
    message: str


@dataclass(frozen=True)
class PlannedRound:
    template: RoundTemplate
    # Question and scenario ids in the order they are asked.
    items: tuple[str, ...] = ()
    # A take-home is done on the candidate's own time: listed, but not a live round.
    offline: bool = False

    def to_dict(self) -> dict[str, Any]:
        t = self.template
        return {
            "template": t.id,
            "kind": t.kind,
            "title": t.title,
            "minutes": t.minutes,
            "offline": self.offline,
            "senior_grade": t.senior_grade,
            "sections": [
                {"id": s.id, "title": s.title, "minutes": s.minutes} for s in t.sections
            ],
            "items": list(self.items),
        }


@dataclass(frozen=True)
class LoopPlan:
    archetype: Archetype
    level: LevelRule
    base: int | None
    coding: CodingChoice
    take_home_paid: bool
    rounds: tuple[PlannedRound, ...]
    warnings: tuple[PlanWarning, ...]

    @property
    def live_rounds(self) -> tuple[PlannedRound, ...]:
        return tuple(r for r in self.rounds if not r.offline)

    @property
    def live_minutes(self) -> int:
        return sum(r.template.minutes for r in self.live_rounds)

    def to_dict(self) -> dict[str, Any]:
        return {
            "archetype": self.archetype.id,
            "level": self.level.id,
            "base": self.base,
            "coding": self.coding,
            "take_home_paid": self.take_home_paid,
            "pay_band": {"low": self.archetype.pay.low, "high": self.archetype.pay.high},
            "live_rounds": len(self.live_rounds),
            "live_minutes": self.live_minutes,
            "rounds": [r.to_dict() for r in self.rounds],
            "warnings": [{"code": w.code, "message": w.message} for w in self.warnings],
        }


def usd(amount: int) -> str:
    return f"${amount:,}"


BASE_ACCEPTED = "whole US dollars a year, e.g. 185000 or 185,000"
BASE_MAX = 10_000_000


def parse_base_offer(text: str) -> int | None:
    """A yearly base offer as typed in a form; None when left empty.

    Digits, with thousands separated by commas, spaces or underscores and an
    optional leading "$", are accepted; anything else raises ``CompanionError``
    saying what was typed and what is accepted (never a silent fix: "-5" is not 5).
    """
    raw = text.strip()
    if not raw:
        return None
    digits = raw.removeprefix("$").replace(",", "").replace(" ", "").replace("_", "")
    negative = digits.startswith("-")
    digits = digits.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()):
        raise CompanionError(f"the base offer {raw!r} is not an amount: type {BASE_ACCEPTED}, "
                             "or leave it empty")
    value = int(digits)
    if negative or value == 0:
        raise CompanionError(f"the base offer {raw!r} must be above zero: type {BASE_ACCEPTED}, "
                             "or leave it empty")
    if value > BASE_MAX:
        raise CompanionError(f"the base offer {raw!r} is more than {usd(BASE_MAX)}: type "
                             f"{BASE_ACCEPTED}")
    return value


def plan_loop(
    pack: Pack,
    archetype: str,
    level: str,
    base: int | None = None,
    coding: CodingChoice | None = None,
    take_home_paid: bool = True,
    rounds: Sequence[str] | None = None,
) -> LoopPlan:
    """Recommend the rounds for one hire, with calibration warnings.

    ``rounds`` replaces the default loop with exactly these template ids, so a
    hand-made loop gets the same warnings as a recommended one.
    """
    arch = _known(pack.find_archetype(archetype), archetype, "archetype",
                  [a.id for a in pack.archetypes])
    rule = _known(pack.find_level(level), level, "level", [lv.id for lv in pack.levels])
    if base is not None and base <= 0:
        raise CompanionError(f"--base must be a positive amount in US dollars, not {base}")
    if rounds is not None:
        templates = [
            _known(pack.find_template(t), t, "round template", [x.id for x in pack.templates])
            for t in rounds
        ]
        chosen = _coding_of(templates) or coding or rule.default_coding
    else:
        chosen = coding or rule.default_coding
        templates = _default_templates(pack, rule.id, chosen)
    planned = _fill_items(pack, arch.id, rule.id, templates)
    warnings = _warnings(pack, arch, rule, base, chosen, take_home_paid, planned)
    return LoopPlan(arch, rule, base, chosen, take_home_paid, planned, warnings)


def _known(found: _T | None, wanted: str, what: str, known: list[str]) -> _T:
    if found is None:
        raise CompanionError(f"unknown {what} {wanted!r}; choose one of: {', '.join(known)}")
    return found


def _coding_of(templates: Sequence[RoundTemplate]) -> CodingChoice | None:
    formats = {t.coding_format for t in templates if t.coding_format}
    if formats == {"live", "take_home"}:
        return "both"
    if formats:
        return "live" if "live" in formats else "take_home"
    return None


def _default_templates(pack: Pack, level: str, coding: CodingChoice) -> list[RoundTemplate]:
    core = [t for t in pack.templates if not t.coding_format and level in t.levels]
    wanted = ("live", "take_home") if coding == "both" else (coding,)
    for fmt in wanted:
        fitting = [t for t in pack.templates if t.coding_format == fmt and level in t.levels]
        if fitting:
            core.append(min(fitting, key=lambda t: t.order))
    return sorted(core, key=lambda t: t.order)


# Which dimensions a round prefers when it draws questions, best fit first.
_DIMENSION_ORDER: dict[str, tuple[str, ...]] = {
    "behavioural": ("ownership", "technical", "design"),
}
_DEFAULT_DIMENSION_ORDER = ("technical", "design", "ownership")


def _fill_items(
    pack: Pack, archetype: str, level: str, templates: Sequence[RoundTemplate]
) -> tuple[PlannedRound, ...]:
    """Give each round its questions and scenarios, each asked once across the loop.

    The opener leads any round that listens before it probes; after it, a round
    takes the questions of its preferred dimensions, and among those the ones
    whose primary archetype (first listed) is this one.
    """
    used: set[str] = set()
    questions = [q for q in pack.questions if q.suits(archetype, level)]
    scenarios = [s for s in pack.scenarios if s.suits(archetype, level)]
    scenarios.sort(key=lambda s: s.archetypes.index(archetype))
    out = []
    for t in templates:
        draws = {s.draws for s in t.sections}
        items: list[str] = []
        if "questions" in draws and t.max_questions:
            wants_opener = any(s.timer == "listen" for s in t.sections)
            dims = _DIMENSION_ORDER.get(t.kind, _DEFAULT_DIMENSION_ORDER)
            pool = sorted(
                (q for q in questions if q.id not in used and (wants_opener or not q.opener)),
                key=lambda q: (
                    not q.opener,
                    dims.index(q.dimension) if q.dimension in dims else len(dims),
                    q.archetypes.index(archetype),
                ),
            )
            items += [q.id for q in pool[: t.max_questions]]
        if "scenarios" in draws and t.max_scenarios:
            pool_s = [s for s in scenarios if s.id not in used]
            items += [s.id for s in pool_s[: t.max_scenarios]]
        used.update(items)
        out.append(PlannedRound(t, tuple(items), offline=t.coding_format == "take_home"))
    return tuple(out)


def _warnings(
    pack: Pack,
    arch: Archetype,
    rule: LevelRule,
    base: int | None,
    coding: CodingChoice,
    take_home_paid: bool,
    planned: Sequence[PlannedRound],
) -> tuple[PlanWarning, ...]:
    out: list[PlanWarning] = []
    band = f"{usd(arch.pay.low)}-{usd(arch.pay.high)}"
    senior_design = [r.template for r in planned if r.template.senior_grade and not r.offline]
    if base is not None and base < arch.pay.low:
        if senior_design:
            out.append(PlanWarning(
                "pay_below_band_senior_round",
                f"The {usd(base)} offer sits under the {arch.title} base band ({band}), yet "
                f"the loop includes '{senior_design[0].title}', a round pitched at senior "
                "engineers. People strong enough to pass it will not accept this offer, and "
                "the engineers this offer can hire will be screened out by it. Raise the offer "
                "to the band or scope the design round to the level.",
            ))
        else:
            out.append(PlanWarning(
                "pay_below_band",
                f"The {usd(base)} offer sits under the {arch.title} base band ({band}); "
                "expect offers to be declined, or hire for a smaller scope.",
            ))
    elif base is not None and base > arch.pay.high:
        out.append(PlanWarning(
            "pay_above_band",
            f"The {usd(base)} offer is above the {arch.title} base band ({band}); check that "
            "the level and the loop match what this offer buys.",
        ))
    live = [r for r in planned if not r.offline]
    if len(live) > rule.max_rounds:
        out.append(PlanWarning(
            "too_many_rounds",
            f"{len(live)} live rounds: beyond {rule.max_rounds} the extra rounds cost calendar "
            "and candidates without adding signal. Merge or drop one.",
        ))
    if rule.id in ("senior", "staff") and len(live) < rule.min_rounds:
        out.append(PlanWarning(
            "too_few_rounds",
            f"Only {len(live)} live round(s) for a {rule.id} hire: fewer than "
            f"{rule.min_rounds} rounds leaves too little signal at this level.",
        ))
    if coding == "both":
        out.append(PlanWarning(
            "both_coding_formats",
            "The loop has both a take-home and live coding. Pick one: a paid take-home for "
            "code quality and judgement, or live pair-programming for high-volume hiring.",
        ))
    has_take_home = any(r.template.coding_format == "take_home" for r in planned)
    if has_take_home and not take_home_paid and rule.take_home_paid:
        out.append(PlanWarning(
            "unpaid_take_home",
            f"An unpaid take-home for a {rule.id} hire: strong candidates often decline "
            f"these. Pay a one-off fee ({usd(pack.pay.take_home_fee_low)}-"
            f"{usd(pack.pay.take_home_fee_high)} is the usual range for about two hours).",
        ))
    return tuple(out)
