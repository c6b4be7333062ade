"""Every writing feature runs on a model server (llama-cpp-python's, on the tiny model) through the
remote engine: rewrite, continue writing, a ghost suggestion, writing in a voice, a plan and a draft
and a section that stopped short going on from its own words."""

from __future__ import annotations

import pytest

from writer_app.assist.complete import CompletionRequest, ContinueRequest, complete_ghost, continue_writing
from writer_app.assist.draft import DraftRequest, write_draft
from writer_app.assist.imitate import ImitateRequest, imitate
from writer_app.assist.outline import PlanRequest, plan_draft
from writer_app.assist.rewrite import rewrite
from writer_app.assist.types import RewriteRequest
from writer_app.engine.remote_engine import RemoteEngine, ServerPrompt
from writer_app.engine.types import Sampling, ServerConfig

TEXT = "The lighthouse keeper climbed the stairs every evening. The lamp was heavy, and the night was long."
SAMPLES = (
    "It was a bright cold day in April, and the clocks were striking thirteen. " * 6,
    "The hallway smelt of boiled cabbage and old rag mats at one end of it. " * 6,
)


@pytest.fixture(scope="module")
def engine(tiny_server):
    made = RemoteEngine(ServerConfig(tiny_server.url, n_ctx=1024))
    yield made
    made.close()


def test_rewrite_and_continue_give_ranked_candidates(engine: RemoteEngine) -> None:
    for result in (
        rewrite(engine, RewriteRequest(TEXT, mode="concise", n_candidates=2)),
        continue_writing(engine, ContinueRequest(TEXT, n_candidates=2)),
    ):
        assert result.model == "tiny" and result.candidates
        assert all(c.rank is not None and c.explanation for c in result.candidates)


def test_a_ghost_suggestion_streams_from_a_raw_continuation(engine: RemoteEngine) -> None:
    pieces: list[str] = []

    class Listen:
        def chunk(self, index: int, text: str) -> None:
            pieces.append(text)

        def restart(self, index: int) -> None: ...

        def finished(self, candidate) -> None: ...

    result = complete_ghost(engine, CompletionRequest(TEXT + " "), listener=Listen())
    assert pieces and not result.cancelled


def test_writing_in_a_voice(engine: RemoteEngine) -> None:
    result = imitate(
        engine, ImitateRequest("write", SAMPLES, instruction="a note about the sea", words=40, n_candidates=2)
    )
    assert result.candidates and all(c.rank is not None for c in result.candidates)


def test_a_plan_with_the_servers_grammar_and_a_draft(default_server) -> None:
    """On the default model (the random model's text is too many tokens a word for a draft's budget)."""
    engine = RemoteEngine(ServerConfig(default_server.url, n_ctx=2048))
    try:
        assert engine.capabilities.grammar  # llama-cpp-python's server applies GBNF grammars
        plan = plan_draft(engine, PlanRequest("An essay on lighthouses", 400)).outline
        assert plan.sections and sum(s.words for s in plan.sections) == 400
        result = write_draft(engine, DraftRequest(plan))
    finally:
        engine.close()
    assert len(result.sections) == len(plan.sections) and all(s.text for s in result.sections)
    assert result.words >= 0.8 * 400


def test_a_section_that_stopped_short_goes_on_from_its_own_words(engine: RemoteEngine) -> None:
    messages = [{"role": "user", "content": "Write about lighthouses."}]
    fresh = engine.chat_tokens(messages)
    going_on = engine.chat_tokens(messages, answer_start="The lamp was heavy, and")
    assert isinstance(going_on, ServerPrompt) and going_on.answer_start == "The lamp was heavy, and"
    assert len(going_on) > len(fresh)  # the answer so far is counted in the prompt
    generation = engine.stream(going_on, Sampling(max_tokens=12, seed=4))
    assert "".join(generation) and generation.stats.finish_reason in ("stop", "length")
