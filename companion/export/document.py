"""Page frame, footer, metadata and the atomic write shared by both PDF exports."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from companion import __version__
from companion.base.errors import CompanionError
from companion.export.fonts import fonts, markup
from companion.export.styles import MUTED, RULE, keep_headings, styles
from companion.intake.reading import writable_target

PAGE_SIZES = {"a4": A4, "letter": LETTER}
# Margins wide enough for either paper and for a hole punch or a staple.
MARGIN_X = 18 * mm
MARGIN_TOP = 18 * mm
MARGIN_BOTTOM = 20 * mm
CONFIDENTIAL = "Confidential: candidate data"


class _NumberedCanvas(Canvas):
    """Holds every page until the end so the footer can say "page N of M"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # reportlab's method name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_page_number(total)
            super().showPage()
        super().save()

    def _draw_page_number(self, total: int) -> None:
        width, _ = self._pagesize
        self.setFont(fonts().regular, 8)
        self.setFillColor(MUTED)
        self.drawRightString(width - MARGIN_X, MARGIN_BOTTOM - 11 * mm,
                             f"page {self._pageNumber} of {total}")


def _one_line(text: str, width: float) -> Paragraph:
    """A small Paragraph of ``text`` cut (with an ellipsis) until it fits on one line."""
    st = styles().small
    head = Paragraph(markup(text), st)
    while head.wrap(width, 10_000)[1] > st.leading * 1.5 and len(text) > 1:
        text = text[: max(1, int(len(text) * 0.85))].rstrip() + "…"
        head = Paragraph(markup(text), st)
    return head


def _footer(running_head: str) -> Any:
    # The running head sits in the top margin, so it must stay on one line.
    heads: dict[float, Paragraph] = {}

    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        width, height = doc.pagesize
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN_X, MARGIN_BOTTOM - 7 * mm, width - MARGIN_X, MARGIN_BOTTOM - 7 * mm)
        canvas.setFont(fonts().bold, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN_X, MARGIN_BOTTOM - 11 * mm, CONFIDENTIAL)
        if doc.page > 1:
            # The running head carries the candidate's name: draw it as a Paragraph
            # so CJK or Cyrillic names get their fallback fonts too.
            avail = width - 2 * MARGIN_X
            if avail not in heads:
                heads[avail] = _one_line(running_head, avail)
            head = heads[avail]
            head.wrap(avail, MARGIN_TOP)
            head.drawOn(canvas, MARGIN_X, height - MARGIN_TOP + 4 * mm)
        canvas.restoreState()

    return draw


def build_pdf(story: Sequence[Flowable], out: Path, *, title: str, author: str,
              subject: str, running_head: str, page_size: str = "a4") -> Path:
    """Lay out ``story`` and write it to ``out`` atomically; returns the path written."""
    size = PAGE_SIZES.get(page_size.lower())
    if size is None:
        raise CompanionError(f"unknown page size {page_size!r}; use a4 or letter")
    refusal = writable_target(Path(out).expanduser())
    if refusal:  # say so before the layout, not after it
        raise CompanionError(f"cannot write the PDF to {out}: {refusal}")
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf, pagesize=size, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        title=title, author=author, subject=subject,
        creator=f"Interview Companion {__version__}", producer="Interview Companion",
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame],
                                       onPage=_footer(running_head))])
    doc.build(keep_headings(list(story)), canvasmaker=_NumberedCanvas)
    return write_atomic(out, buf.getvalue())


def _file_mode(out: Path) -> int:
    """Keep an overwritten file's mode; a new file gets what the umask allows.

    mkstemp makes 0600 files; a PDF the user saves should behave like any other save.
    """
    try:
        return out.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_atomic(out: Path, data: bytes) -> Path:
    """Write ``data`` to ``out`` via a temp file in the same folder and ``os.replace``.

    A full disk or a crash leaves either the old file or no file, never half a PDF.
    """
    out = Path(out).expanduser()
    refusal = writable_target(out)
    if refusal:
        raise CompanionError(f"cannot write the PDF to {out}: {refusal}")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise CompanionError(f"cannot write the PDF to {out}: the folder {folder} does not exist")
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_name, _file_mode(out))
        os.replace(tmp_name, out)
        tmp_name = None
    except OSError as exc:
        raise CompanionError(f"cannot write the PDF to {out}: {exc.strerror or exc}") from exc
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    return out
