"""Sample answers as pack content: loaded, looked up by item, and validated line by line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from companion.base.errors import ContentError
from companion.content.loader import load_pack
from companion.content.model import CUE_LEVELS
from tests.conftest import REPO
from tests.practice_support import HEADER, failure_table, practice_pack, sample_table, words


def test_a_user_pack_adds_samples_looked_up_by_item(tmp_path: Path) -> None:
    pack = practice_pack(tmp_path)
    found = [s for s in pack.samples_for("q-pagination") if s.id.startswith("t-")]
    assert [s.level for s in found] == list(CUE_LEVELS)
    assert found[0].answer.startswith("This answer was written at the strong level")
    assert found[0].why.startswith("Written to show strong")
    (strong,) = [s for s in pack.samples_for("s-read-timeouts")
                 if s.level == "strong" and s.id.startswith("t-")]
    assert [(f.target, f.level) for f in strong.failures] == [
        ("database", "strong"), ("queue", "thin"), ("downstream", "mid")]
    assert pack.samples_for("q-no-such-item") == ()


def _problems(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "bad.toml"
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_pack([path])
    return caught.value.problems


def _scenario_without_failure_probes(new_id: str) -> str:
    """A built-in scenario copied under ``new_id`` with its failure probe turned off
    (every built-in scenario carries the probe)."""
    text = (REPO / "companion/content/builtin/scenarios.toml").read_text(encoding="utf-8")
    block = next(b for b in text.split("[[scenarios]]") if 'id = "s-fk-big-table"' in b)
    block = block.replace('id = "s-fk-big-table"', f'id = "{new_id}"')
    block = block.replace("failure_probes = true", "failure_probes = false")
    block = re.sub(r"\[scenarios\.failure\]\n(?:[^\[\n][^\n]*\n|\n)*", "", block)
    return "[[scenarios]]" + block + "\n"


def test_every_kind_of_bad_sample_is_named_with_its_place(tmp_path: Path) -> None:
    body = (
        sample_table("x-unknown", "q-nowhere", "strong")
        + sample_table("x-level", "q-pagination", "great")
        + sample_table("x-short", "q-pagination", "mid", n_words=12)
        + sample_table("x-long", "q-pagination", "thin", n_words=230)
        + sample_table("x-question-failure", "q-pagination", "strong")
        + failure_table("database", "strong")
        + _scenario_without_failure_probes("s-no-probes")
        + sample_table("x-no-probes", "s-no-probes", "mid")
        + failure_table("queue", "thin")
        + sample_table("x-twice", "s-read-timeouts", "mid")
        + failure_table("queue", "thin") + failure_table("queue", "mid")
        + failure_table("cache", "mid", n_words=5)
        + '[[samples]]\nid = "x-missing"\nitem = "q-pagination"\nlevel = "mid"\n\n'
    )
    lines = _problems(tmp_path, body)
    text = re.sub(r" \(line \d+\)", "", "\n".join(lines))
    expected = [
        "samples[0].item: unknown question or scenario 'q-nowhere'",
        "samples[1].level: unknown cue level 'great'",
        "samples[2].answer: the answer is 12 words long",
        "samples[3].answer: the answer is 230 words long",
        "samples[4].failure: failure answers on a question ('q-pagination')",
        "samples[5].failure: scenario 's-no-probes' has failure_probes = false",
        "samples[6].failure[1].target: a second answer about 'queue'",
        "samples[6].failure[2].target: unknown failure target 'cache'",
        "samples[6].failure[2].answer: the answer is 5 words long",
        "samples[7].answer: missing key 'answer'",
        "samples[7].why: missing key 'why'",
    ]
    for fragment in expected:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    assert all(str(tmp_path / "bad.toml") in line for line in lines)


def test_a_duplicate_sample_id_is_refused(tmp_path: Path) -> None:
    body = sample_table("x-same", "q-pagination", "mid") + sample_table("x-same",
                                                                        "q-pagination", "thin")
    (line,) = _problems(tmp_path, body)
    assert "samples[1].id (line 14): duplicate id 'x-same'" in line


def test_content_check_validates_a_user_packs_samples(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(HEADER + sample_table("ok-1", "q-pagination", "mid"), encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(HEADER.replace("practice-test", "other")
                   + sample_table("bad-1", "q-pagination", "mid", n_words=3), encoding="utf-8")
    run = [sys.executable, "-m", "companion", "--data-dir", str(tmp_path / "d"), "content",
           "check"]
    ok = subprocess.run([*run, str(good)], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert "sample answer" in ok.stdout
    failed = subprocess.run([*run, str(bad)], capture_output=True, text=True, timeout=60)
    assert failed.returncode == 2
    assert "samples[0].answer (line 10): the answer is 3 words long" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert words("mid", 3) == "This answer was"


def test_every_builtin_item_has_samples_at_every_level() -> None:
    from companion.content.loader import builtin_pack
    from companion.content.model import FAILURE_TARGETS

    pack = builtin_pack()
    for item in (*pack.questions, *pack.scenarios):
        found = pack.samples_for(item.id)
        assert len(found) >= 4, item.id
        assert {s.level for s in found} == set(CUE_LEVELS), item.id
        assert all(s.why and s.answer for s in found)
        failures = [f for s in found for f in s.failures]
        if item.kind == "scenario" and getattr(item, "failure_probes", True):
            assert {f.target for f in failures} == set(FAILURE_TARGETS), item.id
        else:
            assert failures == [], item.id


def test_every_archetype_can_draw_a_full_set_from_the_builtin_pack() -> None:
    import random

    from companion.content.loader import builtin_pack
    from companion.practice.draw import draw_set, pool

    pack = builtin_pack()
    for arch in pack.archetypes:
        chosen = draw_set(pool(pack, arch.id), random.Random(arch.id))
        assert len(chosen) == 12 and {i.level for i in chosen} == set(CUE_LEVELS)
        for dim in ("technical", "design", "ownership"):
            if any(it.suits(arch.id) and it.dimension == dim
                   for it in (*pack.questions, *pack.scenarios)):
                assert {i.level for i in draw_set(pool(pack, arch.id, dim),
                                                  random.Random(1))} == set(CUE_LEVELS)


def test_the_documented_sample_examples_load(tmp_path: Path) -> None:
    from tests.conftest import REPO

    doc = (REPO / "docs" / "packs.md").read_text(encoding="utf-8")
    example = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    section = doc.split("## Sample answers for practice sets", 1)[1]
    first, second = (b.split("```", 1)[0] for b in section.split("```toml\n")[1:3])
    one = tmp_path / "one.toml"
    one.write_text(example + "\n" + first, encoding="utf-8")
    two = tmp_path / "two.toml"
    two.write_text(HEADER + second, encoding="utf-8")
    pack = load_pack([one, two])
    (thin,) = pack.samples_for("q-rollback")
    assert thin.level == "thin" and thin.why.startswith("Debugs and fixes forward")
    (mid,) = [s for s in pack.samples_for("s-read-timeouts") if s.id.endswith("-team-mid")]
    assert [(f.target, f.level) for f in mid.failures] == [("queue", "mid")]
