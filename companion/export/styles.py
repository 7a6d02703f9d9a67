"""Paragraph and table styles shared by the exports: black on white, printable.

Meaning never rests on colour alone: anything shaded is also marked in words
or with a symbol, so a greyscale print or a photocopy loses nothing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, TableStyle

from companion.export.fonts import fonts, markup

INK = colors.black
MUTED = colors.Color(0.3, 0.3, 0.3)
RULE = colors.Color(0.6, 0.6, 0.6)
SHADE = colors.Color(0.92, 0.92, 0.92)
MARK = colors.Color(0.82, 0.82, 0.82)  # disagreement rows: also marked "(!)" in text


# Headings must not end a page: each needs this much room below its top, or it
# starts the next page. (reportlab's keepWithNext would do it too, but measures
# the whole next flowable, a long note, twice; this is a cheap space check.)
KEEP_SPACE: dict[str, float] = {"h1": 90, "h2": 60, "label": 36}


def keep_headings(story: list[Flowable]) -> list[Flowable]:
    """``story`` with a conditional page break before every heading."""
    out: list[Flowable] = []
    for f in story:
        if isinstance(f, Paragraph) and f.style.name in KEEP_SPACE:
            out.append(CondPageBreak(KEEP_SPACE[f.style.name]))
        out.append(f)
    return out


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    label: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    small_cell: ParagraphStyle
    col_head: ParagraphStyle
    note: ParagraphStyle


@functools.lru_cache(maxsize=1)
def styles() -> Styles:
    """The house styles, built once (they register the fonts on first use)."""
    fs = fonts()
    base = ParagraphStyle("body", fontName=fs.regular, fontSize=9.5, leading=12.5,
                          textColor=INK, spaceAfter=3, splitLongWords=1)
    return Styles(
        title=ParagraphStyle("title", parent=base, fontName=fs.bold, fontSize=17,
                             leading=21, spaceAfter=6),
        h1=ParagraphStyle("h1", parent=base, fontName=fs.bold, fontSize=13, leading=16,
                          spaceBefore=12, spaceAfter=5),
        h2=ParagraphStyle("h2", parent=base, fontName=fs.bold, fontSize=10.5, leading=13.5,
                          spaceBefore=9, spaceAfter=3),
        body=base,
        label=ParagraphStyle("label", parent=base, fontName=fs.bold, fontSize=8.5,
                             leading=11, spaceBefore=4, spaceAfter=1),
        small=ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=MUTED,
                             spaceBefore=2),
        cell=ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5, spaceAfter=0),
        cell_bold=ParagraphStyle("cell_bold", parent=base, fontName=fs.bold, fontSize=8.5,
                                 leading=10.5, spaceAfter=0),
        small_cell=ParagraphStyle("small_cell", parent=base, fontSize=7.5, leading=9.5,
                                  textColor=MUTED, spaceAfter=0),
        # Interviewer names over narrow matrix columns: regular weight fits more letters.
        col_head=ParagraphStyle("col_head", parent=base, fontSize=8, leading=9.5, spaceAfter=0),
        note=ParagraphStyle("note", parent=base, leftIndent=8, spaceAfter=4),
    )


def para(text: str, style: ParagraphStyle, *, bold: bool = False) -> Paragraph:
    """A Paragraph of user (or our own) plain text, escaped and font-fallback aware."""
    return Paragraph(markup(text, bold=bold or style.fontName == fonts().bold), style)


def labelled(label: str, text: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph starting with a bold run-in label, e.g. "My read: ..."."""
    fs = fonts()
    head = f'<font name="{fs.bold}">{markup(label, bold=True)}</font>'
    return Paragraph(f"{head} {markup(text)}", style)


# Long text is laid out as several Paragraphs of at most this many characters.
# reportlab splits one Paragraph at a page end by laying out all the rest of it
# again, so a single 200,000-character note took minutes (each page re-wrapped
# what followed it); pieces keep the work per page small and the whole linear.
CHUNK_CHARS = 1500
CHUNK_LINES = 30  # well under a page: a piece of many short lines splits cheaply too


def chunks(text: str, size: int = CHUNK_CHARS, lines: int = CHUNK_LINES) -> list[str]:
    """``text`` in pieces of at most ``size`` characters and ``lines`` lines: at line
    breaks where it can, else at the last space, else (one unbroken word) anywhere."""
    out: list[str] = []
    current: list[str] = []
    length = 0
    for line in text.split("\n"):
        while len(line) > size:
            cut = line.rfind(" ", size // 2, size)
            cut = cut + 1 if cut > 0 else size
            head, line = line[:cut], line[cut:]
            if current:
                out.append("\n".join(current))
                current, length = [], 0
            out.append(head)
        if current and (length + len(line) + 1 > size or len(current) >= lines):
            out.append("\n".join(current))
            current, length = [], 0
        current.append(line)
        length += len(line) + 1
    if current:
        out.append("\n".join(current))
    return out


@functools.lru_cache(maxsize=64)
def _joined(style: ParagraphStyle, first: bool, last: bool) -> ParagraphStyle:
    """``style`` for one piece of a long text: no space where pieces meet."""
    if first and last:
        return style
    return ParagraphStyle(f"{style.name}-piece", parent=style,
                          spaceBefore=style.spaceBefore if first else 0,
                          spaceAfter=style.spaceAfter if last else 0)


def paras(text: str, style: ParagraphStyle, label: str = "") -> list[Flowable]:
    """Plain text as Paragraphs of bounded size, the first with a bold run-in ``label``."""
    pieces = chunks(text)
    out: list[Flowable] = []
    for n, piece in enumerate(pieces):
        st = _joined(style, n == 0, n == len(pieces) - 1)
        out.append(labelled(label, piece, st) if label and n == 0 else para(piece, st))
    return out


def grid(header_rows: int = 1, *, zebra: bool = False, rows: int = 0) -> TableStyle:
    """Thin ruled table with a shaded bold header row (bold is the real cue)."""
    cmds: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        cmds.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), SHADE))
    if zebra:
        for r in range(header_rows + 1, rows, 2):
            cmds.append(("BACKGROUND", (0, r), (-1, r), colors.Color(0.97, 0.97, 0.97)))
    return TableStyle(cmds)
