"""The command line (a stable contract; the README lists it) and the app's entry point.

Subcommands are dispatched lazily so that ``python -m companion content check``
never imports Qt, and opening the window never imports reportlab.
Exit codes: 0 done; 2 bad input (one clear message, no traceback); 1 an
unexpected fault (the message names the log file).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import sys
from collections.abc import Sequence
from datetime import date

from companion import __version__
from companion.base.errors import CompanionError

log = logging.getLogger("companion.cli")

# (command path) -> "module:function"; each function takes the parsed args and returns an exit code.
HANDLERS: dict[str, str] = {
    "content check": "companion.commands.content_cmd:run_check",
    "content list": "companion.commands.content_cmd:run_list",
    "plan": "companion.commands.plan_cmd:run_plan",
    "demo": "companion.commands.session_cmd:run_demo",
    "sessions list": "companion.commands.session_cmd:run_list",
    "session show": "companion.commands.session_cmd:run_show",
    "session export": "companion.commands.session_cmd:run_export",
    "session import": "companion.commands.session_cmd:run_import",
    "session delete": "companion.commands.session_cmd:run_delete",
    "candidate delete": "companion.commands.session_cmd:run_delete_candidate",
    "candidate decide": "companion.commands.decision_cmd:run_decide",
    "calibration": "companion.commands.calibration_cmd:run_calibration",
    "retention": "companion.commands.retention_cmd:run_retention",
    "export": "companion.commands.export_cmd:run_export_pdf",
    "panel": "companion.commands.export_cmd:run_panel_pdf",
    "team setup": "companion.commands.team_admin_cmd:run_setup",
    "team harden-catalog": "companion.commands.team_admin_cmd:run_harden_catalog",
    "team add-interviewer": "companion.commands.team_admin_cmd:run_add_interviewer",
    "team add-lead": "companion.commands.team_admin_cmd:run_add_lead",
    "team add-admin": "companion.commands.team_admin_cmd:run_add_admin",
    "team connect": "companion.commands.team_cmd:run_connect",
    "team status": "companion.commands.team_cmd:run_status",
    "team disconnect": "companion.commands.team_cmd:run_disconnect",
    "team publish": "companion.commands.team_cmd:run_publish",
    "team settings": "companion.commands.team_cmd:run_settings",
    "practice": "companion.commands.practice_cmd:run_practice",
    "practice history": "companion.commands.practice_cmd:run_history",
    "practice publish": "companion.commands.practice_team_cmd:run_publish",
    "practice team": "companion.commands.practice_team_cmd:run_team",
    "practice bar": "companion.commands.practice_team_cmd:run_bar",
    "loop create": "companion.commands.loop_cmd:run_create",
    "loop assign": "companion.commands.loop_cmd:run_assign",
    "loop show": "companion.commands.loop_cmd:run_show",
    "loop list": "companion.commands.loop_cmd:run_list",
    "loop export": "companion.commands.loop_cmd:run_export",
    "loop share": "companion.commands.loop_cmd:run_share",
    "loop import": "companion.commands.loop_cmd:run_import",
    "gui": "companion.ui.app:run_gui",
}


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad usage already; keep its message to one clear line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


# Page sizes the PDF exports know (companion.export.document.PAGE_SIZES).
PAPER_SIZES = ("a4", "letter")

# The first word of each subcommand; "gui" is the default, not a word on the command line.
COMMAND_WORDS = frozenset(key.split()[0] for key in HANDLERS) - {"gui"}


def build_parser(commands: bool = True) -> argparse.ArgumentParser:
    """The whole command line, or with ``commands=False`` only the window's options."""
    p = _Parser(prog="companion", description="Interview Companion: structured interview aid.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--data-dir", help="folder for the database, packs and logs "
                   "(default: the per-user data folder; also COMPANION_DATA_DIR)")
    p.add_argument("--pack", action="append", default=[], metavar="PATH",
                   help="load an extra question pack (file or folder); may be repeated")
    p.add_argument("--screen", type=int, default=None, metavar="N",
                   help="open the window on screen N (0 is the first)")
    p.add_argument("--smoke", action="store_true",
                   help="open the window, wait for the first paint, exit 0")
    if not commands:
        return p
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    content = sub.add_parser("content", help="check or list question packs")
    csub = content.add_subparsers(dest="subcommand", required=True, parser_class=_Parser)
    check = csub.add_parser("check", help="validate the built-in pack and any given packs")
    check.add_argument("paths", nargs="*", metavar="PATH")
    lst = csub.add_parser("list", help="questions and scenarios by archetype")
    lst.add_argument("--archetype", metavar="ID")

    plan = sub.add_parser("plan", help="recommend an interview loop with calibration warnings")
    plan.add_argument("--archetype", required=True, metavar="ID")
    plan.add_argument("--level", required=True, metavar="LEVEL")
    plan.add_argument("--base", type=int, metavar="USD", help="base pay offered, in US dollars")
    plan.add_argument("--take-home", action="store_true", help="a take-home coding exercise")
    plan.add_argument("--live-coding", action="store_true", help="a live pair-programming round")
    plan.add_argument("--unpaid-take-home", action="store_true",
                      help="the take-home is not paid (a calibration warning for senior+)")
    plan.add_argument("--rounds", metavar="ID,ID,...",
                      help="use exactly these round templates, in order, instead of the default")
    plan.add_argument("--json", action="store_true", help="print JSON")

    demo = sub.add_parser("demo", help="store two finished example scorecards of one candidate")
    demo.add_argument("--team", action="store_true",
                      help="instead, a quarter of a hiring team's loops (about 150 scorecards "
                      "of 40 candidates, with planted biases) to try calibration on")

    sessions = sub.add_parser("sessions", help="list stored rounds")
    ssub = sessions.add_subparsers(dest="subcommand", required=True, parser_class=_Parser)
    sl = ssub.add_parser("list")
    sl.add_argument("--json", action="store_true")
    sl.add_argument("--search", metavar="TEXT", default="",
                    help="only rounds whose candidate, interviewer, round, date or notes "
                    "have words starting with each word of TEXT")
    sl.add_argument("--mine", action="store_true",
                    help="only rounds you ran (the name --as gives, or the one the window "
                    "remembers)")
    sl.add_argument("--since", type=_since, metavar="DATE",
                    help="only rounds started on or after DATE (YYYY-MM-DD)")
    _viewer_option(sl)

    session = sub.add_parser("session", help="show, export, import or delete one round")
    s1 = session.add_subparsers(dest="subcommand", required=True, parser_class=_Parser)
    show = s1.add_parser("show")
    show.add_argument("id")
    _viewer_option(show)
    exp = s1.add_parser("export")
    exp.add_argument("id")
    exp.add_argument("-o", "--output", required=True, metavar="FILE")
    _viewer_option(exp)
    imp = s1.add_parser("import")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--team", action="store_true",
                     help="store the files in the team store (a panel lead's import), not here")
    dele = s1.add_parser("delete")
    dele.add_argument("id")

    cand = sub.add_parser("candidate", help="record the panel's decision on a candidate, or "
                          "delete every round of one")
    c1 = cand.add_subparsers(dest="subcommand", required=True, parser_class=_Parser)
    cdel = c1.add_parser("delete")
    cdel.add_argument("name")
    decide = c1.add_parser("decide", help="record the panel's decision (replaces an earlier one)")
    decide.add_argument("name")
    outcome = decide.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--hire", action="store_true", help="hire (give --level)")
    outcome.add_argument("--no-hire", action="store_true", help="no hire")
    outcome.add_argument("--withdrawn", action="store_true",
                         help="the candidate withdrew before a decision")
    decide.add_argument("--level", metavar="LEVEL", help="the level offered, with --hire")
    decide.add_argument("--note", metavar="TEXT", help="a short note kept with the decision")
    decide.add_argument("--by", metavar="NAME",
                        help="who decided (default: your login name)")

    cal = sub.add_parser("calibration", help="which interviewers rate harshly, which questions "
                         "tell candidates apart, and how far to trust it")
    cal.add_argument("--since", type=_since, metavar="DATE",
                     help="only rounds started on or after DATE (YYYY-MM-DD)")
    cal.add_argument("--archetype", metavar="ID", help="only rounds for this archetype")
    cal.add_argument("--team", action="store_true",
                     help="over the team store (what your login may read), not this computer")
    cal.add_argument("--json", action="store_true", help="print every figure as JSON")
    cal.add_argument("--pdf", metavar="OUT", help="write the calibration report as PDF")
    cal.add_argument("--paper", choices=PAPER_SIZES, default="a4",
                     help="page size of the PDF (default a4)")

    ret = sub.add_parser("retention", help="show or set how many days submitted rounds are "
                         "kept (off by default)")
    ret.add_argument("days", nargs="?", metavar="DAYS|off")

    ex = sub.add_parser("export", help="one scorecard as PDF")
    ex.add_argument("id")
    ex.add_argument("--pdf", required=True, metavar="OUT")
    ex.add_argument("--paper", choices=PAPER_SIZES, default="a4",
                    help="page size (default a4)")
    _viewer_option(ex)

    panel = sub.add_parser("panel", help="merge scorecards into a panel debrief PDF")
    panel.add_argument("sources", nargs="+", metavar="FILE_OR_ID")
    panel.add_argument("--team", action="store_true",
                       help="read every scorecard of one candidate (give the name) from the "
                       "team store")
    panel.add_argument("--pdf", required=True, metavar="OUT")
    panel.add_argument("--paper", choices=PAPER_SIZES, default="a4",
                       help="page size (default a4)")
    _viewer_option(panel)
    _team_parser(sub)
    _practice_parser(sub)
    _loop_parser(sub)
    return p


