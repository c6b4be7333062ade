"""The command palette (Ctrl+Shift+P): every action of the window's menus — the action table's and
the user's own (My Actions) — by name, filtered as you type, run with Enter."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QLineEdit, QListWidget, QListWidgetItem, QMenu, QVBoxLayout, QWidget


def menu_actions(menu: QMenu, path: str = "") -> list[tuple[str, QAction]]:
    """Every enabled action under `menu`, named by its menu path ("Assist › Transform › Summarize")."""
    found = []
    for action in menu.actions():
        name = action.text().replace("&", "")
        if action.menu() is not None:
            found += menu_actions(action.menu(), f"{path}{name} › ")
        elif not action.isSeparator() and action.isEnabled() and name:
            found.append((f"{path}{name}", action))
    return found


class CommandPalette(QDialog):
    """A filter box over the window's actions; Enter (or a double click) runs the one chosen."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setWindowTitle("Command Palette")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.actions_found: list[tuple[str, QAction]] = []
        for top in window.menuBar().actions():  # type: ignore[attr-defined]
            if top.menu() is not None:
                self.actions_found += menu_actions(top.menu(), top.text().replace("&", "") + " › ")
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Type to find a command…")
        self.list = QListWidget(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        self.filter.textChanged.connect(self.show_matching)
        self.filter.returnPressed.connect(self.run_current)
        self.list.itemActivated.connect(lambda _item: self.run_current())
        self.resize(520, 420)
        self.show_matching("")

    def show_matching(self, text: str) -> None:
        """The actions whose names hold every word typed, in menu order."""
        wanted = text.casefold().split()
        self.list.clear()
        for number, (name, action) in enumerate(self.actions_found):
            if all(word in name.casefold() for word in wanted):
                key = action.shortcut().toString(action.shortcut().SequenceFormat.NativeText)
                item = QListWidgetItem(f"{name}    {key}" if key else name)
                item.setData(Qt.ItemDataRole.UserRole, number)
                self.list.addItem(item)
        self.list.setCurrentRow(0)

    def run_current(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        _name, action = self.actions_found[item.data(Qt.ItemDataRole.UserRole)]
        self.close()
        action.trigger()


def open_palette(window: QWidget) -> CommandPalette:
    palette = CommandPalette(window)
    palette.open()
    palette.filter.setFocus()
    return palette
