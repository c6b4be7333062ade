"""Streaming generations on the main context (one candidate) and on the shared context (several)."""

from __future__ import annotations

import codecs
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import llama_cpp
from llama_cpp._internals import LlamaSampler

from writer_app.engine.context_fit import check_prompt_fits
from writer_app.engine.errors import GenerationError
from writer_app.engine.parallel import stream_parallel
from writer_app.engine.phrase_guard import PhraseGuard, banned_phrases, block_tokens
from writer_app.engine.sampling import remember_prompt
from writer_app.engine.types import GenerationStats, Sampling

if TYPE_CHECKING:
    from writer_app.engine.llama_engine import LlamaEngine


class Generation:
    """One streaming generation: iterate for decoded text pieces, then read `stats`."""

    def __init__(
        self,
        engine: LlamaEngine,
        prompt_tokens: list[int],
        sampling: Sampling,
        cancel: threading.Event | None,
    ) -> None:
        self._engine = engine
        self._prompt = prompt_tokens
        self._sampling = sampling
        self._cancel = cancel
        self.stats = GenerationStats(prompt_tokens=len(prompt_tokens))

    def _cancelled(self) -> bool:
        return self._cancel is not None and self._cancel.is_set()

    def __iter__(self) -> Iterator[str]:
        engine, llama, stats = self._engine, self._engine.llama, self.stats
        started = time.perf_counter()
        check_prompt_fits(len(self._prompt), engine.n_ctx)
        tokens = list(self._prompt)  # what the main context must hold before the next decode
        # Claimed before the context changes: a generation this one interrupted must read its own
        # tokens back even if this one is cancelled halfway through reading its prompt.
        engine._context_owner = self
        try:
            stats.reused_prompt_tokens = engine._reuse_prefix(tokens)
            engine._eval_prompt(tokens[stats.reused_prompt_tokens :], self._cancel)
        except RuntimeError as error:
            stats.total_s = time.perf_counter() - started
            if self._cancelled():
                stats.finish_reason = "cancelled"
                return
            raise GenerationError(f"The model failed to read the prompt ({error}).") from error
        sampler = engine._sampler(self._sampling)
        if self._sampling.dry_multiplier > 0:
            remember_prompt(sampler, self._prompt)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        guard = PhraseGuard(banned_phrases(self._sampling.banned)) if self._sampling.banned else None
        try:
            while True:
                if self._cancelled():
                    stats.finish_reason = "cancelled"
                    break
                if stats.generated_tokens >= self._sampling.max_tokens:
                    stats.finish_reason = "length"
                    break
                if guard is not None and (blocked := guard.blocked_next()):
                    block_tokens(llama_cpp.llama_get_logits_ith(llama.ctx, -1), blocked)
                token = sampler.sample(llama._ctx, -1)
                if llama_cpp.llama_vocab_is_eog(engine._vocab, token):
                    text, back = guard.finish() if guard is not None else ("", None)
                    if back is not None:
                        sampler = self._back_up(guard, back, tokens, sampler, decoder)
                        continue
                    if text:
                        yield text
                    stats.finish_reason = "stop"
                    break
                stats.generated_tokens += 1
                if stats.generated_tokens == 1:
                    stats.first_token_s = time.perf_counter() - started
                state = decoder.getstate() if guard is not None else None  # only a backup needs it
                text = decoder.decode(engine._piece(token))
                full = stats.generated_tokens >= self._sampling.max_tokens or (
                    len(tokens) + 1 >= engine.n_ctx  # this generation's own count, not the context's
                )
                if guard is not None:
                    text, back = guard.step(token, text, state, final=full)
                    if back is not None:
                        sampler = self._back_up(guard, back, tokens, sampler, decoder)
                        continue
                if text:
                    yield text
                if full:
                    stats.finish_reason = "length"
                    break
                if self._cancelled():
                    stats.finish_reason = "cancelled"
                    break
                tokens.append(token)
                if engine._context_owner is not self:  # another job used the context meanwhile
                    try:
                        self._read_back(tokens)
                    except RuntimeError:
                        if not self._cancelled():
                            raise
                        stats.finish_reason = "cancelled"
                        break
                else:
                    llama.eval([token])
        except RuntimeError as error:
            raise GenerationError(f"The model failed while generating ({error}).") from error
        finally:
            sampler.close()
            tail = decoder.decode(b"", final=True)
            stats.total_s = time.perf_counter() - started
            if not stats.finish_reason:
                stats.finish_reason = "cancelled"
            if guard is not None:
                stats.backtracks, stats.ban_cap_hits = guard.backtracks, guard.cap_hits
        if tail:
            yield tail

    def _back_up(
        self, guard: PhraseGuard, index: int, tokens: list[int], sampler: LlamaSampler, decoder: object
    ) -> LlamaSampler:
        """Drop the generated tokens from `index` on, read the token before them again (fresh logits
        for the next draw, the phrase's first token blocked there) and rebuild the sampler chain with
        the kept tokens; the new chain is returned."""
        engine, llama = self._engine, self._engine.llama
        decoder.setstate(guard.rewind(index))  # type: ignore[attr-defined]
        del tokens[len(self._prompt) + index :]
        if engine._context_owner is not self:
            self._read_back(tokens)
        else:
            llama.n_tokens = len(tokens) - 1
            llama.eval(tokens[-1:])
        self.stats.generated_tokens = index
        sampler.close()
        sampler = engine._sampler(self._sampling)
        if self._sampling.dry_multiplier > 0:
            remember_prompt(sampler, self._prompt)
        for token in guard.tokens:  # the penalties, DRY and a grammar see the kept tokens again
            llama_cpp.llama_sampler_accept(sampler.sampler, token)
        return sampler

    def _read_back(self, tokens: list[int]) -> None:
        """Put this generation's tokens back into the main context (its shared prefix is kept)."""
        engine = self._engine
        engine._context_owner = self
        reused = engine._reuse_prefix(tokens)
        engine._eval_prompt(tokens[reused:], self._cancel)


class ParallelGeneration:
    """Candidates decoded together (one or more): iterate for (candidate, text piece), then read `stats`.

    `fits` is False when the shared context cannot hold the prompt and every answer; the caller
    then generates one candidate after another instead.
    """

    def __init__(
        self,
        engine: LlamaEngine,
        prompt: list[int],
        samplings: list[Sampling],
        cancel: threading.Event | None,
    ) -> None:
        self._engine = engine
        self._prompt = prompt
        self._samplings = samplings
        self._cancel = cancel
        self.stats: list[GenerationStats] = []
        needed = len(prompt) + sum(s.max_tokens for s in samplings) + len(samplings)
        self._context = engine._parallel_context(len(samplings), needed) if samplings else None

    @property
    def fits(self) -> bool:
        return self._context is not None

    def __iter__(self) -> Iterator[tuple[int, str]]:
        if self._context is None:
            raise GenerationError("These candidates do not fit in one shared context.")
        engine = self._engine
        return stream_parallel(
            self._context,
            engine._vocab,
            engine.llama.n_vocab(),
            self._prompt,
            self._samplings,
            self._cancel,
            self.stats,
            engine._piece,
            engine._end_tokens(self._samplings),
        )
