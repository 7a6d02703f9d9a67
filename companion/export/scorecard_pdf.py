"""One interviewer's scorecard as a printable PDF: evidence first, judgement after."""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from companion.content.model import FAILURE_TARGETS, FailureProbe, Item, Pack
from companion.export.analysis import archetype_of, format_score, weighted_summary
from companion.export.common import duration, level_title, offset, when
from companion.export.document import build_pdf
from companion.export.styles import grid, labelled, para, paras, styles
from companion.record.change_text import (
    FLAG_STATE_LABEL,
    amended_targets,
    probe_text,
    rating_label,
    recommendation_label,
    subject,
    value,
)
from companion.record.scorecard import (
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    Scorecard,
    SectionTiming,
)

_TARGET_NAME = {"database": "Database", "queue": "Queue", "downstream": "Downstream service"}
# Beyond this many characters in one failure-probe answer, columns become too tall.
_SIDE_BY_SIDE_MAX = 1200


def render_scorecard(sc: Scorecard, pack: Pack, out: Path, *, page_size: str = "a4") -> Path:
    """Write ``sc`` as a PDF at ``out`` (atomically) and return the path.

    ``pack`` supplies titles, anchored cue texts and the archetype weighting; items
    the pack does not know are still printed, by id, with their notes.
    """
    story = scorecard_story(sc, pack)
    return build_pdf(
        story, Path(out), title=f"Scorecard: {sc.candidate} ({sc.round_title})",
        author=sc.interviewer, subject="Interview scorecard (confidential candidate data)",
        running_head=f"Scorecard: {sc.candidate} · {sc.round_title} · {sc.interviewer}",
        page_size=page_size)


def scorecard_story(sc: Scorecard, pack: Pack) -> list[Flowable]:
    """The flowables of one scorecard (also used to size the benchmark baseline)."""
    st = styles()
    story: list[Flowable] = [para(f"Scorecard: {sc.candidate}", st.title)]
    story.append(_header(sc, pack))
    if not sc.submitted:
        story.append(Spacer(1, 4))
        story.append(para("DRAFT: this scorecard has not been submitted; ratings may change.",
                          st.h2))
    if (sc.pack_id, sc.pack_version) != (pack.id, pack.version):
        story.append(para(f"Written with pack {sc.pack_id} {sc.pack_version}; printed with "
                          f"{pack.id} {pack.version}. Cue texts may differ.", st.small))
    amended = amended_targets(sc)
    story.append(para("Questions and scenarios", st.h1))
    counters = {"question": 0, "scenario": 0}
    for rec in sc.items:
        counters[rec.kind] = counters.get(rec.kind, 0) + 1
        story.extend(_item(sc, pack, rec, counters[rec.kind], rec.item_id in amended))
    if sc.said.strip() or sc.read.strip():
        story.append(para("Round notes", st.h1))
        story.extend(_notes(sc.said, sc.read))
    story.append(para("Red flags", st.h1))
    story.extend(_flags(sc, pack))
    story.append(para("Sections: planned and actual", st.h1))
    story.append(_sections(sc, pack))
    story.extend(_weighted(sc, pack))
    story.append(para("Recommendation and summary", st.h1))
    rec_mark = " (amended after submission)" if "recommendation" in amended else ""
    story.append(para(f"Recommendation: {recommendation_label(sc.recommendation)}{rec_mark}",
                      st.h2))
    if "summary" in amended:
        story.append(para("Summary (amended after submission)", st.label))
    story.extend(paras(sc.summary.strip() or "(no summary written)", st.body))
    story.extend(_amendments(sc, pack))
    return story


def _header(sc: Scorecard, pack: Pack) -> Table:
    st = styles()
    arche = archetype_of(pack, sc.archetype)
    status = f"Submitted {when(sc.submitted_at)}" if sc.submitted else "Draft (not submitted)"
    if sc.submit_delay_s is not None and sc.submit_delay_s >= 60:
        status += f", {duration(sc.submit_delay_s)} after the round ended"
    rows = [
        ("Candidate", sc.candidate, "Interviewer", sc.interviewer),
        ("Archetype", arche.title if arche else sc.archetype, "Level",
         level_title(pack, sc.level)),
        ("Round", sc.round_title, "Date", when(sc.started_at)),
        ("Duration", duration(sc.duration_s), "Status", status),
        ("Pack", f"{sc.pack_id} {sc.pack_version}", "Round id", sc.id),
    ]
    data = [[para(a, st.cell_bold), para(b, st.cell), para(c, st.cell_bold), para(d, st.cell)]
            for a, b, c, d in rows]
    data[-1][3] = para(sc.id, st.small_cell)  # a 32-character id fits on one line
    table = Table(data, colWidths=["15%", "35%", "15%", "35%"], hAlign="LEFT")
    table.setStyle(grid(header_rows=0))
    return table