def _practice_parser(sub: argparse._SubParsersAction) -> None:
    practice = sub.add_parser("practice", help="rate sample answers, then see the level each "
                              "was written to show (rater training; never a candidate)")
    practice.add_argument("--archetype", metavar="ID",
                          help="practise on this archetype's items (default: the first)")
    practice.add_argument("--dimension", choices=("technical", "design", "ownership"),
                          help="only items that score this dimension")
    practice.add_argument("--seed", type=int, metavar="N",
                          help="draw the set with this seed (the same N, the same set)")
    practice.add_argument("--as", dest="viewer", metavar="NAME", help="who is practising "
                          "(default: the interviewer name the window remembers)")
    psub = practice.add_subparsers(dest="subcommand", parser_class=_Parser)
    hist = psub.add_parser("history", help="every practice set stored here, and the trend")
    hist.add_argument("--json", action="store_true", help="print JSON")
    psub.add_parser("publish", help="send finished sets' summaries (sums, not answers) to "
                    "the team store")
    team = psub.add_parser("team", help="panel leads: every interviewer's practice beside "
                           "their live leniency, with the ready mark")
    team.add_argument("--json", action="store_true", help="print JSON")
    bar = psub.add_parser("bar", help="show or (panel leads) set the team's ready threshold")
    bar.add_argument("--exact", type=float, metavar="SHARE", help="exact agreement, e.g. 0.6")
    bar.add_argument("--within-one", type=float, metavar="SHARE",
                     help="agreement within one step, e.g. 0.9")
    bar.add_argument("--min-rated", type=int, metavar="N",
                     help="sample answers rated at least, e.g. 24")


