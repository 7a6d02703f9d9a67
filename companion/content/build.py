"""Turn one schema-checked TOML table into the frozen model object it describes.

Only called on tables that ``schema.check`` passed, so keys have the right types;
optional keys fall back to the model's defaults.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from companion.content.model import (
    CUE_LEVELS,
    DIMENSIONS,
    FAILURE_TARGETS,
    LEVELS,
    Archetype,
    Cues,
    FailureProbe,
    FailureSample,
    LevelRule,
    PayAnchors,
    PayBand,
    Probe,
    Question,
    RedFlag,
    RoundTemplate,
    Sample,
    Scenario,
    Section,
)

Raw = dict[str, Any]


def archetype(raw: Raw) -> Archetype:
    pay = raw["pay"]
    return Archetype(
        id=raw["id"], title=raw["title"], owns=raw["owns"], summary=raw.get("summary", ""),
        weights=tuple((d, raw["weights"][d]) for d in DIMENSIONS),
        dimension_labels=tuple((d, raw["labels"][d]) for d in DIMENSIONS),
        pay=PayBand(low=pay["low"], high=pay["high"], note=pay.get("note", "")),
    )


def _item_fields(raw: Raw) -> dict[str, Any]:
    cues = raw["cues"]
    return {
        "id": raw["id"],
        "title": raw["title"],
        "prompt": raw["prompt"].strip(),
        "archetypes": tuple(raw["archetypes"]),
        "dimension": raw["dimension"],
        "cues": Cues(**{lvl: cues[lvl].strip() for lvl in CUE_LEVELS if lvl in cues}),
        "probes": tuple(Probe(id=p["id"], text=p["text"].strip())
                        for p in raw.get("probes", [])),
        "listen_minutes": raw.get("listen_minutes"),
        "sketch_minutes": raw.get("sketch_minutes"),
        "hint": raw.get("hint", "").strip(),
        "levels": tuple(raw.get("levels", ())),
        "watch_flags": tuple(raw.get("watch_flags", ())),
        "added_cues": tuple(lvl for lvl in CUE_LEVELS if lvl in raw.get("added_cues", ())),
    }


def question(raw: Raw) -> Question:
    return Question(**_item_fields(raw), opener=raw.get("opener", False))


def scenario(raw: Raw) -> Scenario:
    return Scenario(**_item_fields(raw),
                    strong_first_move=raw.get("strong_first_move", "").strip(),
                    failure_probes=raw.get("failure_probes", True),
                    failure_wording=tuple((t, raw["failure"][t].strip())
                                          for t in FAILURE_TARGETS
                                          if t in raw.get("failure", {})))


def red_flag(raw: Raw) -> RedFlag:
    return RedFlag(id=raw["id"], title=raw["title"], sounds_like=raw["sounds_like"].strip(),
                   probe_first=raw["probe_first"].strip(), key=raw.get("key", ""))


def template(raw: Raw) -> RoundTemplate:
    sections = tuple(
        Section(id=s["id"], title=s["title"], minutes=s["minutes"],
                draws=s.get("draws", "none"), timer=s.get("timer", ""),
                needs=s.get("needs", ""))
        for s in raw["sections"]
    )
    return RoundTemplate(
        id=raw["id"], kind=raw["kind"], title=raw["title"], minutes=raw["minutes"],
        sections=sections, levels=tuple(raw.get("levels", LEVELS)),
        senior_grade=raw.get("senior_grade", False),
        coding_format=raw.get("coding_format", ""),
        max_questions=raw.get("max_questions", 0), max_scenarios=raw.get("max_scenarios", 0),
        order=raw.get("order", 0), note=raw.get("note", "").strip(),
    )


def level(raw: Raw) -> LevelRule:
    return LevelRule(id=raw["id"], title=raw["title"], expects=raw["expects"].strip(),
                     default_coding=raw["default_coding"],
                     take_home_paid=raw["take_home_paid"],
                     min_rounds=raw.get("min_rounds", 3), max_rounds=raw.get("max_rounds", 5))


def failure_probe(raw: Raw) -> FailureProbe:
    return FailureProbe(
        question=raw["question"].strip(),
        targets=tuple((t, raw["targets"][t].strip()) for t in FAILURE_TARGETS),
        complete_answer=tuple(s.strip() for s in raw["complete_answer"]),
        guidance=raw.get("guidance", "").strip(),
    )


def pay(raw: Raw) -> PayAnchors:
    return PayAnchors(
        placed_median=raw["placed_median"], placed_searches=raw["placed_searches"],
        placed_window=raw["placed_window"].strip(), public_low=raw["public_low"],
        public_high=raw["public_high"], take_home_fee_low=raw["take_home_fee_low"],
        take_home_fee_high=raw["take_home_fee_high"], note=raw.get("note", "").strip(),
    )


def sample(raw: Raw) -> Sample:
    return Sample(
        id=raw["id"], item_id=raw["item"], level=raw["level"],
        answer=raw["answer"].strip(), why=raw["why"].strip(),
        failures=tuple(FailureSample(target=f["target"], level=f["level"],
                                     answer=f["answer"].strip(), why=f["why"].strip())
                       for f in raw.get("failure", [])),
    )


# Top-level array name -> builder, for the kinds that hold items with ids.
LISTS: dict[str, Callable[[Raw], Any]] = {
    "archetypes": archetype,
    "questions": question,
    "scenarios": scenario,
    "red_flags": red_flag,
    "templates": template,
    "levels": level,
    "samples": sample,
}
# Top-level single tables: a later pack's table replaces the earlier one whole.
SINGLES: dict[str, Callable[[Raw], Any]] = {
    "failure_probe": failure_probe,
    "pay": pay,
}
