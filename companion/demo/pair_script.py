"""What happens in the demo round, step by step, for each of the two interviewers.

Both sat in one paired scenario round and heard the same answers, so their "said"
notes agree on the facts; their "read" notes, ratings, flags and recommendations
do not. The candidate and interviewers are invented. ``after_s`` is how long after
the previous step (on the round's clock) each step happens.
"""

from __future__ import annotations

from dataclasses import dataclass

ARCHETYPE = "distributed"
LEVEL = "senior"
TEMPLATE = "scenario"
SCENARIO = "s-read-timeouts"
CANDIDATE = "Alex Moreno (demo)"


@dataclass(frozen=True)
class NextSection:
    after_s: float


@dataclass(frozen=True)
class Notes:
    """Replace the scenario's notes (or the round's, with ``round_level``)."""

    after_s: float
    said: str
    read: str
    round_level: bool = False


@dataclass(frozen=True)
class Probe:
    after_s: float
    probe_id: str
    rating: str
    note: str


@dataclass(frozen=True)
class Flag:
    after_s: float
    flag_id: str
    state: str
    evidence: str


@dataclass(frozen=True)
class Rate:
    after_s: float
    rating: str


Step = NextSection | Notes | Probe | Flag | Rate


@dataclass(frozen=True)
class InterviewerScript:
    interviewer: str
    offset_s: float  # when this interviewer's laptop started the round
    steps: tuple[Step, ...]
    recommendation: str
    summary: str


def _growing(*parts: str) -> tuple[str, ...]:
    """Notes as they grow during the round: each version adds one part to the last."""
    return tuple(" ".join(parts[: n + 1]) for n in range(len(parts)))


# Each interviewer's notes box at three moments of the round.
_DANA_SAID = _growing(
    "Did not draw anything until he had numbers: asked for request rate and the latency "
    "split. Told 1,800 req/s, p50 90 ms, p99 4.2 s, he said the gap means a slow minority "
    "of requests rather than a box that is out of CPU.",
    "Found the pool wait himself from the two log timestamps. Fix: cache the hot keys, "
    "move the report query to a replica.",
    "On operations: alert on p99 per route, not on the average.",
)
_DANA_READ = _growing(
    "Right first move. Calm, asked before assuming.",
    "The diagnosis is the part that matters on call and it was the best I have seen this "
    "quarter.",
    "Queue failure is a real gap, but he said plainly he had not run that part.",
)
_MARCUS_SAID = _growing(
    "Asked for rps and percentiles first. 1.8k req/s, p99 4.2 s vs p50 90 ms: \"a slow "
    "minority, not a saturated host\".",
    "Spotted the pool wait from the log timestamps. Fix: cache the hot keys, replica for "
    "the report query.",
    "Ops: alert on p99 per route.",
)
_MARCUS_READ = _growing(
    "Textbook opening, but the numbers did not drive the fix: he reached for a cache "
    "before showing the hot keys were the slow ones.",
    "Failure handling beyond the database was thin, and that is the job.",
)

