"""Zero network: a whole round, both PDF exports and the panel import with sockets blocked.

Every way Python code opens a connection or resolves a name is made to fail and
to leave a record: in this test process (engine, store, exports, exchange files
and the real window offscreen) and in separate ``python -m companion``
processes, through a ``sitecustomize`` module that blocks sockets before the
app is imported. A run passes only if it succeeds AND nothing tried a socket, so
a swallowed error (an update check failing quietly) still fails the test.
A static check keeps networking libraries out of the source altogether.
"""

from __future__ import annotations

import _socket
import ast
import json
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from companion.content.loader import load_pack
from companion.content.model import Pack
from companion.content.planner import PlannedRound, plan_loop
from companion.exchange.files import read_scorecard_file, write_scorecard_file
from companion.live.clock import ManualClock
from companion.live.engine import ROUND, RoundEngine
from companion.record.scorecard import Scorecard
from companion.store import Store
from tests.conftest import REPO

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
LONG_NOTE = "Walked through retries with jitter, an idempotency key and the outbox. " * 12
FAILURE_PROBES = ("failure.database", "failure.queue", "failure.downstream")

# Installed before anything else runs in a child interpreter (Python imports
# ``sitecustomize`` at start-up when it is on the path). Each attempt is
# appended to the log at once, so even a child that dies leaves the evidence.
SITECUSTOMIZE = textwrap.dedent('''
    import _socket
    import atexit
    import os
    import socket
    import sys

    _LOG = os.environ["COMPANION_NET_LOG"]


    def _attempt(what):
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write("blocked " + what + "\\n")
        raise OSError("network access is blocked in this test")


    class _BlockedSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            _attempt("socket.socket%r" % (args,))


    def _blocked(name):
        def fail(*args, **kwargs):
            _attempt(name + repr(args))
        return fail


    socket.socket = _BlockedSocket
    socket.SocketType = _BlockedSocket
    for _name in ("create_connection", "create_server", "getaddrinfo", "gethostbyname",
                  "gethostbyname_ex", "gethostbyaddr", "socketpair", "fromfd"):
        setattr(socket, _name, _blocked("socket." + _name))
    _socket.socket = _BlockedSocket
    _socket.getaddrinfo = _blocked("_socket.getaddrinfo")
    with open(_LOG, "a", encoding="utf-8") as fh:
        fh.write("loaded\\n")


    # libpq opens its connections in C, past the blocks above: the only proof that
    # no team store connection was tried is that the driver was never loaded.
    def _drivers():
        loaded = [m for m in ("psycopg", "psycopg_binary") if m in sys.modules]
        if loaded:
            with open(_LOG, "a", encoding="utf-8") as fh:
                fh.write("driver " + " ".join(loaded) + "\\n")


    atexit.register(_drivers)
''')


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Make every socket creation and name lookup in this process fail; yields the attempts."""
    attempts: list[str] = []

    def attempt(what: str) -> None:
        attempts.append(what)
        raise OSError("network access is blocked in this test")

    class BlockedSocket(socket.socket):
        def __init__(self, *args: object, **kwargs: object) -> None:
            attempt(f"socket.socket{args!r}")

    def blocked(name: str) -> Callable[..., None]:
        def fail(*args: object, **kwargs: object) -> None:
            attempt(f"{name}{args!r}")
        return fail

    monkeypatch.setattr(socket, "socket", BlockedSocket)
    monkeypatch.setattr(socket, "SocketType", BlockedSocket)
    for name in ("create_connection", "create_server", "getaddrinfo", "gethostbyname",
                 "gethostbyname_ex", "gethostbyaddr", "socketpair", "fromfd"):
        monkeypatch.setattr(socket, name, blocked(f"socket.{name}"))
    monkeypatch.setattr(_socket, "socket", BlockedSocket)
    monkeypatch.setattr(_socket, "getaddrinfo", blocked("_socket.getaddrinfo"))
    # The blocker itself must work, or a passing test would prove nothing.
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(OSError):
        socket.socket()
    attempts.clear()
    yield attempts


# ---------------------------------------------------------------- in this process

def planned(pack: Pack) -> PlannedRound:
    """The planner's technical round for a senior API engineer, plus its design scenario."""
    plan = plan_loop(pack, "api", "senior")
    technical = next(r for r in plan.rounds if r.template.id == "technical")
    scenario = next(r for r in plan.rounds if r.template.id == "scenario")
    return PlannedRound(template=technical.template,
                        items=(*technical.items, scenario.items[0]))


def start(store: Store, pack: Pack, interviewer: str) -> tuple[RoundEngine, ManualClock]:
    clock = ManualClock(START)
    engine = RoundEngine.start(store, pack, planned(pack), candidate="Priya Raman",
                               interviewer=interviewer, archetype="api", level="senior",
                               clock=clock)
    return engine, clock


