"""Embedded fonts and per-character fallback for the PDF exports.

reportlab draws each text run in one font and has no fallback of its own: a
character the font lacks prints as an empty box. So user text is split into
runs by glyph coverage (each font's character map) and every run outside the
main font is wrapped in ``<font name=...>``. Characters no shipped font covers
print as a readable code such as ``[U+1FAE8]``, never as a box or a crash.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from companion.assets import resource_path
from companion.errors import CompanionError

SANS = "CompanionSans"
SANS_BOLD = "CompanionSans-Bold"
CJK = "CompanionCJK"
SYMBOLS = "CompanionSymbols"

# (registered name, file under resources/fonts); the fallback order is this order.
_FILES: tuple[tuple[str, str], ...] = (
    (SANS, "DejaVuSans.ttf"),
    (SANS_BOLD, "DejaVuSans-Bold.ttf"),
    (CJK, "DroidSansFallbackFull.ttf"),
    (SYMBOLS, "Symbola.ttf"),
)

# C0/C1 controls other than newline and tab cannot be drawn; show them as codes.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class FontSet:
    """The registered fonts and the code points each one covers."""

    regular: str
    bold: str
    # (font name, covered code points) in fallback order after the main font.
    fallbacks: tuple[tuple[str, frozenset[int]], ...]
    main_cover: frozenset[int]
    bold_cover: frozenset[int]


_ASTRAL = re.compile(r"^<([0-9A-F]{2})> <([0-9A-F]{5,6})>$", re.M)
_original_cmap = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode map, with characters beyond U+FFFF as UTF-16 pairs.

    reportlab writes e.g. ``<1F600>``, an odd-length code that PDF readers
    reject, so emoji would not copy or extract; the PDF spec wants UTF-16BE.
    """
    text: str = _original_cmap(fontname, subset)

    def pair(m: re.Match[str]) -> str:
        utf16 = chr(int(m.group(2), 16)).encode("utf-16-be").hex().upper()
        return f"<{m.group(1)}> <{utf16}>"

    return _ASTRAL.sub(pair, text)


def _load(name: str, filename: str) -> frozenset[int]:
    path = resource_path("fonts", filename)
    try:
        font = TTFont(name, str(path))
    except Exception as exc:  # reportlab raises several types for a bad or missing file
        raise CompanionError(f"cannot load the PDF font {path}: {exc}") from exc
    pdfmetrics.registerFont(font)
    return frozenset(font.face.charToGlyph)


@functools.lru_cache(maxsize=1)
def fonts() -> FontSet:
    """Register the shipped fonts with reportlab once per process and return them."""
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # see _to_unicode_cmap
    cover = {name: _load(name, filename) for name, filename in _FILES}
    # Map bold/italic of every family so "<b>" inside any run never fails to resolve.
    for family, bold in ((SANS, SANS_BOLD), (CJK, CJK), (SYMBOLS, SYMBOLS)):
        addMapping(family, 0, 0, family)
        addMapping(family, 1, 0, bold)
        addMapping(family, 0, 1, family)
        addMapping(family, 1, 1, bold)
    return FontSet(
        regular=SANS,
        bold=SANS_BOLD,
        fallbacks=((CJK, cover[CJK]), (SYMBOLS, cover[SYMBOLS])),
        main_cover=cover[SANS],
        bold_cover=cover[SANS_BOLD],
    )


def placeholder(ch: str) -> str:
    """The visible stand-in for a character no font can draw."""
    return f"[U+{ord(ch):04X}]"


def clean(text: str) -> str:
    """Normalise user text: NFC, Unix newlines, tabs as spaces, controls as codes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    # Lone surrogates (from a damaged file) cannot be encoded; show them as codes.
    text = "".join(placeholder(c) if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    text = unicodedata.normalize("NFC", text)
    return _CONTROL.sub(lambda m: placeholder(m.group()), text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markup(text: str, *, bold: bool = False) -> str:
    """Paragraph markup for user text: escaped, font runs by coverage, newlines kept.

    The result is meant for a Paragraph whose style uses the main font (bold or not)
    and keeps ``splitLongWords`` on, so a 300-character word or a CJK sentence
    without spaces still wraps at the frame edge.
    """
    fs = fonts()
    text = clean(text)
    main = fs.bold_cover if bold else fs.main_cover
    out: list[str] = []
    run: list[str] = []
    run_font: str | None = None  # None: the paragraph's own font

    def flush() -> None:
        if not run:
            return
        body = _escape("".join(run))
        out.append(body if run_font is None else f'<font name="{run_font}">{body}</font>')
        run.clear()

    for ch in text:
        if ch == "\n":
            flush()
            out.append("<br/>")
            continue
        cp = ord(ch)
        font: str | None
        if cp in main or ch == " ":
            font = None
        else:
            font = next((name for name, cov in fs.fallbacks if cp in cov), "")
        if font == "":
            # Nothing can draw it: a readable code in the main font.
            if run_font is not None:
                flush()
                run_font = None
            run.append(placeholder(ch))
            continue
        if font != run_font:
            flush()
            run_font = font
        run.append(ch)
    flush()
    return "".join(out)
