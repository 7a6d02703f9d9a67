"""Realistic Scorecards over the built-in pack, for the export tests and the benchmark.

Built in code rather than through the live engine so the PDF tests can pin exact
ratings, notes and flags, and so the benchmark can scale the amount of text.
Ids come from the pack itself, so the helpers follow content edits.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from companion.content.loader import builtin_pack
from companion.content.model import Pack
from companion.record.scorecard import (
    Amendment,
    FlagEvent,
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    Scorecard,
    SectionTiming,
)

START = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
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
        # A third of the words are made up, so the text is not unrealistically repetitive
        # (the PDF export remembers word widths; a tiny vocabulary would flatter it).
        w = rng.choice(_WORDS) if rng.random() < 0.67 else "".join(
            rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))
        out.append(w.capitalize() if i == 0 or out[-1].endswith(".") else w)
        if rng.random() < 0.08 and i < n - 1:
            out[-1] += "."
    return " ".join(out) + "."


def pack() -> Pack:
    """The real built-in pack (cached by the loader)."""
    return builtin_pack()


def hex_id(text: str) -> str:
    """A round id of the app's form (32 lower-case hex digits), the same for the same text."""
    return hashlib.md5(text.encode()).hexdigest()


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
    """A finished round: every listed item rated (default "mid"), notes, probes, timings.

    Without ``item_ids`` it covers every question and scenario of the pack for the
    "api" archetype.
    """
    ids = list(item_ids) if item_ids is not None else [
        *(q.id for q in pack.questions if q.suits("api")),
        *(s.id for s in pack.scenarios if s.suits("api"))]
    ratings = ratings or {}
    items = []
    t = START + timedelta(minutes=5)
    for n, item_id in enumerate(ids):
        item = pack.item(item_id)
        probes: list[ProbeAnswer] = [
            ProbeAnswer(p.id, True, "mid", words(12, seed * 1000 + n * 7 + k), t)
            for k, p in enumerate(item.probes[:2])]
        if item.kind == "scenario" and getattr(item, "failure_probes", False):
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
        id=sc_id or hex_id(f"round-{seed}-{interviewer.split()[0].lower()}"),
        candidate=candidate, interviewer=interviewer, archetype="api", level="senior",
        template_id="technical", round_title=pack.template("technical").title,
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


def pdf_pages(path: object) -> list[str]:
    """The text of each page of a PDF, as a PDF reader extracts it."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def pdf_body(path: object) -> str:
    """The document's running text: footers, page numbers and running heads taken out,
    so a note that continues on the next page reads as one piece again."""
    import re

    out: list[str] = []
    for i, page in enumerate(pdf_pages(path)):
        lines = [ln for ln in page.splitlines()
                 if ln.strip() != "Confidential: candidate data"
                 and not re.fullmatch(r"\s*page \d+ of \d+\s*", ln)]
        if i and lines and lines[0].startswith(("Scorecard: ", "Panel debrief: ")):
            lines = lines[1:]
        out.extend(lines)
    return "\n".join(out)


def squash(text: str) -> str:
    """Text without any whitespace: line wrapping must not hide a note that is there."""
    return "".join(text.split())
