"""The sampler chain: the early top-k cut draws what the textbook order draws; end-of-text can be banned."""

from __future__ import annotations

from pathlib import Path

import llama_cpp
import pytest
from llama_cpp._internals import LlamaSampler

from writer_app.engine.llama_engine import LlamaEngine
from writer_app.engine.sampling import PENALTY_LAST_N, build_sampler
from writer_app.engine.types import EngineConfig, Sampling


def _textbook_chain(n_vocab: int, sampling: Sampling) -> LlamaSampler:
    """Penalties over the whole vocabulary first, as llama.cpp's own examples order them."""
    sampler = LlamaSampler()
    sampler.add_penalties(n_vocab, PENALTY_LAST_N, sampling.repeat_penalty, 0.0, 0.0)
    if sampling.temperature <= 0:
        sampler.add_greedy()
        return sampler
    sampler.add_top_k(sampling.top_k)
    sampler.add_top_p(sampling.top_p, 1)
    sampler.add_min_p(sampling.min_p, 1)
    sampler.add_temp(sampling.temperature)
    sampler.add_dist(sampling.seed)
    return sampler


@pytest.mark.parametrize("temperature", [0.0, 1.5])
def test_cutting_to_top_k_before_the_penalties_draws_the_same_tokens(
    tiny_model_path: Path, temperature: float
) -> None:
    engine = LlamaEngine(EngineConfig(tiny_model_path, n_ctx=512, n_threads=2))
    try:
        llama = engine.llama
        llama.eval(engine.chat_tokens([{"role": "user", "content": "Say hello."}]))
        n_vocab = llama.n_vocab()
        # A harsh penalty and a small k, so penalised tokens really leave the top k and the cut matters.
        sampling = Sampling(temperature=temperature, top_k=4, top_p=1.0, min_p=0.0, repeat_penalty=4.0)
        changed_by_penalty = 0
        for seed in range(12):
            ours = build_sampler(n_vocab, Sampling(**{**sampling.__dict__, "seed": seed}))
            textbook = _textbook_chain(n_vocab, Sampling(**{**sampling.__dict__, "seed": seed}))
            plain = LlamaSampler()
            plain.add_greedy()
            draws = []
            for _ in range(40):  # the same logits each time: only the growing penalty history moves the draw
                ours_token = llama_cpp.llama_sampler_sample(ours.sampler, llama.ctx, -1)
                textbook_token = llama_cpp.llama_sampler_sample(textbook.sampler, llama.ctx, -1)
                draws.append((ours_token, textbook_token))
            first_greedy = llama_cpp.llama_sampler_sample(plain.sampler, llama.ctx, -1)
            changed_by_penalty += any(token != first_greedy for token, _ in draws)
            assert all(a == b for a, b in draws), f"seed {seed}: {draws}"
            for sampler in (ours, textbook, plain):
                sampler.close()
        assert changed_by_penalty, "the penalty never changed a draw, so the test proved nothing"
    finally:
        engine.close()


@pytest.mark.integration
def test_banning_end_of_text_gives_exactly_max_tokens(default_model_path: Path) -> None:
    engine = LlamaEngine(EngineConfig(default_model_path, n_ctx=1024, n_threads=2))
    try:
        prompt = engine.chat_tokens([{"role": "user", "content": "Reply with the single word OK."}])
        stopping = engine.stream(prompt, Sampling(temperature=0.0, max_tokens=60))
        list(stopping)
        assert stopping.stats.finish_reason == "stop"
        assert stopping.stats.generated_tokens < 60
        running = engine.stream(prompt, Sampling(temperature=0.0, max_tokens=60, stop_at_end=False))
        list(running)
        assert (running.stats.finish_reason, running.stats.generated_tokens) == ("length", 60)
        samplings = [Sampling(max_tokens=30, seed=seed, stop_at_end=False) for seed in range(3)]
        parallel = engine.stream_parallel(prompt, samplings)
        list(parallel)
        assert [s.generated_tokens for s in parallel.stats] == [30, 30, 30]
    finally:
        engine.close()
