"""The one owner of a `llama_cpp.Llama`: load, chat prompts, streaming generation, cancel, counting."""

from __future__ import annotations

import ctypes
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence

import llama_cpp
from llama_cpp import llama_chat_format
from llama_cpp._internals import LlamaSampler

from writer_app.engine.errors import GenerationError, ModelFileError
from writer_app.engine.generation import Generation, ParallelGeneration
from writer_app.engine.interface import EngineCapabilities
from writer_app.engine.llama_log import route_llama_log_to_logging
from writer_app.engine.model_file import (
    STATE_CONTEXTS,
    ModelFileInfo,
    available_memory_bytes,
    check_fits_in_memory,
    memory_needed_bytes,
    read_model_file,
)
from writer_app.engine.parallel import ParallelContext
from writer_app.engine.prefix_cache import MIN_SAVED_TOKENS, PrefixStates, common_prefix
from writer_app.engine.sampling import build_sampler
from writer_app.engine.types import EngineConfig, Sampling

LOGGER = logging.getLogger(__name__)
# Used when a model carries no chat template of its own.
PLAIN_CHAT_TEMPLATE = (
    "{% for message in messages %}### {{ message['role'] | capitalize }}:\n"
    "{{ message['content'] }}\n\n{% endfor %}"
    "{% if add_generation_prompt %}### Assistant:\n{% endif %}"
)
_NO_ABORT = ctypes.cast(None, llama_cpp.ggml_abort_callback)
# Grammars and log-probabilities are within llama.cpp's reach but not offered through the protocol yet.
CAPABILITIES = EngineCapabilities(
    prefix_cache=True, parallel_sequences=True, per_candidate_seeds=True, grammar=True, phrase_bans=True
)