def _loop_parser(sub: argparse._SubParsersAction) -> None:
    loop = sub.add_parser("loop", help="plan a candidate's loop, assign its rounds, see who "
                          "is late, hand the outcome to the applicant tracking system")
    l1 = loop.add_subparsers(dest="subcommand", required=True, parser_class=_Parser)
    create = l1.add_parser("create", help="plan a loop for a candidate (a panel lead)")
    create.add_argument("candidate", metavar="CANDIDATE")
    create.add_argument("--archetype", required=True, metavar="ID")
    create.add_argument("--level", required=True, metavar="LEVEL")
    create.add_argument("--base", type=int, metavar="USD", help="base pay offered, in US dollars")
    create.add_argument("--take-home", action="store_true", help="a take-home coding exercise")
    create.add_argument("--live-coding", action="store_true",
                        help="a live pair-programming round")
    create.add_argument("--rounds", metavar="ID,ID,...",
                        help="exactly these round templates, in order")
    create.add_argument("--by", metavar="NAME", help="who plans it (default: your login name)")
    assign = l1.add_parser("assign", help="give a round of a loop to an interviewer")
    assign.add_argument("round", metavar="ROUND", help="its number, template id or kind")
    assign.add_argument("interviewer", metavar="INTERVIEWER",
                        help="the interviewer's name as on their scorecards (\"\" unassigns)")
    assign.add_argument("--loop", metavar="LOOP",
                        help="the loop's id or candidate (needed when several are open)")
    assign.add_argument("--at", metavar="TIME",
                        help="when the round starts: YYYY-MM-DD HH:MM in your time zone")
    for name, what in (("show", "one loop: rounds, interviewers, coverage, who is late"),
                       ("share", "write a loop file for a panel without a team store"),
                       ("export", "the loop's outcome as Harvest-shaped JSON (and CSV)")):
        one = l1.add_parser(name, help=what)
        one.add_argument("loop", nargs="?", metavar="LOOP",
                         help="the loop's id or candidate (default: the one open loop)")
        if name == "share":
            one.add_argument("-o", "--output", required=True, metavar="FILE")
        if name == "export":
            one.add_argument("-o", "--output", required=True, metavar="FILE.json")
            one.add_argument("--csv", metavar="FILE.csv", help="also one row per scorecard")
            one.add_argument("--include-private", action="store_true",
                             help="include the interviewers' private 'my read' notes")
    lst = l1.add_parser("list", help="every loop with where it stands")
    lst.add_argument("--json", action="store_true")
    imp = l1.add_parser("import", help="keep the loops of loop files here")
    imp.add_argument("files", nargs="+", metavar="FILE")


