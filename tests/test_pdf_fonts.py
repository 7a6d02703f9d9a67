"""Any name, any text: font runs by coverage, escaping, placeholders, and a real round trip."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from companion.export.fonts import (
    CJK,
    HANGUL,
    SYMBOLS,
    clean,
    fallback_fonts,
    fonts,
    markup,
    placeholder,
)
from companion.export.scorecard_pdf import render_scorecard
from tests.scorecards import make_scorecard, pack, pdf_body, pdf_pages, squash, with_notes

LONG_WORD = "".join(chr(ord("a") + i % 26) for i in range(300))
NAMES = ("Zoë Łukasiewicz", "Андрей Смирнов", "王芳", "Αθηνά Παπαδοπούλου", "김민준")


def _uncovered() -> str:
    """A character none of the shipped fonts has (checked, not assumed)."""
    fs = fonts()
    covers = [fs.main_cover, *(c for _, c in fallback_fonts())]
    for cp in (0x1FAE8, 0x1FA77, 0x1FAE0, 0x10FFFD):
        if not any(cp in c for c in covers):
            return chr(cp)
    raise AssertionError("every candidate character is covered; pick another")


def test_markup_escapes_user_text() -> None:
    out = markup("a<b> & <font name=x>c</font>")
    assert "<b>" not in out and "<font name=x>" not in out
    assert "&lt;b&gt; &amp; &lt;font name=x&gt;" in out


def test_runs_switch_font_only_where_the_main_font_lacks_glyphs() -> None:
    fs = fonts()
    out = markup("Zoë Андрей 王芳 ok")
    assert f'<font name="{CJK}">王芳</font>' in out
    # Korean names get the Korean font, whole (the CJK font has only a few syllables).
    assert markup("이서연 김민준") == (f'<font name="{HANGUL}">이서연</font> '
                                    f'<font name="{HANGUL}">김민준</font>')
    assert "Zoë Андрей " in out  # Latin and Cyrillic stay in the main font
    # A symbol only Symbola has goes to the symbol font.
    (_, cjk), (_, hangul), (_, symbols) = fallback_fonts()
    assert len(hangul & set(range(0xAC00, 0xD7A4))) == 11172  # every Hangul syllable
    only_symbola = next(cp for cp in sorted(symbols)
                        if cp > 0x1F000 and cp not in fs.main_cover and cp not in cjk)
    assert f'<font name="{SYMBOLS}">{chr(only_symbola)}</font>' in markup(chr(only_symbola))


def test_uncovered_characters_become_readable_codes() -> None:
    ch = _uncovered()
    assert markup(f"x{ch}y") == f"x{placeholder(ch)}y"
    assert placeholder("\U0001fae8") == "[U+1FAE8]"


def test_controls_and_lone_surrogates_do_not_crash() -> None:
    text = clean("a\x00b\r\nc\td\ud83d")
    assert text == "a[U+0000]b\nc    d[U+D83D]"
    assert markup("one\ntwo") == "one<br/>two"


def test_names_and_notes_in_any_script_round_trip(tmp_path: Path) -> None:
    p = pack()
    uncovered = _uncovered()
    sc = make_scorecard(p, candidate=NAMES[0], interviewer=NAMES[2])
    first = sc.items[0].item_id
    note = (f"{NAMES[1]}, {NAMES[4]} and {NAMES[3]} reviewed it 😀 👍 then pasted {LONG_WORD} "
            f"and an odd {uncovered} sign")
    sc = with_notes(sc, first, note)
    sc = replace(sc, summary="王芳 is the interviewer; Zoë is the candidate. 中文段落没有空格"
                 + "数据库" * 60)
    out = render_scorecard(sc, p, tmp_path / "unicode.pdf")
    text = pdf_body(out)
    for name in NAMES:
        assert name in text, name  # names come back intact, not just present
    assert "😀" in text and "👍" in text
    assert LONG_WORD in squash(text)  # wrapped over lines, but every character there
    assert "数据库" * 60 in squash(text)
    assert placeholder(uncovered) in text
    # The long word wrapped: no line is wider than the page allows.
    assert max(len(line) for line in text.splitlines()) < 200


def test_a_300_character_name_wraps_in_the_body_and_is_cut_in_the_running_head(
        tmp_path: Path) -> None:
    p = pack()
    sc = make_scorecard(p, candidate=LONG_WORD, words_per_note=150)
    out = render_scorecard(sc, p, tmp_path / "long-name.pdf")
    pages = pdf_pages(out)
    assert len(pages) > 2
    for page in pages[1:]:
        lines = [ln for ln in page.splitlines() if ln.strip()]
        head = next(ln for ln in lines if ln.startswith("Scorecard: "))
        assert head.endswith("…")  # cut to one line, not spilling into the page
    body = squash(pdf_body(out))
    assert LONG_WORD in body  # the title and header print the whole name, wrapped
    notes = [it.said for it in sc.items]
    assert all(squash(n) in body for n in notes)
