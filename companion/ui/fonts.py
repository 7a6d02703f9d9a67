"""The fonts shipped in ``resources/fonts`` as fallbacks for the window.

A laptop with only Latin fonts draws "王芳" or an emoji in the notes as empty
boxes. The PDF exports embed these same fonts; for the window they are
registered as application fonts and appended to the application font's family
list, which Qt walks in order for any character the first family lacks (the
system's own fonts stay first, so nothing changes for text they already draw).
Symbola also becomes the emoji font, behind a colour emoji font the system has.

Registering reads about 8 MB of font files, so it runs once the window has
painted (``companion.ui.app.after_first_frame``), never on the way to it.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from companion.base.assets import resource_path

log = logging.getLogger("companion.ui.fonts")

# Latin, Greek and Cyrillic; Chinese and Japanese; Korean; emoji and symbols (see the folder's
# README.md for what each covers and its licence).
SHIPPED: tuple[str, ...] = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf",
                            "DroidSansFallbackFull.ttf", "NanumSquareR.ttf", "Symbola.ttf")
EMOJI_FAMILY = "Symbola"
# Colour emoji fonts a desktop may have; they stay ahead of the monochrome Symbola.
SYSTEM_EMOJI = ("Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji", "Twemoji")
_DONE_PROPERTY = "companionFallbackFonts"


def register_fallback_fonts(app: QGuiApplication) -> tuple[str, ...]:
    """Register the shipped fonts and make them the app font's fallbacks; returns the
    font families now in use, in order. Safe to call again: it registers once."""
    done = app.property(_DONE_PROPERTY)
    if isinstance(done, list):
        return tuple(str(f) for f in done)
    shipped: list[str] = []
    for name in SHIPPED:
        font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", name)))
        if font_id < 0:  # a damaged install: log it, the window still works
            log.warning("font %s could not be loaded", name)
            continue
        shipped += [f for f in QFontDatabase.applicationFontFamilies(font_id) if f not in shipped]
    font = QFont(app.font())
    families = list(font.families()) or [font.family()]
    families += [f for f in shipped if f not in families]
    font.setFamilies(families)
    app.setFont(font)
    if EMOJI_FAMILY in shipped:
        present = set(QFontDatabase.families())
        QFontDatabase.setApplicationEmojiFontFamilies(
            [*(f for f in SYSTEM_EMOJI if f in present), EMOJI_FAMILY])
    app.setProperty(_DONE_PROPERTY, families)
    log.info("window fonts: %s", ", ".join(families))
    return tuple(families)
