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

from companion.base.assets import resource_path
from companion.base.errors import CompanionError

SANS = "CompanionSans"
SANS_BOLD = "CompanionSans-Bold"
CJK = "CompanionCJK"
HANGUL = "CompanionHangul"
SYMBOLS = "CompanionSymbols"

# (registered name, file under resources/fonts), tried in this order after DejaVu.
# The Korean font comes after the Chinese and Japanese one so that Chinese names keep
# one design (it also has the Korean forms of some Chinese characters).
_FALLBACK_FILES: tuple[tuple[str, str], ...] = (
    (CJK, "DroidSansFallbackFull.ttf"),
    (HANGUL, "NanumSquareR.ttf"),
    (SYMBOLS, "Symbola.ttf"),
)

# C0/C1 controls other than newline and tab cannot be drawn; show them as codes.
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class FontSet:
    """The registered main fonts and the code points each one covers."""

    regular: str
    bold: str
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


class _MeasuredFont(TTFont):
    """A TTFont that remembers string widths.

    reportlab measures every word again on every wrap, split and draw, in pure
    Python unless its optional C accelerator is installed; notes repeat words a
    lot, so remembering the width at one size (widths scale linearly) roughly
    halves the time of a long export.
    """

    _LIMIT = 200_000  # distinct strings kept before starting afresh

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._widths: dict[object, float] = {}

    def stringWidth(self, text: str, size: float, encoding: str = "utf8") -> float:
        width = self._widths.get(text)
        if width is None:
            if len(self._widths) > self._LIMIT:
                self._widths.clear()
            width = self._widths[text] = super().stringWidth(text, 1000.0, encoding)
        return width * size / 1000.0


def _load(name: str, filename: str) -> frozenset[int]:
    path = resource_path("fonts", filename)
    try:
        font = _MeasuredFont(name, str(path))
    except Exception as exc:  # reportlab raises several types for a bad or missing file
        raise CompanionError(f"cannot load the PDF font {path}: {exc}") from exc
    pdfmetrics.registerFont(font)
    return frozenset(font.face.charToGlyph)


def _map_family(family: str, bold: str) -> None:
    # Map bold/italic of every family so "<b>" inside any run never fails to resolve.
    addMapping(family, 0, 0, family)
    addMapping(family, 1, 0, bold)
    addMapping(family, 0, 1, family)
    addMapping(family, 1, 1, bold)


@functools.lru_cache(maxsize=1)
def fonts() -> FontSet:
    """Register the main fonts with reportlab once per process and return them."""
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # see _to_unicode_cmap
    regular = _load(SANS, "DejaVuSans.ttf")
    bold = _load(SANS_BOLD, "DejaVuSans-Bold.ttf")
    _map_family(SANS, SANS_BOLD)
    return FontSet(regular=SANS, bold=SANS_BOLD, main_cover=regular, bold_cover=bold)


@functools.lru_cache(maxsize=1)
def fallback_fonts() -> tuple[tuple[str, frozenset[int]], ...]:
    """The fallback fonts in order, with what each covers; loaded on first need.

    The CJK font alone is 4 MB, so a document in Latin script never parses it.
    """
    fonts()
    out = []
    for name, filename in _FALLBACK_FILES:
        out.append((name, _load(name, filename)))
        _map_family(name, name)
    return tuple(out)


def placeholder(ch: str) -> str:
    """The visible stand-in for a character no font can draw."""
    return f"[U+{ord(ch):04X}]"


def clean(text: str) -> str:
    """Normalise user text: NFC, Unix newlines, tabs as spaces, controls as codes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    # Lone surrogates (from a damaged file) cannot be encoded; show them as codes.
    text = _SURROGATE.sub(lambda m: placeholder(m.group()), text)
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
    if text.isascii():
        # The common case: the main font has every printable ASCII glyph.
        return _escape(text).replace("\n", "<br/>")
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
            font = next((name for name, cov in fallback_fonts() if cp in cov), "")
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
