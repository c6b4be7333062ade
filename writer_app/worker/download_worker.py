"""Model downloads and imports, one at a time in their own thread, reported as Qt signals.

Cancel is immediate for the user: the controller reports the pause at once and the thread stops at
its next chunk or retry. Closing the model dialog never waits for the thread: a job still running is
handed to the application object, which lets it finish in the background (see `app.finish_shutdown`).
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from writer_app.errors import UserError
from writer_app.modelhub.download import Progress, RemoteFile, download

PAUSED = "Download paused: Download again to resume."


class _DownloadJob(QObject):
    progressed = Signal(int, int, float)  # bytes done, total, bytes per second
    finished = Signal(object)  # Downloaded
    imported = Signal(object)  # InstalledModel
    failed = Signal(str, bool)  # sentence, whether it was a cancel

    @Slot(object, object, object, object)
    def run(self, remote: RemoteFile, folder: Path, endpoint: str | None, cancel: threading.Event) -> None:
        def report(progress: Progress) -> None:
            self.progressed.emit(progress.done, progress.total, progress.bytes_per_s)

        try:
            result = download(remote, folder, endpoint=endpoint, progress=report, cancel=cancel)
        except UserError as error:
            self.failed.emit(str(error), cancel.is_set())
            return
        except Exception as error:  # any other failure still reaches the user as a sentence
            self.failed.emit(f"The download failed ({error}).", False)
            return
        self.finished.emit(result)

    @Slot(object, object)
    def run_import(self, path: Path, store: object) -> None:
        """Check a local .gguf, then copy and hash it into the models folder (minutes for a large file)."""
        from writer_app.engine.model_file import read_model_file

        try:
            read_model_file(path)
            model = store.import_file(path)  # type: ignore[attr-defined]
        except UserError as error:
            self.failed.emit(str(error), False)
            return
        except OSError as error:
            self.failed.emit(f"Could not import {Path(path).name}: {error.strerror or error}.", False)
            return
        self.imported.emit(model)


class DownloadController(QObject):
    """GUI-thread side: start, cancel, and a shutdown that never blocks the window."""

    progressed = Signal(int, int, float)
    finished = Signal(object)
    imported = Signal(object)
    failed = Signal(str, bool)
    _start = Signal(object, object, object, object)
    _start_import = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self._thread = QThread()
        self._thread.setObjectName("model-download")
        self._job = _DownloadJob()
        self._job.moveToThread(self._thread)
        self._start.connect(self._job.run)
        self._start_import.connect(self._job.run_import)
        self._job.progressed.connect(self._on_progress)
        self._job.finished.connect(self._on_finished)
        self._job.imported.connect(self._on_imported)
        self._job.failed.connect(self._on_failed)
        self._thread.finished.connect(self._job.deleteLater)
        self.busy = False
        self._thread.start()

    def start(self, remote: RemoteFile, folder: Path, endpoint: str | None) -> None:
        self._cancel = threading.Event()
        self.busy = True
        self._start.emit(remote, folder, endpoint, self._cancel)

    def start_import(self, path: Path, store: object) -> None:
        self.busy = True
        self._start_import.emit(Path(path), store)

    def cancel(self) -> None:
        """Stop the download; the user hears of it now, the thread stops at its next chunk or retry."""
        if self._cancel.is_set() or not self.busy:
            return
        self._cancel.set()
        self.busy = False
        self.failed.emit(PAUSED, True)

    def _on_progress(self, done: int, total: int, speed: float) -> None:
        if not self._cancel.is_set():
            self.progressed.emit(done, total, speed)

    def _on_finished(self, result: object) -> None:
        self.busy = False
        self.finished.emit(result)

    def _on_imported(self, model: object) -> None:
        self.busy = False
        self.imported.emit(model)

    def _on_failed(self, message: str, cancelled: bool) -> None:
        if cancelled:
            return  # already reported by cancel()
        self.busy = False
        self.failed.emit(message, cancelled)

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, timeout_ms: int) -> bool:
        return self._thread.wait(timeout_ms)

    def shutdown(self) -> None:
        """Cancel and stop the thread without waiting for a slow network read to return."""
        self._cancel.set()
        self._thread.quit()
        if self._thread.wait(100):
            return
        # Still in a read or a copy: let it finish on its own, owned by the application so that
        # closing the dialog does not destroy a running thread.
        app = QCoreApplication.instance()
        if app is not None:
            self.setParent(app)
            self._thread.finished.connect(self.deleteLater)
