"""The window's team-store status line and publishing worker, against a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from companion.store import Store
from companion.team.settings import EVERYTHING, TeamSettings
from companion.ui.team_status import TeamPublishing, TeamStatusLine
from tests.pg_server import PgServer, free_port
from tests.publish_support import run_round, server_counts
from tests.team_support import PASSWORD, TeamDb, create_database, drop_database
from tests.ui_helpers import screenshot


@pytest.fixture
def db(db: TeamDb) -> TeamDb:
    """The conftest's fresh team store, with Sam as an interviewer."""
    db.add("sam", "interviewer", "Sam Okafor")
    return db


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    opened = Store.open(data_dir)
    try:
        yield opened
    finally:
        opened.close()


def line_for(qtbot, store: Store, conninfo: str, asked: list[str] | None = None,  # type: ignore[no-untyped-def]
             answer: str | None = None) -> tuple[TeamStatusLine, TeamPublishing]:
    def asker(parent: object, reason: str) -> str | None:
        if asked is not None:
            asked.append(reason)
        return answer

    line = TeamStatusLine(asker=asker)
    qtbot.addWidget(line)
    publishing = TeamPublishing(store, TeamSettings(conninfo, EVERYTHING), line)
    line.follow(publishing)
    return line, publishing


def test_the_line_says_who_and_that_all_is_published(qtbot, store: Store, db: TeamDb) -> None:  # type: ignore[no-untyped-def]
    run_round(store, "Sam Okafor", "Mei Lin")
    line, publishing = line_for(qtbot, store, db.conninfo(db.role("sam")))
    line.show()
    with qtbot.waitSignal(publishing.changed, timeout=30_000):
        publishing.start()
    try:
        assert line.label.text() == (f"Team store: Sam Okafor ({db.role('sam')}) · "
                                     "all published")
        assert not line.password_button.isVisible() and not line.publish_button.isVisible()
        assert server_counts(db) == (1, 0)
        (state,) = publishing.states().values()
        assert state.describe() == "published"
    finally:
        publishing.stop()


def test_a_password_asked_for_is_typed_in_and_kept_in_memory(  # type: ignore[no-untyped-def]
        qtbot, store: Store, db: TeamDb, data_dir: Path) -> None:
    run_round(store, "Sam Okafor", "Mei Lin")
    asked: list[str] = []
    line, publishing = line_for(qtbot, store, db.conninfo(db.role("sam"), tcp=True), asked,
                                PASSWORD)
    line.show()
    with qtbot.waitSignal(publishing.changed, timeout=30_000):
        publishing.start()
    try:
        assert line.password_button.isVisible()
        line.resize(900, line.sizeHint().height())
        screenshot(line, "team_status_password")
        assert "1 waiting to publish" in line.label.text()
        assert "the server asks for a password" in line.label.text()
        with qtbot.waitSignal(publishing.changed, timeout=30_000):
            line.password_button.click()
        assert asked and asked[0].startswith("the team store refused the login")
        assert line.label.text().endswith("all published")
        assert not line.password_button.isVisible()
    finally:
        publishing.stop()
    saved = b"".join(p.read_bytes() for p in data_dir.rglob("*") if p.is_file())
    assert PASSWORD.encode() not in saved


def test_an_unreachable_server_shows_what_waits_and_offers_to_try_now(  # type: ignore[no-untyped-def]
        qtbot, store: Store) -> None:
    run_round(store, "Sam Okafor", "Mei Lin")
    port = free_port()
    line, publishing = line_for(qtbot, store,
                                f"host=127.0.0.1 port={port} dbname=x user=y connect_timeout=2")
    line.show()
    with qtbot.waitSignal(publishing.changed, timeout=30_000):
        publishing.start()
    try:
        text = line.label.text()
        assert text.startswith("Team store · 1 waiting to publish · cannot reach the team store")
        assert line.publish_button.isVisible() and not line.password_button.isVisible()
        with qtbot.waitSignal(publishing.changed, timeout=30_000):
            line.publish_button.click()
        (state,) = publishing.states().values()
        assert state.state == "waiting" and state.tries == 2
    finally:
        publishing.stop()


def test_a_round_no_loop_assigns_says_so_and_waits_for_a_person(  # type: ignore[no-untyped-def]
        qtbot, store: Store, pg_server: PgServer) -> None:
    """Loops required (the store's default): the line says why and what to do, and the
    round is held, not tried again on a timer."""
    strict = create_database(pg_server, loops_required=True)
    try:
        strict.add("sam", "interviewer", "Sam Okafor")
        played = run_round(store, "Sam Okafor", "Mei Lin")
        line, publishing = line_for(qtbot, store, strict.conninfo(strict.role("sam")))
        line.show()
        with qtbot.waitSignal(publishing.changed, timeout=30_000):
            publishing.start()
        try:
            text = line.label.text()
            assert "1 waiting to publish" in text
            assert "no open loop in the team store assigns you this round" in text
            assert "ask the panel lead to assign it to you" in text
            assert "unexpected" not in text.lower()
            assert publishing.state_text(played.round_id).startswith(  # type: ignore[union-attr]
                "waiting to publish: no loop assigns this round to you since")
            assert server_counts(strict) == (0, 0)
        finally:
            publishing.stop()
    finally:
        drop_database(strict)
