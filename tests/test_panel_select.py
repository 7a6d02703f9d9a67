"""Panel page logic without a window: importing files, grouping panels, independence."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from companion.content.loader import builtin_pack
from companion.content.planner import plan_loop
from companion.demo.pair import store_demo
from companion.demo.pair_script import ARCHETYPE, CANDIDATE, LEVEL
from companion.exchange.files import write_scorecard_file
from companion.export.panel_select import (
    group_panels,
    import_files,
    load_panels,
    needs_pack_label,
    panel_labels,
)
from companion.live.engine import RoundEngine
from companion.record.independence import access_to
from companion.record.scorecard import Scorecard
from companion.store import Store


@pytest.fixture
def demo_files(tmp_path: Path) -> list[Path]:
    """The demo's two submitted scorecards, exported as exchange files by their authors."""
    pack = builtin_pack()
    with Store.open(tmp_path / "authors") as store:
        result = store_demo(store, pack)
        return [write_scorecard_file(store.load_scorecard(rid), tmp_path / f"{n}.icscore.json")
                for n, rid in enumerate(result.round_ids)]


def _own_round(store: Store, interviewer: str, candidate: str = CANDIDATE) -> RoundEngine:
    pack = builtin_pack()
    technical = plan_loop(pack, ARCHETYPE, LEVEL, rounds=["technical"]).rounds[0]
    return RoundEngine.start(store, pack, technical, candidate=candidate,
                             interviewer=interviewer, archetype=ARCHETYPE, level=LEVEL)


def test_import_stores_good_files_and_names_the_bad_one(demo_files, tmp_path, data_dir) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.icscore.json"
    broken.write_text(demo_files[0].read_text(encoding="utf-8")[:400], encoding="utf-8")
    with Store.open(data_dir) as store:
        report = import_files(store, builtin_pack(), [*demo_files, broken])
        assert [sc.interviewer for sc in report.imported] == ["Dana Whitfield", "Marcus Lee"]
        assert report.already == [] and len(report.failed) == 1
        assert str(broken) in report.failed[0] and "truncated" in report.failed[0]
        text = report.summary()
        assert "Imported 2 scorecards (Dana Whitfield, Marcus Lee)." in text
        assert "Not imported (1):" in text and str(broken) in text
        assert sorted(r.interviewer for r in store.list_rounds()) == ["Dana Whitfield",
                                                                      "Marcus Lee"]

        again = import_files(store, builtin_pack(), demo_files[:1])
        assert again.imported == [] and [sc.interviewer for sc in again.already] == [
            "Dana Whitfield"]
        assert again.summary() == "1 file already stored, left as it was."
        assert len(store.list_rounds()) == 2


def test_load_panels_groups_one_candidate_of_one_pack(demo_files, data_dir) -> None:  # type: ignore[no-untyped-def]
    with Store.open(data_dir) as store:
        assert load_panels(store) == []
        import_files(store, builtin_pack(), demo_files)
        _own_round(store, "Riya Patel", candidate="Someone Else").close()  # unsubmitted
        (group,) = load_panels(store)
        assert group.candidate == CANDIDATE and group.pack_id == builtin_pack().id
        assert sorted(sc.interviewer for sc in group.scorecards) == ["Dana Whitfield",
                                                                     "Marcus Lee"]
        assert group.label() == f"{CANDIDATE} · 2 scorecards"
        labels = panel_labels(group.scorecards)
        assert all(sc.interviewer in lab for sc, lab in zip(group.scorecards, labels,
                                                            strict=True))


def _variant(sc: Scorecard, **changes: object) -> Scorecard:
    return replace(sc, id=sc.id[:-4] + "beef", **changes)  # type: ignore[arg-type]


def test_group_panels_splits_by_candidate_and_pack_and_drops_unsubmitted(demo_files) -> None:  # type: ignore[no-untyped-def]
    from companion.exchange.files import read_scorecard_file

    a, b = (read_scorecard_file(p, builtin_pack()) for p in demo_files)
    other_pack = _variant(a, pack_version="99")
    loose_name = _variant(b, candidate=f"  {CANDIDATE.upper()} ")
    pending = replace(_variant(a, candidate="Zoë Ngata"), submitted_at=None)
    groups = group_panels([a, b, other_pack, loose_name, pending])
    by_key = {g.key: g for g in groups}
    same = by_key[(CANDIDATE.casefold(), a.pack_id, a.pack_version)]
    assert len(same.scorecards) == 3  # names compare loosely, like the independence rule
    assert [sc.id for sc in by_key[(CANDIDATE.casefold(), a.pack_id, "99")].scorecards] == [
        other_pack.id]
    assert not any(g.candidate == "Zoë Ngata" for g in groups)
    assert needs_pack_label(groups) == set(by_key)
    assert f"pack {a.pack_id} 99" in by_key[(CANDIDATE.casefold(), a.pack_id, "99")].label(True)


def test_independence_blocks_until_the_viewers_own_card_is_submitted(demo_files, data_dir) -> None:  # type: ignore[no-untyped-def]
    with Store.open(data_dir) as store:
        import_files(store, builtin_pack(), demo_files)
        (group,) = load_panels(store)
        panel = [sc.id for sc in group.scorecards]
        colleague = panel[0]
        # A panel lead who did not interview the candidate reads everything.
        assert access_to("Lead", panel, store).allowed

        engine = _own_round(store, "Riya Patel")
        blocked = access_to("riya patel ", panel, store)
        assert not blocked.allowed and CANDIDATE in blocked.reason
        assert not access_to("Riya Patel", [colleague], store).allowed
        assert access_to("Riya Patel", [engine.round_id], store).allowed  # her own
        assert access_to("Riya Patel", ["no-such-id"], store).allowed  # the load says why

        engine.rate("mid")
        engine.set_recommendation("yes")
        engine.submit()
        engine.close()
        assert access_to("Riya Patel", panel, store).allowed
        assert access_to("Riya Patel", [colleague], store).allowed
