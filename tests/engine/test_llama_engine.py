"""The engine on the tiny random model: streaming, seeds, cancel, abort, prefix reuse, bad input."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.tiny_model import write_tiny_model
from writer_app.engine.errors import GenerationError, ModelFileError, NotEnoughMemoryError
from writer_app.engine.llama_engine import LlamaEngine
from writer_app.engine.types import EngineConfig, Sampling

MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello."}]


@pytest.fixture(scope="module")
def engine(tiny_model_path: Path):
    engine = LlamaEngine(EngineConfig(tiny_model_path, n_ctx=4096, n_threads=2))
    yield engine
    engine.close()


def _text(engine: LlamaEngine, tokens: list[int], **sampling: object) -> tuple[str, object]:
    generation = engine.stream(tokens, Sampling(**sampling))  # type: ignore[arg-type]
    return "".join(generation), generation.stats


def test_loads_with_the_requested_context_and_threads(engine: LlamaEngine) -> None:
    assert engine.model_name == "tiny-random-llama"
    assert engine.n_ctx == 4096
    assert engine.config.n_threads == 2


def test_chat_prompt_uses_the_models_template(engine: LlamaEngine) -> None:
    tokens = engine.chat_tokens(MESSAGES)
    rendered = engine.llama.detokenize(tokens, special=True).decode()
    assert rendered.index("system") < rendered.index("Be brief.") < rendered.index("Say hello.")
    assert rendered.rstrip().endswith("assistant")


def test_streams_exactly_max_tokens_pieces(engine: LlamaEngine) -> None:
    tokens = engine.chat_tokens(MESSAGES)
    pieces = list(engine.stream(tokens, Sampling(max_tokens=40, seed=3)))
    text, stats = _text(engine, tokens, max_tokens=40, seed=3)
    assert "".join(pieces) == text and text
    assert stats.generated_tokens == 40
    assert stats.finish_reason == "length"
    assert stats.first_token_s <= stats.total_s


def test_same_seed_same_text_other_seed_other_text(engine: LlamaEngine) -> None:
    tokens = engine.chat_tokens(MESSAGES)
    first, _ = _text(engine, tokens, max_tokens=30, seed=11)
    again, _ = _text(engine, tokens, max_tokens=30, seed=11)
    other, _ = _text(engine, tokens, max_tokens=30, seed=12)
    assert first == again
    assert first != other


def test_cancel_mid_stream_stops_within_one_token(engine: LlamaEngine) -> None:
    cancel = threading.Event()
    generation = engine.stream(engine.chat_tokens(MESSAGES), Sampling(max_tokens=500, seed=1), cancel)
    for received, _piece in enumerate(generation, start=1):
        if received == 5:
            cancel.set()
    assert generation.stats.finish_reason == "cancelled"
    assert generation.stats.generated_tokens == 5


class _SetAfterCalls(threading.Event):
    """Reports "set" from the n-th check on: the abort callback checks once per graph node."""

    def __init__(self, calls: int) -> None:
        super().__init__()
        self.calls_left = calls
        self.checks = 0

    def is_set(self) -> bool:
        self.checks += 1
        self.calls_left -= 1
        return self.calls_left < 0


def test_abort_during_prompt_evaluation_leaves_the_engine_usable(engine: LlamaEngine) -> None:
    tokens = engine.chat_tokens([{"role": "user", "content": "the house " * 300}])
    assert 2000 < len(tokens) < engine.n_ctx  # several batches of 512
    expected, _ = _text(engine, tokens, max_tokens=20, seed=5)
    _text(engine, engine.chat_tokens(MESSAGES), max_tokens=3)  # the cache no longer holds `tokens`
    cancel = _SetAfterCalls(20)
    generation = engine.stream(tokens, Sampling(max_tokens=20, seed=5), cancel)
    assert list(generation) == []
    assert generation.stats.finish_reason == "cancelled"
    assert cancel.checks > 20  # the callback ran inside llama_decode, node after node
    assert engine.cached_tokens < len(tokens)
    again, stats = _text(engine, tokens, max_tokens=20, seed=5)
    assert again == expected
    assert stats.generated_tokens == 20


def test_shared_prefix_is_reused_and_gives_the_same_text(engine: LlamaEngine, tiny_model_path: Path) -> None:
    document = "the house of light and the story of the night " * 10
    first = engine.chat_tokens([{"role": "user", "content": document + "Task one."}])
    second = engine.chat_tokens([{"role": "user", "content": document + "Task two, another one."}])
    _text(engine, first, max_tokens=5, seed=1)
    warm_text, warm = _text(engine, second, max_tokens=25, seed=9)
    shared = next(i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b)
    assert warm.reused_prompt_tokens == shared > 300
    fresh = LlamaEngine(EngineConfig(tiny_model_path, n_ctx=4096, n_threads=2))
    try:
        cold_text, cold = _text(fresh, second, max_tokens=25, seed=9)
    finally:
        fresh.close()
    assert cold.reused_prompt_tokens == 0
    assert warm_text == cold_text


def test_counts_tokens(engine: LlamaEngine) -> None:
    assert engine.count_tokens("") == 0
    assert engine.count_tokens("the house") == 10  # the tiny vocabulary: a token per character
    assert engine.count_tokens("the house " * 10) > engine.count_tokens("the house")


def test_prompt_longer_than_the_context_is_refused(engine: LlamaEngine) -> None:
    tokens = engine.chat_tokens([{"role": "user", "content": "the house " * 600}])
    with pytest.raises(GenerationError, match="does not fit the model's context"):
        list(engine.stream(tokens, Sampling(max_tokens=5)))


def test_generation_stops_at_the_end_of_the_context(tiny_model_path: Path) -> None:
    small = LlamaEngine(EngineConfig(tiny_model_path, n_ctx=128, n_threads=2))
    try:
        tokens = small.chat_tokens(MESSAGES)
        _, stats = _text(small, tokens, max_tokens=1000, seed=2)
        n_ctx = small.n_ctx  # llama.cpp rounds the context up to a multiple of 256
    finally:
        small.close()
    assert stats.finish_reason == "length"
    assert stats.generated_tokens < 1000
    assert len(tokens) + stats.generated_tokens == n_ctx


def test_model_without_chat_template_gets_a_plain_one(tmp_path: Path) -> None:
    path = write_tiny_model(tmp_path / "plain.gguf", chat_template=None)
    engine = LlamaEngine(EngineConfig(path, n_ctx=256, n_threads=1))
    try:
        rendered = engine.llama.detokenize(engine.chat_tokens(MESSAGES), special=True).decode()
    finally:
        engine.close()
    assert "### User:" in rendered and rendered.rstrip().endswith("### Assistant:")


def test_truncated_model_gives_a_clear_error(tmp_path: Path, tiny_model_path: Path) -> None:
    path = tmp_path / "cut.gguf"
    path.write_bytes(tiny_model_path.read_bytes()[:200_000])
    with pytest.raises(ModelFileError, match="incomplete"):
        LlamaEngine(EngineConfig(path, n_threads=1))


def test_garbage_after_a_valid_magic_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.gguf"
    path.write_bytes(b"GGUF" + (3).to_bytes(4, "little") + bytes(range(256)) * 40)
    with pytest.raises(ModelFileError):
        LlamaEngine(EngineConfig(path, n_threads=1))


def test_model_bigger_than_free_memory_is_refused_before_loading(tiny_model_path: Path) -> None:
    with pytest.raises(NotEnoughMemoryError, match="free"):
        LlamaEngine(EngineConfig(tiny_model_path, n_threads=1), available_memory=lambda: 1024)


def test_closed_engine_says_so(tiny_model_path: Path) -> None:
    engine = LlamaEngine(EngineConfig(tiny_model_path, n_ctx=256, n_threads=1))
    engine.close()
    engine.close()
    with pytest.raises(GenerationError, match="closed"):
        engine.count_tokens("hello")


def test_parallel_sequences_share_the_prompt_and_differ(engine: LlamaEngine) -> None:
    prompt = engine.chat_tokens(MESSAGES)
    samplings = [Sampling(max_tokens=12, seed=seed) for seed in (1, 2, 3)]
    generation = engine.stream_parallel(prompt, samplings)
    assert generation.fits
    texts = ["", "", ""]
    for index, piece in generation:
        texts[index] += piece
    assert len(set(texts)) == 3
    assert [s.generated_tokens for s in generation.stats] == [12, 12, 12]
    again = engine.stream_parallel(prompt, samplings)
    list(again)
    assert again.stats[0].reused_prompt_tokens == len(prompt) - 1  # the cached context kept the prompt


def test_parallel_request_too_big_for_the_shared_context_does_not_fit(engine: LlamaEngine) -> None:
    prompt = engine.chat_tokens(MESSAGES)
    samplings = [Sampling(max_tokens=engine.n_ctx, seed=seed) for seed in range(3)]
    assert not engine.stream_parallel(prompt, samplings).fits


@pytest.mark.parametrize("keep_states", [True, False])
def test_two_kinds_of_prompt_keep_their_prefixes_in_turn(tiny_model_path: Path, keep_states: bool) -> None:
    """A continuation of the document and a rewrite in it alternate; each finds its own prefix again."""
    engine = LlamaEngine(EngineConfig(tiny_model_path, n_ctx=2048, n_threads=2), prefix_states=keep_states)
    try:
        document = "The keeper climbed the stairs and lit the lamp above the sea. " * 30
        continuation = engine.raw_tokens(document)
        rewrite = engine.chat_tokens([{"role": "user", "content": "Make concise: " + document}])
        sampling = Sampling(temperature=0.0, max_tokens=4)
        reused = []
        for prompt in (continuation, rewrite, continuation + engine.raw_tokens(" And")[1:], rewrite):
            generation = engine.stream(prompt, sampling)
            "".join(generation)
            reused.append(generation.stats.reused_prompt_tokens)
        if keep_states:
            assert reused[2] >= len(continuation) - 1  # the continuation's prefix came back
            assert reused[3] >= len(rewrite) - 1
        else:
            assert reused[2] < 10 and reused[3] < 10  # without saved states the other prompt evicted it
    finally:
        engine.close()


@pytest.mark.parametrize("inner", ["short", "cancelled", "long"])
def test_an_interrupted_generation_goes_on_as_if_alone(tiny_model_path: Path, inner: str) -> None:
    """A background job yields mid-generation and another job uses the context: a short one, one
    cancelled while it reads its prompt (it has already trimmed the context), or one long enough for
    the first one's state to be saved and restored. The first then reads its tokens back and goes on
    exactly as it would have alone."""
    engine = LlamaEngine(EngineConfig(tiny_model_path, n_ctx=2048, n_threads=2))
    try:
        prompt = engine.raw_tokens("The lighthouse keeper climbed the stairs and " * 20)
        greedy = Sampling(temperature=0.0, max_tokens=24, stop_at_end=False)
        alone = "".join(engine.stream(prompt, greedy))
        interrupted = engine.stream(prompt, greedy)
        pieces = []
        for number, piece in enumerate(interrupted):
            pieces.append(piece)
            if number == 5:  # another job takes the context
                other_prompt = engine.raw_tokens(
                    "Completely different words follow here. " * (40 if inner == "long" else 1)
                )
                cancel = threading.Event()
                if inner == "cancelled":
                    cancel.set()
                other = engine.stream(other_prompt, greedy, cancel)
                "".join(other)
                assert (other.stats.finish_reason == "cancelled") == (inner == "cancelled")
        assert interrupted.stats.generated_tokens == 24
        assert "".join(pieces) == alone
    finally:
        engine.close()


def test_a_cancelled_prompt_read_is_not_logged_as_an_error(tiny_model_path: Path, caplog) -> None:
    import logging

    engine = LlamaEngine(EngineConfig(tiny_model_path, n_ctx=2048, n_threads=2))
    try:
        cancel = threading.Event()
        cancel.set()
        with caplog.at_level(logging.DEBUG, logger="writer_app.llama"):
            generation = engine.stream(engine.raw_tokens("the sea " * 150), Sampling(max_tokens=4), cancel)
            assert "".join(generation) == ""
        assert generation.stats.finish_reason == "cancelled"
        aborted = [r for r in caplog.records if "failed to decode" in r.getMessage()]
        assert aborted and all(r.levelno == logging.DEBUG for r in aborted)
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # "graph compute" lines too
    finally:
        engine.close()