def drive(engine: RoundEngine, clock: ManualClock, pack: Pack, rating: str,
          pump: Callable[[], None] = lambda: None) -> None:
    """Run through every item (ratings, probes, flags, long notes) and submit."""
    engine.start_round()
    for index, item in enumerate(engine.items):
        engine.jump(index)
        engine.rate(rating)
        for probe in item.probes[:2]:
            engine.answer_probe(probe.id, rating="mid", note="asked, partly answered")
        if item.kind == "scenario":
            for probe_id in FAILURE_PROBES:
                engine.answer_probe(probe_id, rating="strong", note="named a recovery plan")
        engine.edit_notes("said", LONG_NOTE)
        engine.edit_notes("read", "Clear on trade-offs; vague on back-pressure.")
        clock.advance(240)
        engine.tick()
        engine.next_section()
        pump()
    engine.cycle_flag(pack.red_flags[0].id)
    engine.edit_notes("said", "Asked good questions about on-call.", item_id=ROUND)
    engine.set_recommendation("yes")
    engine.set_summary("Solid API design; probe data modelling in the next round.")
    engine.flush()
    assert engine.submit()
    pump()


def export_and_import(tmp_path: Path, pack: Pack, cards: list[Scorecard]) -> None:
    """Both PDF exports, exchange files written and imported into a second store."""
    from companion.export.panel_pdf import render_panel
    from companion.export.scorecard_pdf import render_scorecard

    card_pdf = render_scorecard(cards[0], pack, tmp_path / "card.pdf")
    files = [write_scorecard_file(sc, tmp_path / f"card-{i}.json") for i, sc in enumerate(cards)]
    lead = Store.open(tmp_path / "lead")
    try:
        imported = []
        for path in files:
            sc = read_scorecard_file(path, pack)
            assert lead.save_imported(sc)
            imported.append(lead.load_scorecard(sc.id))
    finally:
        lead.close()
    panel_pdf = render_panel(imported, pack, tmp_path / "panel.pdf")
    card_text = "".join(p.extract_text() for p in PdfReader(card_pdf).pages)
    panel_text = "".join(p.extract_text() for p in PdfReader(panel_pdf).pages)
    assert "Priya Raman" in card_text and "Priya Raman" in panel_text


def test_round_exports_and_import_never_touch_a_socket(no_sockets: list[str], data_dir: Path,
                                                       tmp_path: Path) -> None:
    pack = load_pack()
    store = Store.open(data_dir)
    try:
        cards = []
        for interviewer, rating in (("Sam Okafor", "strong"), ("Lee Chen", "thin")):
            engine, clock = start(store, pack, interviewer)
            drive(engine, clock, pack, rating)
            cards.append(store.load_scorecard(engine.round_id))
            engine.close()
    finally:
        store.close()
    assert all(sc.submitted_at is not None for sc in cards)
    export_and_import(tmp_path, pack, cards)
    assert no_sockets == []
    assert "PySide6.QtNetwork" not in sys.modules


def test_round_in_the_real_window_never_touches_a_socket(no_sockets: list[str], qtbot,  # type: ignore[no-untyped-def]
                                                         data_dir: Path) -> None:
    from PySide6.QtWidgets import QApplication, QWidget

    from companion.ui.app import build_window, create_app

    app = create_app()
    window = build_window(data_dir, app)
    qtbot.addWidget(window)
    pack = load_pack()
    store = Store.open(data_dir)
    window.set_sources(store, pack, data_dir)
    try:
        window.show()
        qtbot.waitExposed(window)
        engine, clock = start(store, pack, "Sam Okafor")
        window.open_engine(engine)  # the live view mirrors every change from here on
        view = window.findChild(QWidget, "live.view")
        assert view is not None
        qtbot.waitUntil(view.isVisible)
        drive(engine, clock, pack, "mid", pump=QApplication.processEvents)
        assert engine.submitted
        qtbot.wait(50)
    finally:
        window.close_engine()
        window.close()
        store.close()
    assert no_sockets == []
    assert "PySide6.QtNetwork" not in sys.modules


# ----------------------------------------------------------- in a child process

@pytest.fixture
def blocked_cli(tmp_path: Path, data_dir: Path):  # type: ignore[no-untyped-def]
    """Run ``python -m companion ARGS`` with sockets blocked from interpreter start."""
    site = tmp_path / "netblock"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / "net.log"

    def run(*args: str, data: Path = data_dir) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(site), str(REPO)])
        env["COMPANION_NET_LOG"] = str(log)
        env["COMPANION_DATA_DIR"] = str(data)
        env["QT_QPA_PLATFORM"] = "offscreen"
        return subprocess.run([sys.executable, *args], capture_output=True, text=True,
                              timeout=180, env=env, cwd=tmp_path)

    run.log = log  # type: ignore[attr-defined]
    return run


def test_the_child_blocker_really_blocks(blocked_cli) -> None:  # type: ignore[no-untyped-def]
    res = blocked_cli("-c", "import socket; socket.create_connection(('127.0.0.1', 9))")
    assert res.returncode != 0 and "blocked" in res.stderr
    assert "blocked socket.create_connection" in blocked_cli.log.read_text(encoding="utf-8")


