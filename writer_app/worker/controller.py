"""The GUI-thread side of the worker: its thread, the lanes, per-window clients, routing of results by id."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QObject, QThread, Signal, Slot

from writer_app.assist.jobs import Job, Lane, kind_of
from writer_app.assist.lanes import Scheduler, Ticket
from writer_app.engine.types import EngineConfig, ServerConfig
from writer_app.worker.worker import AssistWorker, EngineFactory, ReaderFactory


class AssistClient(QObject):
    """One window's view of the assistant: it submits, cancels and hears only its own jobs.

    It keeps one active job per lane. A new job cancels this client's previous job of the same lane,
    never another window's: the lanes decide what waits (see `assist.lanes`).
    """

    chunksReady = Signal(int, int, str)
    candidateRestarted = Signal(int, int)
    generationProgress = Signal(int, int, float)
    candidateFinished = Signal(int, object)
    requestFinished = Signal(int, object)
    requestFailed = Signal(int, str)
    requestReplaced = Signal(int)  # a job another one replaced (another window's too): no result comes
    jobProgress = Signal(int, int, int, str)
    partialResult = Signal(int, object)

    def __init__(self, controller: AssistController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.owner_id = next(controller.owner_ids)
        self.active: dict[Lane, int] = {}

    @property
    def active_request_id(self) -> int | None:
        """This client's user job (rewrite, continue …) in flight, if any."""
        return self.active.get(Lane.USER)

    @property
    def model_name(self) -> str:
        return self._controller.model_name

    def submit(
        self, request: object, lane: Lane = Lane.USER, title: str = "", revision: int = 0
    ) -> int | None:
        """Send `request` as a job of `lane` (cancelling this client's previous job of that lane);
        its id, or None when the lanes skipped it (ghost text while a user job runs)."""
        self.cancel(lane)
        job = Job(kind_of(request), request, self.owner_id, lane, revision, title)
        request_id = self._controller.start(job, self)
        if request_id is not None:
            self.active[lane] = request_id
        return request_id

    def cancel(self, lane: Lane = Lane.USER) -> None:
        """Stop this client's job of `lane`; its late results are dropped."""
        request_id = self.active.pop(lane, None)
        if request_id is not None:
            self._controller.stop(request_id)

    def cancel_all(self) -> None:
        for lane in list(self.active):
            self.cancel(lane)

    def pause(self, request_id: int) -> bool:
        """Pause one of this client's background jobs at its next token."""
        return self.owns(request_id) and self._controller.scheduler.pause(request_id)

    def resume(self, request_id: int) -> bool:
        return self.owns(request_id) and self._controller.scheduler.resume(request_id)

    def owns(self, request_id: int) -> bool:
        return request_id in self.active.values()

    def done(self, request_id: int) -> None:
        for lane, active in list(self.active.items()):
            if active == request_id:
                del self.active[lane]


