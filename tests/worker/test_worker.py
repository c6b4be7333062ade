"""The worker thread and its controller on the tiny model: order of signals, cancel, stale ids, shutdown."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QThread

from writer_app.assist.types import AssistResult, RewriteRequest
from writer_app.engine.llama_engine import LlamaEngine
from writer_app.engine.types import EngineConfig
from writer_app.worker.controller import AssistClient, AssistController

TIMEOUT_MS = 20_000


class EngineLog:
    """Remembers which thread created and closed each engine."""

    def __init__(self) -> None:
        self.created_in: list[QThread] = []
        self.engines: list[LlamaEngine] = []
        self.closed_in: list[QThread] = []

    def factory(self, config: EngineConfig) -> LlamaEngine:
        self.created_in.append(QThread.currentThread())
        engine = LlamaEngine(config)
        original_close = engine.close

        def close() -> None:
            self.closed_in.append(QThread.currentThread())
            original_close()

        engine.close = close  # type: ignore[method-assign]
        self.engines.append(engine)
        return engine


@pytest.fixture
def engine_log() -> EngineLog:
    return EngineLog()


@pytest.fixture
def controller(qtbot, tiny_model_path: Path, engine_log: EngineLog):
    controller = AssistController(engine_log.factory)
    with qtbot.waitSignal(controller.modelLoaded, timeout=TIMEOUT_MS):
        controller.load_model(EngineConfig(tiny_model_path, n_ctx=2048, n_threads=2))
    yield controller
    controller.shutdown()


@pytest.fixture
def client(controller: AssistController) -> AssistClient:
    return controller.client()


def _record(controller: AssistClient) -> list[tuple]:
    events: list[tuple] = []
    controller.chunksReady.connect(lambda rid, i, text: events.append(("chunk", rid, i, text)))
    controller.candidateRestarted.connect(lambda rid, i: events.append(("restart", rid, i)))
    controller.candidateFinished.connect(lambda rid, c: events.append(("candidate", rid, c)))
    controller.requestFinished.connect(lambda rid, r: events.append(("finished", rid, r)))
    controller.requestFailed.connect(lambda rid, m: events.append(("failed", rid, m)))
    return events


def test_model_is_created_in_the_worker_thread(controller: AssistController, engine_log: EngineLog) -> None:
    assert engine_log.created_in == [controller.thread]
    assert controller.thread is not QThread.currentThread()
    assert controller.model_name == "tiny-random-llama"


def test_signals_arrive_in_order(qtbot, controller: AssistController, client: AssistClient) -> None:
    events = _record(client)
    with qtbot.waitSignal(client.requestFinished, timeout=TIMEOUT_MS):
        request_id = client.submit(RewriteRequest(text="the day is good", n_candidates=3, seed=2))
    kinds = [event[0] for event in events]
    assert kinds[-1] == "finished" and kinds.count("finished") == 1
    result: AssistResult = events[-1][2]
    assert len(result.candidates) == 3
    assert {event[1] for event in events} == {request_id}
    candidate_positions = [i for i, event in enumerate(events) if event[0] == "candidate"]
    assert [events[i][2].index for i in candidate_positions] == [0, 1, 2]
    for position in candidate_positions:  # every chunk of candidate k comes before it finishes
        index = events[position][2].index
        later_chunks = [e for e in events[position:] if e[0] == "chunk" and e[2] == index]
        assert not later_chunks
    assert any(kind == "chunk" for kind in kinds)
    assert client.active_request_id is None


def test_cancel_stops_the_worker_quickly_and_drops_its_results(
    qtbot, controller: AssistController, client: AssistClient
) -> None:
    events = _record(client)
    raw: list[AssistResult] = []
    controller.worker.requestFinished.connect(lambda _rid, result: raw.append(result))
    long_request = RewriteRequest(text="the night " * 40, mode="expand", n_candidates=4)
    with qtbot.waitSignal(client.chunksReady, timeout=TIMEOUT_MS):
        client.submit(long_request)
    client.cancel()
    qtbot.waitUntil(lambda: bool(raw), timeout=TIMEOUT_MS)
    assert raw[0].cancelled
    assert len(raw[0].candidates) < 4
    qtbot.wait(100)
    assert not [e for e in events if e[0] in ("finished", "failed")]  # dropped, not forwarded


def test_a_new_request_makes_the_old_one_stale(
    qtbot, controller: AssistController, client: AssistClient
) -> None:
    events = _record(client)
    first = client.submit(RewriteRequest(text="the night " * 40, mode="expand", n_candidates=4))
    with qtbot.waitSignal(client.requestFinished, timeout=TIMEOUT_MS):
        second = client.submit(RewriteRequest(text="a good day", n_candidates=1))
    assert first != second
    assert {event[1] for event in events} == {second}


def test_errors_arrive_as_sentences(qtbot, controller: AssistController, client: AssistClient) -> None:
    with qtbot.waitSignal(client.requestFailed, timeout=TIMEOUT_MS) as blocker:
        client.submit(RewriteRequest(text="   "))
    assert "no text to rewrite" in blocker.args[1]


def test_failed_model_load_is_reported(qtbot, tmp_path: Path) -> None:
    controller = AssistController(LlamaEngine)
    try:
        with qtbot.waitSignal(controller.modelFailed, timeout=TIMEOUT_MS) as blocker:
            controller.load_model(EngineConfig(tmp_path / "missing.gguf"))
        assert "does not exist" in blocker.args[0]
        client = controller.client()
        with qtbot.waitSignal(client.requestFailed, timeout=TIMEOUT_MS) as blocker:
            client.submit(RewriteRequest(text="hello"))
        assert "No model is loaded" in blocker.args[1]
    finally:
        controller.shutdown()


def test_shutdown_cancels_closes_the_model_in_its_thread_and_joins(
    qtbot, controller: AssistController, client: AssistClient, engine_log: EngineLog
) -> None:
    worker_thread = controller.thread
    with qtbot.waitSignal(client.chunksReady, timeout=TIMEOUT_MS):
        client.submit(RewriteRequest(text="the night " * 40, mode="expand", n_candidates=4))
    assert controller.shutdown(timeout_ms=TIMEOUT_MS)
    assert not worker_thread.isRunning()
    assert engine_log.closed_in == [worker_thread]
    assert controller.worker.engine is None
    assert engine_log.engines[0]._llama is None
    assert controller.shutdown()  # a second call is harmless


def test_two_clients_each_get_their_own_results_and_cancel_only_their_own(
    qtbot, controller: AssistController
) -> None:
    first, second = controller.client(), controller.client()
    first_events, second_events = _record(first), _record(second)
    first_id = first.submit(RewriteRequest(text="the night " * 20, mode="expand", n_candidates=2, seed=1))
    second_id = second.submit(RewriteRequest(text="a good day at sea", n_candidates=2, seed=5))
    assert first.active_request_id == first_id  # the other window's request did not cancel it
    with qtbot.waitSignals([first.requestFinished, second.requestFinished], timeout=TIMEOUT_MS):
        pass
    assert {event[1] for event in first_events} == {first_id}
    assert {event[1] for event in second_events} == {second_id}
    first_result, second_result = first_events[-1][2], second_events[-1][2]
    assert not first_result.cancelled and not second_result.cancelled
    assert len(first_result.candidates) == 2 and len(second_result.candidates) == 2
    # A window that cancels stops its own request only.
    first.submit(RewriteRequest(text="the night " * 40, mode="expand", n_candidates=3))
    kept = second.submit(RewriteRequest(text="the sea is calm today", n_candidates=1, seed=9))
    first.cancel()
    with qtbot.waitSignal(second.requestFinished, timeout=TIMEOUT_MS) as blocker:
        pass
    assert blocker.args[0] == kept and not blocker.args[1].cancelled
