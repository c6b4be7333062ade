"""N candidates as N sequences of one context in a single decode loop (prompt decoded once, shared).

The prompt is decoded in sequence 0 and copied to the others with `llama_memory_seq_cp` (a unified
KV cache stores it once); every step decodes one token per live sequence in one batch, each with its
own seeded sampler chain. The context is kept between calls so a shared prompt prefix is reused.
"""

from __future__ import annotations

import codecs
import ctypes
import threading
import time
from collections.abc import Callable, Iterator, Sequence

import llama_cpp

from writer_app.engine.errors import GenerationError
from writer_app.engine.phrase_guard import PhraseGuard, banned_phrases, block_tokens
from writer_app.engine.sampling import build_sampler
from writer_app.engine.types import GenerationStats, Sampling


class ParallelContext:
    """A second context on the engine's model with `n_seq` sequences and a unified KV cache."""

    def __init__(
        self, model: llama_cpp.llama_model_p, n_seq: int, n_ctx: int, n_threads: int, n_batch: int = 512
    ) -> None:
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = n_ctx
        params.n_batch = max(n_batch, n_seq)
        params.n_ubatch = max(n_batch, n_seq)
        params.n_seq_max = n_seq
        params.kv_unified = True
        # Flash attention runs each of the N queries over the whole unified cache on its own; the
        # plain path multiplies them together and is 10-30 % faster per step here.
        params.flash_attn_type = llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
        params.n_threads = n_threads
        params.n_threads_batch = n_threads
        self.ctx = llama_cpp.llama_init_from_model(model, params)
        if not self.ctx:
            raise GenerationError("Could not create a context for parallel candidates.")
        self.n_seq = n_seq
        self.n_ctx = llama_cpp.llama_n_ctx(self.ctx)
        self.n_batch = params.n_batch
        self.batch = llama_cpp.llama_batch_init(self.n_batch, 0, n_seq)
        self.memory = llama_cpp.llama_get_memory(self.ctx)
        self.cached: list[int] = []  # the prompt held in sequence 0
        self._cancel: threading.Event | None = None
        self._abort = llama_cpp.ggml_abort_callback(
            lambda _data: self._cancel is not None and self._cancel.is_set()
        )

    def _add(self, token: int, position: int, seqs: Sequence[int], logits: bool) -> int:
        batch = self.batch
        i = batch.n_tokens
        batch.token[i] = token
        batch.pos[i] = position
        batch.n_seq_id[i] = len(seqs)
        for k, seq in enumerate(seqs):
            batch.seq_id[i][k] = seq
        batch.logits[i] = logits
        batch.n_tokens = i + 1
        return i

    def _decode(self) -> None:
        code = llama_cpp.llama_decode(self.ctx, self.batch)
        if code != 0:
            raise RuntimeError(f"llama_decode returned {code}")

    def load_prompt(self, tokens: Sequence[int], cancel: threading.Event | None) -> int:
        """Decode `tokens` into sequence 0 (reusing the cached prefix) and share them; return reused."""
        for seq in range(1, self.n_seq):
            llama_cpp.llama_memory_seq_rm(self.memory, seq, -1, -1)
        reused = 0
        limit = min(len(self.cached), len(tokens) - 1)
        while reused < limit and self.cached[reused] == tokens[reused]:
            reused += 1
        if not llama_cpp.llama_memory_seq_rm(self.memory, -1, reused, -1):
            llama_cpp.llama_memory_clear(self.memory, True)
            reused = 0
        self.cached = list(tokens[:reused])
        self._cancel = cancel
        llama_cpp.llama_set_abort_callback(self.ctx, self._abort, None)
        try:
            for start in range(reused, len(tokens), self.n_batch):
                self.batch.n_tokens = 0
                chunk = tokens[start : start + self.n_batch]
                for offset, token in enumerate(chunk):
                    last = start + offset == len(tokens) - 1
                    self._add(token, start + offset, (0,), last)
                self._decode()
                self.cached.extend(chunk)
        finally:
            llama_cpp.llama_set_abort_callback(
                self.ctx, ctypes.cast(None, llama_cpp.ggml_abort_callback), None
            )
            self._cancel = None
        for seq in range(1, self.n_seq):
            llama_cpp.llama_memory_seq_cp(self.memory, 0, seq, -1, -1)
        return reused

    def close(self) -> None:
        if self.ctx:
            llama_cpp.llama_batch_free(self.batch)
            llama_cpp.llama_free(self.ctx)
            self.ctx = None


