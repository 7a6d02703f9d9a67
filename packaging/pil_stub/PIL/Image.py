"""The part of ``PIL.Image`` reportlab touches: a class to test against, ``open``."""

from __future__ import annotations

from typing import Any

NO_IMAGES = "this build of Interview Companion carries no image support (Pillow is left out)"


class Image:
    """Never made: reportlab only asks whether a value is one."""


def open(fp: Any, *args: Any, **kwargs: Any) -> Image:  # Pillow's own name
    raise OSError(NO_IMAGES)
