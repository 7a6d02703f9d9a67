"""Fuzzers for what comes from outside: scorecard exchange files and question packs,
and the wide panels and teams such files can add up to.

Each case is a mutated copy of a valid input. Scorecard mutations work on the JSON
tree (wrong types, other enum values with invisible marks, far dates, huge numbers,
duplicated or multiplied list entries, deep nesting, amendments that change the
wrong thing) and on the text (number tokens of 4,301 digits, NaN, truncation, bad
bytes); the content hash is recomputed after each, so the case reaches the deep
validation instead of stopping at "changed after export". Pack mutations work on
the TOML text and on the parsed tables written back out.

Every case must end in one of two ways within ``HANG_S`` seconds:

- refused, with one line that starts with the file's name; or
- accepted, and then it must also go all the way: a scorecard renders as a PDF,
  merges into a debrief, is stored and read back, shows as text and is written
  out again; a pack plans a loop, runs a round through the live engine, and
  renders its scorecard and debrief.

Panels (``panel_cases``) and teams are valid by construction, so each must be
accepted: a panel of up to sixty scorecards with names of up to 200 characters makes
its debrief, a team of up to sixty interviewers its calibration text, JSON and PDF.

Anything else (a traceback, a wrong kind of error, a hang) is a fault, recorded with
the case that caused it. ``tests/test_fuzz.py`` runs a few hundred cases in the
default suite; ``bench/fuzz_inputs.py`` runs thousands.
"""

from __future__ import annotations

import contextlib
import copy
import json
import random
import signal
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from companion.base.errors import CompanionError, ContentError, ImportFileError
from companion.content.loader import builtin_pack, load_pack
from companion.content.model import Pack
from companion.exchange.files import (
    content_hash,
    read_scorecard_file,
    scorecard_document,
    write_scorecard_file,
)
from companion.record.changes import (
    ROUND,
    Amendment,
    AnswerProbe,
    EditText,
    Rate,
    Recommend,
    StepFlag,
)
from companion.record.scorecard import Scorecard

HANG_S = 10  # a case still running after this long is a hang


class Hang(Exception):
    """Raised by the alarm when a case runs past ``HANG_S``."""


