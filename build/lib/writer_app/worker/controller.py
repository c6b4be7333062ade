"""The GUI-thread side of the worker: starts its thread, sends requests, cancels, drops stale results."""

from __future__ import annotations

import itertools
import threading

from PySide6.QtCore import QObject, QThread, Signal, Slot

from writer_app.engine.types import EngineConfig
from writer_app.worker.worker import AssistWorker, EngineFactory


class AssistController(QObject):
    """Owns the worker thread; forwards only the active request's results."""

    modelLoading = Signal(str)
    modelLoaded = Signal(str, float)
    modelFailed = Signal(str)
    chunksReady = Signal(int, int, str)
    candidateRestarted = Signal(int, int)
    generationProgress = Signal(int, int, float)
    candidateFinished = Signal(int, object)
    requestFinished = Signal(int, object)
    requestFailed = Signal(int, str)

    _loadRequested = Signal(object)
    _runRequested = Signal(int, object, object)
    _closeRequested = Signal()

    def __init__(self, engine_factory: EngineFactory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._active_id: int | None = None
        self._cancel_events: dict[int, threading.Event] = {}
        self._model_name = ""
        self._thread = QThread()
        self._thread.setObjectName("assist-worker")
        self.worker = AssistWorker(engine_factory)
        self.worker.moveToThread(self._thread)
        self._loadRequested.connect(self.worker.load_model)
        self._runRequested.connect(self.worker.run_request)
        self._closeRequested.connect(self.worker.close)
        self.worker.modelLoading.connect(self.modelLoading)
        self.worker.modelLoaded.connect(self._on_model_loaded)
        self.worker.modelFailed.connect(self.modelFailed)
        self.worker.chunksReady.connect(self._on_chunks)
        self.worker.candidateRestarted.connect(self._on_restarted)
        self.worker.generationProgress.connect(self._on_progress)
        self.worker.candidateFinished.connect(self._on_candidate)
        self.worker.requestFinished.connect(self._on_finished)
        self.worker.requestFailed.connect(self._on_failed)
        self._thread.start()

    @property
    def active_request_id(self) -> int | None:
        return self._active_id

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def thread(self) -> QThread:
        return self._thread

    def load_model(self, config: EngineConfig) -> None:
        self._model_name = ""
        self._loadRequested.emit(config)

    def submit(self, request: object) -> int:
        """Send `request` to the worker (cancelling the one in flight) and return its id."""
        self.cancel()
        request_id = next(self._ids)
        event = threading.Event()
        self._cancel_events[request_id] = event
        self._active_id = request_id
        self._runRequested.emit(request_id, request, event)
        return request_id

    def cancel(self) -> None:
        """Stop the active request; its late results are dropped."""
        if self._active_id is not None:
            self._cancel_events[self._active_id].set()
        self._active_id = None

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel everything, close the model in the worker thread and join it."""
        for event in self._cancel_events.values():
            event.set()
        self._active_id = None
        if not self._thread.isRunning():
            return True
        self._closeRequested.emit()
        return self._thread.wait(timeout_ms)

    def _is_active(self, request_id: int) -> bool:
        return request_id == self._active_id

    def _done(self, request_id: int) -> None:
        self._cancel_events.pop(request_id, None)
        if self._active_id == request_id:
            self._active_id = None

    @Slot(str, float)
    def _on_model_loaded(self, name: str, seconds: float) -> None:
        self._model_name = name
        self.modelLoaded.emit(name, seconds)

    @Slot(int, int, str)
    def _on_chunks(self, request_id: int, index: int, text: str) -> None:
        if self._is_active(request_id):
            self.chunksReady.emit(request_id, index, text)

    @Slot(int, int)
    def _on_restarted(self, request_id: int, index: int) -> None:
        if self._is_active(request_id):
            self.candidateRestarted.emit(request_id, index)

    @Slot(int, int, float)
    def _on_progress(self, request_id: int, tokens: int, rate: float) -> None:
        if self._is_active(request_id):
            self.generationProgress.emit(request_id, tokens, rate)

    @Slot(int, object)
    def _on_candidate(self, request_id: int, candidate: object) -> None:
        if self._is_active(request_id):
            self.candidateFinished.emit(request_id, candidate)

    @Slot(int, object)
    def _on_finished(self, request_id: int, result: object) -> None:
        active = self._is_active(request_id)
        self._done(request_id)
        if active:
            self.requestFinished.emit(request_id, result)

    @Slot(int, str)
    def _on_failed(self, request_id: int, message: str) -> None:
        active = self._is_active(request_id)
        self._done(request_id)
        if active:
            self.requestFailed.emit(request_id, message)
