"""Searching past rounds: the index follows every write, the filters, paging, the fallback,
the upgrade that fills it, and deletion that leaves no byte of a name behind."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from companion.live.clock import ManualClock
from companion.live.engine import ROUND, RoundEngine
from companion.store import Store
from companion.store.db import DB_NAME
from companion.store.search import RoundFilter, fts_query, words_of
from tests.fixtures.make_v1_db import ROUND_DONE
from tests.fixtures.samples import T0, sample_pack, sample_planned, sample_scorecard

NAME = "Quillon Vantrease"
FIXTURE = Path(__file__).parent / "fixtures" / "v1_companion.sqlite3"


def _ids(store: Store, **filters: Any) -> list[str]:
    return [r.id for r in store.search_rounds(RoundFilter(**filters))]


def _live(store: Store, candidate: str = NAME, interviewer: str = "Sam Ortiz") -> RoundEngine:
    return RoundEngine.start(store, sample_pack(), sample_planned(), candidate=candidate,
                             interviewer=interviewer, archetype="api", level="senior",
                             clock=ManualClock(T0 + timedelta(days=1)))


def test_words_become_prefix_phrases_without_operator_syntax() -> None:
    assert fts_query(words_of('pri "ram OR')) == '"pri"* """ram"* "OR"*'
    assert len(words_of("a " * 500)) == 12


