"""The GUI-thread side of the worker: its thread, per-window clients, cancel, routing of results by id."""

from __future__ import annotations

import itertools
import threading

from PySide6.QtCore import QObject, QThread, Signal, Slot

from writer_app.engine.types import EngineConfig
from writer_app.worker.worker import AssistWorker, EngineFactory


class AssistClient(QObject):
    """One window's view of the assistant: it submits, cancels and hears only its own requests.

    A new request cancels this client's previous one, never another window's: the worker runs
    requests one at a time, so another window's request waits its turn.
    """

    chunksReady = Signal(int, int, str)
    candidateRestarted = Signal(int, int)
    generationProgress = Signal(int, int, float)
    candidateFinished = Signal(int, object)
    requestFinished = Signal(int, object)
    requestFailed = Signal(int, str)

    def __init__(self, controller: AssistController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.active_request_id: int | None = None

    @property
    def model_name(self) -> str:
        return self._controller.model_name

    def submit(self, request: object) -> int:
        """Send `request` (cancelling this client's request in flight) and return its id."""
        self.cancel()
        self.active_request_id = self._controller.start(request, self)
        return self.active_request_id

    def cancel(self) -> None:
        """Stop this client's active request; its late results are dropped."""
        if self.active_request_id is not None:
            self._controller.stop(self.active_request_id)
        self.active_request_id = None

    def owns(self, request_id: int) -> bool:
        return request_id == self.active_request_id


class AssistController(QObject):
    """Owns the worker thread; routes each request's results to the client that asked for it."""

    modelLoading = Signal(str)
    modelLoaded = Signal(str, float)
    modelFailed = Signal(str)

    _loadRequested = Signal(object)
    _runRequested = Signal(int, object, object)
    _closeRequested = Signal()

    def __init__(self, engine_factory: EngineFactory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._owners: dict[int, AssistClient] = {}
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
    def model_name(self) -> str:
        return self._model_name

    @property
    def thread(self) -> QThread:
        return self._thread

    def client(self, parent: QObject | None = None) -> AssistClient:
        """A new client for one window (parented to it, so it goes when the window goes)."""
        return AssistClient(self, parent)

    def load_model(self, config: EngineConfig) -> None:
        self._model_name = ""
        self._loadRequested.emit(config)

    def start(self, request: object, owner: AssistClient) -> int:
        """Queue `request` for the worker on behalf of `owner`; return its id."""
        request_id = next(self._ids)
        event = threading.Event()
        self._cancel_events[request_id] = event
        self._owners[request_id] = owner
        self._runRequested.emit(request_id, request, event)
        return request_id

    def stop(self, request_id: int) -> None:
        """Cancel one request (running or still queued)."""
        event = self._cancel_events.get(request_id)
        if event is not None:
            event.set()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel everything, close the model in the worker thread and join it; False on a timeout."""
        for event in self._cancel_events.values():
            event.set()
        for owner in set(self._owners.values()):
            owner.active_request_id = None
        if not self._thread.isRunning():
            return True
        self._closeRequested.emit()
        return self._thread.wait(timeout_ms)

    def _owner(self, request_id: int) -> AssistClient | None:
        """The client still waiting for this request's results, or None (cancelled or replaced)."""
        owner = self._owners.get(request_id)
        return owner if owner is not None and owner.owns(request_id) else None

    def _done(self, request_id: int) -> AssistClient | None:
        owner = self._owner(request_id)
        self._cancel_events.pop(request_id, None)
        self._owners.pop(request_id, None)
        if owner is not None:
            owner.active_request_id = None
        return owner

    @Slot(str, float)
    def _on_model_loaded(self, name: str, seconds: float) -> None:
        self._model_name = name
        self.modelLoaded.emit(name, seconds)

    @Slot(int, int, str)
    def _on_chunks(self, request_id: int, index: int, text: str) -> None:
        if owner := self._owner(request_id):
            owner.chunksReady.emit(request_id, index, text)

    @Slot(int, int)
    def _on_restarted(self, request_id: int, index: int) -> None:
        if owner := self._owner(request_id):
            owner.candidateRestarted.emit(request_id, index)

    @Slot(int, int, float)
    def _on_progress(self, request_id: int, tokens: int, rate: float) -> None:
        if owner := self._owner(request_id):
            owner.generationProgress.emit(request_id, tokens, rate)

    @Slot(int, object)
    def _on_candidate(self, request_id: int, candidate: object) -> None:
        if owner := self._owner(request_id):
            owner.candidateFinished.emit(request_id, candidate)

    @Slot(int, object)
    def _on_finished(self, request_id: int, result: object) -> None:
        if owner := self._done(request_id):
            owner.requestFinished.emit(request_id, result)

    @Slot(int, str)
    def _on_failed(self, request_id: int, message: str) -> None:
        if owner := self._done(request_id):
            owner.requestFailed.emit(request_id, message)
