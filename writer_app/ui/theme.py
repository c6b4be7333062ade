"""Light, dark or the system's colour scheme, as a Fusion palette applied to the whole application."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES = (("system", "Like the system"), ("light", "Light"), ("dark", "Dark"))
_ROLES = QPalette.ColorRole


def dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        _ROLES.Window: "#2b2b2b",
        _ROLES.WindowText: "#e6e6e6",
        _ROLES.Base: "#1e1e1e",
        _ROLES.AlternateBase: "#2b2b2b",
        _ROLES.ToolTipBase: "#3a3a3a",
        _ROLES.ToolTipText: "#e6e6e6",
        _ROLES.PlaceholderText: "#8a8a8a",
        _ROLES.Text: "#e6e6e6",
        _ROLES.Button: "#353535",
        _ROLES.ButtonText: "#e6e6e6",
        _ROLES.BrightText: "#ff6b6b",
        _ROLES.Link: "#6cb4ff",
        _ROLES.Highlight: "#3d6fa8",
        _ROLES.HighlightedText: "#ffffff",
    }
    colours.update(
        {
            _ROLES.Light: "#505050",
            _ROLES.Midlight: "#404040",
            _ROLES.Mid: "#303030",
            _ROLES.Dark: "#1a1a1a",
            _ROLES.Shadow: "#000000",
        }
    )
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (_ROLES.WindowText, _ROLES.Text, _ROLES.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return palette


def is_dark(theme: str) -> bool:
    if theme == "system":
        return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    return theme == "dark"


def apply_theme(theme: str) -> None:
    """Repaint every window in `theme` ("system", "light" or "dark"); "system" follows the desktop
    when it switches between light and dark (the choice is kept on the application object)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if app.property("writer-theme") is None:
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(lambda _scheme: apply_theme(str(app.property("writer-theme"))))
    app.setProperty("writer-theme", theme)
    if theme == "system" and not is_dark(theme):
        app.setPalette(QPalette())  # the platform's own palette
    else:
        app.setPalette(dark_palette() if is_dark(theme) else app.style().standardPalette())
    from writer_app.ui.main_window import MainWindow

    for widget in app.topLevelWidgets():
        if isinstance(widget, MainWindow):
            widget.editor.use_palette(app.palette())
