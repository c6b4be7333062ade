"""The message bar follows the window's palette: readable colours in light and dark themes."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

from writer_app.ui.message_bar import MessageBar


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    q = QColor(colour)
    return 0.2126 * channel(q.red()) + 0.7152 * channel(q.green()) + 0.0722 * channel(q.blue())


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _palette(window: str, text: str) -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor(window))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(text))
    return palette


def test_colours_follow_a_dark_palette_and_stay_readable(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    bar = MessageBar(window)
    window.setPalette(_palette("#f0f0f0", "#000000"))
    bar.show_message("Could not save.", "error")
    light_background, light_text, _ = bar.colours()
    window.setPalette(_palette("#202124", "#e8eaed"))  # the system switched to dark
    dark_background, dark_text, _ = bar.colours()
    assert _luminance(dark_background) < 0.1 < _luminance(light_background)
    assert dark_background in bar.styleSheet()  # restyled on the palette change, not only on a new message
    for level in ("error", "info"):
        bar.show_message("A notice.", level)
        background, text, _ = bar.colours()
        assert _contrast(background, text) >= 7
    assert _contrast(light_background, light_text) >= 7 and _contrast(dark_background, dark_text) >= 7
