"""Page 1 of a panel debrief, about the loop: who is still out, what it measured.

The scorecards being merged count as in even when the caller's evidence has not
seen them (files handed over), so the line never says "waiting on" someone whose
scorecard is on the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from companion.content.model import Pack
from companion.loop.coverage import planned_against_measured
from companion.loop.model import Loop
from companion.loop.status import Seen, debrief_lines, loop_state
from companion.record.scorecard import Scorecard


def debrief_lines_for(loop: Loop, seen: Sequence[Seen], cards: Sequence[Scorecard],
                      pack: Pack, now: datetime) -> list[tuple[str, str]]:
    """(label, text) rows for page 1 of the debrief of ``cards``."""
    ids = {s.scorecard_id for s in seen}
    every = [*seen, *(Seen(sc.candidate, sc.interviewer, sc.template_id, sc.started_at,
                           sc.ended_at, sc.submitted_at, None, sc.id)
                      for sc in cards if sc.id not in ids)]
    state = loop_state(loop, every, now)
    return debrief_lines(state, planned_against_measured(pack, loop, cards))
