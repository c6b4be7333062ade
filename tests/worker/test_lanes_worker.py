"""Lanes on the real worker and the tiny model: ghost text never disturbs a rewrite, a background job
yields to a user job and resumes, and pauses."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from writer_app.assist.jobs import Lane
from writer_app.assist.types import RewriteRequest
from writer_app.engine.types import EngineConfig
from writer_app.worker.controller import AssistController

TIMEOUT_MS = 30_000
LONG = RewriteRequest(
    text="the night is long and the sea is dark " * 6, mode="expand", n_candidates=1, seed=4
)


def test_ghost_text_during_a_rewrite_is_skipped_and_the_rewrite_finishes_in_its_window(
    qtbot, controller
) -> None:
    window, other = controller.client(), controller.client()
    finished: list[tuple[int, object]] = []
    window.requestFinished.connect(lambda rid, result: finished.append((rid, result)))
    statuses: list[str] = []
    controller.lanesChanged.connect(statuses.append)
    with qtbot.waitSignal(window.chunksReady, timeout=TIMEOUT_MS):
        rewrite_id = window.submit(LONG, title="Rewrite")
    assert other.submit(RewriteRequest(text="the sea", n_candidates=1), lane=Lane.INTERACTIVE) is None
    assert window.submit(RewriteRequest(text="the sea", n_candidates=1), lane=Lane.INTERACTIVE) is None
    assert window.active_request_id == rewrite_id  # still running, not cancelled
    qtbot.waitUntil(lambda: bool(finished), timeout=TIMEOUT_MS)
    assert finished[0][0] == rewrite_id and not finished[0][1].cancelled
    assert any("Rewrite: running" in status for status in statuses)


@pytest.mark.parametrize("candidates", [1, 2])  # the main context (read back after) or the shared one
def test_a_background_job_yields_to_a_user_job_and_resumes(qtbot, controller, candidates: int) -> None:
    drafting, rewriting = controller.client(), controller.client()
    order: list[str] = []
    results: dict[str, object] = {}
    drafting.requestFinished.connect(lambda _rid, r: (order.append("draft"), results.__setitem__("draft", r)))
    rewriting.requestFinished.connect(
        lambda _rid, r: (order.append("rewrite"), results.__setitem__("rewrite", r))
    )
    statuses: list[str] = []
    controller.lanesChanged.connect(statuses.append)
    with qtbot.waitSignal(drafting.chunksReady, timeout=TIMEOUT_MS):
        drafting.submit(LONG, lane=Lane.BACKGROUND, title="Draft")
    rewriting.submit(RewriteRequest(text="a calm grey sea", n_candidates=candidates, seed=2), title="Rewrite")
    qtbot.waitUntil(lambda: len(order) == 2, timeout=TIMEOUT_MS)
    assert order == ["rewrite", "draft"]  # the user job did not wait for the long background job
    assert not results["draft"].cancelled and results["draft"].candidates  # it resumed by itself
    assert len(results["rewrite"].candidates) == candidates
    assert any("Draft: yielded" in status for status in statuses)


def test_a_paused_background_job_stops_writing_until_it_is_resumed(qtbot, controller) -> None:
    drafting = controller.client()
    chunks: list[float] = []
    drafting.chunksReady.connect(lambda *_: chunks.append(time.monotonic()))
    with qtbot.waitSignal(drafting.chunksReady, timeout=TIMEOUT_MS):
        job_id = drafting.submit(LONG, lane=Lane.BACKGROUND, title="Draft")
    assert drafting.pause(job_id)
    qtbot.wait(150)  # the pause takes effect at the next token; what was batched may still arrive
    settled = len(chunks)
    qtbot.wait(400)
    assert len(chunks) == settled
    with qtbot.waitSignal(drafting.requestFinished, timeout=TIMEOUT_MS) as finished:
        assert drafting.resume(job_id)
    assert not finished.args[1].cancelled and len(chunks) > settled


def test_the_worker_runs_any_registered_kind_and_routes_its_progress(qtbot, monkeypatch) -> None:
    """No per-feature branch in the worker: a new kind is a registry entry; progress comes in the
    job's own units."""
    from dataclasses import dataclass

    from tests.fakes.scripted_engine import ScriptedEngine
    from writer_app.assist import jobs
    from writer_app.assist.types import AssistResult, Candidate
    from writer_app.engine.types import Sampling

    @dataclass(frozen=True)
    class OutlineRequest:
        sections: int

    def outline(engine, request, context) -> AssistResult:
        texts = []
        for number in range(request.sections):
            prompt = engine.raw_tokens(f"Section {number + 1}:")
            pieces = []
            for piece in engine.stream(prompt, Sampling(max_tokens=5, seed=number), context.cancel):
                pieces.append(piece)
                context.listener.chunk(0, piece)
            texts.append("".join(pieces))
            context.progress(number + 1, request.sections, "sections")
        candidate = Candidate(0, "\n".join(texts), 0, "stop", 5 * request.sections)
        return AssistResult(engine.model_name, (candidate,))

    monkeypatch.setitem(jobs.ASSISTS, "outline", outline)
    monkeypatch.setitem(jobs.KINDS, OutlineRequest, "outline")
    controller = AssistController(lambda config: ScriptedEngine())
    try:
        with qtbot.waitSignal(controller.modelLoaded, timeout=TIMEOUT_MS):
            controller.load_model(EngineConfig(Path("scripted.gguf")))
        client = controller.client()
        progress: list[tuple[int, int, str]] = []
        client.jobProgress.connect(lambda _rid, done, total, unit: progress.append((done, total, unit)))
        with qtbot.waitSignal(client.requestFinished, timeout=TIMEOUT_MS) as finished:
            client.submit(OutlineRequest(3), lane=Lane.BACKGROUND, title="Outline")
        assert progress == [(1, 3, "sections"), (2, 3, "sections"), (3, 3, "sections")]
        assert finished.args[1].candidates[0].text.count("\n") == 2
    finally:
        controller.shutdown()


def test_a_job_asked_for_after_a_model_switch_runs_on_the_new_model(qtbot) -> None:
    from tests.fakes.scripted_engine import ScriptedEngine

    class NamedEngine(ScriptedEngine):
        def __init__(self, config: EngineConfig) -> None:
            super().__init__(delay_s=0.01)
            self.name = config.model_path.stem

        @property
        def model_name(self) -> str:
            return self.name

    controller = AssistController(NamedEngine)
    try:
        with qtbot.waitSignal(controller.modelLoaded, timeout=TIMEOUT_MS):
            controller.load_model(EngineConfig(Path("first.gguf")))
        busy, asking = controller.client(), controller.client()
        with qtbot.waitSignal(busy.chunksReady, timeout=TIMEOUT_MS):
            busy.submit(RewriteRequest(text="the sea is calm", n_candidates=3, seed=1))
        controller.load_model(EngineConfig(Path("second.gguf")))  # while the worker is busy
        with qtbot.waitSignal(asking.requestFinished, timeout=TIMEOUT_MS) as finished:
            asking.submit(RewriteRequest(text="the sky is grey", n_candidates=1, seed=2))
        assert finished.args[1].model == "second"
    finally:
        controller.shutdown()
