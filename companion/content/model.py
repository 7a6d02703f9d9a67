"""Typed, immutable content objects: what a question pack holds once loaded.

Everything here is plain data. The loader (``companion.content.loader``) builds
these from TOML files and validates them; the planner, the live engine and the
exports only read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal, TypeVar

T = TypeVar("T")

# The three scoring dimensions every archetype weights. Each archetype labels
# them in its own terms (e.g. "technical" is "API and service design" for the
# API generalist and "Data modelling and SQL" for the data archetype).
DIMENSIONS: tuple[str, ...] = ("technical", "design", "ownership")
Dimension = Literal["technical", "design", "ownership"]

LEVELS: tuple[str, ...] = ("mid", "senior", "staff")
Level = Literal["mid", "senior", "staff"]

# Anchored cue levels, strongest first. "skip" is a rubric button, not a cue.
CUE_LEVELS: tuple[str, ...] = ("strong", "mid", "thin", "very_thin")

# Targets of the failure probe, asked in this order during a design round.
FAILURE_TARGETS: tuple[str, ...] = ("database", "queue", "downstream")

ROUND_KINDS: tuple[str, ...] = (
    "screen",
    "technical",
    "scenario",
    "behavioural",
    "architecture",
    "coding",
    "take_home_review",
)


@dataclass(frozen=True)
class Cues:
    """What an answer sounds like at each anchor; ``None`` where the guide is silent."""

    strong: str | None = None
    mid: str | None = None
    thin: str | None = None
    very_thin: str | None = None

    def get(self, level: str) -> str | None:
        if level not in CUE_LEVELS:
            raise KeyError(level)
        value: str | None = getattr(self, level)
        return value

    def present(self) -> tuple[tuple[str, str], ...]:
        """(level, text) pairs for the anchors this item defines, strongest first."""
        return tuple((lvl, txt) for lvl in CUE_LEVELS if (txt := self.get(lvl)))


@dataclass(frozen=True)
class Probe:
    """A follow-up the interviewer may ask; ``id`` is unique within its item."""

    id: str
    text: str


@dataclass(frozen=True)
class FailureProbe:
    """"What happens when this fails?", asked once per target in a design round."""

    question: str
    # target id -> how to phrase it for that target
    targets: tuple[tuple[str, str], ...]
    # What a complete answer names (recovery strategy, retry behaviour, trade-off).
    complete_answer: tuple[str, ...]
    guidance: str = ""

    def probe_ids(self) -> tuple[str, ...]:
        return tuple(f"failure.{t}" for t, _ in self.targets)


@dataclass(frozen=True)
class Item:
    """Common shape of a question or a scenario."""

    id: str
    title: str
    prompt: str
    archetypes: tuple[str, ...]
    dimension: str
    cues: Cues
    probes: tuple[Probe, ...] = ()
    # Listen without interrupting for this many minutes (the opener), if any.
    listen_minutes: int | None = None
    # Give the candidate this many minutes to sketch the system, if any.
    sketch_minutes: int | None = None
    hint: str = ""
    # Levels this item suits; empty means all levels.
    levels: tuple[str, ...] = ()
    # Red-flag ids this item tends to bring out (the live view can surface them first).
    watch_flags: tuple[str, ...] = ()
    # Cue levels the pack wrote itself; the others come from the hiring guide the pack
    # is built on (so a team editing the pack knows which anchors are whose).
    added_cues: tuple[str, ...] = ()

    kind: Literal["question", "scenario"] = "question"

    def suits(self, archetype: str, level: str | None = None) -> bool:
        if archetype not in self.archetypes:
            return False
        return level is None or not self.levels or level in self.levels


@dataclass(frozen=True)
class Question(Item):
    kind: Literal["question", "scenario"] = "question"
    # The opener is asked first in a technical round.
    opener: bool = False


@dataclass(frozen=True)
class Scenario(Item):
    kind: Literal["question", "scenario"] = "scenario"
    strong_first_move: str = ""
    # Whether the three failure probes belong to this scenario.
    failure_probes: bool = True
    # The failure probe phrased for this scenario: target id -> wording (a target left
    # out keeps the pack's general wording).
    failure_wording: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PayBand:
    low: int
    high: int
    note: str = ""

    def contains(self, amount: int) -> bool:
        return self.low <= amount <= self.high


@dataclass(frozen=True)
class Archetype:
    id: str
    title: str
    owns: str
    # dimension -> percent; sums to 100
    weights: tuple[tuple[str, int], ...]
    # dimension -> label in this archetype's terms
    dimension_labels: tuple[tuple[str, str], ...]
    pay: PayBand
    summary: str = ""

    def weight(self, dimension: str) -> int:
        return dict(self.weights).get(dimension, 0)

    def label(self, dimension: str) -> str:
        return dict(self.dimension_labels).get(dimension, dimension)


@dataclass(frozen=True)
class RedFlag:
    id: str
    title: str
    sounds_like: str
    probe_first: str
    key: str = ""  # suggested keyboard digit, e.g. "1"


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    minutes: int
    # Which items this section draws from the plan: "questions", "scenarios" or "none".
    draws: Literal["questions", "scenarios", "none"] = "none"
    # Timers that start with this section ("listen" for the opener, "sketch" for design).
    timer: Literal["listen", "sketch", ""] = ""
    # "failure_probes": the section is for them, and F4 passes it by in a round whose
    # items carry none (a section with nothing to show is never entered).
    needs: Literal["failure_probes", ""] = ""


@dataclass(frozen=True)
class RoundTemplate:
    id: str
    kind: str
    title: str
    minutes: int
    sections: tuple[Section, ...]
    # Levels whose default loop includes this round (coding rounds are chosen by format).
    levels: tuple[str, ...] = LEVELS
    # A system-design round pitched at senior engineers (pay-band calibration).
    senior_grade: bool = False
    # For coding rounds: "live" or "take_home"; "" otherwise.
    coding_format: Literal["live", "take_home", ""] = ""
    # How many questions / scenarios the planner picks for this round at most.
    max_questions: int = 0
    max_scenarios: int = 0
    order: int = 0
    note: str = ""

    def section_minutes(self) -> int:
        return sum(s.minutes for s in self.sections)


@dataclass(frozen=True)
class LevelRule:
    id: str
    title: str
    expects: str
    # Default coding format when the plan does not name one.
    default_coding: Literal["live", "take_home"]
    # Whether a take-home for this level must be paid.
    take_home_paid: bool
    min_rounds: int = 3
    max_rounds: int = 5


@dataclass(frozen=True)
class PayAnchors:
    placed_median: int
    placed_searches: int
    placed_window: str
    public_low: int
    public_high: int
    take_home_fee_low: int
    take_home_fee_high: int
    note: str = ""


@dataclass(frozen=True)
class FailureSample:
    """A candidate's answer to the failure probe about one target, written to one level."""

    target: str  # one of FAILURE_TARGETS
    level: str  # one of CUE_LEVELS
    answer: str
    why: str


