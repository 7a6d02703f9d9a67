"""Light and dark themes that follow the system, and the zoom factor on the base font.

Colours live here, in two palettes checked for readable contrast (at least 4.5:1
for every text colour on the background it is drawn on, see ``TEXT_PAIRS``, and
for the keyboard focus ring on every background, ``FOCUS_PAIRS``);
the style sheet ``resources/styles/app.qss`` only names them as ``${token}``.
Widgets pick a look with the ``role`` property (``title``, ``heading``,
``question``, ``muted``, ``timer``, ``primary``, ``danger``) instead of
colours of their own, so both themes and every zoom level stay consistent.
"""

from __future__ import annotations

import logging
from string import Template

from PySide6 import QtCore
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from companion.base.assets import resource_path
from companion.ui.settings import THEMES, clamp_zoom

log = logging.getLogger("companion.ui.theme")

# Point size of body text at zoom 1.0: large enough to read from arm's length.
BASE_POINT_SIZE = 12.0

LIGHT: dict[str, str] = {
    "window": "#f4f5f7",
    "surface": "#ffffff",
    "surface_alt": "#eceef2",
    "text": "#15171c",
    "muted": "#4b5262",
    "border": "#c4cad4",
    "accent": "#1d5bb8",
    "on_accent": "#ffffff",
    "selection": "#cfe0fb",
    "on_selection": "#0e1a2e",
    "danger_bg": "#fde6e6",
    "danger_text": "#8c1010",
    "warn_bg": "#fff2cc",
    "warn_text": "#5f4300",
    "ok_text": "#175c2c",
    "disabled": "#5f6673",
    "focus": "#6a1b9a",  # the keyboard focus ring: its own colour, not the accent
}

DARK: dict[str, str] = {
    "window": "#15171c",
    "surface": "#1e2229",
    "surface_alt": "#272c35",
    "text": "#e9ebf0",
    "muted": "#aab1be",
    "border": "#3b424e",
    "accent": "#79adff",
    "on_accent": "#0b1424",
    "selection": "#2c4a78",
    "on_selection": "#f2f6ff",
    "danger_bg": "#421a1a",
    "danger_text": "#ffb9b9",
    "warn_bg": "#3d300b",
    "warn_text": "#ffdc8f",
    "ok_text": "#93dfaa",
    "disabled": "#8c93a0",
    "focus": "#ffb3ec",
}

PALETTES: dict[str, dict[str, str]] = {"light": LIGHT, "dark": DARK}

# (text colour, background colour) pairs the style sheet actually draws.
TEXT_PAIRS: tuple[tuple[str, str], ...] = (
    ("text", "window"),
    ("text", "surface"),
    ("text", "surface_alt"),
    ("muted", "window"),
    ("muted", "surface"),
    ("muted", "surface_alt"),
    ("on_accent", "accent"),
    ("on_selection", "selection"),
    ("danger_text", "danger_bg"),
    ("warn_text", "warn_bg"),
    ("ok_text", "surface"),
    ("ok_text", "window"),
    ("accent", "surface"),
    ("accent", "window"),
    ("disabled", "surface"),
    ("disabled", "window"),
)

# The focus ring against every background a focusable control sits on or is filled
# with (a focused primary button turns to the surface colour, see app.qss).
FOCUS_PAIRS: tuple[tuple[str, str], ...] = tuple(
    ("focus", bg) for bg in ("window", "surface", "surface_alt", "selection", "warn_bg",
                             "danger_bg"))


def _luminance(hex_colour: str) -> float:
    """Relative luminance as WCAG 2 defines it."""
    colour = QColor(hex_colour)

    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG contrast ratio between two colours, from 1.0 to 21.0."""
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


# Fusion gives the same, fully palette-driven look on every platform. It is chosen
# on the command line of the QApplication (see ``app_arguments``): setStyle() later
# would build a second style and hand it to Python, about 15 ms of start-up.
STYLE = "Fusion"
STYLE_PROPERTY = "companionStyle"


def app_arguments(argv: list[str]) -> list[str]:
    """QApplication arguments that select the app's style at construction."""
    return [*argv, "-style", STYLE]


def mark_styled(app: QApplication) -> None:
    """Record that ``app`` was constructed with ``app_arguments``."""
    app.setProperty(STYLE_PROPERTY, STYLE)


PLATFORM_DARK_PROPERTY = "companionPlatformDark"


def palette_is_dark() -> bool:
    """Whether the platform's palette has a dark window colour.

    It is read once, before the app's own palette replaces it, and kept on the
    application object for any later window.

    This is the first guess at start-up: ``styleHints().colorScheme()`` returns a
    ``Qt.ColorScheme``, and the first use of PySide6's ``Qt`` namespace builds all
    of its ninety-odd enums, about 40 ms on the way to the first frame.
    ``ThemeController.check_system_scheme`` asks the real question once the
    window is up.
    """
    app = QGuiApplication.instance()
    known = app.property(PLATFORM_DARK_PROPERTY) if app is not None else None
    if known is None:
        window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
        known = window.lightness() < 128
        if app is not None:
            app.setProperty(PLATFORM_DARK_PROPERTY, known)
    return bool(known)


