"""Plain-text summaries the live view shows: the rubric's target and the finish overview."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from companion.scorecard import RATING_LABEL, RUBRIC_BUTTONS
from companion.ui.live.probes import TARGET_TITLE


def probe_target_text(probe_id: str | None) -> str:
    """What the rubric keys rate now: "" for the item, else e.g. "failure probe: Queue"."""
    if not probe_id:
        return ""
    if probe_id.startswith("failure."):
        target = probe_id.removeprefix("failure.")
        return f"failure probe: {TARGET_TITLE.get(target, target)} (Ctrl+0: the item)"
    return f"probe {probe_id} (Ctrl+0: the item)"


def finish_overview(items: Sequence[Any], records: Sequence[Any], flags: Sequence[Any]) -> str:
    """"7 of 9 rated: 2 Strong, 3 Mid... Red flags: 1 confirmed, 1 probed once"."""
    ratings = [r.rating for r in records if r is not None and r.rating]
    counts = [f"{ratings.count(v)} {RATING_LABEL[v]}" for v in RUBRIC_BUTTONS
              if ratings.count(v)]
    text = f"{len(ratings)} of {len(items)} items rated"
    if counts:
        text += ": " + ", ".join(counts)
    confirmed = sum(1 for f in flags if f.state == "confirmed")
    probed = sum(1 for f in flags if f.state == "probed")
    if confirmed or probed:
        text += f". Red flags: {confirmed} confirmed, {probed} probed once"
    else:
        text += ". No red flags raised"
    return text + "."
