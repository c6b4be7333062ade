"""Generates N distinct candidates from one prompt, streaming each, with a seed per candidate."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from writer_app.assist.types import Candidate, Timings
from writer_app.engine.interface import TextEngine
from writer_app.engine.types import GenerationStats, Sampling


class CandidateListener:
    """Receives progress while candidates are generated; override what you need."""

    def chunk(self, index: int, text: str) -> None:
        """A piece of raw model text for candidate `index`."""

    def restart(self, index: int) -> None:
        """Candidate `index` is being generated again (the last try was empty or a duplicate)."""

    def finished(self, candidate: Candidate) -> None:
        """Candidate `candidate.index` is complete and cleaned."""


@dataclass
class CandidateRun:
    candidates: list[Candidate]
    stats: list[GenerationStats]
    cancelled: bool

    def timings(self, load_s: float = 0.0) -> Timings:
        generated = [s for s in self.stats if s.generated_tokens > 1]
        decode_s = sum(s.total_s - s.first_token_s for s in generated)
        tokens = sum(s.generated_tokens - 1 for s in generated)
        first = next((s.first_token_s for s in self.stats if s.generated_tokens), 0.0)
        return Timings(load_s, first, tokens / decode_s if decode_s > 0 else 0.0)


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def generate_candidates(
    engine: TextEngine,
    prompt_tokens: Sequence[int],
    sampling: Sampling,
    n: int,
    clean: Callable[[str], str],
    *,
    cancel: threading.Event | None = None,
    listener: CandidateListener | None = None,
    max_attempts: int | None = None,
) -> CandidateRun:
    """Sample until `n` non-empty, distinct cleaned candidates exist (or attempts run out)."""
    listener = listener or CandidateListener()
    attempts_left = max_attempts if max_attempts is not None else n + max(2, n)
    run = CandidateRun([], [], cancelled=False)
    seen: set[str] = set()
    seed = sampling.seed
    restarting = False
    while len(run.candidates) < n and attempts_left > 0:
        index = len(run.candidates)
        if restarting:
            listener.restart(index)
        generation = engine.stream(prompt_tokens, replace(sampling, seed=seed), cancel)
        pieces: list[str] = []
        for piece in generation:
            pieces.append(piece)
            listener.chunk(index, piece)
        run.stats.append(generation.stats)
        attempts_left -= 1
        if generation.stats.finish_reason == "cancelled":
            run.cancelled = True
            break
        text = clean("".join(pieces))
        key = _normalised(text)
        restarting = not key or key in seen
        if not restarting:
            seen.add(key)
            candidate = Candidate(
                index, text, seed, generation.stats.finish_reason, generation.stats.generated_tokens
            )
            run.candidates.append(candidate)
            listener.finished(candidate)
        seed += 1
    return run