def _pack_item(pack: Pack, item_id: str) -> Item | None:
    return pack.find_item(item_id)


def _item(sc: Scorecard, pack: Pack, rec: ItemRecord, number: int,
          amended: bool) -> list[Flowable]:
    st = styles()
    item = _pack_item(pack, rec.item_id)
    title = item.title if item else rec.item_id
    kind = "Scenario" if rec.kind == "scenario" else "Question"
    mark = " (amended after submission)" if amended else ""
    arche = archetype_of(pack, sc.archetype)
    dim = item.dimension if item else ""
    dim_label = arche.label(dim) if arche and dim else dim
    head = [para(f"{kind} {number}: {title}{mark}", st.h2),
            para(f"Scores {dim_label or 'no dimension'} · time spent "
                 f"{duration(rec.time_spent_s)}", st.small)]
    out: list[Flowable] = [KeepTogether([*head, _rating_table(rec, item)])]
    asked = [p for p in rec.probes if p.asked and not p.probe_id.startswith("failure.")]
    if asked:
        out.append(para("Probes asked", st.label))
        if max(len(p.note) for p in asked) > _SIDE_BY_SIDE_MAX:
            out.extend(_probes_stacked(sc, asked, item))
        else:
            out.append(_probe_table(sc, asked, item))
    failure = {p.probe_id: p for p in rec.probes if p.probe_id.startswith("failure.")}
    if any(p.asked for p in failure.values()):
        # As it was asked: in the scenario's own wording where the pack gives one.
        probe = (pack.failure_probe_for(item) if item else None) or pack.failure_probe
        out.append(para(f"Failure probe: {probe.question}", st.label))
        if max(len(p.note) for p in failure.values()) > _SIDE_BY_SIDE_MAX:
            out.extend(_failure_stacked(probe, failure))
        else:
            out.append(_failure_table(probe, failure))
    out.extend(_notes(rec.said, rec.read))
    return out


def _rating_table(rec: ItemRecord, item: Item | None) -> Table:
    st = styles()
    meaning: list[Flowable]
    if rec.rating in (None, "skip"):
        meaning = [para("Passed over on purpose." if rec.rating == "skip"
                        else "No rating was recorded for this item.", st.cell)]
    else:
        cue = item.cues.get(rec.rating) if item else None
        if cue:
            meaning = [para(cue, st.cell)]
        elif item and item.cues.present():
            # The pack anchors only some levels; show those so the reader can place it.
            meaning = [para(f"The pack has no anchor for {rating_label(rec.rating)}; "
                            "its anchors for this item:", st.small_cell)]
            meaning += [labelled(f"{rating_label(lvl)}:", txt, st.cell)
                        for lvl, txt in item.cues.present()]
        else:
            meaning = [para("The pack gives no anchor text for this item.", st.cell)]
    data = [[para("Rating", st.cell_bold), para(rating_label(rec.rating), st.cell_bold),
             meaning]]
    # splitInRow: a pack may anchor an item at length (every level, up to 4,000 characters
    # each, when the rating has no anchor of its own); the row then continues overleaf.
    table = Table(data, colWidths=["15%", "15%", "70%"], splitInRow=1, hAlign="LEFT")
    table.setStyle(grid(header_rows=0))
    return table


def _probe_table(sc: Scorecard, probes: list[ProbeAnswer], item: Item | None) -> Table:
    """The probes asked, with what was recorded for them.

    The window records that an ordinary probe was asked, and when; it has no rating or
    answer for one. Those columns appear only when some probe here has them (a file from
    another tool, the demo), so a window-made round shows no column it could not fill.
    """
    st = styles()
    rated = any(p.rating is not None for p in probes)
    noted = any(p.note.strip() for p in probes)
    head = ["Probe", "Asked (into the round)", *(["Rating"] if rated else []),
            *(["Answer"] if noted else [])]
    data: list[list[Flowable]] = [[para(h, st.cell_bold) for h in head]]
    for p in probes:
        row = [para(probe_text(item, p.probe_id), st.cell),
               para(_asked_at(sc, p), st.cell)]
        if rated:
            row.append(para(rating_label(p.rating), st.cell))
        if noted:
            row.append(para(p.note.strip() or "-", st.cell))
        data.append(row)
    widths = {(False, False): ["70%", "30%"], (True, False): ["56%", "24%", "20%"],
              (False, True): ["32%", "18%", "50%"],
              (True, True): ["30%", "16%", "12%", "42%"]}[(rated, noted)]
    table = Table(data, colWidths=widths, repeatRows=1, splitInRow=1, hAlign="LEFT")
    table.setStyle(grid())
    return table


