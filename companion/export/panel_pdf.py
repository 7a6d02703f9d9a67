"""The panel debrief PDF: several interviewers' scorecards of one candidate, merged.

Disagreements come first, as the agenda; then the overview (rating matrix,
dimensions, red flags, recommendations, coverage); then the evidence, what each
interviewer wrote, with the agenda items first so the debrief can walk through
them in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether, Table

from companion.content.model import Item, Pack
from companion.export.analysis import (
    DISAGREEMENT_STEPS,
    Disagreement,
    PanelAnalysis,
    analyse_panel,
    check_panel,
    format_score,
    item_dimension,
    item_title,
    rated_count,
)
from companion.export.common import duration, level_title, offset, when
from companion.export.document import build_pdf
from companion.export.late_changes import (
    LateChange,
    late_changes,
    rating_change,
    text_difference,
)
from companion.export.styles import MARK, grid, labelled, para, paras, styles
from companion.record.change_text import (
    FLAG_STATE_LABEL,
    probe_text,
    rating_label,
    recommendation_label,
    subject,
    value,
)
from companion.record.changes import Recommend
from companion.record.decision import Decision
from companion.record.scorecard import ProbeAnswer, Scorecard

AGENDA_MARK = "(!)"
AMENDED_MARK = "(changed)"
# The tables with a column per interviewer take at most this many side by side: more, and
# their cells wrap letter by letter (from about 12), then do not fit at all (from 37).
PANEL_COLUMNS = 8
COLUMN_HEAD_CHARS = 60  # see _column_head


def column_blocks(n: int) -> list[range]:
    """The ``n`` interviewers' columns in as few blocks of at most PANEL_COLUMNS as will
    do, of equal size give or take one (12 make two blocks of 6, not 8 and 4)."""
    if n <= 0:
        return []
    count = -(-n // PANEL_COLUMNS)
    size, extra = divmod(n, count)
    out, start = [], 0
    for b in range(count):
        end = start + size + (b < extra)
        out.append(range(start, end))
        start = end
    return out


def _column_head(label: str) -> str:
    """A column's label cut in the middle to COLUMN_HEAD_CHARS, keeping both ends (what
    tells one round of an interviewer from another is at the end); the header table
    above gives it whole. Eight labels of 400 characters (a name and a round title of
    200 each) made a head row taller than a page."""
    if len(label) <= COLUMN_HEAD_CHARS:
        return label
    keep = (COLUMN_HEAD_CHARS - 1) // 2
    return f"{label[:keep]}\u2026{label[-keep:]}"


def _block_caption(block: range, n: int) -> Flowable:
    return para(f"Interviewers {block.start + 1} to {block.stop} of {n}", styles().small)


def render_panel(scorecards: Sequence[Scorecard], pack: Pack, out: Path, *,
                 labels: Sequence[str] | None = None, page_size: str = "a4",
                 decision: Decision | None = None, provenance: Sequence[str] | None = None,
                 warnings: Sequence[str] = (),
                 loop_lines: Sequence[tuple[str, str]] = ()) -> Path:
    """Check, analyse and write a panel debrief of ``scorecards`` to ``out``; returns the path.

    ``labels`` name each scorecard in error messages (file paths or stored ids);
    ``decision`` is the panel's decision, when one is recorded; ``provenance``
    says, per scorecard, who stored it where and when (the team store);
    ``warnings`` are printed on page 1 (a team store row that was left out);
    ``loop_lines`` are page 1's lines about the candidate's loop (who is still out,
    what it measured against the plan), if any.
    Raises CompanionError for unsubmitted scorecards, mixed candidates or packs.
    """
    names = list(labels) if labels is not None else [sc.id for sc in scorecards]
    scs = check_panel(scorecards, names)
    if provenance is not None and len(provenance) != len(scorecards):
        raise ValueError("one provenance line per scorecard")
    where = dict(zip((sc.id for sc in scorecards), provenance or (), strict=False))
    analysis = analyse_panel(scs, pack)
    story = panel_story(scs, pack, analysis, decision, [where.get(sc.id, "") for sc in scs],
                        warnings, loop_lines)
    who = ", ".join(analysis.columns)
    return build_pdf(
        story, Path(out), title=f"Panel debrief: {analysis.candidate}", author=who,
        subject="Interview panel debrief (confidential candidate data)",
        running_head=f"Panel debrief: {analysis.candidate}", page_size=page_size)


def panel_story(scs: Sequence[Scorecard], pack: Pack, a: PanelAnalysis,
                decision: Decision | None = None, provenance: Sequence[str] = (),
                warnings: Sequence[str] = (),
                loop_lines: Sequence[tuple[str, str]] = ()) -> list[Flowable]:
    """The flowables of a debrief for already-checked scorecards."""
    st = styles()
    story: list[Flowable] = [para(f"Panel debrief: {a.candidate}", st.title)]
    for line in warnings:
        story.append(para(f"Left out: {line}", st.small))
    story.append(_header(scs, pack, a, decision, provenance, loop_lines))
    for note in a.notes:
        story.append(para(note, st.small))
    changes = late_changes(scs, a.columns, pack)
    story.extend(_agenda(a, changes))
    story.extend(_matrix(pack, a, changes))
    story.extend(_dimensions(pack, a))
    story.extend(_flags(a))
    story.extend(_recommendations(scs, a))
    story.extend(_amendments(scs, pack, a))
    story.extend(_coverage(pack, a))
    story.extend(_evidence(scs, pack, a, changes))
    return story


def _header(scs: Sequence[Scorecard], pack: Pack, a: PanelAnalysis,
            decision: Decision | None, provenance: Sequence[str] = (),
            loop_lines: Sequence[tuple[str, str]] = ()) -> Table:
    st = styles()
    levels = sorted({level_title(pack, sc.level) for sc in scs})
    rows = [("Candidate", a.candidate), ("Archetype", a.archetype_title),
            ("Level", ", ".join(levels)), ("Pack", f"{scs[0].pack_id} {scs[0].pack_version}")]
    if decision is not None:
        said = decision.describe(level_title(pack, decision.level) if decision.level else None)
        note = f" · {decision.note}" if decision.note else ""
        rows.append(("Panel decision", f"{said} · decided by {decision.decided_by}, "
                                       f"{when(decision.decided_at)}{note}"))
    rows.extend(loop_lines)
    stored = list(provenance) or [""] * len(scs)
    for col, sc, where in zip(a.columns, scs, stored, strict=True):
        line = (f"{sc.round_title} · {when(sc.started_at)} · {duration(sc.duration_s)} · "
                f"submitted {when(sc.submitted_at)}")
        if where:
            line += f" · {where}"
        if col in a.barely_rated:
            rated, items = rated_count(sc)
            line += f" · ALMOST NOTHING RATED ({rated} of {items} items)"
        rows.append((col, line))
    data = [[para(k, st.cell_bold), para(v, st.cell)] for k, v in rows]
    table = Table(data, colWidths=["24%", "76%"], hAlign="LEFT")
    table.setStyle(grid(header_rows=0))
    return table


def _agenda(a: PanelAnalysis, changes: Sequence[LateChange]) -> list[Flowable]:
    """The disagreements, then the changes made after submission, as numbered lists."""
    st = styles()
    title = "Debrief agenda: where the panel disagrees" + (
        ", and what changed after submission" if changes else "")
    out: list[Flowable] = [para(title, st.h1)]
    if not a.disagreements:
        out.append(para("No disagreements: every item's ratings are within one step of each "
                        "other and all recommendations are on the same side.", st.body))
        out.extend(_changes_agenda(changes, 1))
        return out
    out.append(para(f"Ratings {DISAGREEMENT_STEPS} or more steps apart on one item, and "
                    "recommendations split between yes and no; widest gaps first. What each "
                    "interviewer wrote on these items is under \u201cEvidence on the agenda "
                    "items\u201d.", st.small))
    data = [[para("#", st.cell_bold), para("Topic", st.cell_bold),
             para("Who said what", st.cell_bold)]]
    for n, d in enumerate(a.disagreements, 1):
        voices = [f"{who}: {value}" for who, value in d.positions]
        # At most PANEL_COLUMNS voices a row, the rest on rows under it: a table row
        # cannot break across pages, and a wide panel's voices would outgrow one.
        for k, block in enumerate(column_blocks(len(voices))):
            said = para("; ".join(voices[i] for i in block), st.cell)
            data.append([para(f"{n}.", st.cell_bold),
                         para(f"{AGENDA_MARK} {_agenda_title(d)}", st.cell_bold), said]
                        if k == 0 else [para("", st.cell), para("(continued)", st.small_cell),
                                        said])
    table = Table(data, colWidths=["6%", "40%", "54%"], repeatRows=1, hAlign="LEFT")
    table.setStyle(grid())
    out.append(table)
    out.extend(_changes_agenda(changes, len(a.disagreements) + 1))
    return out


# An agenda cell shows the start of a changed text; the whole text is in the evidence.
_AGENDA_TEXT = 160


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _AGENDA_TEXT else text[:_AGENDA_TEXT - 1] + "\u2026"


def _changed_when(c: LateChange) -> str:
    """"changed 14:12 UTC, 25 min after submission" (the last edit, when there were several)."""
    edits = f"{c.edits} edits, last " if c.edits > 1 else ""
    at = when(c.last_at)
    if c.submitted_at is not None and c.submitted_at.date() == c.last_at.date():
        at = c.last_at.strftime("%H:%M UTC")  # the date is the submission's, in the header
    after = (f", {duration((c.last_at - c.submitted_at).total_seconds())} after submission"
             if c.submitted_at is not None and c.last_at >= c.submitted_at
             else ", after submission")
    return f"{edits}changed {at}{after}"


def _before_after(c: LateChange) -> str:
    if c.is_text:
        return text_difference(c.before, c.after, _AGENDA_TEXT)
    return f"{_short(c.before)} \u2192 {_short(c.after)}"


def _changes_agenda(changes: Sequence[LateChange], first: int) -> list[Flowable]:
    """Every change made after submission: who, what, from what to what, and when."""
    if not changes:
        return []
    st = styles()
    out: list[Flowable] = [
        para("Changed after submission", st.h2),
        para("Each interviewer's changes to their own scorecard after submitting it, "
             "perhaps after reading colleagues' scorecards: ask what changed their mind.",
             st.small)]
    data = [[para("#", st.cell_bold), para("Who changed what", st.cell_bold),
             para("From submission to now", st.cell_bold)]]
    for n, c in enumerate(changes, first):
        data.append([para(f"{n}.", st.cell_bold),
                     [para(f"{AMENDED_MARK} {c.column}: {c.subject}", st.cell_bold),
                      para(_changed_when(c), st.small_cell)],
                     para(_before_after(c), st.cell)])
    table = Table(data, colWidths=["6%", "46%", "48%"], repeatRows=1, hAlign="LEFT")
    table.setStyle(grid())
    out.append(table)
    return out


def _agenda_title(d: Disagreement) -> str:
    if d.kind == "recommendation":
        return "Recommendations split between yes and no"
    return f"{d.title}: ratings {d.spread} steps apart"


def _matrix(pack: Pack, a: PanelAnalysis, changes: Sequence[LateChange]) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [para("Ratings per question and scenario", st.h1)]
    if not a.item_ids:
        out.append(para("No question or scenario was recorded.", st.body))
        return out
    disputed = {d.subject for d in a.disagreements if d.kind == "rating"}
    blocks = column_blocks(len(a.columns))
    for block in blocks:
        header = [para("Item (dimension)", st.cell_bold)]
        header += [para(_column_head(a.columns[c]), st.col_head) for c in block]
        data = [header]
        marked_rows = []
        for item_id in a.item_ids:
            mark = item_id in disputed
            title = (f"{AGENDA_MARK} {item_title(pack, item_id)}" if mark
                     else item_title(pack, item_id))
            cell = st.cell_bold if mark else st.cell
            row: list[object] = [[para(title, cell),
                                  para(_dim_label(pack, a, item_id), st.small_cell)]]
            for c in block:
                rating = a.ratings[item_id][c]
                shown = para(rating_label(rating) if rating else "-", cell)
                late = rating_change(changes, a.columns[c], item_id)
                row.append([shown, para(f"{AMENDED_MARK} was {late.before}", st.small_cell)]
                           if late else shown)
            if mark:
                marked_rows.append(len(data))
            data.append(row)
        widths = ["34%"] + [f"{66 / len(block):.3f}%"] * len(block)
        table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        style = grid()
        for r in marked_rows:
            style.add("BACKGROUND", (0, r), (-1, r), MARK)
        table.setStyle(style)
        # The caption goes where its block goes (a block longer than a page still splits).
        out.append(KeepTogether([_block_caption(block, len(a.columns)), table])
                   if len(blocks) > 1 else table)
    changed = (f" {AMENDED_MARK} \u201cwas \u2026\u201d: the rating was changed after "
               "submission (on the agenda)." if any(c.is_rating for c in changes) else "")
    out.append(para(f"{AGENDA_MARK} and shading: on the agenda above. \"-\": not asked by "
                    f"this interviewer. \"Skipped\": passed over on purpose.{changed}",
                    st.small))
    return out


def _dim_label(pack: Pack, a: PanelAnalysis, item_id: str) -> str:
    dim = item_dimension(pack, item_id)
    if dim is None:
        return "-"
    arche = pack.find_archetype(a.archetype_id)
    return arche.label(dim) if arche else dim


def _dimensions(pack: Pack, a: PanelAnalysis) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [para("Dimensions and weighted summary (an aid, not a verdict)",
                                st.h1)]
    out.append(para("Mean item rating per dimension for each interviewer (strong 4, mid 3, "
                    "thin 2, very thin 1; skipped items left out), and those means combined "
                    f"with the {a.archetype_title} loop weighting. Use it to spot patterns "
                    "beside the evidence, not to decide.", st.small))
    first = a.weighted[0].dimensions if a.weighted else ()
    blocks = column_blocks(len(a.columns))
    kept: list[Flowable] = []
    for block in blocks:
        if len(blocks) > 1:
            out.append(_block_caption(block, len(a.columns)))
        header = [para("Dimension", st.cell_bold), para("Weight", st.cell_bold)]
        header += [para(_column_head(a.columns[c]), st.col_head) for c in block]
        data = [header]
        for dim in first:
            row = [para(dim.label, st.cell), para(f"{dim.weight}%", st.cell)]
            row += [para(format_score(a.dimension_means[dim.dimension][c]), st.cell)
                    for c in block]
            data.append(row)
        data.append([para("Weighted mean", st.cell_bold), para("", st.cell)]
                    + [para(format_score(a.weighted[c].overall), st.cell_bold) for c in block])
        widths = ["30%", "10%"] + [f"{60 / len(block):.3f}%"] * len(block)
        table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(grid())
        out.append(table)
        # A few rows under a heading: one block, so the header row never ends a page alone.
        kept.append(KeepTogether(out))
        out = []
    return kept


def _flags(a: PanelAnalysis) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [para("Red flags raised", st.h1)]
    if not a.flags:
        out.append(para("No interviewer raised a red flag.", st.body))
        return out
    for f in a.flags:
        at = "time not recorded" if f.raised_at_s is None else (
            f"raised at {int(f.raised_at_s) // 60}:{int(f.raised_at_s) % 60:02d} into the round")
        where = f" · during {f.item_title}" if f.item_title else ""
        out.append(KeepTogether([
            para(f"{FLAG_STATE_LABEL.get(f.state, f.state)}: {f.title}, raised by {f.interviewer}",
                 st.h2),
            para(f"{at}{where}", st.small),
            para("Evidence", st.label),
            *paras(f.evidence.strip() or "(no evidence written)", st.note),
        ]))
    return out


def _recommendations(scs: Sequence[Scorecard], a: PanelAnalysis) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [para("Recommendations and summaries", st.h1)]
    for col, sc in zip(a.columns, scs, strict=True):
        out.append(para(f"{col}: {_rec(sc)}", st.h2))
        out.extend(paras(sc.summary.strip() or "(no summary written)", st.body))
    return out


def _amendments(scs: Sequence[Scorecard], pack: Pack, a: PanelAnalysis) -> list[Flowable]:
    """Every change made after submission, so nobody mistakes it for the first verdict."""
    st = styles()
    changed = [(col, sc) for col, sc in zip(a.columns, scs, strict=True) if sc.amendments]
    if not changed:
        return []
    out: list[Flowable] = [
        para("Amended after submission", st.h1),
        para("Changes an interviewer made after submitting, oldest first. Everything above "
             "shows the amended values.", st.small)]
    for col, sc in changed:
        for x in sorted(sc.amendments, key=lambda x: x.at):
            # In pieces (styles.paras): a rewritten note is two whole texts, up to the
            # intake's limits, and one Paragraph that long splits in quadratic time.
            rows = [para(f"{col}, {when(x.at)}: {subject(x.change, pack)}", st.h2),
                    *paras(value(x.undo), st.note, "Before:"),
                    *paras(value(x.change), st.note, "After:")]
            if x.reason.strip():
                rows.extend(paras(x.reason.strip(), st.note, "Reason:"))
            out.append(KeepTogether(rows))
    return out


def _rec(sc: Scorecard) -> str:
    amended = any(isinstance(x.change, Recommend) for x in sc.amendments)
    return recommendation_label(sc.recommendation) + (
        " (amended after submission)" if amended else "")


def _coverage(pack: Pack, a: PanelAnalysis) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [para("Coverage", st.h1)]
    arche = pack.find_archetype(a.archetype_id)
    if arche is None:
        out.append(para("Coverage cannot be computed: the pack has no archetype "
                        f"{a.archetype_id!r}.", st.body))
        return out
    if a.unscored_dimensions:
        out.append(para("Dimensions of the loop weighting nobody scored: "
                        + ", ".join(f"{arche.label(d)} ({arche.weight(d)}%)"
                                    for d in a.unscored_dimensions), st.body))
    else:
        out.append(para("Every weighted dimension was scored by at least one interviewer.",
                        st.body))
    for what, ids in (("Questions", a.unasked_questions), ("Scenarios", a.unasked_scenarios)):
        if ids:
            out.append(para(f"{what} for this archetype and level that nobody asked:", st.label))
            out.append(para("; ".join(item_title(pack, i) for i in ids), st.note))
        else:
            out.append(para(f"{what}: every one for this archetype and level was asked.",
                            st.body))
    return out


def _evidence(scs: Sequence[Scorecard], pack: Pack, a: PanelAnalysis,
              changes: Sequence[LateChange]) -> list[Flowable]:
    """What each interviewer wrote: the agenda items first, in agenda order, then the rest."""
    st = styles()
    agenda = [(n, d) for n, d in enumerate(a.disagreements, 1) if d.kind == "rating"]
    out: list[Flowable] = []
    if agenda:
        out.append(para("Evidence on the agenda items", st.h1))
        for n, d in agenda:
            out.append(para(f"{n}. {AGENDA_MARK} {_agenda_title(d)}", st.h2))
            out.extend(_item_voices(scs, pack, a, d.subject, changes))
    disputed = {d.subject for _, d in agenda}
    rest = [i for i in a.item_ids if i not in disputed]
    out.append(para("Evidence on the other items" if agenda else "Evidence by item", st.h1))
    if not rest:
        out.append(para("Every item is on the agenda; its notes are above.", st.body))
    for item_id in rest:
        out.append(para(item_title(pack, item_id), st.h2))
        out.extend(_item_voices(scs, pack, a, item_id, changes))
    rounds = [(c, sc) for c, sc in zip(a.columns, scs, strict=True)
              if sc.said.strip() or sc.read.strip()]
    if rounds:
        out.append(para("Round notes", st.h2))
        for col, sc in rounds:
            out.append(para(col, st.label))
            out.extend(_said_read(sc.said, sc.read))
    return out


def _item_voices(scs: Sequence[Scorecard], pack: Pack, a: PanelAnalysis, item_id: str,
                 changes: Sequence[LateChange]) -> list[Flowable]:
    st = styles()
    item = pack.find_item(item_id)
    out: list[Flowable] = []
    for col, sc in zip(a.columns, scs, strict=True):
        rec = sc.item(item_id)
        if rec is None:
            continue
        late = rating_change(changes, col, item_id)
        if late is not None:  # "rated 3:06 into the round" would date the change, not the round
            rated = f" · was {late.before}, {_changed_when(late)}"
        else:
            rated = f" · rated {offset(sc, rec.rated_at)}" if rec.rated_at else ""
        out.append(para(f"{col}: {rating_label(rec.rating)}{rated} · "
                        f"{duration(rec.time_spent_s)} spent", st.label))
        others = [c for c in changes if c.column == col and c.item_id == item_id
                  and not c.is_rating]
        if others:
            out.append(para("Also changed after submission: " + "; ".join(
                f"{c.subject}, {_changed_when(c)}" for c in others), st.small))
        out.extend(_said_read(rec.said, rec.read))
        for p in rec.probes:
            if p.asked:
                out.extend(_probe_voice(sc, item, p))
    return out


def _probe_voice(sc: Scorecard, item: Item | None, p: ProbeAnswer) -> list[Flowable]:
    """One asked probe with what was recorded for it (the window records only when an
    ordinary probe was asked: no rating or answer is claimed missing for one)."""
    st = styles()
    if p.probe_id.startswith("failure."):
        target = p.probe_id.removeprefix("failure.")
        return paras(p.note.strip() or "(no answer noted)", st.note,
                     f"Failure probe, {target} [{rating_label(p.rating)}]:")
    question = f"\u201c{probe_text(item, p.probe_id)}\u201d"
    if p.rating is None and not p.note.strip():
        asked = f", {offset(sc, p.at)}" if p.at else ""
        return [labelled(f"Probe asked{asked}:", question, st.note)]
    rating = f" [{rating_label(p.rating)}]" if p.rating is not None else ""
    return paras(f"{question} {p.note.strip()}".rstrip(), st.note, f"Probe{rating}:")


def _said_read(said: str, read: str) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = []
    if said.strip():
        out.extend(paras(said.strip(), st.note, "What they said:"))
    if read.strip():
        out.extend(paras(read.strip(), st.note, "My read:"))
    if not out:
        out.append(para("(no notes)", st.note))
    return out
