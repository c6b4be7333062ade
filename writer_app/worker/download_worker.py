"""Model downloads and imports, one at a time in their own thread, reported as Qt signals.

Cancel is immediate for the user: the controller reports the pause at once and the thread stops at
its next chunk or retry. Closing the model dialog never waits for the thread: the controller belongs to
the application object, lets a running job finish in the background and is waited for (briefly) when
the app quits (see `app.finish_shutdown`).
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from writer_app.errors import UserError
from writer_app.modelhub.download import Progress, RemoteFile, download

PAUSED = "Download paused: Download again to resume."


class _DownloadJob(QObject):
    """Runs in the download thread; every signal carries the token of the job that sent it."""

    progressed = Signal(int, int, int, float)  # token, bytes done, total, bytes per second
    finished = Signal(int, object)  # token, Downloaded
    imported = Signal(int, object)  # token, InstalledModel (not yet recorded)
    failed = Signal(int, str)  # token, sentence

    @Slot(int, object, object, object, object)
    def run(
        self, token: int, remote: RemoteFile, folder: Path, endpoint: str | None, cancel: threading.Event
    ) -> None:
        def report(progress: Progress) -> None:
            self.progressed.emit(token, progress.done, progress.total, progress.bytes_per_s)

        try:
            result = download(remote, folder, endpoint=endpoint, progress=report, cancel=cancel)
        except UserError as error:
            self.failed.emit(token, str(error))
            return
        except Exception as error:  # any other failure still reaches the user as a sentence
            self.failed.emit(token, f"The download failed ({error}).")
            return
        self.finished.emit(token, result)

    @Slot(int, object, object)
    def run_import(self, token: int, path: Path, store: object) -> None:
        """Check a local .gguf, then copy and hash it into the models folder (minutes for a large file)."""
        from writer_app.engine.model_file import read_model_file

        try:
            read_model_file(path)
            model = store.copy_in(path)  # type: ignore[attr-defined]
        except UserError as error:
            self.failed.emit(token, str(error))
            return
        except OSError as error:
            self.failed.emit(token, f"Could not import {Path(path).name}: {error.strerror or error}.")
            return
        self.imported.emit(token, model)


class DownloadController(QObject):
    """GUI-thread side: start, cancel, and a shutdown that never blocks the window.

    It belongs to the application object, not to the dialog that uses it, so quitting always finds
    its thread (`app.finish_shutdown`). `finished` is forwarded even for a cancelled job whose file
    was complete; progress and failures of a job that is no longer the current one are dropped.
    """

    progressed = Signal(int, int, float)
    finished = Signal(object)
    imported = Signal(object)
    failed = Signal(str, bool)
    _start = Signal(int, object, object, object, object)
    _start_import = Signal(int, object, object)

    def __init__(self) -> None:
        super().__init__(QCoreApplication.instance())
        self._token = 0
        self.importing = False
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
        self._token += 1
        self._cancel = threading.Event()
        self.busy, self.importing = True, False
        self._start.emit(self._token, remote, folder, endpoint, self._cancel)

    def start_import(self, path: Path, store: object) -> None:
        self._token += 1
        self.busy, self.importing = True, True
        self._start_import.emit(self._token, Path(path), store)

    def cancel(self) -> None:
        """Stop the download; the user hears of it now, the thread stops at its next chunk or retry.
        An import cannot be cancelled (it is a local copy)."""
        if not self.busy or self.importing:
            return
        self._cancel.set()
        self._token += 1  # whatever the cancelled job still reports is not current any more
        self.busy = False
        self.failed.emit(PAUSED, True)

    def _on_progress(self, token: int, done: int, total: int, speed: float) -> None:
        if token == self._token:
            self.progressed.emit(done, total, speed)

    def _on_finished(self, token: int, result: object) -> None:
        if token == self._token:
            self.busy = False
        self.finished.emit(result)  # a complete file is recorded even when its job was cancelled late

    def _on_imported(self, token: int, model: object) -> None:
        if token == self._token:
            self.busy = self.importing = False
        self.imported.emit(model)

    def _on_failed(self, token: int, message: str) -> None:
        if token != self._token:
            return  # a cancelled job's failure: the pause was already reported
        self.busy = self.importing = False
        self.failed.emit(message, False)

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, timeout_ms: int) -> bool:
        return self._thread.wait(timeout_ms)

    def shutdown(self) -> None:
        """Cancel and stop the thread without waiting for a slow network read or copy to return;
        the controller deletes itself once its thread has ended."""
        self._cancel.set()
        self._thread.finished.connect(self.deleteLater)
        self._thread.quit()
        if self._thread.wait(100):
            self.deleteLater()
