"""Hand-built packs and scorecards for the exchange and session tests (no tests here)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from companion.content.model import (
    Archetype,
    Cues,
    FailureProbe,
    LevelRule,
    Pack,
    PayAnchors,
    PayBand,
    Probe,
    Question,
    RedFlag,
    RoundTemplate,
    Scenario,
    Section,
)
from companion.record.changes import ROUND, Amendment, EditText
from companion.record.scorecard import (
    FlagEvent,
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    Scorecard,
    SectionTiming,
)

T0 = datetime(2026, 11, 20, 15, 0, 0, 123456, tzinfo=UTC)


def tiny_pack(pack_id: str = "tiny", version: str = "3") -> Pack:
    """A pack with one question, one scenario and two red flags: enough to check ids."""
    cues = Cues(strong="names numbers", thin="vague")
    return Pack(
        id=pack_id, version=version, title="Tiny test pack",
        archetypes=(Archetype(id="distributed", title="Distributed", owns="queues",
                              weights=(("technical", 35), ("design", 45), ("ownership", 20)),
                              dimension_labels=(), pay=PayBand(1, 2)),),
        questions=(Question(id="q-queue", title="Queues", prompt="When a queue?",
                            archetypes=("distributed",), dimension="technical", cues=cues,
                            probes=(Probe("semantics", "Delivery semantics?"),)),),
        scenarios=(Scenario(id="s-side-effect", title="Side effect", prompt="Add an event",
                            archetypes=("distributed",), dimension="design", cues=cues,
                            probes=(Probe("ordering", "Ordering?"),)),),
        red_flags=(RedFlag(id="buzzwords", title="Buzzwords", sounds_like="x",
                           probe_first="y"),
                   RedFlag(id="no-tradeoffs", title="No trade-offs", sounds_like="x",
                           probe_first="y")),
        templates=(RoundTemplate(id="scenario", kind="scenario", title="Scenario round",
                                 minutes=75, sections=(Section("intro", "Intro", 5),)),),
        levels=(LevelRule(id="senior", title="Senior", expects="", default_coding="take_home",
                          take_home_paid=True),),
        failure_probe=FailureProbe(question="What if it fails?",
                                   targets=(("database", "db"), ("queue", "q"),
                                            ("downstream", "d")),
                                   complete_answer=("recovery", "retry", "trade-off")),
        pay=PayAnchors(1, 1, "", 1, 2, 1, 2),
    )


def sample_scorecard(**changes: object) -> Scorecard:
    """A submitted scorecard touching every field, valid for ``tiny_pack()``."""
    sc = Scorecard(
        id="r-7f3c2a", candidate="Zoë Ångström", interviewer="Dana Whitfield",
        archetype="distributed", level="senior", template_id="scenario",
        round_title="Scenario round", pack_id="tiny", pack_version="3",
        started_at=T0, submitted_at=T0 + timedelta(minutes=71, seconds=3.5),
        duration_s=4263.5,
        items=(
            ItemRecord(item_id="q-queue", kind="question", rating="mid",
                       rated_at=T0 + timedelta(minutes=9),
                       probes=(ProbeAnswer("semantics", True, "thin", "said exactly-once",
                                           T0 + timedelta(minutes=8)),),
                       said="Queue for bursts; \"at least once\" + dedupe", read="solid",
                       time_spent_s=612.25),
            ItemRecord(item_id="s-side-effect", kind="scenario", rating="skip",
                       rated_at=None,
                       probes=(ProbeAnswer("failure.database", True, "strong", "outbox"),
                               ProbeAnswer("failure.queue", True, "mid", ""),
                               ProbeAnswer("failure.downstream", False)),
                       said="línea 1\nline 2 ✓", read="", time_spent_s=0.0),
        ),
        flags=(FlagRecord("buzzwords", "confirmed",
                          (FlagEvent("probed", T0 + timedelta(minutes=3)),
                           FlagEvent("confirmed", T0 + timedelta(minutes=5))),
                          evidence="Kafka, mesh, gRPC in one breath", item_id="q-queue"),),
        sections=(SectionTiming("intro", "Intro", 300.0, 320.5, T0),
                  SectionTiming("design", "Design", 2700.0, 0.0, None)),
        said="round said", read="round read", recommendation="no",
        summary="Knows the words; thin on failure.",
        amendments=(Amendment(T0 + timedelta(hours=2), EditText(ROUND, "summary", "new"),
                              EditText(ROUND, "summary", "old"), "typo"),),
        extra={"client": {"os": "linux"}, "n": [1, 2]},
    )
    return replace(sc, **changes)  # type: ignore[arg-type]