def stream_parallel(
    context: ParallelContext,
    vocab: llama_cpp.llama_vocab_p,
    n_vocab: int,
    prompt: Sequence[int],
    samplings: Sequence[Sampling],
    cancel: threading.Event | None,
    stats: list[GenerationStats],
    piece: Callable[[int], bytes],
    end_tokens: Sequence[int] = (),
) -> Iterator[tuple[int, str]]:
    """Yield (sequence, text piece) as the sequences advance together; fill `stats` per sequence."""
    n = len(samplings)
    started = time.perf_counter()
    stats[:] = [GenerationStats(prompt_tokens=len(prompt)) for _ in range(n)]
    try:
        reused = context.load_prompt(prompt, cancel)
    except RuntimeError as error:
        for s in stats:
            s.finish_reason = "cancelled" if cancel is not None and cancel.is_set() else "error"
            s.total_s = time.perf_counter() - started
        if cancel is not None and cancel.is_set():
            return
        raise GenerationError(f"The model failed to read the prompt ({error}).") from error
    for s in stats:
        s.reused_prompt_tokens = reused
    samplers = [build_sampler(n_vocab, sampling, end_tokens, vocab) for sampling in samplings]
    decoders = [codecs.getincrementaldecoder("utf-8")(errors="replace") for _ in range(n)]
    guards = [PhraseGuard(banned_phrases(s.banned)) if s.banned else None for s in samplings]
    positions = [len(prompt)] * n
    logit_index = [context.batch.n_tokens - 1] * n  # all start from the prompt's last logits
    live = list(range(n))

    def back_up(seq: int, index: int) -> None:
        """Drop sequence `seq`'s tokens from `index` on and read the one before again, so the next
        draw (with the phrase's first token blocked) comes from the same place."""
        guard = guards[seq]
        decoders[seq].setstate(guard.rewind(index))  # type: ignore[union-attr]
        kept = guard.tokens  # type: ignore[union-attr]
        at = len(prompt) + index - 1
        llama_cpp.llama_memory_seq_rm(context.memory, seq, at, -1)
        logit_index[seq] = context._add(kept[-1] if kept else prompt[-1], at, (seq,), True)
        positions[seq] = at + 1
        samplers[seq].close()
        samplers[seq] = build_sampler(n_vocab, samplings[seq], end_tokens, vocab)
        for token in kept:  # the penalties and the grammar see the kept tokens again
            llama_cpp.llama_sampler_accept(samplers[seq].sampler, token)
        stats[seq].generated_tokens = len(kept)

    try:
        while live:
            if cancel is not None and cancel.is_set():
                for seq in live:
                    stats[seq].finish_reason = "cancelled"
                break
            context.batch.n_tokens = 0
            next_live = []
            for seq in live:
                guard, s = guards[seq], stats[seq]
                if guard is not None and (blocked := guard.blocked_next()):
                    block_tokens(llama_cpp.llama_get_logits_ith(context.ctx, logit_index[seq]), blocked)
                token = llama_cpp.llama_sampler_sample(samplers[seq].sampler, context.ctx, logit_index[seq])
                if llama_cpp.llama_vocab_is_eog(vocab, token):
                    text, back = guard.finish() if guard is not None else ("", None)
                    if back is not None:
                        back_up(seq, back)
                        next_live.append(seq)
                        continue
                    if text:
                        yield seq, text
                    s.finish_reason = "stop"
                    continue
                s.generated_tokens += 1
                if s.generated_tokens == 1:
                    s.first_token_s = time.perf_counter() - started
                state = decoders[seq].getstate() if guard is not None else None
                text = decoders[seq].decode(piece(token))
                full = s.generated_tokens >= samplings[seq].max_tokens or positions[seq] + 1 >= context.n_ctx
                if guard is not None:
                    text, back = guard.step(token, text, state, final=full)
                    if back is not None:
                        back_up(seq, back)
                        next_live.append(seq)
                        continue
                if text:
                    yield seq, text
                if full:
                    s.finish_reason = "length"
                    continue
                logit_index[seq] = context._add(token, positions[seq], (seq,), True)
                positions[seq] += 1
                next_live.append(seq)
            live = next_live
            if live:
                context._decode()
    except RuntimeError as error:
        raise GenerationError(f"The model failed while generating ({error}).") from error
    finally:
        for sampler in samplers:
            sampler.close()
        now = time.perf_counter() - started
        for s, guard in zip(stats, guards, strict=True):
            s.total_s = now
            if guard is not None:
                s.backtracks, s.ban_cap_hits = guard.backtracks, guard.cap_hits
            s.finish_reason = s.finish_reason or "cancelled"
