"""Runs one model download at a time in its own thread and reports progress as Qt signals."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from writer_app.errors import UserError
from writer_app.modelhub.download import Progress, RemoteFile, download


class _DownloadJob(QObject):
    progressed = Signal(int, int, float)  # bytes done, total, bytes per second
    finished = Signal(object)  # Downloaded
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


class DownloadController(QObject):
    """GUI-thread side: start, cancel, and a clean shutdown of the download thread."""

    progressed = Signal(int, int, float)
    finished = Signal(object)
    failed = Signal(str, bool)
    _start = Signal(object, object, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self._thread = QThread()
        self._thread.setObjectName("model-download")
        self._job = _DownloadJob()
        self._job.moveToThread(self._thread)
        self._start.connect(self._job.run)
        self._job.progressed.connect(self.progressed)
        self._job.finished.connect(self._on_finished)
        self._job.failed.connect(self._on_failed)
        self.busy = False
        self._thread.start()

    def start(self, remote: RemoteFile, folder: Path, endpoint: str | None) -> None:
        self._cancel = threading.Event()
        self.busy = True
        self._start.emit(remote, folder, endpoint, self._cancel)

    def cancel(self) -> None:
        self._cancel.set()

    def _on_finished(self, result: object) -> None:
        self.busy = False
        self.finished.emit(result)

    def _on_failed(self, message: str, cancelled: bool) -> None:
        self.busy = False
        self.failed.emit(message, cancelled)

    def shutdown(self) -> None:
        self._cancel.set()
        self._thread.quit()
        self._thread.wait(30_000)
