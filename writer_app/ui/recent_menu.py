"""File → Open Recent: the remembered files, numbered with Alt+Shift shortcuts, and Clear List."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu

from writer_app.ui.settings import AppSettings


def fill_recent_menu(menu: QMenu, settings: AppSettings, open_path: Callable[[Path], object]) -> None:
    """Rebuild `menu` from the settings' recent files; `open_path` opens a chosen one."""
    menu.clear()
    recent = settings.recent_files
    for number, entry in enumerate(recent, start=1):
        action = menu.addAction(f"&{number} {entry}")
        action.setShortcut(QKeySequence(f"Alt+Shift+{number}"))
        action.triggered.connect(lambda _checked=False, p=entry: open_path(Path(p)))
    if not recent:
        menu.addAction("(none)").setEnabled(False)
        return
    menu.addSeparator()

    def clear() -> None:
        settings.clear_recent()
        fill_recent_menu(menu, settings, open_path)

    menu.addAction("Clear List").triggered.connect(clear)
