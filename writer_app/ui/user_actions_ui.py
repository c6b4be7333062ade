"""Assist → My Actions: the user's own actions as menu entries with their shortcuts, run on the
selection like a custom instruction, their result going where the action says; and the dialog that
adds, edits, deletes, imports and exports them (`assist/user_actions.py` keeps the files)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from writer_app.assist.user_actions import OUTPUTS, ActionStore, UserAction
from writer_app.errors import UserError


def run_action(window, action: UserAction) -> int | None:
    """Ask for the action's prompt on the selection; Accept then puts the result where it says."""
    return window.session.request_rewrite(instruction=action.prompt, output=action.output)


def install(window, store: ActionStore) -> None:
    """The window's My Actions menu, and new documents for actions whose result goes into one."""
    fill_actions_menu(window, window.actions_by_name["Assist/My Actions"], store)

    def new_document(text: str) -> None:
        opened = window.drafts.open_window() if window.drafts.open_window is not None else None
        if opened is None:
            window.show_message("This window cannot open another: copy the result instead.", "info")
            return
        opened.editor.setPlainText(text)
        opened.editor.document().setModified(True)

    window.session.newDocumentRequested.connect(new_document)


def fill_actions_menu(window, menu: QMenu, store: ActionStore) -> None:
    """The menu from the store: each action with its shortcut, then Manage Actions…."""
    menu.clear()
    taken = {a.shortcut().toString() for a in window.actions() if not a.shortcut().isEmpty()}
    for action in store.all():
        entry = QAction(action.name, menu)
        key = QKeySequence(action.shortcut)
        if action.shortcut and key.toString() in taken:  # the built-in action keeps its key
            entry.setText(f"{action.name} (its key {action.shortcut} is taken)")
        elif action.shortcut:
            entry.setShortcut(key)
            taken.add(key.toString())
        entry.setStatusTip(action.prompt[:120])
        entry.triggered.connect(lambda _checked=False, action=action: run_action(window, action))
        menu.addAction(entry)
    if menu.actions():
        menu.addSeparator()
    menu.addAction("&Manage Actions…", lambda: ActionsDialog(window, store, menu).open())


def refill_every_window(store: ActionStore) -> None:
    """Every window's My Actions menu, after a change."""
    from writer_app.ui.preferences import main_windows

    for window in main_windows():
        fill_actions_menu(window, window.actions_by_name["Assist/My Actions"], store)


class ActionForm(QDialog):
    """One action's fields."""

    def __init__(self, parent: QWidget, action: UserAction | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Action")
        self.name = QLineEdit(action.name if action else "", self)
        self.prompt = QPlainTextEdit(action.prompt if action else "", self)
        self.prompt.setPlaceholderText("e.g. Rewrite this as a tweet of at most 280 characters.")
        self.output = QComboBox(self)
        for key, label in OUTPUTS.items():
            self.output.addItem(label, key)
        self.output.setCurrentIndex(max(0, self.output.findData(action.output if action else "replace")))
        self.shortcut = QKeySequenceEdit(QKeySequence(action.shortcut if action else ""), self)
        self.error = QLabel("", self)
        form = QFormLayout(self)
        for label, field in (("Name", self.name), ("Prompt", self.prompt), ("Result", self.output)):
            form.addRow(label, field)
        form.addRow("Shortcut", self.shortcut)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def action(self) -> UserAction:
        shortcut = self.shortcut.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
        return UserAction(self.name.text(), self.prompt.toPlainText(), self.output.currentData(), shortcut)

    def _check(self) -> None:
        try:
            self.action().checked()
        except UserError as error:
            self.error.setText(str(error))
            return
        self.accept()


class ActionsDialog(QDialog):
    """The list of actions with Add, Edit, Delete, Import and Export; the menu follows each change."""

    def __init__(self, window, store: ActionStore, menu: QMenu) -> None:
        super().__init__(window)
        self.setWindowTitle("My Actions")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.window_, self.store, self.menu = window, store, menu
        self.list = QListWidget(self)
        self.list.itemDoubleClicked.connect(lambda _item: self.edit())
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for label, slot in (
            ("Add…", self.add),
            ("Edit…", self.edit),
            ("Delete", self.delete),
            ("Import…", self.import_),
            ("Export…", self.export),
        ):
            button = QPushButton(label, self)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        for action in self.store.all():
            key = f"  ({action.shortcut})" if action.shortcut else ""
            item = QListWidgetItem(f"{action.name}{key} — {OUTPUTS[action.output].lower()}")
            item.setData(Qt.ItemDataRole.UserRole, action.name)
            self.list.addItem(item)
        fill_actions_menu(self.window_, self.menu, self.store)
        refill_every_window(self.store)

    def selected(self) -> UserAction | None:
        """The action chosen in the list, by its name (another window may have changed the folder)."""
        item = self.list.currentItem()
        try:
            return self.store.get(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None
        except UserError:
            self.refresh()
            return None

    def _keep(self, form: ActionForm, replacing: str = "") -> None:
        try:
            kept = self.store.save(form.action(), replacing)
        except (UserError, OSError) as error:
            self.status.setText(str(error))
            return
        self.status.setText(f"Saved “{kept.name}”.")
        self.refresh()

    def add(self) -> None:
        form = ActionForm(self)
        form.accepted.connect(lambda: self._keep(form))
        form.open()

    def edit(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            form = ActionForm(self, chosen)
            form.accepted.connect(lambda: self._keep(form, chosen.name))
            form.open()

    def delete(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.store.delete(chosen.name)
            self.status.setText(f"Deleted “{chosen.name}”.")
            self.refresh()

    def import_(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import Action", "", "Actions (*.json)")
        if name:
            try:
                kept = self.store.import_file(Path(name))
            except UserError as error:
                self.status.setText(str(error))
                return
            self.status.setText(f"Imported “{kept.name}”.")
            self.refresh()

    def export(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self.status.setText("Choose the action to export first.")
            return
        name, _ = QFileDialog.getSaveFileName(
            self, "Export Action", f"{chosen.name}.json", "Actions (*.json)"
        )
        if name:
            self.store.export(chosen.name, Path(name))
            self.status.setText(f"Exported “{chosen.name}” to {name}.")
