"""Names and notes in any script show in the window, not as empty boxes.

On a machine whose only font is DejaVu Sans (fontconfig is pointed at a folder
holding just that file), Chinese and Japanese names and emoji have no glyphs
until the launch registers the fonts shipped in ``resources/fonts`` as fallbacks,
after the first paint. ``tests/font_driver.py`` shapes sample text in the fonts
of real widgets (start screen, notes, prompt, finish page, submitted page) and
counts the glyphs that come out as the empty box.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


def test_cjk_cyrillic_greek_and_emoji_have_glyphs_in_the_windows_fonts(
        tmp_path: Path, data_dir: Path) -> None:
    fonts = tmp_path / "system-fonts"
    fonts.mkdir()
    shutil.copy(REPO / "resources" / "fonts" / "DejaVuSans.ttf", fonts)
    conf = tmp_path / "fonts.conf"
    conf.write_text(FONTS_CONF.format(fonts=fonts, cache=tmp_path / "cache"), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FONTCONFIG_FILE=str(conf),
               COMPANION_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO))
    res = subprocess.run([sys.executable, "-m", "tests.font_driver", str(data_dir)],
                         capture_output=True, text=True, cwd=REPO, env=env, timeout=180)
    assert res.returncode == 0, res.stderr[-3000:]
    found = json.loads(res.stdout.splitlines()[-1])
    # Without the shipped fonts this machine has boxes where the test says it does.
    before = found["before"]["start.candidate"]
    assert before["cjk"] > 10 and before["emoji"] >= 4 and before["korean"] > 10
    assert before["cyrillic"] == 0 and before["greek"] == 0  # DejaVu Sans draws these
    # After the launch's post-paint step, every widget draws every sample.
    assert len(found["after"]) == 7
    for widget, counts in found["after"].items():
        assert counts == {"cjk": 0, "cyrillic": 0, "greek": 0, "emoji": 0, "korean": 0}, widget
    assert found["families"][-3:] == ["Droid Sans Fallback", "NanumSquare", "Symbola"]
