"""Edits and amendments in words, for the window, the command line and the PDFs.

``describe`` gives one line such as "Queue failure probe on Design an order
pipeline: asked, Thin -> asked, Mid"; ``subject`` and ``value`` give its parts
for layouts that show before and after apart. Titles come from the pack when
it has the item, flag or probe, and fall back to the ids.
"""

from __future__ import annotations

from companion.content.model import Item, Pack
from companion.record.changes import (
    ROUND,
    Amendment,
    AnswerProbe,
    Edit,
    EditText,
    Rate,
    Recommend,
    StepFlag,
    edit_target,
)
from companion.record.scorecard import RATING_LABEL, RECOMMENDATION_LABEL, Scorecard

# A flag's state as printed; "off" after having been raised means it was cleared.
FLAG_STATE_LABEL = {"probed": "Probed", "confirmed": "Confirmed", "off": "Cleared"}
NOTE_NAME = {"said": "what they said", "read": "my read"}


def rating_label(value: str | None) -> str:
    if value is None:
        return "Not rated"
    return RATING_LABEL.get(value, value)


def recommendation_label(value: str | None) -> str:
    if value is None:
        return "No recommendation recorded"
    return RECOMMENDATION_LABEL.get(value, value)


def item_title(pack: Pack | None, item_id: str) -> str:
    item = pack.find_item(item_id) if pack else None
    return item.title if item else item_id


def probe_text(item: Item | None, probe_id: str) -> str:
    """The wording of a probe as the pack gives it, or its id if the pack lacks it."""
    if item:
        for p in item.probes:
            if p.id == probe_id:
                return p.text
    return probe_id


def probe_name(pack: Pack | None, item_id: str, probe_id: str) -> str:
    """"Queue failure probe", or the probe's wording in quotes."""
    if probe_id.startswith("failure."):
        return f"{probe_id.removeprefix('failure.').capitalize()} failure probe"
    return f"probe \u201c{probe_text(pack.find_item(item_id) if pack else None, probe_id)}\u201d"


def subject(change: Edit, pack: Pack | None) -> str:
    """What an edit changes: "Rating of Caching", "Round notes (my read)", "Summary"."""
    match change:
        case Rate():
            return f"Rating of {item_title(pack, change.item_id)}"
        case AnswerProbe():
            name = probe_name(pack, change.item_id, change.probe_id)
            return f"{name[0].upper()}{name[1:]} on {item_title(pack, change.item_id)}"
        case StepFlag():
            flag = pack.find_red_flag(change.flag_id) if pack else None
            return f"Red flag {flag.title if flag else change.flag_id}"
        case EditText():
            if change.owner == ROUND:
                if change.field == "summary":
                    return "Summary"
                return f"Round notes ({NOTE_NAME.get(change.field, change.field)})"
            which = NOTE_NAME.get(change.field, change.field)
            return f"Notes ({which}) on {item_title(pack, change.owner)}"
        case Recommend():
            return "Recommendation"


def value(change: Edit) -> str:
    """The value an edit sets, as a reader knows it."""
    match change:
        case Rate():
            return rating_label(change.rating)
        case AnswerProbe():
            if not change.asked and change.rating is None and not change.note:
                return "not recorded"
            text = f"{'asked' if change.asked else 'not asked'}, {rating_label(change.rating)}"
            return f"{text}: {change.note.strip()}" if change.note.strip() else text
        case StepFlag():
            state = "Off" if change.state == "off" else FLAG_STATE_LABEL.get(change.state,
                                                                               change.state)
            return f"{state} ({change.evidence.strip()})" if change.evidence.strip() else state
        case EditText():
            return change.text.strip() or "(empty)"
        case Recommend():
            return recommendation_label(change.value)


def describe(a: Amendment, pack: Pack | None) -> str:
    """One line: "Rating of Caching: Thin -> Mid"."""
    return f"{subject(a.change, pack)}: {value(a.undo)} -> {value(a.change)}"


def amended_targets(sc: Scorecard) -> set[str]:
    """Item ids, and "summary" / "recommendation" / "notes" / "flags", touched by amendments."""
    out: set[str] = set()
    for a in sc.amendments:
        item = edit_target(a.change)
        if item is not None:
            out.add(item)
        elif isinstance(a.change, Recommend):
            out.add("recommendation")
        elif isinstance(a.change, StepFlag):
            out.add("flags")
        elif isinstance(a.change, EditText):
            out.add("summary" if a.change.field == "summary" else "notes")
    return out
