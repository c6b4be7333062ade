"""One conformance suite for every implementation of the engine protocol: llama.cpp on the tiny
random model, the scripted engine, and the remote engine on a real server (llama-cpp-python's)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.fakes.scripted_engine import ScriptedEngine
from writer_app.engine.errors import GenerationError
from writer_app.engine.interface import EngineCapabilities, TextEngine
from writer_app.engine.llama_engine import LlamaEngine
from writer_app.engine.remote_engine import RemoteEngine
from writer_app.engine.types import EngineConfig, Sampling, ServerConfig

CHAT = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Describe the sea."}]


@pytest.fixture(params=["llama", "scripted", "server", "default-model-server"])
def engine(request, tiny_model_path: Path):
    if request.param == "llama":
        made: TextEngine = LlamaEngine(EngineConfig(tiny_model_path, n_ctx=1024, n_threads=2))
    elif request.param == "server":  # llama-cpp-python's server on the same model, over HTTP
        made = RemoteEngine(ServerConfig(request.getfixturevalue("tiny_server").url, n_ctx=1024))
    elif request.param == "default-model-server":  # the same server on the embedded default model
        made = RemoteEngine(ServerConfig(request.getfixturevalue("default_server").url, n_ctx=2048))
    else:
        made = ScriptedEngine(n_ctx=1024)
    yield made
    made.close()


def _run(engine: TextEngine, sampling: Sampling, cancel: threading.Event | None = None):
    generation = engine.stream(engine.chat_tokens(CHAT), sampling, cancel)
    text = "".join(generation)
    return text, generation.stats


def test_describes_itself(engine: TextEngine) -> None:
    assert isinstance(engine.model_name, str) and engine.model_name
    assert engine.n_ctx > 0 and engine.load_seconds >= 0
    assert isinstance(engine.capabilities, EngineCapabilities)


def test_counts_tokens(engine: TextEngine) -> None:
    assert engine.count_tokens("") == 0
    short, long = engine.count_tokens("The sea."), engine.count_tokens("The sea was calm and grey. " * 8)
    assert 0 < short < long


def test_chat_and_raw_prompts_are_different_token_lists(engine: TextEngine) -> None:
    chat = engine.chat_tokens(CHAT)
    raw = engine.raw_tokens("Describe the sea.")
    assert chat and raw and all(isinstance(token, int) for token in chat + raw)
    assert len(raw) < len(chat)  # no template around a raw continuation
    assert engine.raw_tokens("Describe the sea. More")[: len(raw) - 1] == raw[: len(raw) - 1]


def test_streams_text_within_the_budget(engine: TextEngine) -> None:
    text, stats = _run(engine, Sampling(max_tokens=12, seed=3))
    assert text and 1 <= stats.generated_tokens <= 12
    assert stats.finish_reason in ("stop", "length")
    assert 0 <= stats.first_token_s <= stats.total_s
    assert stats.prompt_tokens == len(engine.chat_tokens(CHAT))


def test_a_raw_continuation_streams_too(engine: TextEngine) -> None:
    generation = engine.stream(engine.raw_tokens("The lighthouse keeper climbed"), Sampling(max_tokens=8))
    assert "".join(generation) and generation.stats.generated_tokens >= 1


def test_without_stopping_at_the_end_exactly_the_budget_comes(engine: TextEngine) -> None:
    _, stats = _run(engine, Sampling(max_tokens=20, seed=1, stop_at_end=False))
    assert stats.generated_tokens == 20 and stats.finish_reason == "length"


def test_cancel_stops_at_once(engine: TextEngine) -> None:
    cancel = threading.Event()
    cancel.set()
    text, stats = _run(engine, Sampling(max_tokens=50), cancel)
    assert stats.finish_reason == "cancelled" and stats.generated_tokens == 0 and text == ""
    cancel = threading.Event()
    generation = engine.stream(engine.chat_tokens(CHAT), Sampling(max_tokens=50, stop_at_end=False), cancel)
    for received, _piece in enumerate(generation, start=1):
        if received == 3:
            cancel.set()
    assert generation.stats.finish_reason == "cancelled"
    assert generation.stats.generated_tokens <= 4


def test_seeds_reproduce_candidates_when_the_engine_says_so(engine: TextEngine) -> None:
    if not engine.capabilities.per_candidate_seeds:
        pytest.skip("this engine does not promise reproducible seeds")
    first, _ = _run(engine, Sampling(max_tokens=16, seed=11))
    again, _ = _run(engine, Sampling(max_tokens=16, seed=11))
    other, _ = _run(engine, Sampling(max_tokens=16, seed=12))
    assert first == again and first != other


def test_parallel_candidates_or_a_clear_no(engine: TextEngine) -> None:
    samplings = [Sampling(max_tokens=8, seed=seed) for seed in (1, 2, 3)]
    generation = engine.stream_parallel(engine.chat_tokens(CHAT), samplings)
    if not engine.capabilities.parallel_sequences:
        assert not generation.fits
        return
    assert generation.fits
    texts = ["", "", ""]
    for position, piece in generation:
        texts[position] += piece
    assert all(texts) and len(generation.stats) == 3
    assert all(1 <= s.generated_tokens <= 8 for s in generation.stats)


def test_a_prompt_beyond_the_context_is_a_sentence(engine: TextEngine) -> None:
    prompt = engine.raw_tokens("the sea " * engine.n_ctx)
    assert len(prompt) > engine.n_ctx
    with pytest.raises(GenerationError, match="does not fit"):
        "".join(engine.stream(prompt, Sampling(max_tokens=4)))


def test_a_closed_engine_says_so(engine: TextEngine) -> None:
    engine.close()
    with pytest.raises(GenerationError, match="closed"):
        engine.count_tokens("hello")
    engine.close()  # a second close is harmless
