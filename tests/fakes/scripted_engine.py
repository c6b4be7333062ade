"""A scripted second implementation of the engine protocol: deterministic text, no model.

Tokens are characters. A reply is a function of the prompt's last line and the seed, streamed one
word at a time, with an optional delay per piece so tests can cancel, yield or interleave jobs. It
declares the capabilities it has (seeds) and lacks (prefix cache, parallel sequences, grammar,
log-probabilities), so features must degrade on it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence

from writer_app.engine.context_fit import check_prompt_fits
from writer_app.engine.errors import GenerationError
from writer_app.engine.interface import EngineCapabilities
from writer_app.engine.types import GenerationStats, Sampling

BOS = 1
WORDS = ("the", "sea", "was", "calm", "and", "grey", "under", "a", "low", "sky", "while", "gulls", "turned")
Script = Callable[[str, int], str]


def default_script(prompt: str, seed: int) -> str:
    """A sentence that depends on the seed only: distinct candidates for distinct seeds."""
    words = [WORDS[(seed * 7 + i * (seed % 5 + 1)) % len(WORDS)] for i in range(12)]
    return " ".join(words).capitalize() + "."


class ScriptedGeneration:
    def __init__(self, engine: ScriptedEngine, prompt: list[int], sampling: Sampling, cancel) -> None:
        self._engine, self._prompt, self._sampling, self._cancel = engine, prompt, sampling, cancel
        self.stats = GenerationStats(prompt_tokens=len(prompt))

    def __iter__(self) -> Iterator[str]:
        engine, stats, sampling = self._engine, self.stats, self._sampling
        engine._check_open()
        check_prompt_fits(len(self._prompt), engine.n_ctx)
        started = time.perf_counter()
        prompt_text = "".join(chr(t) for t in self._prompt if t != BOS)
        reply = engine.script(prompt_text.rsplit("\n", 1)[-1], sampling.seed).split(" ")
        while not sampling.stop_at_end and len(reply) < sampling.max_tokens:
            reply = reply + reply
        try:
            for word in reply:
                if self._cancel is not None and self._cancel.is_set():
                    stats.finish_reason = "cancelled"
                    return
                if stats.generated_tokens >= sampling.max_tokens:
                    stats.finish_reason = "length"
                    return
                if engine.delay_s:
                    time.sleep(engine.delay_s)
                stats.generated_tokens += 1
                if stats.generated_tokens == 1:
                    stats.first_token_s = time.perf_counter() - started
                yield " " + word  # as a tokenizer continues text: each word with its space
            stats.finish_reason = "stop"
        finally:
            stats.total_s = time.perf_counter() - started
            if not stats.finish_reason:
                stats.finish_reason = "cancelled"


class NoParallel:
    """This engine has no parallel sequences: callers generate one candidate after another."""

    def __init__(self, count: int) -> None:
        self.stats = [GenerationStats() for _ in range(count)]

    @property
    def fits(self) -> bool:
        return False

    def __iter__(self) -> Iterator[tuple[int, str]]:
        raise GenerationError("This engine cannot decode candidates together.")


class ScriptedEngine:
    """Implements `writer_app.engine.interface.TextEngine` without a model."""

    def __init__(self, script: Script = default_script, *, n_ctx: int = 8192, delay_s: float = 0.0) -> None:
        self.script = script
        self.delay_s = delay_s
        self._n_ctx = n_ctx
        self._closed = False
        self.prompts: list[str] = []

    def _check_open(self) -> None:
        if self._closed:
            raise GenerationError("The model has been closed: load a model first.")

    @property
    def model_name(self) -> str:
        return "scripted"

    @property
    def n_ctx(self) -> int:
        return self._n_ctx

    @property
    def load_seconds(self) -> float:
        return 0.0

    @property
    def capabilities(self) -> EngineCapabilities:
        return EngineCapabilities(per_candidate_seeds=True)

    def count_tokens(self, text: str) -> int:
        self._check_open()
        return len(text)

    def chat_tokens(self, messages: Sequence[Mapping[str, str]], answer_start: str = "") -> list[int]:
        self._check_open()
        rendered = (
            "".join(f"<{m['role']}>\n{m['content']}\n" for m in messages) + "<assistant>\n" + answer_start
        )
        self.prompts.append(rendered)
        return [BOS, *map(ord, rendered)]

    def raw_tokens(self, text: str) -> list[int]:
        self._check_open()
        self.prompts.append(text)
        return [BOS, *map(ord, text)]

    def stream(
        self, prompt_tokens: Sequence[int], sampling: Sampling, cancel: threading.Event | None = None
    ) -> ScriptedGeneration:
        return ScriptedGeneration(self, list(prompt_tokens), sampling, cancel)

    def stream_parallel(
        self,
        prompt_tokens: Sequence[int],
        samplings: Sequence[Sampling],
        cancel: threading.Event | None = None,
    ) -> NoParallel:
        return NoParallel(len(samplings))

    def close(self) -> None:
        self._closed = True
