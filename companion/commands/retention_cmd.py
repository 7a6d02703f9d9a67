"""``companion retention [DAYS|off]``: show or set how long submitted rounds are kept."""

from __future__ import annotations

import argparse

from companion.base.errors import CompanionError
from companion.commands.common import data_root
from companion.intake import limits


def run_retention(args: argparse.Namespace) -> int:
    from companion.store.store import Store

    value = args.days
    days: int | None = None
    if value is not None and value.lower() != "off":
        try:
            days = int(value)
        except ValueError:
            raise CompanionError(f"retention takes a number of days or 'off', not {value!r}"
                                 ) from None
        if not 0 < days <= limits.RETENTION_DAYS:
            raise CompanionError("retention must be a number of days from 1 to "
                                 f"{limits.RETENTION_DAYS:,}, or 'off'")
    with Store.open(data_root(args)) as store:
        if value is not None:
            store.set_retention_days(days)
        current = store.retention_days()
    if current is None:
        print("retention: off (submitted rounds are kept until you delete them)")
    else:
        print(f"retention: {current} days (older submitted rounds are purged at start)")
    return 0
