"""The model manager dialog: catalog and installed models, download with progress, use, import, remove."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from writer_app.engine.hardware import physical_cores, total_memory_bytes
from writer_app.errors import UserError
from writer_app.modelhub.catalog import CatalogEntry, format_size, load_catalog, recommend
from writer_app.modelhub.download import Downloaded, RemoteFile
from writer_app.modelhub.store import DEFAULT_ID, InstalledModel, ModelStore
from writer_app.worker.download_worker import DownloadController


class ModelManagerDialog(QDialog):
    """Emits `modelChosen(path)` when the user makes a model the active one."""

    modelChosen = Signal(object)

    def __init__(self, store: ModelStore, endpoint: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.resize(820, 420)
        self.store = store
        self.endpoint = endpoint
        self.catalog = load_catalog()
        self.downloads = DownloadController()
        self._downloading: CatalogEntry | None = None
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(["Model", "Size", "Licence", "Status"])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.progress = QProgressBar(self)
        self.progress.hide()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.download_button = QPushButton("&Download", self)
        self.cancel_button = QPushButton("&Cancel Download", self)
        self.use_button = QPushButton("&Use", self)
        self.remove_button = QPushButton("&Remove", self)
        self.import_button = QPushButton("&Import…", self)
        close = QPushButton("Close", self)
        self.download_button.clicked.connect(self.download_selected)
        self.cancel_button.clicked.connect(self.downloads.cancel)
        self.use_button.clicked.connect(self.use_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.import_button.clicked.connect(self.import_dialog)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (
            self.download_button,
            self.cancel_button,
            self.use_button,
            self.remove_button,
            self.import_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.downloads.progressed.connect(self._on_progress)
        self.downloads.finished.connect(self._on_downloaded)
        self.downloads.failed.connect(self._on_failed)
        self.downloads.imported.connect(self._on_imported)
        self.refresh()

    # ----- the table ---------------------------------------------------------------------------
    def rows(self) -> list[tuple[str, str, int, str, str]]:
        """(id, name, size, licence, status) for every model shown."""
        installed = {m.id: m for m in self.store.installed()}
        active = self.store.active_id()
        best = recommend(self.catalog, total_memory_bytes(), physical_cores())
        rows = []
        for model in installed.values():
            if model.id == DEFAULT_ID or model.id.startswith("import-"):
                rows.append((model.id, model.name, model.size_bytes, model.licence, "installed"))
        for entry in self.catalog:
            status = "installed" if entry.id in installed else "available"
            if best is not None and entry.id == best.id:
                status += " · recommended"
            rows.append((entry.id, entry.name, entry.size_bytes, entry.licence, status))
        return [(i, n, s, lic, ("active · " if i == active else "") + st) for i, n, s, lic, st in rows]

    def refresh(self) -> None:
        selected = self.selected_id()
        rows = self.rows()
        self.table.setRowCount(len(rows))
        for row, (model_id, name, size, licence, status) in enumerate(rows):
            for column, text in enumerate((name, format_size(size), licence, status)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, model_id)
                self.table.setItem(row, column, item)
            if model_id == selected:
                self.table.selectRow(row)
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def selected_id(self) -> str | None:
        items = self.table.selectedItems()
        return str(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def select(self, model_id: str) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == model_id:
                self.table.selectRow(row)

    def _installed(self, model_id: str | None) -> InstalledModel | None:
        return next((m for m in self.store.installed() if m.id == model_id), None)

    def _update_buttons(self) -> None:
        model_id = self.selected_id()
        installed = self._installed(model_id) is not None
        in_catalog = any(e.id == model_id for e in self.catalog)
        busy = self.downloads.busy
        self.download_button.setEnabled(bool(model_id) and in_catalog and not installed and not busy)
        self.cancel_button.setEnabled(busy and not self.downloads.importing)
        self.use_button.setEnabled(installed and model_id != self.store.active_id())
        self.remove_button.setEnabled(installed and model_id != DEFAULT_ID)

    # ----- actions -----------------------------------------------------------------------------
    def confirm_licence(self, entry: CatalogEntry) -> bool:
        """Asked once per model before its first download; tests replace this method."""
        note = "" if entry.commercial_use else "\n\nThis licence does not allow commercial use."
        answer = QMessageBox.question(
            self,
            "Licence",
            f"{entry.name} is licensed under {entry.licence}.{note}\n\nAccept the licence and download it?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def download_selected(self) -> None:
        entry = next((e for e in self.catalog if e.id == self.selected_id()), None)
        if entry is None or self.downloads.busy:
            return
        if not self.store.licence_accepted(entry.id):
            if not self.confirm_licence(entry):
                return
            self.store.accept_licence(entry.id)
        self._downloading = entry
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText(f"Connecting for {entry.file}…")
        remote = RemoteFile(entry.repo_id, entry.file, entry.revision, entry.sha256, entry.size_bytes)
        self.downloads.start(remote, self.store.folder, self.endpoint)
        self._update_buttons()

    def _on_progress(self, done: int, total: int, speed: float) -> None:
        if total:
            self.progress.setValue(int(1000 * done / total))
        left = f", {(total - done) / speed:.0f} s left" if speed > 0 and total else ""
        self.status.setText(f"{format_size(done)} of {format_size(total)} at {speed / 2**20:.1f} MB/s{left}")

    def _on_downloaded(self, result: Downloaded) -> None:
        # The entry is the one whose file arrived: a late result of a cancelled download must not be
        # recorded as whatever downloads now.
        entry = next((e for e in self.catalog if e.file == result.path.name), None)
        if self._downloading is not None and self._downloading == entry:
            self._downloading = None
            self.progress.hide()
        if entry is not None:
            self.store.record(
                InstalledModel(
                    entry.id,
                    entry.name,
                    result.path.name,
                    result.size,
                    result.sha256,
                    f"catalog:{entry.repo_id}@{result.commit or entry.revision}",
                    entry.licence,
                )
            )
            self.status.setText(f"{entry.name} is installed ({result.checked}). Choose Use to switch to it.")
        self.refresh()

    def _on_failed(self, message: str, cancelled: bool) -> None:
        self._downloading = None
        self.progress.hide()
        self.status.setText(message)
        self.refresh()

    def use_selected(self) -> None:
        model = self._installed(self.selected_id())
        if model is None:
            return
        self.store.set_active(model.id)
        self.status.setText(f"{model.name} is now the active model.")
        self.modelChosen.emit(self.store.path_of(model))
        self.refresh()

    def remove_selected(self) -> None:
        model_id = self.selected_id()
        if model_id is None:
            return
        was_active = model_id == self.store.active_id()
        try:
            self.store.remove(model_id)
        except UserError as error:
            self.status.setText(str(error))
            return
        if was_active:
            self.modelChosen.emit(self.store.active_path())
        self.refresh()

    def import_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import a model", "", "GGUF models (*.gguf)")
        if name:
            self.import_path(Path(name))

    def import_path(self, path: Path) -> bool:
        """Start importing `path` in the background (checking, copying and hashing a large file takes
        a while); False when another download or import is still running."""
        if self.downloads.busy:
            self.status.setText("Wait for the current download or import to finish, or cancel it.")
            return False
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText(f"Importing {Path(path).name}…")
        self.downloads.start_import(Path(path), self.store)
        self._update_buttons()
        return True

    def _on_imported(self, model: InstalledModel) -> None:
        self.store.record(model)  # on the GUI thread, like every other change of the manifest
        self.progress.hide()
        self.status.setText(f"Imported {model.name}. Choose Use to switch to it.")
        self.refresh()
        self.select(model.id)

    def done(self, result: int) -> None:
        self.downloads.shutdown()
        super().done(result)
