"""The scoring model on the real worker: loaded and used in the worker thread; a review runs
with no writing model loaded, runs beside a paused draft, and falls back to the text's features (saying
so) when the scoring model cannot be loaded; a rewrite is ranked on its text at once, then by the
reading; a selection's voice match is read there too, and one replaced by a newer reads no more."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from tests.assist.test_review import DOCUMENT
from tests.voice_texts import KEEPER, REPORT
from writer_app.assist.jobs import Lane
from writer_app.assist.review import NO_READER, ReviewRequest
from writer_app.errors import UserError
from writer_app.worker.controller import AssistController

TIMEOUT_MS = 60_000


def test_a_review_is_read_by_the_scoring_model_in_the_worker_thread_without_a_writing_model(
    qtbot, reading_model_path: Path
) -> None:
    from writer_app.engine.embedding import TextEmbedder

    made_in: list[threading.Thread] = []

    def reader() -> TextEmbedder:
        made_in.append(threading.current_thread())
        return TextEmbedder(reading_model_path, n_threads=2)

    controller = AssistController(lambda config: None, reader_factory=reader)  # no model is loaded
    try:
        client = controller.client()
        partials: list[object] = []
        client.partialResult.connect(lambda _rid, review: partials.append(review))
        with qtbot.waitSignal(client.requestFinished, timeout=TIMEOUT_MS) as finished:
            client.submit(ReviewRequest(DOCUMENT), lane=Lane.BACKGROUND, title="Review")
        review = finished.args[1]
        assert [p.weak for p in review.paragraphs] == [False, True, False]
        assert all(p.read for p in review.paragraphs) and review.notes == ()
        assert partials and not any(p.read for p in partials[0].paragraphs)  # the quick pass first
        assert made_in and made_in[0] is not threading.main_thread()
    finally:
        controller.shutdown()


def test_without_a_scoring_model_the_review_uses_text_features_and_says_so(qtbot) -> None:
    def broken() -> None:
        raise UserError("The scoring model could not be loaded.")

    controller = AssistController(lambda config: None, reader_factory=broken)
    try:
        client = controller.client()
        with qtbot.waitSignal(client.requestFinished, timeout=TIMEOUT_MS) as finished:
            client.submit(ReviewRequest(DOCUMENT), lane=Lane.BACKGROUND, title="Review")
        review = finished.args[1]
        assert review.finished and not any(p.read for p in review.paragraphs)
        assert NO_READER in review.notes and review.paragraphs[1].weak
    finally:
        controller.shutdown()


def test_a_review_runs_while_a_draft_is_paused(qtbot, monkeypatch) -> None:
    from dataclasses import dataclass

    from tests.fakes.scripted_engine import ScriptedEngine
    from writer_app.assist import jobs
    from writer_app.assist.types import AssistResult
    from writer_app.engine.types import EngineConfig

    @dataclass(frozen=True)
    class LongRequest:
        pieces: int

    def long_job(engine, request, context) -> AssistResult:  # a draft's rhythm: a yield point per piece
        for _ in range(request.pieces):
            if context.cancel.is_set():
                break
            context.listener.chunk(0, "word ")
        return AssistResult(engine.model_name, ())

    monkeypatch.setitem(jobs.ASSISTS, "long", long_job)
    monkeypatch.setitem(jobs.KINDS, LongRequest, "long")
    controller = AssistController(lambda config: ScriptedEngine())
    try:
        with qtbot.waitSignal(controller.modelLoaded, timeout=TIMEOUT_MS):
            controller.load_model(EngineConfig(Path("scripted.gguf")))
        drafts, reviews = controller.client(), controller.client()
        with qtbot.waitSignal(drafts.chunksReady, timeout=TIMEOUT_MS):
            draft_id = drafts.submit(LongRequest(10**9), lane=Lane.BACKGROUND, title="Draft")
        assert drafts.pause(draft_id)
        with qtbot.waitSignal(reviews.requestFinished, timeout=TIMEOUT_MS) as finished:
            reviews.submit(ReviewRequest(DOCUMENT), lane=Lane.BACKGROUND, title="Review")
        assert finished.args[1].paragraphs[1].weak
        assert drafts.active.get(Lane.BACKGROUND) == draft_id  # still there, paused, not cancelled
        drafts.cancel(Lane.BACKGROUND)
    finally:
        controller.shutdown()


def test_a_rewrite_is_ranked_on_its_text_at_once_then_by_the_reading(
    qtbot, tiny_model_path: Path, reading_model_path: Path
) -> None:
    from writer_app.assist.types import AssistResult, RewriteRequest
    from writer_app.engine.embedding import TextEmbedder
    from writer_app.engine.llama_engine import LlamaEngine
    from writer_app.engine.types import EngineConfig

    controller = AssistController(
        LlamaEngine, reader_factory=lambda: TextEmbedder(reading_model_path, n_threads=2)
    )
    try:
        with qtbot.waitSignal(controller.modelLoaded, timeout=TIMEOUT_MS):
            controller.load_model(EngineConfig(tiny_model_path, n_ctx=2048, n_threads=2))
        client = controller.client()
        partials: list[AssistResult] = []
        client.partialResult.connect(lambda _rid, result: partials.append(result))
        request = RewriteRequest(text="The sea was very, very calm that night.", n_candidates=2, seed=3)
        with qtbot.waitSignal(client.requestFinished, timeout=TIMEOUT_MS) as finished:
            client.submit(request, title="Rewrite")
        final = finished.args[1]
        assert len(partials) == 1 and partials[0].candidates  # ranked before the reading
        assert all(c.score is not None for c in partials[0].candidates)
        assert [c.text for c in partials[0].candidates] == [c.text for c in final.candidates]
        # the reading changed the quality part of the scores (the scoring model's view of the texts)
        assert [c.breakdown["quality"] for c in partials[0].candidates] != [
            c.breakdown["quality"] for c in final.candidates
        ]
    finally:
        controller.shutdown()


def test_a_selections_voice_match_is_read_in_the_worker_as_a_cards(qtbot, reading_model_path: Path) -> None:
    from writer_app.assist.types import VoiceMatchRequest
    from writer_app.engine.embedding import TextEmbedder
    from writer_app.reward.style_meter import build_profile, match
    from writer_app.reward.voice_reading import voice_match

    samples = (KEEPER * 20,)  # 780 words: four passages to read
    profile = build_profile(list(samples))
    text = REPORT * 4  # 120 words: long enough to read
    controller = AssistController(
        lambda config: None, reader_factory=lambda: TextEmbedder(reading_model_path, n_threads=2)
    )
    try:
        client = controller.client()
        with qtbot.waitSignal(client.requestFinished, timeout=TIMEOUT_MS) as finished:
            client.submit(
                VoiceMatchRequest(text, samples, profile), lane=Lane.INTERACTIVE, title="Voice match"
            )
        heard = finished.args[1]
    finally:
        controller.shutdown()
    reader = TextEmbedder(reading_model_path, n_threads=2)
    try:
        assert heard == voice_match(text, profile, samples, reader.read)
    finally:
        reader.close()
    assert heard != match(text, profile)  # the reading is joined in, not the meter alone


def test_a_voice_match_replaced_by_a_newer_one_reads_no_more() -> None:
    import threading

    from writer_app.assist.jobs import Job, JobContext, run_job
    from writer_app.assist.types import VoiceMatchRequest
    from writer_app.reward.style_meter import build_profile, match

    samples = (KEEPER * 20,)  # four passages to read after the text
    profile = build_profile(list(samples))
    request = VoiceMatchRequest(REPORT * 4, samples, profile)
    cancel = threading.Event()
    asked: list[str] = []

    def read(text: str):
        asked.append(text)
        cancel.set()  # replaced while its first reading is made
        return np.ones(576, dtype=np.float32)

    result = run_job(None, Job("voice", request), JobContext(cancel, read=read))  # type: ignore[arg-type]
    assert asked == [request.text] and result == match(request.text, profile)  # no sample was read
    asked.clear()
    run_job(None, Job("voice", request), JobContext(cancel, read=read))  # type: ignore[arg-type]
    assert asked == []  # replaced before it began: nothing is read