@dataclass(frozen=True)
class Sample:
    """A sample answer to one question or scenario, written to show one anchor level.

    Practice sets (``companion.practice``) show ``answer``, take a rating and only
    then reveal ``level`` and ``why``; scenarios may carry answers to the failure probe.
    """

    id: str
    item_id: str
    level: str  # one of CUE_LEVELS
    answer: str
    why: str
    failures: tuple[FailureSample, ...] = ()


@dataclass(frozen=True)
class Pack:
    """A whole, validated pack (built-in content merged with user packs)."""

    id: str
    version: str
    title: str
    archetypes: tuple[Archetype, ...]
    questions: tuple[Question, ...]
    scenarios: tuple[Scenario, ...]
    red_flags: tuple[RedFlag, ...]
    templates: tuple[RoundTemplate, ...]
    levels: tuple[LevelRule, ...]
    failure_probe: FailureProbe
    pay: PayAnchors
    sources: tuple[str, ...] = field(default=())
    samples: tuple[Sample, ...] = field(default=())

    # Lookups by id. Linear scans are fine: a pack holds tens of items.
    # ``find_*`` answer None for an unknown id, so callers ask instead of catching
    # KeyError; the plain forms raise KeyError for ids that must exist.
    def find_archetype(self, archetype_id: str) -> Archetype | None:
        return _find(self.archetypes, archetype_id)

    def find_question(self, question_id: str) -> Question | None:
        return _find(self.questions, question_id)

    def find_scenario(self, scenario_id: str) -> Scenario | None:
        return _find(self.scenarios, scenario_id)

    def failure_probe_for(self, item: Item) -> FailureProbe | None:
        """The three failure probes as asked on ``item``, or None where they do not apply."""
        if not isinstance(item, Scenario) or not item.failure_probes:
            return None
        own = dict(item.failure_wording)
        general = self.failure_probe
        return replace(general, targets=tuple((t, own.get(t, text))
                                              for t, text in general.targets))

    def empty_sections(self, template: RoundTemplate | None,
                       items: tuple[Item, ...]) -> tuple[bool, ...]:
        """Per section of ``template``: True where it has nothing to show for ``items``
        (failure probes where none of them carries any). The live round passes such a
        section by and the scorecard PDF leaves it out."""
        if template is None:
            return ()
        probes = any(self.failure_probe_for(it) is not None for it in items)
        return tuple(s.needs == "failure_probes" and not probes for s in template.sections)

    def find_item(self, item_id: str) -> Question | Scenario | None:
        question = self.find_question(item_id)
        return question if question is not None else self.find_scenario(item_id)

    def samples_for(self, item_id: str) -> tuple[Sample, ...]:
        """The sample answers of one question or scenario, in pack order (none: empty)."""
        return tuple(s for s in self.samples if s.item_id == item_id)

    def find_red_flag(self, flag_id: str) -> RedFlag | None:
        return _find(self.red_flags, flag_id)

    def find_template(self, template_id: str) -> RoundTemplate | None:
        return _find(self.templates, template_id)

    def find_level(self, level_id: str) -> LevelRule | None:
        return _find(self.levels, level_id)

    def archetype(self, archetype_id: str) -> Archetype:
        return _must(self.find_archetype(archetype_id), archetype_id, "archetype")

    def question(self, question_id: str) -> Question:
        return _must(self.find_question(question_id), question_id, "question")

    def scenario(self, scenario_id: str) -> Scenario:
        return _must(self.find_scenario(scenario_id), scenario_id, "scenario")

    def item(self, item_id: str) -> Question | Scenario:
        found = self.find_item(item_id)
        if found is None:
            raise KeyError(f"no question or scenario {item_id!r}")
        return found

    def red_flag(self, flag_id: str) -> RedFlag:
        return _must(self.find_red_flag(flag_id), flag_id, "red flag")

    def template(self, template_id: str) -> RoundTemplate:
        return _must(self.find_template(template_id), template_id, "round template")

    def level(self, level_id: str) -> LevelRule:
        return _must(self.find_level(level_id), level_id, "level")


def _find(items: tuple[T, ...], wanted: str) -> T | None:
    return next((it for it in items if getattr(it, "id", None) == wanted), None)


def _must(found: T | None, wanted: str, what: str) -> T:
    if found is None:
        raise KeyError(f"no {what} {wanted!r}")
    return found