def _viewer_option(parser: argparse.ArgumentParser) -> None:
    # The independence rule asks who is reading, as the window does.
    parser.add_argument("--as", dest="viewer", metavar="NAME",
                        help="who is reading (default: the interviewer name the window "
                        "remembers); your own unsubmitted scorecard of a candidate keeps "
                        "colleagues' scorecards of that candidate closed")


def _team_parser(sub: argparse._SubParsersAction) -> None:
    team = sub.add_parser("team", help="share submitted scorecards on a PostgreSQL server")
    t1 = team.add_subparsers(dest="subcommand", required=True, parser_class=_Parser)
    setup = t1.add_parser("setup", help="create or upgrade the team store (database admin)")
    setup.add_argument("url", metavar="URL", help="libpq URL or service=NAME of an account "
                       "with CREATE on the database (and CREATEROLE the first time)")
    harden = t1.add_parser("harden-catalog", help="hide table sizes and row counters in the "
                           "team's database from its logins (a superuser, once)")
    harden.add_argument("url", metavar="URL", help="libpq URL or service=NAME of a superuser "
                        "account, on the team store's database")
    for kind in ("interviewer", "lead", "admin"):
        add = t1.add_parser(f"add-{kind}", help=f"add a login role to the team's {kind}s")
        add.add_argument("name", metavar="NAME", help="the login (role) name")
        add.add_argument("--display-name", metavar="TEXT",
                         help="the name on their scorecards (default: NAME)")
        add.add_argument("--url", metavar="URL", help="an account allowed to add members "
                         "(default: the connected team store)")
        secret = add.add_mutually_exclusive_group()
        secret.add_argument("--password-file", metavar="FILE",
                            help="read the new login's password from the first line of FILE")
        secret.add_argument("--password-env", metavar="VARIABLE",
                            help="read the new login's password from this environment variable")
    connect = t1.add_parser("connect", help="publish to this team store (password not saved)")
    connect.add_argument("url", metavar="URL", help="libpq URL, key=value string, or "
                         "service=NAME")
    connect.add_argument("--no-check", action="store_true", help="save without connecting")
    connect.add_argument("--publish-existing", action="store_true",
                         help="also publish rounds submitted here before connecting")
    status = t1.add_parser("status", help="who you are on the team store, and its schema")
    status.add_argument("--json", action="store_true")
    t1.add_parser("disconnect", help="stop using the team store (deletes nothing)")
    t1.add_parser("publish", help="send the submitted rounds and amendments waiting, now")
    rules = t1.add_parser("settings", help="show or (admins) change the team's rules: are "
                          "loops required")
    loops = rules.add_mutually_exclusive_group()
    loops.add_argument("--loops-required", dest="loops", action="store_const", const=True,
                       help="publish a scorecard only for a round a loop assigns to its "
                       "interviewer (the default)")
    loops.add_argument("--loops-optional", dest="loops", action="store_const", const=False,
                       help="for a team that plans no loops: any member may publish a "
                       "scorecard of a candidate without a loop (audited)")
    rules.add_argument("--json", action="store_true")


