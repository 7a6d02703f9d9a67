"""Helpers every command shares (the merged pack is ``content.loader.load_for_cli``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from companion.paths import data_dir


def data_root(args: argparse.Namespace) -> Path:
    return data_dir(getattr(args, "data_dir", None))
