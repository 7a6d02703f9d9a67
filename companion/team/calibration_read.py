"""Calibration's read of the team store: only the fields it uses, checked like a file's.

Reading every whole payload through the exchange gate costs about a millisecond a
scorecard, ten seconds for a large team's year, where the laptop's bulk read
(``store.bulk``) takes a third of a second. So the server's
``companion.read_calibration`` hands back, per scorecard, what calibration uses
(the header, ratings, failure probes, flag states, the recommendation and the
amendments of those) as JSON text, and this module checks each of those values
with the exchange decoder's own rules (``json_reader.Obj``: closed sets, id
forms, lengths, dates from 2000 to 2200, the bounded parser for the text). A row
that fails is named in one line and left out; the rest still count. Notes and the
content hash are not read here: the debrief, which shows them, reads whole
payloads (``server.fetch_scorecards``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection

from companion.base.gcpause import paused_gc
from companion.exchange.files import FORMAT_VERSION
from companion.exchange.schema import ITEM_KINDS
from companion.intake import limits
from companion.intake.json_reader import Obj, SchemaError
from companion.intake.reading import ID_FORM, Refused, one_line, parse_json
from companion.record.change_codec import amendment_from
from companion.record.changes import Amendment
from companion.record.scorecard import (
    FLAG_STATES,
    RECOMMENDATIONS,
    RUBRIC_BUTTONS,
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    RoundHeader,
    Scorecard,
    header_from,
)
from companion.team import server

_HEX_ID_CHARS = 32


@dataclass(frozen=True)
class CalibrationRows:
    scorecards: list[Scorecard]  # every amendment applied
    problems: list[str]  # one line per row left out


def read_calibration(conn: Connection, since: datetime | None = None) -> CalibrationRows:
    """Every scorecard the login may read, as calibration needs it, and the rows left out."""
    rows = server.execute(conn, "to read the scorecards for calibration",
                          "SELECT id, format_version, card "
                          "FROM companion.read_calibration(CAST(:since AS timestamptz))",
                          {"since": since}).all()
    amendments, bad = server.amendments_of(conn, None) if rows else ({}, [])
    cards: list[Scorecard] = []
    problems: list[str] = []
    with paused_gc():  # 10,000 small objects at once: no collection in between
        for sid, version, card in rows:
            try:
                sc = _card(str(sid), version, card)
                for stored in amendments.get(sc.id, ()):
                    change = amendment_from(Obj(stored.change, "the amendment"))
                    sc = sc.apply(_trusted_parts(change, stored.at, sc))
            except (Refused, SchemaError, ValueError) as exc:
                problems.append(server.Unreadable("scorecard", str(sid), _who(card),
                                                  str(exc)).line())
                continue
            cards.append(sc)
    kept = {sc.id for sc in cards}
    problems += [u.line() for u in bad if u.scorecard_id in kept]
    return CalibrationRows(cards, problems)


def _who(card: object) -> str:
    """The interviewer a bad row names, for the warning line only (never trusted)."""
    if isinstance(card, str):
        start = card.find('"interviewer": "')
        if start >= 0:
            return one_line(card[start + 16:start + 16 + 80].split('"')[0])
    return "(unknown)"


def _trusted_parts(change: Amendment, at: datetime, sc: Scorecard) -> Amendment:
    """An amendment with the server's bounded time and the chain's own "before"."""
    return replace(change, at=at, undo=sc.undo_for(change.change))


def _card(sid: str, version: object, text: object) -> Scorecard:
    if not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
        raise SchemaError(f"written in scorecard format {version}, which this app does not "
                          f"read (it reads 1 to {FORMAT_VERSION}): update the app")
    if not isinstance(text, str) or len(text) > limits.SCORECARD_FILE_BYTES:
        raise SchemaError("the stored scorecard is not JSON text of a bounded size")
    o = Obj(parse_json(text, "scorecard"), "scorecard")
    card_id = o.text("id")
    if card_id != sid or len(sid) != _HEX_ID_CHARS or not ID_FORM.fullmatch(sid):
        raise SchemaError("its id is not the 32 hex digits of its row")
    header: RoundHeader = header_from(
        {"candidate": o.text("candidate"), "interviewer": o.text("interviewer"),
         "archetype": o.text("archetype"), "level": o.text("level"),
         "template_id": o.text("template_id"), "round_title": o.text("round_title"),
         "pack_id": o.text("pack_id"), "pack_version": o.text("pack_version"),
         "started_at": o.time("started_at")})
    items = []
    for it in _objects(o, "items"):
        probes = tuple(ProbeAnswer(p.text("probe_id"), p.flag("asked"),
                                   p.choice("rating", RUBRIC_BUTTONS, nullable=True))
                       for p in it.objects("probes"))
        items.append(ItemRecord(it.text("item_id"), it.choice("kind", ITEM_KINDS) or "",
                                it.choice("rating", RUBRIC_BUTTONS, nullable=True),
                                probes=probes))
    flags = tuple(FlagRecord(f.text("flag_id"), f.choice("state", FLAG_STATES) or "")
                  for f in _objects(o, "flags"))
    sc = Scorecard(**vars(header), id=card_id, submitted_at=o.time("submitted_at"),
                   ended_at=o.opt_time("ended_at") if version >= 2 else None,
                   duration_s=o.seconds("duration_s"), items=tuple(items), flags=flags,
                   recommendation=o.choice("recommendation", RECOMMENDATIONS, nullable=True))
    carried = _objects(o, "amendments") if version >= 2 else []
    if carried:  # as the whole payload's decoder keeps them: listed, as carried
        sc = replace(sc, amendments=tuple(amendment_from(a) for a in carried))
    return sc


def _objects(o: Obj, key: str) -> list[Obj]:
    """A list the server built (NULL when the payload had none): empty, or checked."""
    if o.data.get(key) is None:
        return []
    return o.objects(key)
