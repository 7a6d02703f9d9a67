"""Plain-text summaries the live view shows: the rubric's target and the finish overview."""

from __future__ import annotations

from collections.abc import Sequence

from companion.content.model import Question, Scenario
from companion.record.flag_rules import raised_on
from companion.record.scorecard import RATING_LABEL, RATINGS, FlagRecord, ItemRecord
from companion.ui.live.probes import TARGET_TITLE


def probe_target_text(probe_id: str | None) -> str:
    """What the rubric keys rate now: "" for the item, else e.g. "failure probe: Queue"."""
    if not probe_id:
        return ""
    if probe_id.startswith("failure."):
        target = probe_id.removeprefix("failure.")
        return f"failure probe: {TARGET_TITLE.get(target, target)} (Ctrl+0: the item)"
    return f"probe {probe_id} (Ctrl+0: the item)"


def finish_overview(items: Sequence[Question | Scenario], records: Sequence[ItemRecord],
                    flags: Sequence[FlagRecord]) -> str:
    """A headline ("3 of 4 items rated: 2 Strong, 1 Mid. Red flags: ...") and one line per item."""
    ratings = [r.rating for r in records if r.rating]
    scored = [v for v in ratings if v in RATINGS]
    counts = [f"{scored.count(v)} {RATING_LABEL[v]}" for v in RATINGS if scored.count(v)]
    text = f"{len(scored)} of {len(items)} items rated"
    if counts:
        text += ": " + ", ".join(counts)
    if skipped := ratings.count("skip"):
        text += f"; {skipped} skipped"
    confirmed = sum(1 for f in flags if f.state == "confirmed")
    probed = sum(1 for f in flags if f.state == "probed")
    if confirmed or probed:
        text += f". Red flags: {confirmed} confirmed, {probed} probed once"
    else:
        text += ". No red flags raised"
    lines = [text + "."]
    for number, (item, record) in enumerate(zip(items, records, strict=False), start=1):
        rating = RATING_LABEL.get(record.rating, "") if record.rating else "not rated"
        raised = raised_on(flags, item.id)
        extra = f"  ·  {raised} red flag{'s' if raised != 1 else ''}" if raised else ""
        lines.append(f"   {number}. {item.title}  —  {rating}{extra}")
    return "\n".join(lines)


UNRATED_NAMED = 3


def unrated_note(items: Sequence[Question | Scenario], records: Sequence[ItemRecord]) -> str:
    """"Not rated yet: 3 of 5 items (A; B; C). You can submit anyway." or ""."""
    missing = [item.title for item, record in zip(items, records, strict=False)
               if not record.rating]
    if not missing:
        return ""
    named = "; ".join(missing[:UNRATED_NAMED])  # the overview above lists every item
    more = f"; and {len(missing) - UNRATED_NAMED} more" if len(missing) > UNRATED_NAMED else ""
    return (f"Not rated yet: {len(missing)} of {len(items)} items ({named}{more}). "
            "You can submit anyway.")