class AssistController(QObject):
    """Owns the worker thread and the lanes; routes each job's results to the client that asked."""

    modelLoading = Signal(str)
    modelLoaded = Signal(str, float)
    modelFailed = Signal(str)
    lanesChanged = Signal(str)  # what runs, waits and is paused

    _loadRequested = Signal(object)
    _wake = Signal()
    _closeRequested = Signal()

    def __init__(
        self,
        engine_factory: EngineFactory,
        parent: QObject | None = None,
        reader_factory: ReaderFactory | None = None,
    ) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self.owner_ids = itertools.count(1)
        self._owners: dict[int, AssistClient] = {}
        self._model_name = ""
        self._model_source = ""
        self.scheduler = Scheduler()
        self._thread = QThread()
        self._thread.setObjectName("assist-worker")
        self.worker = AssistWorker(engine_factory, self.scheduler, reader_factory)
        self.worker.moveToThread(self._thread)
        self._loadRequested.connect(self.worker.load_model)
        self._wake.connect(self.worker.drain)
        self._closeRequested.connect(self.worker.close)
        self.worker.modelLoading.connect(self._on_model_loading)  # first: the source is known
        self.worker.modelLoading.connect(self.modelLoading)
        self.worker.modelLoaded.connect(self._on_model_loaded)
        self.worker.modelFailed.connect(self.modelFailed)
        self.worker.lanesChanged.connect(self._describe_lanes)
        self.worker.chunksReady.connect(self._on_chunks)
        self.worker.candidateRestarted.connect(self._on_restarted)
        self.worker.generationProgress.connect(self._on_progress)
        self.worker.candidateFinished.connect(self._on_candidate)
        self.worker.jobProgress.connect(self._on_job_progress)
        self.worker.partialResult.connect(self._on_partial)
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

    @property
    def model_source(self) -> str:
        """Where the model is: a file on this computer, or a server's address."""
        return self._model_source

    def set_banned(self, phrases: tuple[str, ...]) -> None:
        """The phrases jobs keep out while generating from now on (() turns anti-slop off)."""
        self.worker.banned = tuple(phrases)

    def load_model(self, config: EngineConfig | ServerConfig) -> None:
        """Load another model: jobs submitted meanwhile wait for it; background jobs stop."""
        self._model_name = ""
        for stopped in self.scheduler.hold():
            self._forget(stopped)
        self._describe_lanes()
        self._loadRequested.emit(config)

    def _describe_lanes(self) -> None:
        """What runs and waits, as the scheduler has it now (read on the GUI thread, never stale)."""
        self.lanesChanged.emit(self.scheduler.describe())

    def start(self, job: Job, owner: AssistClient) -> int | None:
        """Hand `job` to the lanes on behalf of `owner`; its id, or None when it was skipped."""
        request_id = next(self._ids)
        ticket, dropped = self.scheduler.submit(request_id, job)
        for replaced in dropped:
            waiting = self._owners.get(replaced.job_id)  # its client, unless it cancelled the job itself
            self._forget(replaced)
            if waiting is not None:
                waiting.requestReplaced.emit(replaced.job_id)
        if ticket is None:
            return None
        self._owners[request_id] = owner
        self._describe_lanes()
        self._wake.emit()
        return request_id

    def stop(self, request_id: int) -> None:
        """Cancel one job, running or still waiting."""
        dropped = self.scheduler.cancel(request_id)
        if dropped is not None:
            self._forget(dropped)
        self._describe_lanes()

    def _forget(self, ticket: Ticket) -> None:
        owner = self._owners.pop(ticket.job_id, None)
        if owner is not None:
            owner.done(ticket.job_id)

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel everything, close the model in the worker thread and join it; False on a timeout."""
        for ticket in self.scheduler.cancel_all():
            self._forget(ticket)
        for owner in set(self._owners.values()):
            owner.active.clear()
        if not self._thread.isRunning():
            return True
        self._closeRequested.emit()
        return self._thread.wait(timeout_ms)

    def _owner(self, request_id: int) -> AssistClient | None:
        """The client still waiting for this job's results, or None (cancelled or replaced)."""
        owner = self._owners.get(request_id)
        return owner if owner is not None and owner.owns(request_id) else None

    def _done(self, request_id: int) -> AssistClient | None:
        owner = self._owner(request_id)
        self._owners.pop(request_id, None)
        if owner is not None:
            owner.done(request_id)
        return owner

    @Slot(str, float)
    def _on_model_loading(self, source: str) -> None:
        """The source of the load the worker starts now (loads run in order, so `modelLoaded` that
        follows is this one's)."""
        self._model_source = source

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

    @Slot(int, int, int, str)
    def _on_job_progress(self, request_id: int, done: int, total: int, unit: str) -> None:
        if owner := self._owner(request_id):
            owner.jobProgress.emit(request_id, done, total, unit)

    @Slot(int, object)
    def _on_partial(self, request_id: int, result: object) -> None:
        if owner := self._owner(request_id):
            owner.partialResult.emit(request_id, result)

    @Slot(int, object)
    def _on_finished(self, request_id: int, result: object) -> None:
        if owner := self._done(request_id):
            owner.requestFinished.emit(request_id, result)

    @Slot(int, str)
    def _on_failed(self, request_id: int, message: str) -> None:
        if owner := self._done(request_id):
            owner.requestFailed.emit(request_id, message)
