"""The worker: a QObject in its own QThread that creates, uses and closes the engine and runs jobs in
the order the lanes decide, letting a background job yield to the others at every token."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QThread, Signal, Slot

from writer_app.assist.candidates import CandidateListener
from writer_app.assist.jobs import MODEL_FREE, JobContext, Lane, run_job
from writer_app.assist.lanes import Scheduler, Ticket
from writer_app.assist.ranking import misspellings
from writer_app.assist.types import Candidate
from writer_app.engine.interface import Embedder, TextEngine
from writer_app.engine.types import EngineConfig, ServerConfig
from writer_app.errors import UserError
from writer_app.reward.ranker import warm_up

LOGGER = logging.getLogger(__name__)
CHUNK_INTERVAL_S = 0.04
PARTIAL_INTERVAL_S = 0.3
EngineFactory = Callable[[EngineConfig | ServerConfig], TextEngine]
# The scoring model's reader (an object with `embed(text)` and `close()`), or None where there is none.
ReaderFactory = Callable[[], "Embedder | None"]
YieldPoint = Callable[["_BatchingListener"], None]


class _BatchingListener(CandidateListener):
    """Collects streamed pieces and hands them on at most every CHUNK_INTERVAL_S per request."""

    def __init__(
        self,
        worker: AssistWorker,
        request_id: int,
        checkpoint: Callable[[_BatchingListener], None] | None = None,
    ) -> None:
        self._worker = worker
        self._request_id = request_id
        self._checkpoint = checkpoint
        self._pending: dict[int, list[str]] = {}
        self._last_flush = time.monotonic()
        self._tokens = 0
        self._first_piece_at = 0.0

    def flush(self) -> None:
        for index, pieces in self._pending.items():
            if pieces:
                self._worker.chunksReady.emit(self._request_id, index, "".join(pieces))
        self._pending.clear()
        now = time.monotonic()
        self._last_flush = now
        if self._tokens > 1 and now > self._first_piece_at:
            rate = (self._tokens - 1) / (now - self._first_piece_at)
            self._worker.generationProgress.emit(self._request_id, self._tokens, rate)

    def chunk(self, index: int, text: str) -> None:
        self._tokens += 1
        if self._tokens == 1:
            self._first_piece_at = time.monotonic()
        self._pending.setdefault(index, []).append(text)
        if time.monotonic() - self._last_flush >= CHUNK_INTERVAL_S:
            self.flush()
        if self._checkpoint is not None:  # a background job: other lanes may run now
            self._checkpoint(self)

    def checkpoint(self) -> None:
        """A background job between two steps: other lanes may run now."""
        if self._checkpoint is not None:
            self._checkpoint(self)

    def restart(self, index: int) -> None:
        self._pending.pop(index, None)
        self._worker.candidateRestarted.emit(self._request_id, index)

    def finished(self, candidate: Candidate) -> None:
        self.flush()
        self._worker.candidateFinished.emit(self._request_id, candidate)


class AssistWorker(QObject):
    """Runs model loads and assistant requests one at a time in its thread."""

    modelLoading = Signal(str)  # model path
    modelLoaded = Signal(str, float)  # model name, load seconds
    modelFailed = Signal(str)  # a sentence for the user
    chunksReady = Signal(int, int, str)  # request id, candidate index, text
    candidateRestarted = Signal(int, int)  # request id, candidate index
    generationProgress = Signal(int, int, float)  # request id, pieces so far, pieces per second
    candidateFinished = Signal(int, object)  # request id, Candidate
    requestFinished = Signal(int, object)  # request id, AssistResult
    requestFailed = Signal(int, str)  # request id, a sentence for the user
    jobProgress = Signal(int, int, int, str)  # request id, done, total, unit (words, sections)
    partialResult = Signal(int, object)  # request id, the result so far (a review's paragraphs)
    lanesChanged = Signal()  # a job started, ended or paused (the controller describes the lanes)

    def __init__(
        self, engine_factory: EngineFactory, scheduler: Scheduler, reader_factory: ReaderFactory | None = None
    ) -> None:
        super().__init__()
        self._engine_factory = engine_factory
        self._scheduler = scheduler
        self._engine: TextEngine | None = None
        self._load_s = 0.0
        self._reader_factory = reader_factory
        self._reader: Embedder | None = None
        self._reader_tried = False
        self.banned: tuple[str, ...] = ()  # set from the GUI thread (one tuple, swapped whole)

    def _read(self, text: str) -> Sequence[float] | None:
        """The scoring model's reading of `text`, its model loaded on first use in this thread; None
        (the quality model then has the text's features only) where it cannot load or read, said in
        the log."""
        if not self._reader_tried and self._reader_factory is not None:
            self._reader_tried = True  # tried again after the next model load (a download may fix it)
            try:
                self._reader = self._reader_factory()
            except Exception as error:  # no scoring model costs the quality model its reading, no more
                LOGGER.warning("no scoring model (%s): quality from text features only", error)
        return self._reader.read(text) if self._reader is not None else None

    def _peek(self, text: str) -> Sequence[float] | None:
        """The reading of a text read before, without reading anything new."""
        return self._reader.cached(text) if self._reader is not None else None

    @property
    def engine(self) -> TextEngine | None:
        return self._engine

    @Slot(object)
    def load_model(self, config: EngineConfig | ServerConfig) -> None:
        """Load a model (the lanes hand out no job meanwhile), then run the jobs that waited for it."""
        try:
            self._load(config)
        finally:
            self._scheduler.release()
        self.drain()

    def _load(self, config: EngineConfig | ServerConfig) -> None:
        self._close_engine()
        self._reader_tried = self._reader is not None
        self.modelLoading.emit(config.source)
        started = time.perf_counter()
        try:
            self._engine = self._engine_factory(config)
            self._load_s = time.perf_counter() - started
            misspellings("The spelling list loads with the model.")  # not in the first rewrite
            warm_up()  # the reward's models load with the model, not in the middle of the first request
        except UserError as error:
            self.modelFailed.emit(str(error))
            return
        except Exception as error:  # a crash here must reach the user as a message
            LOGGER.exception("Model load failed")
            self.modelFailed.emit(f"The model could not be loaded ({error}): choose another model file.")
            return
        self.modelLoaded.emit(self._engine.model_name, self._load_s)

    @Slot()
    def drain(self) -> None:
        """Run every job the lanes hand out, in their order, until none is left."""
        while (ticket := self._scheduler.next()) is not None:
            self._run(ticket)

    def _run(self, ticket: Ticket) -> None:
        request_id, job = ticket.job_id, ticket.job
        self.lanesChanged.emit()
        background = job.lane is Lane.BACKGROUND
        listener = _BatchingListener(self, request_id, self._yield_point_for(ticket) if background else None)
        try:
            if ticket.cancel.is_set():
                self.requestFailed.emit(request_id, "Cancelled.")
                return
            if self._engine is None and job.kind not in MODEL_FREE:
                self.requestFailed.emit(request_id, "No model is loaded: choose a model first.")
                return
            context = JobContext(
                ticket.cancel,
                listener,
                self._load_s,
                progress=lambda done, total, unit: self.jobProgress.emit(request_id, done, total, unit),
                parallel=not background,
                read=self._read if self._reader_factory is not None else None,
                peek=self._peek,
                partial=self._partial_sender(request_id),
                pause=(lambda: listener.checkpoint()) if background else (lambda: None),
                banned=self.banned,
            )
            result = run_job(self._engine, job, context)
        except UserError as error:
            listener.flush()
            self.requestFailed.emit(request_id, str(error))
        except Exception as error:
            LOGGER.exception("Request %s failed", request_id)
            listener.flush()
            self.requestFailed.emit(request_id, f"The assistant failed ({error}); details are in the log.")
        else:
            listener.flush()
            self.requestFinished.emit(request_id, result)
        finally:
            self._scheduler.finish(ticket)
            self.lanesChanged.emit()

    def _partial_sender(self, request_id: int) -> Callable[[object], None]:
        """Hands on a job's results so far, at most every PARTIAL_INTERVAL_S (the final one comes with
        requestFinished): the window redraws a long review a few times a second, not per paragraph."""
        last = [-PARTIAL_INTERVAL_S]

        def send(result: object) -> None:
            now = time.monotonic()
            if now - last[0] >= PARTIAL_INTERVAL_S:
                last[0] = now
                self.partialResult.emit(request_id, result)

        return send

    def _yield_point_for(self, ticket: Ticket) -> YieldPoint:
        def yield_point(listener: _BatchingListener) -> None:
            """Between two tokens of a background job: run what outranks it, wait while it is paused."""
            told = False
            while not ticket.cancel.is_set():
                # the jobs that outrank this one, and while it is paused also a review (model-free, short)
                paused = not ticket.resume.is_set()
                other = self._scheduler.next(
                    above=ticket.job.lane, also=MODEL_FREE if paused else frozenset()
                )
                if other is not None:
                    listener.flush()
                    self._run(other)
                    told = False
                    continue
                if ticket.resume.is_set():
                    if told:
                        self.lanesChanged.emit()  # running again
                    return
                if not told:  # paused: say so once
                    self.lanesChanged.emit()
                    told = True
                ticket.resume.wait(0.05)

        return yield_point

    def _close_engine(self) -> None:
        if self._engine is not None:
            close = getattr(self._engine, "close", None)
            if close is not None:
                close()
            self._engine = None

    @Slot()
    def close(self) -> None:
        """Free the models in this thread, then end the thread's event loop."""
        self._close_engine()
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        QThread.currentThread().quit()
