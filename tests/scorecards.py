"""Realistic Scorecards (and a small pack to go with them) for the export tests and bench.

Built in code rather than through the live engine so the PDF tests can pin exact
ratings, notes and flags, and so the benchmark can scale the amount of text.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
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
from companion.scorecard import (
    Amendment,
    FlagEvent,
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    Scorecard,
    SectionTiming,
)

START = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
_DIMS = ("technical", "design", "ownership")
_TEXT = (
    "cache invalidation retries idempotency key queue backlog consumer lag replica failover "
    "timeout budget circuit breaker pagination cursor index migration rollback schema lock "
    "contention partition rebalance alert runbook oncall postmortem trade-off latency "
    "throughput consistency eventual strong write-ahead log snapshot backfill dedupe "
    "ordering offset commit poison message dead letter backpressure rate limit token bucket "
    "she explained that they would first measure then decide because the risk was mostly in "
    "the rollout and not in the code itself"
)
_WORDS = tuple(_TEXT.split(" "))


def words(n: int, seed: int) -> str:
    """``n`` words of plausible interview notes, deterministic per seed, in sentences."""
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(n):
        w = rng.choice(_WORDS)
        out.append(w.capitalize() if i == 0 or out[-1].endswith(".") else w)
        if rng.random() < 0.08 and i < n - 1:
            out[-1] += "."
    return " ".join(out) + "."


def make_pack(n_questions: int = 12, n_scenarios: int = 4) -> Pack:
    """A pack shaped like the built-in one: one archetype, cues at every level, probes."""
    questions = tuple(
        Question(
            id=f"q{i + 1:02d}", title=_topic(i),
            prompt=f"Walk me through how you would handle {_topic(i).lower()}.",
            archetypes=("api",), dimension=_DIMS[i % 3],
            cues=Cues(strong=f"Names the trade-off in {_topic(i).lower()} unprompted",
                      mid=f"Gets to a workable answer on {_topic(i).lower()} with a nudge",
                      thin="Describes tools, not decisions",
                      very_thin="Cannot give a concrete example"),
            probes=(Probe("why", "Why that choice over the obvious alternative?"),
                    Probe("scale", "What changes at ten times the load?")),
            opener=i == 0,
        ) for i in range(n_questions))
    scenarios = tuple(
        Scenario(
            id=f"s{i + 1:02d}", title=_system(i),
            prompt=f"Design {_system(i).lower()}.", archetypes=("api",), dimension="design",
            cues=Cues(strong="Sketches the data flow first, then the failure modes",
                      mid="Reasonable boxes, failure modes only when asked",
                      thin="Jumps to technology names",
                      very_thin="No coherent design"),
            probes=(Probe("why", "What would you build first, and why?"),),
            sketch_minutes=10, strong_first_move="Asks about the read/write ratio",
        ) for i in range(n_scenarios))
    flags = tuple(RedFlag(f"rf{i}", title, "sounds like it", "probe first", str(i))
                  for i, title in enumerate(
                      ("Blames others for outages", "Cannot explain own past design",
                       "Dismisses testing", "Hand-waves data loss", "No curiosity"), 1))
    return Pack(
        id="test-pack", version="1.0", title="Test pack",
        archetypes=(Archetype(
            id="api", title="API / service generalist", owns="public APIs",
            weights=(("technical", 40), ("design", 35), ("ownership", 25)),
            dimension_labels=(("technical", "API and service design"),
                              ("design", "System design"), ("ownership", "Ownership")),
            pay=PayBand(150_000, 210_000)),),
        questions=questions, scenarios=scenarios, red_flags=flags,
        templates=(RoundTemplate("technical", "technical", "Technical deep-dive", 60,
                                 (Section("intro", "Introduction", 5),
                                  Section("questions", "Questions", 40, "questions"),
                                  Section("close", "Candidate questions", 15))),),
        levels=(LevelRule("senior", "Senior", "owns a service", "take_home", True),),
        failure_probe=FailureProbe(
            "What happens when this fails?",
            (("database", "the primary database"), ("queue", "the message queue"),
             ("downstream", "a downstream service")),
            ("recovery strategy", "retry behaviour", "consistency trade-off")),
        pay=PayAnchors(180_000, 40, "2025", 150_000, 220_000, 300, 600),
    )


def _topic(i: int) -> str:
    topics = ("Pagination", "Idempotent writes", "Schema migrations", "Rate limiting",
              "Caching", "Retries", "Observability", "Auth tokens", "Bulk imports",
              "API versioning", "On-call", "Incident review")
    return topics[i % len(topics)]


def _system(i: int) -> str:
    systems = ("A webhook delivery service", "An order ledger", "A feature-flag service",
               "A search indexer")
    return systems[i % len(systems)]


def make_scorecard(
    pack: Pack,
    *,
    interviewer: str = "Priya Raman",
    candidate: str = "Zoë Łukasiewicz",
    ratings: dict[str, str | None] | None = None,
    recommendation: str | None = "yes",
    words_per_note: int = 40,
    seed: int = 1,
    submitted: bool = True,
    flags: Sequence[FlagRecord] = (),
    amendments: Sequence[Amendment] = (),
    item_ids: Sequence[str] | None = None,
    sc_id: str | None = None,
) -> Scorecard:
    """A finished round: every listed item rated (default "mid"), notes, probes, timings."""
    ids = list(item_ids) if item_ids is not None else [
        *(q.id for q in pack.questions), *(s.id for s in pack.scenarios)]
    ratings = ratings or {}
    items = []
    t = START + timedelta(minutes=5)
    for n, item_id in enumerate(ids):
        item = pack.item(item_id)
        probes: list[ProbeAnswer] = [
            ProbeAnswer("why", True, "mid", words(12, seed * 1000 + n * 7 + 1), t)]
        if item.kind == "scenario":
            probes += [ProbeAnswer(f"failure.{tgt}", True, r, words(15, seed * 1000 + n + k), t)
                       for k, (tgt, r) in enumerate(
                           (("database", "strong"), ("queue", "thin"), ("downstream", "mid")))]
        items.append(ItemRecord(
            item_id=item_id, kind=item.kind, rating=ratings.get(item_id, "mid"), rated_at=t,
            probes=tuple(probes), said=words(words_per_note, seed * 100 + n),
            read=words(max(words_per_note // 3, 5), seed * 100 + n + 50),
            time_spent_s=240 + 37 * n))
        t += timedelta(minutes=4)
    return Scorecard(
        id=sc_id or f"round-{seed}-{interviewer.split()[0].lower()}",
        candidate=candidate, interviewer=interviewer, archetype="api", level="senior",
        template_id="technical", round_title="Technical deep-dive",
        pack_id=pack.id, pack_version=pack.version, started_at=START,
        submitted_at=START + timedelta(minutes=62) if submitted else None,
        duration_s=62 * 60, items=tuple(items), flags=tuple(flags),
        sections=(SectionTiming("intro", "Introduction", 300, 420, START),
                  SectionTiming("questions", "Questions", 2400, 2700,
                                START + timedelta(minutes=7)),
                  SectionTiming("close", "Candidate questions", 900, 600,
                                START + timedelta(minutes=52))),
        said=words(30, seed + 7), read=words(20, seed + 8),
        recommendation=recommendation, summary=words(50, seed + 9),
        amendments=tuple(amendments),
    )


def flag(flag_id: str, state: str, evidence: str, minutes: float,
         item_id: str | None = None) -> FlagRecord:
    at = START + timedelta(minutes=minutes)
    events = [FlagEvent("probed", at)]
    if state == "confirmed":
        events.append(FlagEvent("confirmed", at + timedelta(minutes=3)))
    return FlagRecord(flag_id, state, tuple(events), evidence, item_id)


def with_notes(sc: Scorecard, item_id: str, said: str, read: str = "") -> Scorecard:
    """The same scorecard with one item's notes replaced."""
    items = tuple(replace(it, said=said, read=read or it.read) if it.item_id == item_id else it
                  for it in sc.items)
    return replace(sc, items=items)
