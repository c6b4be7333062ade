"""The llama.cpp sampler chain for one sequence: penalties, top-k, top-p, min-p, temperature, seeded draw."""

from __future__ import annotations

import ctypes
import math
from collections.abc import Sequence

import llama_cpp
from llama_cpp._internals import LlamaSampler

from writer_app.engine.errors import GenerationError
from writer_app.engine.types import Sampling

# The repeat penalty looks at this many of the last generated tokens.
PENALTY_LAST_N = 64


def build_sampler(
    n_vocab: int, sampling: Sampling, end_tokens: Sequence[int] = (), vocab: object = None
) -> LlamaSampler:
    """The chain for `sampling`; `end_tokens` are banned when `sampling.stop_at_end` is False; a
    grammar (which needs the model's `vocab`) goes first, so the cuts only see tokens it allows.

    Penalties only lower the logits of at most PENALTY_LAST_N distinct tokens, so the k best tokens
    after them are among the k + PENALTY_LAST_N best before them. Cutting to those first draws exactly
    the same token while sparing the penalty sampler a hash lookup per vocabulary entry (about 0.15 ms
    a token with a 49k vocabulary, more with Qwen's 152k).
    """
    sampler = LlamaSampler()
    if sampling.grammar:
        _add_grammar(sampler, vocab, sampling.grammar)
    if not sampling.stop_at_end and end_tokens:
        sampler.add_logit_bias(n_vocab, {token: -math.inf for token in end_tokens})
    keep = 1 if sampling.temperature <= 0 else sampling.top_k
    if keep > 0:
        sampler.add_top_k(keep + PENALTY_LAST_N)
    sampler.add_penalties(n_vocab, PENALTY_LAST_N, sampling.repeat_penalty, 0.0, 0.0)
    if sampling.dry_multiplier > 0:
        sampler.dry = _add_dry(sampler, vocab, sampling.dry_multiplier)  # type: ignore[attr-defined]
    if sampling.temperature <= 0:
        sampler.add_greedy()
        return sampler
    sampler.add_top_k(sampling.top_k)
    sampler.add_top_p(sampling.top_p, 1)
    sampler.add_min_p(sampling.min_p, 1)
    sampler.add_temp(sampling.temperature)
    sampler.add_dist(sampling.seed & 0xFFFFFFFF)
    return sampler


def _add_grammar(sampler: LlamaSampler, vocab: object, grammar: str) -> None:
    """Constrain the chain to `grammar` (GBNF, root rule `root`); a grammar llama.cpp cannot parse is
    a programming error, reported as a generation error rather than a crash."""
    native = llama_cpp.llama_sampler_init_grammar(vocab, grammar.encode("utf-8"), b"root")
    if not native:
        raise GenerationError("The output grammar could not be parsed.")
    llama_cpp.llama_sampler_chain_add(sampler.sampler, native)  # the chain owns it from here


DRY_BASE = 1.75  # llama.cpp's defaults: the penalty grows by this factor per repeated token
DRY_ALLOWED_LENGTH = 3  # repeats up to this many tokens (names, set phrases) cost nothing
DRY_WINDOW = 8192
DRY_BREAKERS = ("\n", ":", '"', "*")


def _add_dry(sampler: LlamaSampler, vocab: object, multiplier: float) -> object:
    """DRY after the penalties (it only lowers the few tokens that would extend a repeat); the chain
    owns it, and its pointer is kept to show it the prompt."""
    breakers = (ctypes.c_char_p * len(DRY_BREAKERS))(*(b.encode("utf-8") for b in DRY_BREAKERS))
    native = llama_cpp.llama_sampler_init_dry(
        vocab, multiplier, DRY_BASE, DRY_ALLOWED_LENGTH, DRY_WINDOW, breakers, len(DRY_BREAKERS)
    )
    llama_cpp.llama_sampler_chain_add(sampler.sampler, native)
    return native


def remember_prompt(sampler: LlamaSampler, prompt: Sequence[int]) -> None:
    """Show the prompt to the DRY sampler only (not the penalties, nor a grammar), so repeating the
    text so far is what it penalises."""
    dry = getattr(sampler, "dry", None)
    if dry is not None:
        for token in prompt:
            llama_cpp.llama_sampler_accept(dry, token)
