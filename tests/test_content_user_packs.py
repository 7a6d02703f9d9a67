"""User packs add and replace items by id; they load from the data folder and --pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.base.errors import ContentError
from companion.content.loader import builtin_pack, load_pack

HEADER = '[pack]\nid = "team"\nversion = "0.2"\ntitle = "Team pack"\n\n'

NEW_QUESTION = """\
[[questions]]
id = "q-rollback"
title = "Rolling back a bad deploy"
prompt = "A deploy went out ten minutes ago and errors are climbing. What do you do?"
archetypes = ["api", "distributed"]
dimension = "ownership"
levels = ["senior", "staff"]

[questions.cues]
strong = "Rolls back first, investigates second, and tells people what is happening."
thin = "Starts debugging in production while errors keep climbing."

[[questions.probes]]
id = "comms"
text = "Who do you tell, and when?"
"""

REPLACED_PAGINATION = """\
[[questions]]
id = "q-pagination"
title = "Pagination, our way"
prompt = "Our list endpoint returns everything at once. How would you page it?"
archetypes = ["api"]
dimension = "technical"

[questions.cues]
strong = "Cursor over a stable index, and keeps old clients working."
"""

NEW_FLAG = """\
[[red_flags]]
id = "blames-others"
title = "Blames others"
sounds_like = "Every failure in every story was someone else's fault."
probe_first = "Ask what they would do differently themselves."
key = "6"
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_user_pack_adds_items(tmp_path: Path) -> None:
    pack_file = _write(tmp_path / "team.toml", HEADER + NEW_QUESTION + "\n" + NEW_FLAG)
    pack = load_pack([pack_file])
    assert len(pack.questions) == 13 and len(pack.red_flags) == 6
    added = pack.question("q-rollback")
    assert pack.questions[-1] is added
    assert added.levels == ("senior", "staff") and added.suits("api", "senior")
    assert not added.suits("api", "mid")
    assert [p.id for p in added.probes] == ["comms"]
    assert pack.red_flag("blames-others").key == "6"
    assert pack.sources[-1] == f"team 0.2 from {pack_file}: adds 2, replaces 0"
    assert len(builtin_pack().questions) == 12  # the cached built-in pack is untouched


def test_same_id_replaces_the_builtin_item_in_place(tmp_path: Path) -> None:
    pack_file = _write(tmp_path / "team.toml", HEADER + REPLACED_PAGINATION)
    pack = load_pack([pack_file])
    before = [q.id for q in builtin_pack().questions]
    assert [q.id for q in pack.questions] == before  # same order, same count
    replaced = pack.question("q-pagination")
    assert replaced.title == "Pagination, our way"
    assert replaced.archetypes == ("api",) and replaced.cues.mid is None
    assert "replaces 1" in pack.sources[-1]


def test_later_packs_replace_earlier_ones(tmp_path: Path) -> None:
    first = _write(tmp_path / "a.toml", HEADER + REPLACED_PAGINATION)
    second = _write(tmp_path / "b.toml", HEADER.replace('"team"', '"team-b"')
                    + REPLACED_PAGINATION.replace("Pagination, our way", "Pagination, B"))
    assert load_pack([first, second]).question("q-pagination").title == "Pagination, B"


