"""The start screen's requests turned into a running engine, or the reason why not.

Plain calls on the core: the window only shows the engine it gets, or the message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from companion.base.errors import CompanionError
from companion.live.engine import RoundEngine
from companion.record.independence import access_to

if TYPE_CHECKING:
    from companion.content.model import Pack
    from companion.store import Store
    from companion.ui.start_screen import StartRequest


def start_engine(store: Store, pack: Pack, request: StartRequest) -> RoundEngine:
    """A new round with its clock running; raises CompanionError."""
    engine = RoundEngine.start(store, pack, request.planned, candidate=request.candidate,
                               interviewer=request.interviewer, archetype=request.archetype,
                               level=request.level)
    # "Start round" is pressed when the interview begins: the clock runs from here, so
    # time spent and "asked at" count from the same moment (README: the round clock).
    engine.start_round()
    return engine


def reopen_engine(store: Store, pack: Pack, viewer: str, round_id: str) -> RoundEngine:
    """An unfinished round again; raises CompanionError with the sentence to show."""
    access = access_to(viewer, [round_id], store)
    if not access.allowed:  # a colleague's round of a candidate one is still scoring
        raise CompanionError(f"Cannot open this round: {access.reason}")
    try:
        return RoundEngine.reopen(store, pack, round_id)
    except CompanionError as exc:
        raise CompanionError(f"Cannot resume this round: {exc}") from exc


def stand_in_notice(stand_ins: list[str] | tuple[str, ...]) -> str:
    return (f"Not in the question pack any more: {', '.join(stand_ins)}. What you recorded "
            "for them is kept and still editable; their prompts and cues cannot be shown.")