@dataclass
class Tally:
    """What a run found: counts by outcome, the slowest case, and every fault in full."""

    cases: int = 0
    refused: int = 0
    accepted: int = 0
    faults: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    slowest_s: float = 0.0
    slowest: str = ""

    def line(self, what: str) -> str:
        return (f"{what}: {self.cases} cases, {self.accepted} accepted (and exported), "
                f"{self.refused} refused in one line, {len(self.faults)} faults, "
                f"{len(self.hangs)} hangs over {HANG_S} s; slowest {self.slowest_s:.2f} s "
                f"({self.slowest})")


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def ring(_sig: int, _frame: FrameType | None) -> None:
        raise Hang(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _run_case(tally: Tally, name: str, check: Callable[[], bool]) -> None:
    """Run one case's check: True accepted, False refused; anything raised is a fault."""
    tally.cases += 1
    start = time.perf_counter()
    try:
        with _deadline(HANG_S):
            accepted = check()
    except Hang:
        tally.hangs.append(name)
        return
    except Exception:  # the fuzzer's job: every escape is a finding
        tally.faults.append(f"{name}\n{traceback.format_exc()}")
        return
    elapsed = time.perf_counter() - start
    if elapsed > tally.slowest_s:
        tally.slowest_s, tally.slowest = elapsed, name
    if accepted:
        tally.accepted += 1
    else:
        tally.refused += 1


def _one_line(message: str, name: str) -> None:
    if "\n" in message or not message.startswith(f"{name}: "):
        raise AssertionError(f"not one line naming {name}: {message!r}")


# ------------------------------------------------------------------ scorecard inputs

_ODD_TEXT = ("", " ", "x" * 5000, "\u200f\u200e", "\ud800", "\x00\x1b[31m", "a\r\nb\rc",
             "王芳 😀 Ünïcödé", "\u202eevil", "../../etc/passwd", "a:b", "NUL", "\n" * 50,
             "word " * 3000, "y" * 250_000, "line\n" * 2500)
_ODD_NUMBERS: tuple[Any, ...] = (0, -1, 1, 1.5, -0.0, 10**17, 10**19, 1e308, 2**63, 7 * 10**5)
_ODD_DATES = ("2026-11-20T14:00:00+00:00", "2026-11-20T14:00:00", "9999-12-31T23:59:59-14:00",
              "0001-01-01T00:00:00+14:00", "2201-01-01T00:00:00+00:00",
              "1999-12-31T23:59:59-01:00", "yesterday", "2026-02-30T10:00:00+00:00",
              "2026-11-20T14:00:00.123456+05:45")
_ENUMS = ("strong", "mid", "thin", "very_thin", "skip", "Thin", "thin ", "thin\u200f",
          "yes", "no", "strong_yes", "neutral", "off", "probed", "confirmed", "question",
          "scenario", "quiz", "rate", "probe", "flag", "text", "recommend", "said", "read",
          "summary", "notes")


def _slots(root: Any) -> list[tuple[Any, Any]]:
    """(container, key) pairs a mutation can land on: the top dozen levels, and at most
    the first 40 entries of a list (a list multiplied 2,100 times is walked once)."""
    out: list[tuple[Any, Any]] = []
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack and len(out) < 20_000:
        node, depth = stack.pop()
        if depth > 12:
            continue
        keys = list(node) if isinstance(node, dict) else \
            range(min(len(node), 40)) if isinstance(node, list) else ()
        for key in keys:
            out.append((node, key))
            stack.append((node[key], depth + 1))
    return out


# The largest document the fuzzer writes out; beyond it a case is just "too large".
_MOST_TEXT = 6 * 1024 * 1024


def _too_big(root: Any, most: int = _MOST_TEXT) -> bool:
    """Whether ``root`` would serialise to more than ``most`` characters (roughly; shared
    subtrees count each time, as json.dumps writes them), found without writing it."""
    total = 0
    stack = [root]
    while stack:
        node = stack.pop()
        total += len(node) + 2 if isinstance(node, str) else 8
        if total > most:
            return True
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _deep(rng: random.Random) -> Any:
    value: Any = rng.choice(([], {}, "x", 0))
    for _ in range(rng.choice((4, 15, 17, 40, 600))):  # deeper: see _text_mutation
        value = [value] if rng.random() < 0.5 else {"k": value}
    return value


def _odd_value(rng: random.Random, ids: list[str]) -> Any:
    pick = rng.random()
    if pick < 0.2:
        return rng.choice(_ODD_TEXT)
    if pick < 0.35:
        return rng.choice(_ODD_NUMBERS)
    if pick < 0.5:
        return rng.choice(_ODD_DATES)
    if pick < 0.7:
        return rng.choice(_ENUMS)
    if pick < 0.85:
        return rng.choice(ids)
    if pick < 0.9:
        return _deep(rng)
    return rng.choice((None, True, False, [], {}, ["thin"], {"a": 1}))


def _amendment(sc: Scorecard, pack: Pack, rng: random.Random, wild: bool = True) -> Amendment:
    """An amendment of the kind the engine writes; ``wild`` ones sometimes change what the
    round does not have."""
    at = (sc.submitted_at or sc.started_at) + timedelta(minutes=rng.randint(1, 500))
    items = [it.item_id for it in sc.items] or ["q-none"]
    item = rng.choice([*items, "q-missing"] if wild and rng.random() < 0.1 else items)
    flag = rng.choice([f.id for f in pack.red_flags])
    kind = rng.randrange(5)
    if kind == 0:
        return Amendment(at, Rate(item, rng.choice(("mid", "thin", None)), at),
                         Rate(item, "strong", None))
    if kind == 1:
        probe = rng.choice(("failure.queue", "failure.database", *(("made-up",) if wild else ())))
        new = AnswerProbe(item, probe, True, rng.choice(("mid", None)), "said retries", at)
        return Amendment(at, new, AnswerProbe(item, probe, False, None, "", None))
    if kind == 2:
        return Amendment(at, StepFlag(flag, rng.choice(("probed", "off")), at, "evidence",
                                      item), StepFlag(flag, "off", at))
    if kind == 3:
        owner = rng.choice((ROUND, item))
        field = "summary" if owner == ROUND and rng.random() < 0.3 else rng.choice(
            ("said", "read"))
        return Amendment(at, EditText(owner, field, "new text " * rng.randint(1, 50)),
                         EditText(owner, field, "old text"))
    return Amendment(at, Recommend(rng.choice(("yes", "no"))), Recommend("strong_no"))


def scorecard_seeds(pack: Pack) -> list[Scorecard]:
    """Small valid scorecards over ``pack`` (small, so that accepted cases export quickly)."""
    from tests.scorecards import flag, make_scorecard

    qs = [q.id for q in pack.questions if q.suits("api", "senior")]
    ss = [s.id for s in pack.scenarios if s.suits("api", "senior")]
    plain = make_scorecard(pack, interviewer="Sam Ortiz", candidate="Dana Whitfield",
                           item_ids=[qs[0], ss[0]], words_per_note=12, seed=11,
                           flags=[flag(pack.red_flags[0].id, "confirmed", "named five tools",
                                       9, qs[0])])
    rng = random.Random(3)
    amended = plain
    for _ in range(4):
        amended = amended.apply(_amendment(amended, pack, rng))
    unsubmitted = replace(make_scorecard(pack, interviewer="Lee Park", item_ids=[qs[1]],
                                         words_per_note=8, seed=12, submitted=False),
                          candidate="Dana Whitfield")
    return [plain, amended, unsubmitted]


def _text_mutation(text: str, rng: random.Random) -> str:
    """A change to the JSON text itself: the kind a tree cannot hold."""
    pick = rng.randrange(7)
    numbers = [i for i, ch in enumerate(text) if ch.isdigit() and text[i - 1] in ": ["]
    if pick == 0 and numbers:
        at = rng.choice(numbers)
        end = at
        while end < len(text) and (text[end].isdigit() or text[end] in ".eE+-"):
            end += 1
        token = rng.choice(("7" * 4301, "NaN", "Infinity", "-Infinity", "1e999", "9" * 40,
                            "-" + "1" * 19, "1" * 18))
        return text[:at] + token + text[end:]
    if pick == 1:
        return text[: rng.randrange(len(text))]
    if pick == 2:
        at = rng.randrange(len(text))
        return text[:at] + chr(rng.randrange(0x20, 0x3000)) + text[at + 1:]
    if pick == 3:
        return "\ufeff" + text
    if pick == 4:
        at = text.find('"said": "')
        return text if at < 0 else text[:at + 9] + "\\ud83d\\ude00\\udc00" + text[at + 9:]
    if pick == 5:
        at = text.find('"extra": {')
        return text if at < 0 else text[:at + 10] + '"d": ' + "[" * 3000 + "]" * 3000 + \
            ", " + text[at + 10:]
    return text.replace('"items": [', '"items": [' + "[" * 20, 1)


_TEXT_PIECES = ("retries with backoff", "王芳说缓存", "Ünïcödé", "😀", "\u200f", "\t", "\n",
                "a" * 400, "consumer lag " * 30, "<b>&amp;</b>", "%s {0}", "\u0301", " ")


def _plausible(sc: Scorecard, pack: Pack, rng: random.Random) -> Scorecard:
    """``sc`` changed the way a real (or hurried, or foreign-script) interviewer might:
    within what the intake accepts, so the case goes on to the exports."""
    def text() -> str:
        return "".join(rng.choice(_TEXT_PIECES) for _ in range(rng.choice((0, 3, 40, 400))))

    items = tuple(replace(it, said=text(), read=text(),
                          rating=rng.choice(("strong", "mid", "thin", "very_thin", "skip",
                                             None)))
                  if rng.random() < 0.5 else it for it in sc.items)
    sc = replace(sc, items=items, summary=text(), said=text(),
                 candidate=rng.choice((sc.candidate, "王芳", "Zoë Ångström-Łukasiewicz",
                                       "A" * 200)))
    for _ in range(rng.choice((0, 1, 5, 30))):
        sc = sc.apply(_amendment(sc, pack, rng, wild=False))
    return sc


def scorecard_cases(pack: Pack, seed: int, count: int) -> Iterator[tuple[str, bytes]]:
    """``count`` mutated exchange files, deterministic for ``seed``.

    About a third start from a plausible change (long notes in any script, a rating
    changed after submission many times) so that accepted files reach the exports;
    the rest, and some of those, are broken on purpose.
    """
    rng = random.Random(seed)
    originals = scorecard_seeds(pack)
    seeds = [scorecard_document(sc) for sc in originals]
    ids = sorted({it.id for it in (*pack.questions, *pack.scenarios)}
                 | {f.id for f in pack.red_flags} | {"failure.queue", "failure.cache"})
    v1 = Path(__file__).parent / "fixtures" / "v1_scorecard.icscore.json"
    legacy = json.loads(v1.read_text(encoding="utf-8"))
    for n in range(count):
        plausible = rng.random() < 0.35
        if plausible:
            doc = scorecard_document(_plausible(rng.choice(originals), pack, rng))
        else:
            doc = copy.deepcopy(legacy if rng.random() < 0.08 else rng.choice(seeds))
        payload = doc["scorecard"]
        for _ in range(0 if plausible and rng.random() < 0.7 else rng.choice((1, 1, 1, 2, 3))):
            slots = _slots(payload)
            parent, key = rng.choice(slots)
            op = rng.random()
            if op < 0.45:
                parent[key] = _odd_value(rng, ids)
            elif op < 0.55 and isinstance(parent, dict):
                del parent[key]
            elif op < 0.6 and isinstance(parent, dict):
                parent[rng.choice(("extra_key", "said", "rating"))] = _odd_value(rng, ids)
            elif op < 0.8:
                lists = [(c, k) for c, k in slots if isinstance(c[k], list) and c[k]]
                if lists:
                    c, k = rng.choice(lists)
                    items = c[k]
                    times = rng.choice((2, 2, 3, 60, 300, 2100))
                    c[k] = [*items, rng.choice(items)] if times == 2 else items * times
            else:  # a value from somewhere else in the scorecard
                donor, donor_key = rng.choice(slots)
                parent[key] = donor[donor_key]  # shared, not copied: it is written out once
        if _too_big(doc):  # a list multiplied past any cap: the file is simply too large
            yield f"scorecard case {n} (seed {seed})", b" " * (_MOST_TEXT + 1)
            continue
        with contextlib.suppress(ValueError, RecursionError, TypeError):
            doc["content_sha256"] = content_hash(payload)  # reach the deep checks
        try:
            text = json.dumps(doc, ensure_ascii=rng.random() < 0.5, indent=rng.choice((None, 1)))
        except (ValueError, RecursionError):
            text = json.dumps({"format": "interview-companion/scorecard", "broken": True})
        if rng.random() < (0.05 if plausible else 0.25):
            text = _text_mutation(text, rng)
        yield f"scorecard case {n} (seed {seed})", text.encode("utf-8", "surrogatepass")


class ScorecardOracle:
    """Checks one exchange file end to end (see the module text)."""

    def __init__(self, pack: Pack, work: Path) -> None:
        from companion.store import Store

        self.pack = pack
        self.work = work
        self.store = Store.open(work / "data")
        self.seed = scorecard_seeds(pack)[0]

    def close(self) -> None:
        self.store.close()

    def __call__(self, name: str, raw: bytes) -> bool:
        from companion.commands.session_show import format_scorecard
        from companion.export.panel_pdf import render_panel
        from companion.export.scorecard_pdf import render_scorecard

        path = self.work / "case.icscore.json"
        path.write_bytes(raw)
        try:
            sc = read_scorecard_file(path, self.pack)
        except ImportFileError as exc:
            _one_line(str(exc), str(path))
            return False
        render_scorecard(sc, self.pack, self.work / "card.pdf")
        colleague = replace(self.seed, id=f"colleague-{sc.id}"[:100], candidate=sc.candidate,
                            interviewer=f"{sc.interviewer} (colleague)"[:200])
        try:
            render_panel([sc, colleague], self.pack, self.work / "panel.pdf")
        except CompanionError:
            if sc.submitted:
                raise
        self.store.save_imported(sc)
        format_scorecard(self.store.load_scorecard(sc.id), self.pack)
        again = write_scorecard_file(sc, self.work / "again.icscore.json")
        if read_scorecard_file(again, self.pack) != sc:
            raise AssertionError("a file written again reads back different")
        return True


def fuzz_scorecards(count: int, seed: int, work: Path,
                    progress: Callable[[int], None] | None = None) -> Tally:
    pack = builtin_pack()
    tally = Tally()
    oracle = ScorecardOracle(pack, work)
    try:
        for n, (name, raw) in enumerate(scorecard_cases(pack, seed, count)):
            _run_case(tally, name, lambda raw=raw, name=name: oracle(name, raw))  # type: ignore[misc]
            if progress:
                progress(n)
    finally:
        oracle.close()
    return tally


# ------------------------------------------------------------------ pack inputs

SEED_PACK = """\
[pack]
id = "team"
version = "0.3"
title = "Team pack"

[[questions]]
id = "q-rollback"
title = "Rolling back a bad deploy"
prompt = "A deploy went out ten minutes ago and errors are climbing. What do you do?"
archetypes = ["api", "distributed"]
dimension = "ownership"
levels = ["senior", "staff"]
watch_flags = ["blames-others"]
listen_minutes = 3

[questions.cues]
strong = "Rolls back first, investigates second, and tells people what is happening."
mid = "Rolls back, but only after a while of looking."
thin = "Starts debugging in production while errors keep climbing."
very_thin = "Keeps the deploy and hopes."

[[questions.probes]]
id = "comms"
text = "Who do you tell, and when?"

[[questions.probes]]
id = "after"
text = "What changes afterwards?"

[[scenarios]]
id = "s-webhooks"
title = "Deliver webhooks reliably"
prompt = "Design delivery of webhooks to customer endpoints that are often down."
archetypes = ["api"]
dimension = "design"
failure_probes = true
sketch_minutes = 4
strong_first_move = "Asks how many endpoints and how late is too late."

[scenarios.cues]
strong = "Queue per endpoint, retries with backoff, a dead-letter store and a replay tool."
thin = "Retries in a loop inside the request."

[[red_flags]]
id = "blames-others"
title = "Blames others"
sounds_like = "Every failure in every story was someone else's fault."
probe_first = "Ask what they would do differently themselves."
key = "6"

[[templates]]
id = "team-screen"
kind = "screen"
title = "Team screen"
minutes = 30
order = 5
levels = ["senior"]

[[templates.sections]]
id = "intro"
title = "Introductions"
minutes = 5

[[templates.sections]]
id = "questions"
title = "Questions"
minutes = 20
draws = "questions"
timer = "listen"
"""

_TOML_VALUES = ('""', '"x"', "0", "-5", "99999999999", "9" * 30, "1.5", "inf", "nan", "true",
                "[]", '["api"]', '["nope"]', "{}", '{strong = "s"}', "2026-11-20T10:00:00Z",
                '"' + "long " * 2000 + '"', '"a\\"b"', '"\\u200f"', "[" * 30 + "]" * 30,
                '"api"', '"design"', '"mid"', '"live"', '"questions"', '"7"')
_TOML_KEYS = ("id", "title", "prompt", "archetypes", "dimension", "levels", "minutes", "key",
              "draws", "timer", "kind", "order", "cues", "probes", '"we\\"ird"', '"x.y"',
              "unknown", "failure_probes", "max_questions", "coding_format", "senior_grade")


def _pack_text_mutation(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    if not lines:  # an earlier mutation cut the file to nothing: start it again
        return f"{rng.choice(_TOML_KEYS)} = {rng.choice(_TOML_VALUES)}\n"
    pick = rng.randrange(9)
    at = rng.randrange(len(lines))
    if pick == 0:
        del lines[at]
    elif pick == 1:
        lines.insert(at, lines[rng.randrange(len(lines))])
    elif pick == 2 and "=" in lines[at]:
        key = lines[at].split("=", 1)[0]
        lines[at] = f"{key}= {rng.choice(_TOML_VALUES)}"
    elif pick == 3:
        lines.insert(at, f"{rng.choice(_TOML_KEYS)} = {rng.choice(_TOML_VALUES)}")
    elif pick == 4:
        block = text[text.find("[[questions]]"):text.find("[[scenarios]]")]
        return text + "\n" + block * rng.choice((1, 2, 50))
    elif pick == 5:
        line = lines[at]
        if line:
            cut = rng.randrange(len(line))
            lines[at] = line[:cut] + rng.choice('"[]{}=#\\\n\'x\u200f') + line[cut + 1:]
    elif pick == 6:
        lines.insert(at, rng.choice(("[[questions]]", "[questions.cues]", "[pack]", "[pay]",
                                     "[[levels]]", "[failure_probe]", "[[archetypes]]")))
    elif pick == 7:
        return text[: rng.randrange(len(text))]
    else:
        lines[at] = lines[at].replace("q-rollback", rng.choice(
            ("q-pagination", "q:x", "a b", "q-rollback", "", "s-webhooks")))
    return "\n".join(lines) + "\n"


_PACK_TEXTS = ("Cache-aside with a TTL", "王芳的缓存问题", "Ünïcödé — “quoted”", "😀 emoji",
               "a" * 3900, "why? " * 700, "x\\ny", "tab\\there", "\\u200f mark")


def _pack_plausible(text: str, rng: random.Random) -> str:
    """A change a team editing its pack might make, within the limits: the case goes on."""
    lines = text.splitlines()
    pick = rng.randrange(4)
    texts = [i for i, ln in enumerate(lines)
             if ln.split("=", 1)[0].strip() in ("title", "prompt", "text", "strong", "mid",
                                                 "thin", "very_thin", "sounds_like")]
    if pick == 0 and texts:
        at = rng.choice(texts)
        lines[at] = f'{lines[at].split("=", 1)[0]}= "{rng.choice(_PACK_TEXTS)}"'
    elif pick == 1:
        n = rng.randrange(1000)
        lines += ["", "[[questions.probes]]", f'id = "extra-{n}"',
                  f'text = "{rng.choice(_PACK_TEXTS)}"']
    elif pick == 2:
        lines = [ln.replace("minutes = 20", f"minutes = {rng.choice((1, 15, 25))}")
                 for ln in lines]
    else:
        lines = [ln.replace('levels = ["senior", "staff"]', 'levels = ["mid"]') for ln in lines]
    return "\n".join(lines) + "\n"


def pack_cases(seed: int, count: int) -> Iterator[tuple[str, str]]:
    """``count`` mutated pack files, deterministic for ``seed``.

    About a third are only edited plausibly (so they load and go on to a round); the
    rest are broken on purpose.
    """
    rng = random.Random(seed)
    for n in range(count):
        text = SEED_PACK
        if rng.random() < 0.35:
            for _ in range(rng.choice((1, 2, 4))):
                text = _pack_plausible(text, rng)
        else:
            for _ in range(rng.choice((1, 1, 2, 3, 5))):
                text = _pack_text_mutation(text, rng)
        yield f"pack case {n} (seed {seed})", text


class PackOracle:
    """Checks one pack end to end: load, plan, run a round, export it."""

    def __init__(self, work: Path) -> None:
        from companion.store import Store

        self.work = work
        self.store = Store.open(work / "data")

    def close(self) -> None:
        self.store.close()

    def __call__(self, name: str, text: str) -> bool:
        path = self.work / "pack.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            pack = load_pack([path])
        except ContentError as exc:
            for line in exc.problems:
                _one_line(line, line.split(": ", 1)[0])
                if not (line.startswith(f"{path}: ") or line.startswith("builtin/")):
                    raise AssertionError(f"a problem line that names no file: {line!r}") \
                        from None
            return False
        self._round(pack)
        return True

    def _round(self, pack: Pack) -> None:
        from companion.content.planner import plan_loop
        from companion.export.panel_pdf import render_panel
        from companion.export.scorecard_pdf import render_scorecard
        from companion.live.clock import ManualClock
        from companion.live.engine import RoundEngine

        planned = None
        for arche in pack.archetypes:
            for level in pack.levels:
                try:
                    plan = plan_loop(pack, arche.id, level.id, base=150_000)
                except CompanionError:
                    continue
                planned = planned or next((r for r in plan.rounds if r.items), None)
                chosen = (arche.id, level.id)
        if planned is None:
            return
        clock = ManualClock()
        engine = RoundEngine.start(self.store, pack, planned, candidate="Fuzz Candidate",
                                   interviewer="Fuzz Interviewer", archetype=chosen[0],
                                   level=chosen[1], clock=clock)
        try:
            engine.start_round()
            for index, item in enumerate(engine.items):
                engine.jump(index)
                clock.advance(30)
                engine.rate("mid")
                for probe in item.probes[:2]:
                    engine.answer_probe(probe.id, asked=True)
                if item.kind == "scenario":
                    engine.answer_probe("failure.queue", asked=True, rating="thin", note="q")
                engine.edit_notes("said", f"notes on {item.title}")
            if pack.red_flags:
                engine.cycle_flag(pack.red_flags[0].id)
            engine.set_recommendation("yes")
            engine.submit()
        finally:
            engine.close()
        sc = self.store.load_scorecard(engine.round_id)
        render_scorecard(sc, pack, self.work / "card.pdf")
        render_panel([sc], pack, self.work / "panel.pdf")


def fuzz_packs(count: int, seed: int, work: Path,
               progress: Callable[[int], None] | None = None) -> Tally:
    tally = Tally()
    oracle = PackOracle(work)
    try:
        for n, (name, text) in enumerate(pack_cases(seed, count)):
            _run_case(tally, name, lambda text=text, name=name: oracle(name, text))  # type: ignore[misc]
            if progress:
                progress(n)
    finally:
        oracle.close()
    return tally


# ------------------------------------------------------------------ wide panels and teams

_NAME_CHARS = "abcdefghij xyz-éøł王芳😀\u202e"
_PANEL_SIZES = (1, 2, 3, 5, 8, 9, 13, 20, 33, 41, 60)


def _odd_name(rng: random.Random, longest: int) -> str:
    """A name of 1 to ``longest`` characters, from Latin, CJK, emoji and bidi marks."""
    size = rng.choice((1, 4, 12, 30, 60, 120, longest))
    return "".join(rng.choice(_NAME_CHARS) for _ in range(size)).strip() or "x"


def panel_cases(pack: Pack, seed: int, count: int) -> Iterator[tuple[str, list[Scorecard]]]:
    """Valid panels of one candidate, from one scorecard to sixty, with names and round
    titles of up to the 200 characters a file may carry, and every mix of ratings."""
    from companion.intake.limits import NAME_CHARS
    from tests.scorecards import make_scorecard

    ids = [it.id for it in (*pack.questions, *pack.scenarios)]
    steps = ("strong", "mid", "thin", "very_thin", "skip", None)
    recs = ("strong_no", "no", "yes", "strong_yes", None)
    for case in range(count):
        rng = random.Random(seed * 1_000_003 + case)
        size = rng.choice(_PANEL_SIZES)
        asked = rng.sample(ids, rng.randint(1, len(ids)))
        panel = []
        for k in range(size):
            mine = rng.sample(asked, rng.randint(1, len(asked)))
            sc = make_scorecard(pack, interviewer=_odd_name(rng, NAME_CHARS),
                                seed=rng.randrange(10**6), item_ids=mine,
                                ratings={i: rng.choice(steps) for i in mine},
                                words_per_note=rng.choice((0, 3, 40)),
                                recommendation=rng.choice(recs), sc_id=f"{case:016x}{k:016x}")
            if rng.random() < 0.3:
                sc = replace(sc, round_title=_odd_name(rng, NAME_CHARS))
            panel.append(sc)
        yield f"panel case {case} of {size} (seed {seed})", panel


def fuzz_panels(count: int, seed: int, work: Path,
                progress: Callable[[int], None] | None = None) -> Tally:
    """Each panel goes out as files, comes back through the intake and is merged into a
    debrief: it must render (a valid panel is never refused)."""
    from companion.export.panel_pdf import render_panel

    pack = builtin_pack()
    tally = Tally()

    def check(panel: list[Scorecard]) -> bool:
        back = [read_scorecard_file(write_scorecard_file(sc, work / f"{n}.icscore.json"), pack)
                for n, sc in enumerate(panel)]
        render_panel(back, pack, work / "panel.pdf")
        return True

    for n, (name, panel) in enumerate(panel_cases(pack, seed, count)):
        _run_case(tally, name, lambda panel=panel: check(panel))  # type: ignore[misc]
        if progress:
            progress(n)
    return tally


def fuzz_calibrations(count: int, seed: int, work: Path,
                      progress: Callable[[int], None] | None = None) -> Tally:
    """Simulated teams of 2 to 60 interviewers, named as ``panel_cases`` names them:
    calibration's text, JSON and PDF must all come out."""
    from companion.calibration.figures import compute
    from companion.calibration.text import figure
    from companion.export.calibration_pdf import render_calibration
    from companion.intake.limits import NAME_CHARS
    from tests.calibration_sim import Team, scorecards

    pack = builtin_pack()
    tally = Tally()

    def check(case: int) -> bool:
        rng = random.Random(seed * 1_000_003 + case)
        people = rng.choice((2, 3, 5, 12, 30, 45, 60))
        team = Team(rng.choice((2, 4, 8, 20, 60, 150)), interviewers=people,
                    panel=min(people, rng.choice((2, 3, 4))))
        scs, decisions = scorecards(team, seed=rng.randrange(10**6))
        names = {sc.interviewer: _odd_name(rng, NAME_CHARS) for sc in scs}
        cal = compute([replace(sc, interviewer=names[sc.interviewer]) for sc in scs],
                      decisions, pack)
        json.dumps(cal.to_dict())
        for f in cal.interviewers:
            figure(f.leniency, "steps")
        render_calibration(cal, pack, work / "calibration.pdf")
        return True

    for n in range(count):
        _run_case(tally, f"calibration case {n} (seed {seed})",
                  lambda n=n: check(n))  # type: ignore[misc]
        if progress:
            progress(n)
    return tally