def _asked_at(sc: Scorecard, p: ProbeAnswer) -> str:
    return offset(sc, p.at).replace(" into the round", "") if p.at else "asked"


def _probes_stacked(sc: Scorecard, probes: list[ProbeAnswer],
                    item: Item | None) -> list[Flowable]:
    """Probes one under another: a long answer reads badly in a table cell."""
    st = styles()
    out: list[Flowable] = []
    for p in probes:
        rating = f" · {rating_label(p.rating)}" if p.rating is not None else ""
        out.append(para(f"\u201c{probe_text(item, p.probe_id)}\u201d · asked "
                        f"{offset(sc, p.at) if p.at else ''}{rating}", st.label))
        out.extend(paras(p.note.strip() or "-", st.note))
    return out


def _failure_table(probe: FailureProbe, answers: dict[str, ProbeAnswer]) -> Table:
    """The three failure probes side by side: one column per target."""
    st = styles()
    phrasing = dict(probe.targets)
    targets = [t for t, _ in probe.targets] or list(FAILURE_TARGETS)
    header, asked_as, rating, note = [], [], [], []
    for t in targets:
        ans = answers.get(f"failure.{t}")
        asked = bool(ans and ans.asked)
        header.append(para(_TARGET_NAME.get(t, t), st.cell_bold))
        asked_as.append(para(phrasing.get(t, "") if asked else "Not asked", st.small_cell))
        rating.append(para(rating_label(ans.rating if ans else None), st.cell_bold))
        note.append(para((ans.note.strip() if ans else "") or "-", st.cell))
    width = f"{100 / len(targets):.3f}%"
    table = Table([header, asked_as, rating, note], colWidths=[width] * len(targets),
                  repeatRows=1, splitInRow=1, hAlign="LEFT")
    table.setStyle(grid())
    return table


def _failure_stacked(probe: FailureProbe, answers: dict[str, ProbeAnswer]) -> list[Flowable]:
    """Failure probes one under another: long answers read badly in narrow columns."""
    st = styles()
    out: list[Flowable] = []
    for t, phrasing in probe.targets:
        ans = answers.get(f"failure.{t}")
        name = _TARGET_NAME.get(t, t)
        if not (ans and ans.asked):
            out.append(para(f"{name}: not asked", st.label))
            continue
        out.append(para(f"{name}: {rating_label(ans.rating)}", st.label))
        out.append(para(phrasing, st.small))
        out.extend(paras(ans.note.strip() or "-", st.note))
    return out


def _notes(said: str, read: str) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = []
    for label, text in (("What they said", said), ("My read", read)):
        out.append(para(label, st.label))
        out.extend(paras(text.strip() or "(no notes)", st.note))
    return out


def _flags(sc: Scorecard, pack: Pack) -> list[Flowable]:
    st = styles()
    raised = [f for f in sc.flags if f.state != "off" or any(e.state != "off" for e in f.events)]
    if not raised:
        return [para("No red flag was raised in this round.", st.body)]
    out: list[Flowable] = []
    for fl in raised:
        out.extend(_flag(sc, pack, fl))
    return out


def _flag(sc: Scorecard, pack: Pack, fl: FlagRecord) -> list[Flowable]:
    st = styles()
    found = pack.find_red_flag(fl.flag_id)
    title = found.title if found else fl.flag_id
    state = FLAG_STATE_LABEL.get(fl.state, fl.state)
    history = "; ".join(f"{FLAG_STATE_LABEL.get(e.state, e.state).lower()} at "
                        f"{offset(sc, e.at)}" for e in fl.events) or "no history recorded"
    where = ""
    if fl.item_id:
        item = _pack_item(pack, fl.item_id)
        where = f" · during {item.title if item else fl.item_id}"
    # Kept together when short; a long history or evidence flows on as pieces.
    return [KeepTogether([
        para(f"{state}: {title}", st.h2),
        *paras(f"{history}{where}", st.small),
        para("Evidence", st.label),
        *paras(fl.evidence.strip() or "(no evidence written)", st.note),
    ])]