def _since(text: str) -> date:
    """``--since``: a date as YYYY-MM-DD (argparse turns the error into exit 2)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date: {text!r} (use YYYY-MM-DD, e.g. 2026-01-31)") from None


# A copy of the app without the optional PostgreSQL driver (the bundle as shipped).
MISSING_DRIVER = ("the team store needs the PostgreSQL driver (psycopg), which this copy of "
                  "the app does not include; docs/IT.md, \"Adding the team store driver\", "
                  "says how to add it")


def _handler_key(args: argparse.Namespace) -> str:
    if not args.command:
        return "gui"
    sub = getattr(args, "subcommand", None)
    return f"{args.command} {sub}" if sub else args.command


def _resolve(key: str):  # type: ignore[no-untyped-def]
    module_name, func = HANDLERS[key].split(":")
    return getattr(importlib.import_module(module_name), func)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse ``argv``; opening the window skips building the subcommands' parsers.

    Those parsers cost about 9 ms (argparse looks up translations for every help
    text), which is time on the way to the first frame. When no word of ``argv``
    names a command and no help is asked for, the window's options alone are
    enough; anything they do not recognise goes to the whole parser, so errors
    read the same either way.
    """
    if not COMMAND_WORDS.intersection(argv) and not {"-h", "--help"}.intersection(argv):
        args, rest = build_parser(commands=False).parse_known_args(argv)
        if not rest:
            args.command = None
            return args
    return build_parser().parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    from companion.base.logs import setup_logging
    from companion.base.paths import data_dir

    try:
        log_path = setup_logging(data_dir(args.data_dir))
    except CompanionError as exc:
        print(f"companion: {exc}", file=sys.stderr)
        return exc.exit_code
    key = _handler_key(args)
    if key == "gui":
        # The window's start makes tens of thousands of objects that live as long as it
        # does (modules, Qt's types, widgets); collecting while they are made frees
        # nothing and cost about 8 % of --smoke (bench/startup.py). run_gui turns the
        # collector back on at the first paint.
        gc.disable()
    try:
        handler = _resolve(key)
        code = handler(args)
        return int(code or 0)
    except CompanionError as exc:
        print(f"companion: {exc}", file=sys.stderr)
        return exc.exit_code
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("psycopg"):
            log.exception("unexpected fault in %r", key)
            print(f"companion: unexpected error; details were written to {log_path}",
                  file=sys.stderr)
            return 1
        print(f"companion: {MISSING_DRIVER}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception:
        log.exception("unexpected fault in %r", key)
        print(f"companion: unexpected error; details were written to {log_path}",
              file=sys.stderr)
        return 1
