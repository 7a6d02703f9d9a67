"""The in-memory content of a live round: ratings, probes, flags, notes.

This is the engine's source of truth while the round runs; the store is its
durable copy. Keeping it in memory is what lets a failed write lose nothing:
the engine simply writes again later.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from companion.scorecard import (
    Amendment,
    FlagEvent,
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    Scorecard,
)

# The notes key for round-level notes (``edit_notes(..., item_id=ROUND)``).
ROUND = "__round__"
# Free text written with the notes debounce: (owner, field).
NoteKey = tuple[str, str]  # same as companion.live.drafts.NoteKey


@dataclass
class RoundState:
    """Current values of one round (amendments already applied)."""

    kinds: dict[str, str]  # item id -> "question" | "scenario", in asking order
    ratings: dict[str, tuple[str | None, datetime | None]] = field(default_factory=dict)
    probes: dict[str, dict[str, ProbeAnswer]] = field(default_factory=dict)
    flags: dict[str, FlagRecord] = field(default_factory=dict)
    text: dict[NoteKey, str] = field(default_factory=dict)
    recommendation: str | None = None
    submitted_at: datetime | None = None
    item_time: dict[str, float] = field(default_factory=dict)  # as loaded; the clock owns it
    amendments: list[Amendment] = field(default_factory=list)

    @classmethod
    def from_scorecard(cls, sc: Scorecard) -> RoundState:
        st = cls(kinds={it.item_id: it.kind for it in sc.items})
        for it in sc.items:
            st.ratings[it.item_id] = (it.rating, it.rated_at)
            st.probes[it.item_id] = {p.probe_id: p for p in it.probes}
            st.text[(it.item_id, "said")] = it.said
            st.text[(it.item_id, "read")] = it.read
            st.item_time[it.item_id] = it.time_spent_s
        st.flags = {f.flag_id: f for f in sc.flags}
        st.text[(ROUND, "said")] = sc.said
        st.text[(ROUND, "read")] = sc.read
        st.text[(ROUND, "summary")] = sc.summary
        st.recommendation = sc.recommendation
        st.submitted_at = sc.submitted_at
        st.amendments = list(sc.amendments)
        return st

    # -- reading -------------------------------------------------------------------
    def note(self, owner: str, name: str) -> str:
        return self.text.get((owner, name), "")

    def record(self, item_id: str, time_spent_s: float = 0.0) -> ItemRecord:
        rating, at = self.ratings.get(item_id, (None, None))
        return ItemRecord(
            item_id=item_id,
            kind=self.kinds[item_id],
            rating=rating,
            rated_at=at,
            probes=tuple(self.probes.get(item_id, {}).values()),
            said=self.note(item_id, "said"),
            read=self.note(item_id, "read"),
            time_spent_s=time_spent_s,
        )

    # -- changing ------------------------------------------------------------------
    def set_flag(self, flag_id: str, state: str, at: datetime, evidence: str | None,
                 item_id: str | None) -> FlagRecord:
        old = self.flags.get(flag_id, FlagRecord(flag_id, "off"))
        raised_on = old.item_id or (item_id if state != "off" else None)
        new = replace(old, state=state, events=(*old.events, FlagEvent(state, at)),
                      evidence=evidence if evidence else old.evidence, item_id=raised_on)
        self.flags[flag_id] = new
        return new

    def key_field(self, key: NoteKey) -> str:
        """The amendment field name of a text key (see companion.store.amend)."""
        owner, name = key
        if name == "summary":
            return "summary"
        return f"notes:{name}" if owner == ROUND else f"notes:{name}:{owner}"
