"""Emoji in the notes drawn bold and a size larger when the shipped Symbola draws them.

On a laptop without a colour emoji font, emoji fall back to Symbola (see
``companion.ui.fonts``), whose emoji are thin line drawings: at the notes' size a
"🙂" was a faint ring beside the words. Symbola has no bold face and no weight axis,
and a colour emoji font would add about 10 MB to the bundle, so the notes ask for
emoji in bold (Qt then thickens Symbola's strokes itself) at 1.3 times the text
size. Only the drawing changes: the note's text, and what is saved, stay as typed.
Where a colour emoji font is ahead of Symbola, nothing is changed.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QFont, QFontDatabase, QSyntaxHighlighter, QTextCharFormat

from companion.ui.fonts import EMOJI_FAMILY

# Symbols and pictographs, dingbats, and the emoji planes, with an emoji variation selector.
EMOJI = re.compile("[\u2600-\u27bf\U0001f000-\U0001faff]\ufe0f?")
SCALE = 1.3


def symbola_draws_emoji() -> bool:
    """True where emoji fall back to the shipped monochrome font (no colour font first)."""
    return QFontDatabase.applicationEmojiFontFamilies()[:1] == [EMOJI_FAMILY]


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2  # Qt counts positions in UTF-16 units


class EmojiMarks(QSyntaxHighlighter):
    """Bold, larger emoji in ``document`` while Symbola is the emoji font."""

    def highlightBlock(self, text: str) -> None:
        if not symbola_draws_emoji():
            return
        doc = self.document()
        form = QTextCharFormat()
        form.setFontWeight(QFont.Weight.Bold)
        form.setFontPointSize(doc.defaultFont().pointSizeF() * SCALE)
        for found in EMOJI.finditer(text):
            self.setFormat(_utf16(text[:found.start()]), _utf16(found.group()), form)
