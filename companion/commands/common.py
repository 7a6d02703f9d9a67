"""Helpers every command shares (the merged pack is ``content.loader.load_for_cli``)."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

from companion.base.errors import CompanionError
from companion.base.paths import data_dir
from companion.base.settings_file import remembered_interviewer
from companion.record.independence import Access, RoundLike


def data_root(args: argparse.Namespace) -> Path:
    return data_dir(getattr(args, "data_dir", None))


def viewer(args: argparse.Namespace) -> tuple[str, str]:
    """Who is reading, and how we know: ``--as NAME``, else the name the window remembers."""
    given = (getattr(args, "viewer", None) or "").strip()
    if given:
        return given, "--as"
    return remembered_interviewer(data_root(args)), "the interviewer name the window remembers"


def require_access(args: argparse.Namespace, access: Access) -> None:
    """Refuse like the window does when the independence rule closes a scorecard."""
    if access.allowed:
        return
    name, source = viewer(args)
    raise CompanionError(f"{access.reason} (reading as {name!r}, {source}; give --as NAME if "
                         "that is not you)")


def stored_rounds(args: argparse.Namespace) -> Iterable[RoundLike]:
    """The rounds stored here, without creating a database where there is none."""
    from companion.store import Store
    from companion.store.db import DB_NAME

    root = data_root(args)
    if not (root / DB_NAME).exists():
        return []
    with Store.open(root) as store:
        return store.list_rounds()