def test_finds_by_name_round_date_and_notes_newest_first(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        assert store.search_kind == "fts5" and store.search_notice == ""
        store.save_imported(sample_scorecard("old", candidate="Priya Raman",
                                             started=T0 - timedelta(days=40)))
        store.save_imported(sample_scorecard("new", candidate="Priya Raman"))
        store.save_imported(sample_scorecard("other", candidate="Dana Whitfield",
                                             interviewer="Kim Lee"))
        assert _ids(store, words="pri") == ["new", "old"]
        assert _ids(store, words="priya raman") == ["new", "old"]
        assert _ids(store, words="priya kim") == []
        assert _ids(store, words="kim") == ["other"]
        assert _ids(store, words="Technical deep") == ["new", "other", "old"]
        assert _ids(store, words=(T0 - timedelta(days=40)).strftime("%Y-%m-%d")) == ["old"]
        assert _ids(store, words="billing") == ["new", "other", "old"]  # an item's notes
        # Typed syntax is text, never an operator or an error.
        assert _ids(store, words='zzz" OR "priya') == []
        assert _ids(store, words='") ( *') == ["new", "other", "old"]  # no word in it
        assert store.count_rounds(RoundFilter(words="priya")) == 2


def test_notes_typed_in_a_live_round_are_found_at_once(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        eng = _live(store)
        assert _ids(store, words="zanzibar") == []
        eng.edit_notes("said", "mentioned Zanzibar quokkas")
        eng.flush()
        assert _ids(store, words="zanzibar") == [eng.round_id]
        eng.edit_notes("read", "thoughtful about Kestrel", item_id=ROUND)
        eng.flush()
        assert _ids(store, words="kestrel") == [eng.round_id]
        eng.edit_notes("read", "nothing left", item_id=ROUND)
        eng.flush()
        assert _ids(store, words="kestrel") == []  # the old words go with the edit
        eng.close()


def test_an_amendment_after_submission_is_searchable(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.save_imported(sample_scorecard("r1"))  # its amendment sets the summary "Hire."
        assert _ids(store, words="platform") == ["r1"]  # the text as submitted stays found
        assert _ids(store, words="hire") == ["r1"]


def test_quick_filters(tmp_path: Path) -> None:
    now = T0 + timedelta(days=3)
    with Store.open(tmp_path) as store:
        store.save_imported(sample_scorecard("theirs", interviewer="Kim Lee"))
        store.save_imported(sample_scorecard("mine-old", interviewer="Sam Ortiz",
                                             started=T0 - timedelta(days=60)))
        eng = _live(store, interviewer="Sam  ortiz")  # the same person by the names rule
        eng.close()
        unfinished = eng.round_id
        assert sorted(_ids(store, interviewer="sam ortiz")) == sorted(["mine-old", unfinished])
        assert _ids(store, interviewer="Nobody") == []
        assert _ids(store, unfinished=True) == [unfinished]
        assert _ids(store, since=now - timedelta(days=30)) == [unfinished, "theirs"] or \
            _ids(store, since=now - timedelta(days=30)) == ["theirs", unfinished]
        assert "mine-old" not in _ids(store, since=now - timedelta(days=30))
        # Imported rounds are not this laptop's to publish: nothing is waiting.
        assert _ids(store, unpublished=True) == []


def test_submitted_here_is_unpublished_until_published(tmp_path: Path) -> None:
    from companion.store import outbox

    with Store.open(tmp_path) as store:
        eng = _live(store)
        eng.set_recommendation("yes")
        assert eng.submit(), eng.submit_blocker()
        eng.close()
        assert _ids(store, unpublished=True) == [eng.round_id]
        with store.write() as s:
            entries = outbox.due(s, T0 + timedelta(days=900), T0 - timedelta(days=900))
            assert entries
            outbox.mark_published(s, [e.id for e in entries], T0 + timedelta(days=900))
        assert _ids(store, unpublished=True) == []


def test_pages_follow_each_other_without_gaps_or_repeats(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        for n in range(23):  # some share a start time: the id breaks the tie
            store.save_imported(sample_scorecard(f"r{n:02d}", started=T0 + timedelta(
                hours=n // 3)))
        everything = [r.id for r in store.list_rounds()]
        got: list[str] = []
        after = None
        while True:
            rows = store.search_rounds(RoundFilter(), after, limit=5)
            if not rows:
                break
            got += [r.id for r in rows]
            after = rows[-1]
        assert got == everything and len(got) == 23


def test_a_common_word_pages_by_date_even_when_keys_are_out_of_date_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Imports store old rounds after new ones, so index keys do not follow dates; the
    # walk by date (taken for words that match many rounds) must still give the sorted
    # query's pages, with the quick filters, across slices and pages.
    from companion.store import search

    order = [(n * 7) % 19 for n in range(19)]  # a shuffle of 0..18
    with Store.open(tmp_path) as store:
        for n in order:
            store.save_imported(sample_scorecard(
                f"r{n:02d}", candidate="Dana Whitfield" if n % 3 else "Priya Raman",
                interviewer="Kim Lee" if n % 2 else "Sam Ortiz",
                started=T0 + timedelta(hours=n // 2)))

        def pages(f: RoundFilter) -> list[str]:
            got: list[str] = []
            after = None
            while rows := store.search_rounds(f, after, limit=4):
                got += [r.id for r in rows]
                after = rows[-1]
            return got

        cases = [RoundFilter(words="billing"), RoundFilter(words="billing kim"),
                 RoundFilter(words="outbox", interviewer="Sam Ortiz"),
                 RoundFilter(words="tech", since=T0 + timedelta(hours=4))]
        monkeypatch.setattr(search, "WALK_BY_DATE", False)
        sorted_pages = [pages(f) for f in cases]
        monkeypatch.setattr(search, "WALK_BY_DATE", True)
        monkeypatch.setattr(search, "MANY_MATCHES", 3)
        monkeypatch.setattr(search, "FIRST_SLICE", 2)
        walked = [pages(f) for f in cases]
        # A word with fewer matches than MANY_MATCHES: the walk gives up after one slice.
        monkeypatch.setattr(search, "MANY_MATCHES", 8)
        walked.append(pages(RoundFilter(words="priya")))
        counts = [store.count_rounds(f) for f in cases]
        capped = store.count_rounds(RoundFilter(words="billing"), at_most=5)
    assert walked == [*sorted_pages, [f"r{n:02d}" for n in (18, 15, 12, 9, 6, 3, 0)]]
    assert [len(ids) for ids in walked] == [*counts, 7] == [19, 9, 10, 11, 7]
    assert capped == 6
    assert walked[0] == [f"r{n:02d}" for n in (18, 16, 17, 14, 15, 12, 13, 10, 11, 8, 9,
                                               6, 7, 4, 5, 2, 3, 0, 1)]


def test_the_upgrade_fills_the_index_from_stored_rounds(tmp_path: Path) -> None:
    shutil.copy(FIXTURE, tmp_path / DB_NAME)
    with Store.open(tmp_path) as store:
        assert store.backup_path is not None  # it was an upgrade
        assert ROUND_DONE in _ids(store, words="priya")


def test_without_fts5_search_falls_back_to_like(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from companion.store import migrations

    # Stands in for a build of SQLite without FTS5; the file, search and notice are real.
    monkeypatch.setattr(migrations, "has_fts5", lambda conn: False)
    with Store.open(tmp_path) as store:
        assert store.search_kind == "like"
        assert "FTS5" in store.search_notice and "\n" not in store.search_notice
        store.save_imported(sample_scorecard("a", candidate="Priya Raman"))
        store.save_imported(sample_scorecard("b", candidate="Dana Whitfield"))
        assert _ids(store, words="iya ram") == ["a"]
        assert _ids(store, words="100%") == []
        assert store.delete_candidate("Priya Raman") == 1
        assert _ids(store, words="priya") == []
    conn = sqlite3.connect(tmp_path / DB_NAME)
    try:
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name='round_search'").fetchone()
        assert "fts5" not in sql[0].lower()
    finally:
        conn.close()


def _folder_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_a_deleted_candidate_leaves_no_byte_in_the_data_folder(tmp_path: Path, cli: Any,
                                                              data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        eng = _live(store)
        eng.edit_notes("said", f"{NAME} walked through the queue design")
        eng.flush()
        eng.close()
        store.save_imported(sample_scorecard("imp", candidate=NAME, interviewer="Kim Lee"))
        store.save_imported(sample_scorecard("keep"))
        assert sorted(_ids(store, words="quillon")) == sorted([eng.round_id, "imp"])
    listed = cli("sessions", "list", "--json", "--search", "quill")
    assert sorted(r["id"] for r in json.loads(listed.stdout)) == sorted([eng.round_id, "imp"])
    # The index holds the name in lower case, word by word: so does this test.
    words = [w.encode() for w in (*NAME.split(), *NAME.lower().split())]
    assert all(w in _folder_bytes(data_dir) for w in words)  # the check can fail

    res = cli("candidate", "delete", NAME)
    assert res.returncode == 0, res.stderr
    with Store.open(data_dir) as store:
        assert _ids(store, words="quillon") == [] and _ids(store) == ["keep"]
    listed = cli("sessions", "list", "--json", "--search", "quillon")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []
    left = _folder_bytes(data_dir)
    assert [w for w in words if w in left] == []
    assert b"whitfield" in left  # the other round is still indexed


def test_retention_scrubs_the_index_too(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.save_imported(sample_scorecard("ancient", candidate=NAME,
                                             started=T0 - timedelta(days=400)))
        store.save_imported(sample_scorecard("recent"))
        store.set_retention_days(30)
    with Store.open(tmp_path, now=T0) as store:
        assert store.purged_at_start == 1
        assert _ids(store, words="vantrease") == []
    assert b"vantrease" not in _folder_bytes(tmp_path)


def test_command_line_search_mine_and_since(cli: Any, data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.save_imported(sample_scorecard("a", candidate="Priya Raman", interviewer="Kim Lee"))
        store.save_imported(sample_scorecard("b", candidate="Priya Raman",
                                             interviewer="Sam Ortiz",
                                             started=T0 - timedelta(days=90)))
        store.save_imported(sample_scorecard("c", candidate="Dana Whitfield"))

    def ids(*args: str) -> list[str]:
        res = cli("sessions", "list", "--json", *args)
        assert res.returncode == 0, res.stderr
        return [r["id"] for r in json.loads(res.stdout)]

    assert ids("--search", "priya") == ["a", "b"]
    assert ids("--search", "priya", "--mine", "--as", "sam ortiz") == ["b"]
    since = (T0 - timedelta(days=10)).strftime("%Y-%m-%d")
    assert ids("--search", "priya", "--since", since) == ["a"]
    table = cli("sessions", "list", "--search", "nobody-at-all")
    assert table.returncode == 0 and "No stored round matches." in table.stdout
    bad = cli("sessions", "list", "--since", "last week")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_the_first_page_is_read_only_and_only_of_this_schema(tmp_path: Path) -> None:
    from companion.store.first_page import open_first_page

    assert open_first_page(tmp_path) is None and not (tmp_path / DB_NAME).exists()
    shutil.copy(FIXTURE, tmp_path / DB_NAME)  # schema 1: Store.open upgrades it, not this
    assert open_first_page(tmp_path) is None
    with Store.open(tmp_path) as store:
        store.save_imported(sample_scorecard("new", candidate="Priya Raman"))
    before = (tmp_path / DB_NAME).read_bytes()
    first = open_first_page(tmp_path)
    assert first is not None
    try:
        found = [r.id for r in first.search_rounds(RoundFilter(words="priya"))]
        assert found[0] == "new" and ROUND_DONE in found  # the fixture's two are hers too
        assert first.count_rounds(RoundFilter()) == 3
        assert first.search_notice == ""
    finally:
        first.close()
    assert (tmp_path / DB_NAME).read_bytes() == before