def shown_sections(sc: Scorecard, pack: Pack) -> tuple[SectionTiming, ...]:
    """The round's sections less those the live round passed by: a section with nothing
    to show for these items (failure probes where no item carries them) that was never
    entered. One that was entered all the same (the pack changed since) stays."""
    template = pack.find_template(sc.template_id)
    found = [_pack_item(pack, rec.item_id) for rec in sc.items]
    empty = pack.empty_sections(template, tuple(it for it in found if it is not None))
    if len(empty) != len(sc.sections):
        return sc.sections  # the pack's template no longer matches the round's
    return tuple(s for s, nothing in zip(sc.sections, empty, strict=True)
                 if not nothing or s.started_at is not None or s.elapsed_s > 0)


def _sections(sc: Scorecard, pack: Pack) -> Flowable:
    st = styles()
    sections = shown_sections(sc, pack)
    if not sections:
        return para("No section timings were recorded.", st.body)
    data = [[para(h, st.cell_bold) for h in ("Section", "Planned", "Actual", "Difference")]]
    for s in sections:
        diff = s.elapsed_s - s.planned_s
        if abs(diff) < 30:
            note = "on plan"
        else:
            note = f"{duration(abs(diff))} {'over' if diff > 0 else 'under'}"
        data.append([para(s.title, st.cell), para(duration(s.planned_s), st.cell),
                     para(duration(s.elapsed_s), st.cell), para(note, st.cell)])
    total_plan = sum(s.planned_s for s in sections)
    total_act = sum(s.elapsed_s for s in sections)
    data.append([para("Total", st.cell_bold), para(duration(total_plan), st.cell_bold),
                 para(duration(total_act), st.cell_bold), para("", st.cell)])
    table = Table(data, colWidths=["40%", "20%", "20%", "20%"], repeatRows=1, hAlign="LEFT")
    table.setStyle(grid())
    return table


def _weighted(sc: Scorecard, pack: Pack) -> list[Flowable]:
    st = styles()
    ws = weighted_summary(sc, pack)
    arche = archetype_of(pack, sc.archetype)
    out: list[Flowable] = [para("Weighted summary (an aid, not a verdict)", st.h1)]
    if arche is None:
        out.append(para(f"The pack has no archetype {sc.archetype!r}, so no weighting "
                        "can be applied.", st.body))
        return out
    out.append(para(
        f"The item ratings above, averaged per dimension and combined with the loop "
        f"weighting of the {arche.title} archetype (strong 4, mid 3, thin 2, very thin 1; "
        "skipped and unrated items left out). Read it beside the evidence, not instead of "
        "it.", st.small))
    data = [[para(h, st.cell_bold) for h in ("Dimension", "Weight", "Items rated", "Mean")]]
    for d in ws.dimensions:
        data.append([para(d.label, st.cell), para(f"{d.weight}%", st.cell),
                     para(str(d.rated), st.cell), para(format_score(d.mean), st.cell)])
    data.append([para("Weighted mean", st.cell_bold), para("", st.cell), para("", st.cell),
                  para(format_score(ws.overall), st.cell_bold)])
    table = Table(data, colWidths=["46%", "18%", "18%", "18%"], hAlign="LEFT")
    table.setStyle(grid())
    out.append(table)
    if ws.unscored:
        labels = ", ".join(arche.label(d) for d in ws.unscored)
        out.append(para(f"Not scored in this round: {labels}.", st.small))
    # Five rows and a heading: one block, so the table's header never ends a page alone.
    return [KeepTogether(out)]


def _amendments(sc: Scorecard, pack: Pack) -> list[Flowable]:
    st = styles()
    if not sc.amendments:
        return []
    out: list[Flowable] = [
        para("Amendments after submission", st.h1),
        para("Changes made after the scorecard was submitted, oldest first. The values "
             "printed above are the amended ones.", st.small)]
    for a in sorted(sc.amendments, key=lambda a: a.at):
        out.append(para(f"{when(a.at)}: {subject(a.change, pack)}", st.h2))
        out.extend(paras(value(a.undo), st.note, "Before:"))
        out.extend(paras(value(a.change), st.note, "After:"))
        if a.reason.strip():
            out.extend(paras(a.reason.strip(), st.note, "Reason:"))
    return out