def set_look(widget: QWidget, name: str, value: object) -> None:
    """Set the style-sheet property ``name`` and, if it changed, restyle ``widget``.

    Qt reads dynamic properties only when it polishes a widget, so a changed look
    needs an unpolish and polish; an unchanged one needs nothing.
    """
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def system_scheme_is_dark() -> bool | None:
    """The desktop's colour scheme: True dark, False light, None when it says nothing."""
    Qt = QtCore.Qt
    scheme = QGuiApplication.styleHints().colorScheme()
    if scheme == Qt.ColorScheme.Unknown:
        return None
    return scheme == Qt.ColorScheme.Dark


def resolve(mode: str, system_dark: bool | None = None) -> str:
    """``light`` or ``dark`` for a mode of ``system``, ``light`` or ``dark``."""
    if mode in PALETTES:
        return mode
    dark = palette_is_dark() if system_dark is None else system_dark
    return "dark" if dark else "light"


def font_sizes(zoom: float) -> dict[str, str]:
    """Point sizes for the style sheet's font tokens at this zoom."""
    base = BASE_POINT_SIZE * clamp_zoom(zoom)
    return {
        "font_small": f"{base * 0.85:.1f}",
        "font_base": f"{base:.1f}",
        "font_heading": f"{base * 1.25:.1f}",
        "font_title": f"{base * 1.6:.1f}",
        "font_question": f"{base * 1.9:.1f}",
        "font_timer": f"{base * 1.7:.1f}",
    }


def style_sheet(name: str, zoom: float) -> str:
    """The application style sheet for palette ``name`` at ``zoom``."""
    template = Template(resource_path("styles", "app.qss").read_text(encoding="utf-8"))
    return template.substitute({**PALETTES[name], **font_sizes(zoom)})


def _palette(colours: dict[str, str]) -> QPalette:
    pal = QPalette()
    role = QPalette.ColorRole
    pairs = {
        role.Window: "window", role.WindowText: "text", role.Base: "surface",
        role.AlternateBase: "surface_alt", role.Text: "text", role.Button: "surface_alt",
        role.ButtonText: "text", role.Highlight: "selection",
        role.HighlightedText: "on_selection", role.ToolTipBase: "surface",
        role.ToolTipText: "text", role.PlaceholderText: "muted", role.Link: "accent",
        role.BrightText: "danger_text",
    }
    for r, key in pairs.items():
        pal.setColor(r, QColor(colours[key]))
    for r in (role.Text, role.WindowText, role.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, r, QColor(colours["disabled"]))
    return pal


class ThemeController(QObject):
    """Applies theme and zoom to the application; re-applies when the system switches."""

    changed = Signal(str)  # the palette now in use: "light" or "dark"

    def __init__(self, app: QApplication, mode: str = "system", zoom: float = 1.0) -> None:
        super().__init__(app)
        self._app = app
        self._mode = mode if mode in THEMES else "system"
        self._zoom = clamp_zoom(zoom)
        self.active = "light"
        self._system_dark = palette_is_dark()
        if app.property(STYLE_PROPERTY) != STYLE:
            app.setStyle(STYLE)  # an application made elsewhere (a test's): set it now
        app.styleHints().colorSchemeChanged.connect(self._system_changed)

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def zoom(self) -> float:
        return self._zoom

    def set_mode(self, mode: str) -> None:
        self._mode = mode if mode in THEMES else "system"
        self.apply()

    def set_zoom(self, zoom: float) -> None:
        self._zoom = clamp_zoom(zoom)
        self.apply()

    def apply(self) -> None:
        """Set palette, base font and style sheet for the current mode and zoom."""
        name = resolve(self._mode, self._system_dark)
        font = QFont(self._app.font())
        font.setPointSizeF(BASE_POINT_SIZE * self._zoom)
        self._app.setFont(font)
        self._app.setPalette(_palette(PALETTES[name]))
        self._app.setStyleSheet(style_sheet(name, self._zoom))
        self.active = name
        log.debug("theme %s (mode %s), zoom %.2f", name, self._mode, self._zoom)
        self.changed.emit(name)

    def check_system_scheme(self) -> None:
        """Confirm the start-up guess against the desktop's scheme; re-apply if it differs.

        Called once the first frame is shown (see ``palette_is_dark``).
        """
        dark = system_scheme_is_dark()
        if dark is not None and dark != self._system_dark:
            self._system_dark = dark
            if self._mode == "system":
                self.apply()

    def _system_changed(self, scheme: QtCore.Qt.ColorScheme) -> None:
        self._system_dark = scheme == QtCore.Qt.ColorScheme.Dark
        if self._mode == "system":
            self.apply()
