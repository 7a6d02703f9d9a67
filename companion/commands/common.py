"""Helpers every command shares: the data folder and the merged pack."""

from __future__ import annotations

import argparse
from pathlib import Path

from companion.content.model import Pack
from companion.paths import data_dir


def data_root(args: argparse.Namespace) -> Path:
    return data_dir(getattr(args, "data_dir", None))


def load_pack_for(args: argparse.Namespace) -> Pack:
    """The built-in pack merged with the user's packs and any ``--pack`` paths."""
    from companion.content.loader import load_for_cli

    return load_for_cli(args)
