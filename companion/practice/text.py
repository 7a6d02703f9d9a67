"""The words a practice set uses, shared by the window and the terminal."""

from __future__ import annotations

from companion.content.model import Pack
from companion.practice.model import PracticeItem, Rated

LEVEL_NAME: dict[str, str] = {"strong": "Strong", "mid": "Mid", "thin": "Thin",
                              "very_thin": "Very thin"}
TARGET_NAME: dict[str, str] = {"database": "the database", "queue": "the queue",
                               "downstream": "a downstream service"}


def off_by(rated: Rated) -> str:
    """How far a rating was from the intended level, in plain words."""
    e = rated.error
    if e == 0:
        return "the level it was written to show"
    steps = "one step" if abs(e) == 1 else f"{abs(e)} steps"
    return f"{steps} {'higher' if e > 0 else 'lower'} than written"


def heading(item: PracticeItem, pack: Pack) -> str:
    """What the answer answers: the item's title, and the failure target if any."""
    found = pack.find_item(item.item_id)
    title = found.title if found is not None else item.item_id
    if item.target is None:
        return title
    return f"{title}: the failure probe about {TARGET_NAME.get(item.target, item.target)}"


def prompt_of(item: PracticeItem, pack: Pack) -> str:
    """The question the candidate was answering."""
    found = pack.find_item(item.item_id)
    if item.target is not None:
        phrasing = dict(pack.failure_probe.targets).get(item.target, "")
        return phrasing or pack.failure_probe.question
    return found.prompt if found is not None else ""


def reveal(rated: Rated) -> str:
    """The reveal after a rating: intended level, how far off, and why."""
    return (f"Written to show: {LEVEL_NAME[rated.item.level]}. You rated "
            f"{LEVEL_NAME[rated.rating]}: {off_by(rated)}.\nWhy: {rated.item.why}")