class LlamaEngine:
    """Loads one GGUF model and generates from it; use from one thread only."""

    def __init__(
        self,
        config: EngineConfig,
        *,
        available_memory: Callable[[], int | None] = available_memory_bytes,
        prefix_states: bool = True,
    ) -> None:
        self.config = config
        self.info: ModelFileInfo = read_model_file(config.model_path)
        trained_ctx = self.info.arch_value("context_length")
        n_ctx = min(config.n_ctx, trained_ctx) if trained_ctx > 0 else config.n_ctx
        available = available_memory()
        check_fits_in_memory(self.info, n_ctx, available)
        route_llama_log_to_logging()
        started = time.perf_counter()
        try:
            self._llama: llama_cpp.Llama | None = llama_cpp.Llama(
                model_path=str(config.model_path),
                n_ctx=n_ctx,
                n_batch=config.n_batch,
                n_threads=config.n_threads,
                n_threads_batch=config.n_threads,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as error:
            LOGGER.warning("llama.cpp could not load %s: %s", config.model_path, error)
            raise ModelFileError(
                f"The model {config.model_path.name} could not be loaded: the file is damaged or "
                "made for a model type this version of llama.cpp does not know. Download it again "
                "or choose another model."
            ) from error
        self.load_seconds = time.perf_counter() - started
        self._vocab = llama_cpp.llama_model_get_vocab(self._llama.model)
        self._piece_buffer = ctypes.create_string_buffer(64)
        self._abort_callback = llama_cpp.ggml_abort_callback(self._should_abort)
        self._cancel: threading.Event | None = None
        self._parallel: ParallelContext | None = None
        self._end_token_ids: list[int] | None = None
        self._formatter = self._chat_formatter()
        # The generation whose tokens the main context holds; another one that finds it changed (a
        # job that yielded to another) reads its tokens back in before it decodes again.
        self._context_owner: object | None = None
        # Earlier prompts' KV states (a continuation and a rewrite keep their prefixes in turn): up to
        # two contexts' worth, but never more than half of the memory the model leaves free.
        budget = STATE_CONTEXTS * self.info.kv_cache_bytes(self.n_ctx)
        if available is not None:
            budget = min(budget, max(0, available - memory_needed_bytes(self.info, n_ctx)) // 2)
        self._states = PrefixStates(budget) if prefix_states and budget > 0 else None

    # ----- properties -------------------------------------------------------------------------
    @property
    def llama(self) -> llama_cpp.Llama:
        if self._llama is None:
            raise GenerationError("The model has been closed: load a model first.")
        return self._llama

    @property
    def model_name(self) -> str:
        return self.config.display_name or self.info.name

    @property
    def n_ctx(self) -> int:
        return self.llama.n_ctx()

    @property
    def capabilities(self) -> EngineCapabilities:
        return CAPABILITIES

    @property
    def cached_tokens(self) -> int:
        """How many tokens of the last prompt and answer are still in the KV cache."""
        return self.llama.n_tokens

    # ----- text <-> tokens --------------------------------------------------------------------
    def count_tokens(self, text: str) -> int:
        if not text:
            return 0
        return len(self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def raw_tokens(self, text: str) -> list[int]:
        """A plain text to continue (no chat template), with BOS where the model wants one."""
        add_bos = bool(llama_cpp.llama_vocab_get_add_bos(self._vocab))
        return self.llama.tokenize(text.encode("utf-8"), add_bos=add_bos, special=False)

    def chat_tokens(self, messages: Sequence[Mapping[str, str]], answer_start: str = "") -> list[int]:
        """Render `messages` with the model's chat template (generation prompt added) and tokenize;
        `answer_start` is the beginning of the answer, which the model goes on from."""
        # Reasoning models (Qwen3, SmolLM3) read `enable_thinking`: writing wants the answer, not a trace.
        prompt = self._formatter(
            messages=[dict(message) for message in messages], enable_thinking=False
        ).prompt
        bos = self._piece(self.llama.token_bos(), special=True)
        add_bos = bool(llama_cpp.llama_vocab_get_add_bos(self._vocab)) and not (
            bos and prompt.startswith(bos.decode("utf-8", errors="replace"))
        )
        tokens = self.llama.tokenize(prompt.encode("utf-8"), add_bos=add_bos, special=True)
        if answer_start:  # plain text: markup in the user's words is never a control token
            tokens += self.llama.tokenize(answer_start.encode("utf-8"), add_bos=False, special=False)
        return tokens

    def _piece(self, token: int, special: bool = False) -> bytes:
        if token < 0:
            return b""
        buffer = self._piece_buffer  # reused: this runs once per generated token
        length = llama_cpp.llama_token_to_piece(self._vocab, token, buffer, len(buffer), 0, special)
        if length < 0:
            buffer = ctypes.create_string_buffer(-length)
            length = llama_cpp.llama_token_to_piece(self._vocab, token, buffer, -length, 0, special)
        return buffer.raw[:length]

    def _chat_formatter(self) -> llama_chat_format.Jinja2ChatFormatter:
        template = self.llama.metadata.get("tokenizer.chat_template") or PLAIN_CHAT_TEMPLATE
        decode = lambda token: self._piece(token, special=True).decode("utf-8", "replace")  # noqa: E731
        return llama_chat_format.Jinja2ChatFormatter(
            template=template,
            eos_token=decode(self.llama.token_eos()),
            bos_token=decode(self.llama.token_bos()),
            add_generation_prompt=True,
        )

    # ----- generation -------------------------------------------------------------------------
    def stream(
        self,
        prompt_tokens: Sequence[int],
        sampling: Sampling,
        cancel: threading.Event | None = None,
    ) -> Generation:
        """Start generating after `prompt_tokens`; iterate the result for text pieces."""
        return Generation(self, list(prompt_tokens), sampling, cancel)

    def _should_abort(self, _data: ctypes.c_void_p) -> bool:
        return self._cancel is not None and self._cancel.is_set()

    def _reuse_prefix(self, tokens: Sequence[int]) -> int:
        """Keep the KV cache's longest common prefix with `tokens` (from the live context or from a
        saved state of an earlier prompt, whichever shares more); return its length."""
        llama = self.llama
        limit = min(len(tokens) - 1, self.n_ctx)  # at least one token must be decoded
        live = min(common_prefix(llama.input_ids[: llama.n_tokens], tokens), limit)
        if self._states is not None:
            if llama.n_tokens - live >= MIN_SAVED_TOKENS:  # most of what the context holds would go
                self._states.save(llama.ctx, llama.input_ids[: llama.n_tokens].tolist())
            saved, shared = self._states.best(tokens)
            if saved is not None and min(shared, limit) > live:
                if self._states.restore(llama.ctx, saved):
                    llama.input_ids[: len(saved.tokens)] = saved.tokens
                    llama.n_tokens = len(saved.tokens)
                    live = min(shared, limit)
                else:
                    llama.n_tokens, live = 0, 0
        reused = live
        memory = llama_cpp.llama_get_memory(llama.ctx)
        if not llama_cpp.llama_memory_seq_rm(memory, -1, reused, -1):
            llama_cpp.llama_memory_clear(memory, True)
            reused = 0
        llama.n_tokens = reused
        return reused

    def _eval_prompt(self, tokens: Sequence[int], cancel: threading.Event | None) -> None:
        """Decode the prompt with the abort callback armed, so a cancel interrupts a long prompt."""
        llama = self.llama
        self._cancel = cancel
        llama_cpp.llama_set_abort_callback(llama.ctx, self._abort_callback, None)
        try:
            llama.eval(tokens)
        finally:
            llama_cpp.llama_set_abort_callback(llama.ctx, _NO_ABORT, None)
            self._cancel = None

    def _end_tokens(self, samplings: Sequence[Sampling]) -> list[int]:
        """The model's end-of-generation tokens, looked up once and only when a sampling bans them."""
        if all(sampling.stop_at_end for sampling in samplings):
            return []
        if self._end_token_ids is None:
            n_vocab = self.llama.n_vocab()
            self._end_token_ids = [t for t in range(n_vocab) if llama_cpp.llama_vocab_is_eog(self._vocab, t)]
        return self._end_token_ids

    def _sampler(self, sampling: Sampling) -> LlamaSampler:
        return build_sampler(self.llama.n_vocab(), sampling, self._end_tokens([sampling]), self._vocab)

    def stream_parallel(
        self,
        prompt_tokens: Sequence[int],
        samplings: Sequence[Sampling],
        cancel: threading.Event | None = None,
    ) -> ParallelGeneration:
        """Generate one candidate per sampling at once; iterate for (candidate, text piece)."""
        return ParallelGeneration(self, list(prompt_tokens), list(samplings), cancel)

    def _parallel_context(self, n_seq: int, needed: int) -> ParallelContext | None:
        """The cached multi-sequence context, grown (in steps of 1,024 cells, up to twice the main
        context) when `needed` cells do not fit; None when they never can."""
        if needed > 2 * self.n_ctx:
            return None
        size = min(-(-needed // 1024) * 1024, 2 * self.n_ctx)
        current = self._parallel
        if current is None or current.n_seq < n_seq or current.n_ctx < needed:
            if current is not None:
                n_seq = max(n_seq, current.n_seq)
                current.close()
                self._parallel = None
            try:
                self._parallel = ParallelContext(
                    self.llama.model, n_seq, size, self.config.n_threads, self.config.n_batch
                )
            except GenerationError:
                LOGGER.warning("no parallel context for %d sequences: generating one at a time", n_seq)
                return None
        return self._parallel

    def clear_cache(self) -> None:
        """Forget the KV cache, so the next prompt is evaluated from scratch."""
        llama = self.llama
        llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(llama.ctx), True)
        llama.n_tokens = 0
        self._context_owner = None
        if self._states is not None:
            self._states.clear()

    def close(self) -> None:
        """Free the model and its context; safe to call twice."""
        self._states = None
        if self._parallel is not None:
            self._parallel.close()
            self._parallel = None
        if self._llama is not None:
            self._llama.close()
            self._llama = None
