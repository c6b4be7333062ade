"""The questions the window asks the user; one object so tests can answer them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QFontDialog, QInputDialog, QMessageBox, QWidget

from writer_app.documents.autosave import Snapshot

FILE_FILTER = "Markdown and text (*.md *.markdown *.txt *.text);;All files (*)"


class Prompts:
    """Modal dialogs; every method returns plain data."""

    def open_path(self, parent: QWidget, folder: str = "") -> Path | None:
        name, _ = QFileDialog.getOpenFileName(parent, "Open", folder, FILE_FILTER)
        return Path(name) if name else None

    def save_path(self, parent: QWidget, suggested: str = "") -> Path | None:
        name, _ = QFileDialog.getSaveFileName(parent, "Save As", suggested, FILE_FILTER)
        if not name:
            return None
        path = Path(name)
        return path if path.suffix else path.with_suffix(".md")

    def export_path(self, parent: QWidget, suggested: str, file_filter: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(parent, "Export", suggested, file_filter)
        return Path(name) if name else None

    def welcome(self, parent: QWidget, text: str, can_download: bool) -> str:
        """'download' or 'later' (the first-run welcome)."""
        box = QMessageBox(QMessageBox.Icon.Information, "Welcome", text, parent=parent)
        box.setTextFormat(Qt.TextFormat.RichText)
        download = box.addButton("Download Now", QMessageBox.ButtonRole.AcceptRole) if can_download else None
        box.addButton("Later" if can_download else "OK", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return "download" if download is not None and box.clickedButton() is download else "later"

    def send_text_to(self, parent: QWidget, host: str, encrypted: bool) -> bool:
        """Whether the user agrees that text goes to a server on another machine (asked once)."""
        how = "" if encrypted else " unencrypted (http, not https)"
        answer = QMessageBox.question(
            parent,
            "Text leaves this computer",
            f"The text you ask the assistant about, and the text before the cursor for suggestions "
            f"while typing, will be sent{how} to {host}, another machine. Use this server?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def unsaved_changes(self, parent: QWidget, title: str) -> str:
        """'save', 'discard' or 'cancel'."""
        answer = QMessageBox.question(
            parent,
            "Unsaved changes",
            f"Save the changes to {title} before closing?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        return {QMessageBox.StandardButton.Save: "save", QMessageBox.StandardButton.Discard: "discard"}.get(
            answer, "cancel"
        )

    def overwrite_conflict(self, parent: QWidget, title: str) -> str:
        """'overwrite', 'save_as' or 'cancel' when the file changed on disk."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "File changed on disk",
            f"{title} was changed by another program since you opened it.",
            parent=parent,
        )
        box.setInformativeText("Overwrite it with your version, or save yours under another name?")
        overwrite = box.addButton("Overwrite", QMessageBox.ButtonRole.DestructiveRole)
        save_as = box.addButton("Save As…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        return "overwrite" if clicked is overwrite else "save_as" if clicked is save_as else "cancel"

    def recover(self, parent: QWidget | None, snapshot: Snapshot) -> bool:
        """True to reopen an autosaved unsaved document left by a crash."""
        where = snapshot.path or "a new document"
        answer = QMessageBox.question(
            parent,
            "Recover unsaved work",
            f"Writer closed without saving “{snapshot.title}” ({where}). Recover the unsaved text?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    def choose_font(self, parent: QWidget, current: object) -> object | None:
        ok, font = QFontDialog.getFont(current, parent, "Editor font")
        return font if ok else None

    def ask_number(
        self, parent: QWidget, title: str, label: str, value: int, low: int, high: int
    ) -> int | None:
        """A whole number between `low` and `high`, or None when cancelled."""
        number, ok = QInputDialog.getInt(parent, title, label, value, low, high)
        return number if ok else None

    def ask_choice(self, parent: QWidget, title: str, label: str, items: list[str]) -> str | None:
        """One of `items`, or None when cancelled."""
        chosen, ok = QInputDialog.getItem(parent, title, label, items, 0, False)
        return chosen if ok and chosen else None

    def ask_text(self, parent: QWidget, title: str, label: str, value: str = "") -> str | None:
        """A line of text, or None when cancelled."""
        text, ok = QInputDialog.getText(parent, title, label, text=value)
        return text if ok else None

    def open_paths(self, parent: QWidget, title: str) -> list[Path]:
        """Text or Markdown files to read (none when cancelled)."""
        names, _ = QFileDialog.getOpenFileNames(parent, title, "", FILE_FILTER)
        return [Path(name) for name in names]
