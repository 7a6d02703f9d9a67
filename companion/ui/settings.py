"""Window preferences kept between runs: zoom, theme, screen, geometry, compact mode.

Stored with QSettings in INI format at ``companion.base.paths.settings_file(data_dir)``
so the file sits beside the user's data (portable mode keeps it with the app) and
never in the registry or a system location.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import time
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from companion.base.paths import ensure_private_dir, settings_file
from companion.intake import limits

log = logging.getLogger("companion.ui")

THEMES: tuple[str, ...] = ("system", "light", "dark")
PAPERS: tuple[str, ...] = ("a4", "letter")
ZOOM_MIN = 0.6
ZOOM_MAX = 2.5
ZOOM_STEP = 0.1


def set_aside_unless_plain(path: Path) -> Path | None:
    """Move a settings file that is not a small ordinary file aside, by renaming the entry.

    QSettings reads the whole file and, on exit, writes through a symbolic link: a
    link to another file (or, run as root, to a device) would have its target
    overwritten with window settings. Renaming moves the link or the odd file itself,
    never what it points to; the window then starts from its defaults. Returns where
    it went, or None when the file was fine (or absent).
    """
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if stat.S_ISREG(st.st_mode) and st.st_size <= limits.SETTINGS_FILE_BYTES:
        return None
    aside = path.with_name(f"{path.name}.set-aside-{int(time.time())}")
    try:
        path.rename(aside)
    except OSError:
        return None
    log.warning("%s was not a small ordinary file (a link, a device or over %d bytes); "
                "moved it aside as %s and started from default settings", path,
                limits.SETTINGS_FILE_BYTES, aside.name)
    return aside


def clamp_zoom(value: float) -> float:
    """Keep a zoom factor inside the supported range, rounded to one decimal."""
    return round(min(ZOOM_MAX, max(ZOOM_MIN, value)), 2)


class UiSettings:
    """Typed access to the settings file; bad or missing values fall back to defaults."""

    def __init__(self, data_dir: Path) -> None:
        path = settings_file(data_dir)
        # A read-only folder: QSettings keeps values in memory and the app still runs.
        with contextlib.suppress(OSError):
            ensure_private_dir(path.parent)
        set_aside_unless_plain(path)
        self._qs = QSettings(str(path), QSettings.Format.IniFormat)
        self.path = path

    # -- zoom ---------------------------------------------------------------
    @property
    def zoom(self) -> float:
        try:
            return clamp_zoom(float(str(self._qs.value("view/zoom", 1.0))))
        except ValueError:
            return 1.0

    @zoom.setter
    def zoom(self, value: float) -> None:
        self._qs.setValue("view/zoom", clamp_zoom(value))

    # -- theme --------------------------------------------------------------
    @property
    def theme(self) -> str:
        value = str(self._qs.value("view/theme", "system"))
        return value if value in THEMES else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self._qs.setValue("view/theme", value if value in THEMES else "system")

    # -- screen (by name, since indexes shift when monitors come and go) ---------
    @property
    def screen_name(self) -> str:
        return str(self._qs.value("window/screen", "") or "")

    @screen_name.setter
    def screen_name(self, value: str) -> None:
        if self.screen_name != value:
            self._qs.setValue("window/screen", value)

    # -- geometry -------------------------------------------------------------
    @property
    def geometry(self) -> QByteArray | None:
        value = self._qs.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        # Saved on every close: leave the file alone when the window has not moved.
        if self.geometry != value:
            self._qs.setValue("window/geometry", value)

    # -- compact, always-on-top mode ----------------------------------------------
    @property
    def compact(self) -> bool:
        return str(self._qs.value("window/compact", "false")).lower() in ("true", "1")

    @compact.setter
    def compact(self, value: bool) -> None:
        self._qs.setValue("window/compact", bool(value))

    # -- the interviewer's own name, so a second round needs no retyping ---------------------
    @property
    def interviewer(self) -> str:
        return str(self._qs.value("round/interviewer", "") or "")

    @interviewer.setter
    def interviewer(self, value: str) -> None:
        self._qs.setValue("round/interviewer", value.strip())

    # -- paper for PDF exports; "" until chosen (the window then follows the locale) --------
    @property
    def paper(self) -> str:
        value = str(self._qs.value("export/paper", "") or "")
        return value if value in PAPERS else ""

    @paper.setter
    def paper(self, value: str) -> None:
        self._qs.setValue("export/paper", value if value in PAPERS else "")

    def sync(self) -> None:
        """Write pending values to disk now (Qt otherwise writes them lazily)."""
        self._qs.sync()
