"""``session show``: one scorecard as readable text for a terminal.

Evidence first, judgement second, as in the debrief: each item shows what the
candidate said before the interviewer's read. Titles come from the pack when
it knows the ids; otherwise the ids themselves are shown, so a scorecard from
someone else's pack still reads.
"""

from __future__ import annotations

import textwrap
from datetime import datetime

from companion.content.model import Archetype, Item, Pack, RedFlag
from companion.record.change_text import describe
from companion.record.scorecard import (
    RATING_LABEL,
    RECOMMENDATION_LABEL,
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    Scorecard,
)

WIDTH = 100


def local_time(value: datetime | None) -> str:
    """A stored UTC time in the viewer's own zone, to the minute."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "-"


def minutes(seconds: float) -> str:
    return f"{round(seconds / 60)} min"


def _wrapped(label: str, text: str, indent: int) -> list[str]:
    """``label: text`` wrapped under itself; blank text is left out.

    A long label gets the text on the lines below it instead, so the text never
    ends up squeezed into a sliver at the right edge.
    """
    if not text.strip():
        return []
    pad = " " * indent
    hang = pad + " " * (len(label) + 2)
    if len(hang) > WIDTH // 3:
        lines = textwrap.wrap(f"{label}:", WIDTH, initial_indent=pad, subsequent_indent=pad)
        hang = pad + "    "
        head = hang
    else:
        lines, head = [], f"{pad}{label}: "
    for n, para in enumerate(text.strip().splitlines()):
        first = head if n == 0 else hang
        lines += textwrap.wrap(para, WIDTH, initial_indent=first, subsequent_indent=hang) or []
    return lines


def _rating(value: str | None) -> str:
    return RATING_LABEL.get(value, value) if value else "not rated"


def _named(found: Item | RedFlag | Archetype | None, wanted: str) -> str:
    """The title of a pack entry looked up with ``find_*``; the id itself when unknown."""
    return found.title if found is not None else wanted


def _title(pack: Pack | None, item_id: str) -> str:
    return _named(pack.find_item(item_id) if pack else None, item_id)


def _probe_label(pack: Pack | None, item_id: str, probe: ProbeAnswer) -> str:
    """A short name for a probe: its target for failure probes, else its opening words."""
    if probe.probe_id.startswith("failure."):
        return f"Failure probe, {probe.probe_id.removeprefix('failure.')}"
    text = probe.probe_id
    if pack is not None:
        item = pack.find_item(item_id)
        if item is not None:
            text = next((p.text for p in item.probes if p.id == probe.probe_id), text)
    return f'Probe "{text if len(text) <= 48 else text[:47] + "…"}"'


def _item_lines(n: int, it: ItemRecord, pack: Pack | None) -> list[str]:
    lines = [f"{n:>2}. {_title(pack, it.item_id)} [{it.item_id}, {it.kind}]: "
             f"{_rating(it.rating)}" + (f" ({minutes(it.time_spent_s)})"
                                        if it.time_spent_s else "")]
    lines += _wrapped("Said", it.said, 6)
    lines += _wrapped("Read", it.read, 6)
    for p in it.probes:
        state = _rating(p.rating) if p.asked else "not asked"
        lines += _wrapped(_probe_label(pack, it.item_id, p),
                          state + (f". {p.note}" if p.note else ""), 6)
    return lines


def _flag_lines(fl: FlagRecord, pack: Pack | None) -> list[str]:
    title = _named(pack.find_red_flag(fl.flag_id) if pack else None, fl.flag_id)
    raised = next((e.at for e in fl.events if e.state != "off"), None)
    where = f" during {_title(pack, fl.item_id)}" if fl.item_id else ""
    return [f"  - {title} [{fl.flag_id}]: {fl.state}",
            *_wrapped("Raised", f"{local_time(raised)}{where}", 6),
            *_wrapped("Evidence", fl.evidence, 6)]


def format_scorecard(sc: Scorecard, pack: Pack | None) -> str:
    """The whole scorecard as plain text, about 100 columns wide."""
    status = f"submitted {local_time(sc.submitted_at)}" if sc.submitted else "in progress"
    if sc.submit_delay_s is not None and sc.submit_delay_s >= 60:
        status += f", {minutes(sc.submit_delay_s)} after the round ended"
    role = _named(pack.find_archetype(sc.archetype) if pack else None, sc.archetype)
    rec = RECOMMENDATION_LABEL.get(sc.recommendation or "", "none yet")
    lines = [
        f"Round {sc.id} ({status})",
        f"  Candidate:      {sc.candidate}",
        f"  Interviewer:    {sc.interviewer}",
        f"  Role:           {role}, {sc.level}",
        f"  Round:          {sc.round_title} [{sc.template_id}], pack {sc.pack_id} "
        f"{sc.pack_version}",
        f"  Started:        {local_time(sc.started_at)}, {minutes(sc.duration_s)}",
        f"  Recommendation: {rec}",
        *_wrapped("Summary", sc.summary, 2),
        "",
        f"Questions and scenarios ({len(sc.items)})",
    ]
    for n, it in enumerate(sc.items, 1):
        lines += _item_lines(n, it, pack)
    raised = [f for f in sc.flags if any(e.state != "off" for e in f.events) or
              f.state != "off"]
    lines += ["", f"Red flags ({len(raised)})"]
    for fl in raised:
        lines += _flag_lines(fl, pack)
    if not raised:
        lines.append("  none raised")
    if sc.said.strip() or sc.read.strip():
        lines += ["", "Round notes", *_wrapped("Said", sc.said, 2), *_wrapped("Read", sc.read, 2)]
    if sc.sections:
        lines += ["", "Sections (planned / used)"]
        lines += [f"  {s.title}: {minutes(s.planned_s)} / {minutes(s.elapsed_s)}"
                  for s in sc.sections]
    if sc.amendments:
        lines += ["", f"Amendments after submission ({len(sc.amendments)})"]
        for a in sc.amendments:
            why = f" ({a.reason})" if a.reason else ""
            lines += _wrapped(f"  {local_time(a.at)}", f"{describe(a, pack)}{why}", 0)
    return "\n".join(lines)
