"""A small user pack of sample answers for practice tests (the built-in ones may change).

Its sample ids start with ``t-`` (``ours`` picks them out of the merged pool), so they
add to the built-in samples and replace none.

The answers are filler of the right length, marked with their level, so a test can
tell which sample it was shown; only the structure matters to the code under test.
"""

from __future__ import annotations

from pathlib import Path

from companion.calibration.stats.estimate import Estimate
from companion.content.loader import load_pack
from companion.content.model import CUE_LEVELS, Pack
from companion.practice.model import PracticeItem

HEADER = '[pack]\nid = "practice-test"\nversion = "0.1"\ntitle = "Practice test pack"\n\n'
ITEMS = ("q-pagination", "q-slow-query", "q-rate-limiting", "q-last-service")
SCENARIO = "s-read-timeouts"


def words(level: str, n: int) -> str:
    """``n`` words saying which level they stand for."""
    base = f"This answer was written at the {level} level and says so plainly".split()
    return " ".join(base[i % len(base)] for i in range(n))


def sample_table(sample_id: str, item: str, level: str, n_words: int = 70) -> str:
    return (f'[[samples]]\nid = "{sample_id}"\nitem = "{item}"\nlevel = "{level}"\n'
            f'answer = """{words(level, n_words)}"""\n'
            f'why = "Written to show {level}: it meets that anchor and no more."\n\n')


def failure_table(target: str, level: str, n_words: int = 30) -> str:
    return (f'[[samples.failure]]\ntarget = "{target}"\nlevel = "{level}"\n'
            f'answer = """{words(level, n_words)}"""\n'
            f'why = "About the {target}: {level}."\n\n')


def pack_text() -> str:
    parts = [HEADER]
    for item in ITEMS:
        for level in CUE_LEVELS:
            parts.append(sample_table(f"t-{item}-{level}", item, level))
    # A scenario: four answers, the strong one with an answer to each failure target.
    for level in CUE_LEVELS:
        parts.append(sample_table(f"t-{SCENARIO}-{level}", SCENARIO, level))
        if level == "strong":
            parts.extend(failure_table(t, lv) for t, lv in
                         (("database", "strong"), ("queue", "thin"), ("downstream", "mid")))
    return "".join(parts)


def write_pack(folder: Path) -> Path:
    """Write the practice pack into ``folder``; returns the file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "practice.toml"
    path.write_text(pack_text(), encoding="utf-8")
    return path


def practice_pack(tmp_path: Path) -> Pack:
    """The built-in pack merged with this practice pack."""
    return load_pack([write_pack(tmp_path / "practice-pack")])


def ours(items: list[PracticeItem]) -> list[PracticeItem]:
    """Only this pack's practice items."""
    return [i for i in items if i.sample_id.startswith("t-")]


def practise_one_step_high(data_dir: Path, name: str) -> Estimate:
    """A practice set by ``name`` in ``data_dir``, every answer rated one step above the
    level it was written to show; its signed error."""
    import random

    from companion.content.loader import builtin_pack
    from companion.practice.history import StoredSet
    from companion.practice.session import PracticeSession, SetChoice
    from companion.store import Store

    with Store.open(data_dir) as store:
        session = PracticeSession.draw(builtin_pack(), SetChoice(name, "api"),
                                       StoredSet(store), rng=random.Random(3))
        while (item := session.current) is not None:
            session.rate(CUE_LEVELS[max(0, CUE_LEVELS.index(item.level) - 1)])
            session.next()
    return session.figures().signed_error