DANA = InterviewerScript(
    interviewer="Dana Whitfield",
    offset_s=0.0,
    recommendation="yes",
    summary=(
        "Measured before touching anything and found the slow tail on his own. His fixes "
        "were sound if cache-first. He went vague on queue failures (poison messages, "
        "consumer idempotency); I would check that in the behavioural round. Yes for "
        "senior."
    ),
    steps=(
        Notes(240, _DANA_SAID[0], _DANA_READ[0]),
        NextSection(420),
        Probe(300, "where", "strong",
              "Compare load balancer and app access logs: if the app finishes in 2 s and "
              "the balancer waited 5 s, the time is spent waiting for a worker or a pooled "
              "connection."),
        Flag(480, "buzzwords", "probed",
             "Offered Kafka, a service mesh and gRPC streaming as fixes for a read path. "
             "Asked which he had run himself: described a Kafka consumer group he owned, "
             "so partly real. Left at probed."),
        Probe(360, "second-layer", "mid",
              "Cache-aside for the hot keys, then a read replica for the report query. "
              "Only covered read-after-write lag on the replica once I asked."),
        Probe(300, "verify", "mid",
              "Would watch p99 on the dashboard for a day. No load test, no before/after "
              "at the same traffic."),
        Notes(240, _DANA_SAID[1], _DANA_READ[1]),
        NextSection(60),
        Probe(180, "failure.database", "strong",
              "Primary down: reads carry on from the replica with a stale-data header, "
              "writes fail fast with 503 and Retry-After. Accepts up to a minute of stale "
              "reads and said so."),
        Probe(300, "failure.queue", "thin",
              "\"The queue retries it.\" Could not say what happens to a message that "
              "fails every time, or whether the consumer can take the same message twice."),
        Probe(300, "failure.downstream", "mid",
              "300 ms timeout and a circuit breaker on the pricing call, serve the last "
              "known price. Two retries with jitter; unsure who owns the retry budget."),
        Rate(60, "strong"),
        NextSection(90),
        Notes(420, _DANA_SAID[2], _DANA_READ[2]),
        NextSection(120),
        Notes(200, "Asked how our incident reviews work and who is on call for this "
              "service. Runs a weekly latency review at his current job.",
              "Curious, owns what he does not know. Took push-back on the queue well.",
              round_level=True),
    ),
)

MARCUS = InterviewerScript(
    interviewer="Marcus Lee",
    offset_s=20.0,
    recommendation="no",
    summary=(
        "Good vocabulary and a tidy opening, but every push for detail thinned the answer: "
        "a cache as the fix, no plan to prove it worked, nothing on duplicate or poisoned "
        "messages. This role owns a tier-1 service on call; I need to see failure handling "
        "at this level. No."
    ),
    steps=(
        Notes(260, _MARCUS_SAID[0], "Textbook opening. Waiting to see if he uses the numbers."),
        NextSection(400),
        Probe(320, "where", "mid",
              "Compare balancer and app timings; the gap is queueing for a worker or a "
              "pooled connection. Needed a nudge to say which pool."),
        Flag(450, "buzzwords", "confirmed",
             "For one slow read endpoint: \"Kafka, a mesh, gRPC streaming and "
             "OpenTelemetry everywhere\". Could not tie the mesh or gRPC to anything he "
             "had shipped."),
        Probe(380, "second-layer", "thin",
              "Cache first, replica second. Replica lag only came up when Dana asked."),
        Flag(200, "no-tradeoffs", "probed",
             "Cache-aside or replica? \"It depends on the use case\", twice, before "
             "picking the replica without a reason."),
        Probe(180, "verify", "thin",
              "\"Watch the dashboard.\" No percentile target, no comparison at equal load."),
        Notes(200, _MARCUS_SAID[1], _MARCUS_READ[0]),
        NextSection(50),
        Probe(200, "failure.database", "mid",
              "Reads from the replica with a staleness header, writes get 503 + "
              "Retry-After. Named the stale-read trade-off, no number for lag."),
        Probe(290, "failure.queue", "very_thin",
              "\"The queue retries it.\" Nothing on poison messages, dead letters or a "
              "consumer seeing the same message twice."),
        Probe(300, "failure.downstream", "thin",
              "Timeout plus circuit breaker, last known price. Retries with jitter but "
              "could not say how retries from many callers stay bounded."),
        Rate(70, "thin"),
        NextSection(80),
        Notes(400, _MARCUS_SAID[2], _MARCUS_READ[1]),
        NextSection(130),
        Notes(180, "Asked who owns the cache today and how big the team is.",
              "Pleasant and quick. Would not commit to one design and defend it.",
              round_level=True),
    ),
)

SCRIPTS: tuple[InterviewerScript, ...] = (DANA, MARCUS)