def test_folder_pack_and_packs_folder(tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    _write(packs / "folder" / "pack.toml", HEADER)
    _write(packs / "folder" / "questions.toml", NEW_QUESTION)
    _write(packs / "flags.toml", HEADER.replace('"team"', '"flags"') + NEW_FLAG)
    _write(packs / "notes.txt", "not a pack")  # ignored: only .toml files and folders
    pack = load_pack(user_dir=packs)
    assert pack.question("q-rollback").title == "Rolling back a bad deploy"
    assert pack.red_flag("blames-others").title == "Blames others"
    assert [s.split(" from ")[0] for s in pack.sources] == ["backend 1.0", "flags 0.2",
                                                            "team 0.2"]
    assert load_pack(user_dir=tmp_path / "absent").questions == builtin_pack().questions


def test_a_replacement_is_validated_against_the_merged_pack(tmp_path: Path) -> None:
    broken = REPLACED_PAGINATION.replace('["api"]', '["api", "mobile"]')
    pack_file = _write(tmp_path / "team.toml", HEADER + broken)
    with pytest.raises(ContentError) as err:
        load_pack([pack_file])
    assert err.value.problems == [
        f"{pack_file}: questions[0].archetypes[1] (line 10): unknown archetype 'mobile'; "
        "use one of api, data, distributed, or define it in [[archetypes]]"]


def test_user_pack_may_define_a_new_archetype_its_items_use(tmp_path: Path) -> None:
    text = HEADER + """\
[[archetypes]]
id = "platform"
title = "Platform engineer"
owns = "Internal tooling and deploy pipelines."
weights = { technical = 50, design = 30, ownership = 20 }
labels = { technical = "Tooling", design = "Design", ownership = "Ownership" }
pay = { low = 130000, high = 180000 }

""" + NEW_QUESTION.replace('["api", "distributed"]', '["platform"]')
    pack = load_pack([_write(tmp_path / "platform.toml", text)])
    assert pack.archetype("platform").weight("technical") == 50
    assert pack.question("q-rollback").suits("platform")


def test_packs_folder_in_the_data_dir_is_picked_up(data_dir: Path, cli) -> None:  # type: ignore[no-untyped-def]
    team = _write(data_dir / "packs" / "team.toml", HEADER + NEW_QUESTION)
    res = cli("content", "check")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("ok: pack backend 1.0: 3 archetypes, 13 questions, ")
    assert f"user packs: team 0.2 from {team}: adds 1, replaces 0" in res.stdout
    listed = cli("content", "list", "--archetype", "api")
    assert listed.returncode == 0 and "q-rollback" in listed.stdout


def test_global_pack_option(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    pack_file = _write(tmp_path / "team.toml", HEADER + REPLACED_PAGINATION)
    res = cli("--pack", str(pack_file), "content", "list", "--archetype", "api")
    assert res.returncode == 0, res.stderr
    assert "Pagination, our way" in res.stdout
    data = cli("--pack", str(pack_file), "content", "list", "--archetype", "data")
    assert "q-pagination" not in data.stdout  # the replacement only suits api


def test_content_list_groups_by_archetype(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("content", "list")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    headings = [line for line in out.splitlines() if not line.startswith(" ")]
    assert [h.split(":")[0] for h in headings] == ["api", "distributed", "data"]
    assert headings[1] == ("distributed: Distributed-systems specialist (Deep technical 35%, "
                           "System design scenario 45%, Behavioural and ownership 20%)")
    assert "q-last-service" in out and "(opener)" in out
    assert out.count("q-last-service") == 3  # the opener suits every archetype


def test_content_list_one_archetype(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("content", "list", "--archetype", "distributed")
    assert res.returncode == 0
    lines = res.stdout.splitlines()
    assert lines[0].startswith("distributed: ")
    assert "  questions (10):" in lines and "  scenarios (3):" in lines
    assert "q-cap-plain" in res.stdout and "s-cache-hit-drop" in res.stdout
    assert "q-slow-query" not in res.stdout and "s-fk-big-table" not in res.stdout
    assert "[senior, staff]" in res.stdout  # the cache scenario is for senior loops


def test_content_list_unknown_archetype(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("content", "list", "--archetype", "frontend")
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.strip() == ("companion: unknown archetype 'frontend'; "
                                  "choose one of api, distributed, data")


def test_the_documented_example_pack_loads(tmp_path: Path) -> None:
    from tests.conftest import REPO

    doc = (REPO / "docs" / "packs.md").read_text(encoding="utf-8")
    example = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    pack = load_pack([_write(tmp_path / "example.toml", example)])
    assert pack.question("q-rollback").levels == ("senior", "staff")
