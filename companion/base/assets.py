"""Locate bundled resources (fonts, styles, icons) in a wheel, a source tree or a bundle."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path


def resource_dir() -> Path:
    """The folder holding the shipped resources.

    In a source checkout they are the top-level ``resources/`` folder beside
    ``companion/``, and that checkout's own folder wins: an editable install made
    from another checkout would otherwise map ``companion.resources`` there. In a
    wheel they are the package ``companion.resources``.
    """
    # companion/base/assets.py: three levels up is the checkout's root.
    source = Path(__file__).resolve().parents[2] / "resources"
    if (source / "styles" / "app.qss").is_file():
        return source
    try:
        root = resources.files("companion.resources")
        path = Path(str(root))
        if path.is_dir():
            return path
    except ModuleNotFoundError:
        pass
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "companion" / "resources"
    return source


def resource_path(*parts: str) -> Path:
    """Path of one shipped resource file, e.g. ``resource_path("fonts", "x.ttf")``."""
    return resource_dir().joinpath(*parts)
