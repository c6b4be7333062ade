"""Renders the main window with a document and a finished candidate list to a PNG, offscreen."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtGui import QTextCursor

from writer_app.ui.main_window import MainWindow

WAIT_MS = 180_000


def _wait_for(window: MainWindow, *signals: object) -> None:
    loop = QEventLoop()
    for signal in signals:
        signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(WAIT_MS, loop.quit)
    loop.exec()


def select_first_sentence(window: MainWindow) -> bool:
    """Select the first sentence of the first paragraph that is not a heading."""
    text = window.editor.toPlainText()
    offset = 0
    for paragraph in text.split("\n"):
        stripped = paragraph.strip()
        if len(stripped) > 40 and not stripped.startswith(("#", "-", "*", ">", "```")):
            start = offset + paragraph.index(stripped)
            end_in = stripped.find(". ")
            length = end_in + 1 if end_in > 20 else len(stripped)
            cursor = window.editor.textCursor()
            cursor.setPosition(start)
            cursor.setPosition(start + length, QTextCursor.MoveMode.KeepAnchor)
            window.editor.setTextCursor(cursor)
            return True
        offset += len(paragraph) + 1
    return False


def take_screenshot(window: MainWindow, output: str, model_expected: bool) -> bool:
    """Show the window, run one rewrite if a model is loading, and save the PNG."""
    window.resize(1280, 820)
    window.show()
    if model_expected and not window.controller.model_name:
        _wait_for(window, window.controller.modelLoaded, window.controller.modelFailed)
    if window.controller.model_name and select_first_sentence(window):
        window.request_rewrite(mode="concise")
        _wait_for(window, window.assist.requestFinished, window.assist.requestFailed)
    QCoreApplication.sendPostedEvents()  # apply pending layout changes (the ranked order) first
    return window.grab().save(output)