def test_the_child_blocker_reports_a_loaded_database_driver(blocked_cli) -> None:  # type: ignore[no-untyped-def]
    res = blocked_cli("-c", "import psycopg.conninfo")
    assert res.returncode == 0, res.stderr
    assert "driver psycopg" in blocked_cli.log.read_text(encoding="utf-8")


def test_cli_round_trip_never_touches_a_socket(blocked_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    def ok(*args: str, **kw: Path) -> str:
        res = blocked_cli("-m", "companion", *args, **kw)
        assert res.returncode == 0, f"{args}: {res.stderr}"
        return res.stdout

    ok("content", "check")
    ok("plan", "--archetype", "api", "--level", "senior")
    ok("demo")
    rounds = json.loads(ok("sessions", "list", "--json"))
    assert len(rounds) >= 2
    ok("export", rounds[0]["id"], "--pdf", str(tmp_path / "card.pdf"))
    files = []
    for r in rounds[:2]:
        files.append(str(tmp_path / f"{r['id']}.json"))
        ok("session", "export", r["id"], "-o", files[-1])
    ok("session", "import", *files, data=tmp_path / "lead")
    ok("panel", *files, "--pdf", str(tmp_path / "panel.pdf"))
    ok("--smoke")
    # without a team store, its commands answer from the data folder alone
    assert "not configured" in ok("team", "status")
    assert "no team store was configured" in ok("team", "disconnect")
    assert PdfReader(tmp_path / "card.pdf").pages and PdfReader(tmp_path / "panel.pdf").pages
    lines = blocked_cli.log.read_text(encoding="utf-8").splitlines()
    assert lines.count("loaded") == 12  # the blocker ran in every one of the twelve processes
    assert [line for line in lines if line != "loaded"] == []


# ------------------------------------------------------------------- the source

# Modules that exist to talk to a network (the standard library's and common ones).
NETWORK_MODULES = (
    "socket", "_socket", "ssl", "http", "urllib.request", "urllib3", "requests", "httpx",
    "aiohttp", "asyncio", "socketserver", "ftplib", "smtplib", "poplib", "imaplib",
    "xmlrpc", "websocket", "websockets", "PySide6.QtNetwork", "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets", "PySide6.QtWebSockets",
)


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _is_network(module: str) -> bool:
    return any(module == bad or module.startswith(bad + ".") for bad in NETWORK_MODULES)


def _url_literals(tree: ast.AST) -> list[str]:
    """String constants with a web address, leaving out docstrings and other bare strings."""
    bare = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in bare and ("http://" in node.value or "https://" in node.value)]


def test_no_module_of_the_app_imports_a_network_library() -> None:
    sources = sorted((REPO / "companion").rglob("*.py"))
    assert len(sources) > 20  # really walked the package
    offenders = {}
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        bad = sorted(m for m in _imports(tree) if _is_network(m))
        urls = _url_literals(tree)
        if bad or urls:
            offenders[str(path.relative_to(REPO))] = bad + urls
    assert offenders == {}


# The team store's driver opens connections from C; only the team code may load it.
DRIVER_MODULES = ("psycopg", "psycopg_binary", "psycopg2", "asyncpg", "pg8000",
                  "sqlalchemy.dialects.postgresql")


def _may_load_the_driver(path: Path) -> bool:
    rel = path.relative_to(REPO / "companion")
    return rel.parts[0] == "team" or (rel.parts[0] == "commands"
                                      and rel.name.startswith("team_"))


def test_only_the_team_store_code_loads_a_database_driver() -> None:
    users = {}
    for path in sorted((REPO / "companion").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found = sorted(m for m in _imports(tree)
                       if any(m == d or m.startswith(d + ".") for d in DRIVER_MODULES))
        if found:
            users[str(path.relative_to(REPO))] = _may_load_the_driver(path)
    assert "companion/team/connect.py" in users  # the walk really saw the team code
    assert [p for p, allowed in users.items() if not allowed] == []


def test_asking_whether_a_team_store_is_configured_loads_no_driver(tmp_path: Path) -> None:
    code = ("import sys, companion.cli, companion.commands.team_cmd, companion.team.settings\n"
            "from pathlib import Path\n"
            "assert companion.team.settings.load_conninfo(Path(sys.argv[1])) is None\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('psycopg', 'alembic', 'sqlalchemy')))\n")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                         text=True, cwd=REPO, check=True).stdout
    assert out.strip() == "[]"


def test_the_static_check_would_catch_an_offender() -> None:
    tree = ast.parse("import urllib.request\nfrom http import client\n"
                     "from PySide6 import QtNetwork\nURL = 'https://example.org/fonts.css'\n")
    assert sorted(m for m in _imports(tree) if _is_network(m)) == [
        "PySide6.QtNetwork", "http", "http.client", "urllib.request"]
    assert _url_literals(tree) == ["https://example.org/fonts.css"]


def test_styles_load_no_remote_fonts_or_images() -> None:
    sheets = sorted((REPO / "resources").rglob("*.qss"))
    assert sheets
    for sheet in sheets:
        text = sheet.read_text(encoding="utf-8").lower()
        assert "http://" not in text and "https://" not in text and "@import" not in text, sheet
