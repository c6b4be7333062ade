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
    parallel: bool = True,
) -> CandidateRun:
    """Fill `n` slots with non-empty, distinct cleaned candidates (or run out of attempts).

    With `parallel`, and an engine that can, the first try of every slot runs as one batch of
    sequences; empty or duplicate slots are then retried one after another with new seeds.
    """
    listener = listener or CandidateListener()
    attempts_left = max_attempts if max_attempts is not None else n + max(2, n)
    run = CandidateRun([], [], cancelled=False)
    seen: set[str] = set()

    def keep(index: int, raw: str, seed: int, stats: GenerationStats) -> bool:
        text = clean(raw)
        key = _normalised(text)
        if not key or key in seen:
            return False
        seen.add(key)
        candidate = Candidate(index, text, seed, stats.finish_reason, stats.generated_tokens)
        run.candidates.append(candidate)
        listener.finished(candidate)
        return True

    todo = list(range(n))
    tried: set[int] = set()  # slots whose parallel try was rejected: their retries need new seeds
    stream_parallel = getattr(engine, "stream_parallel", None) if parallel and n > 1 else None
    if stream_parallel is not None:
        samplings = [replace(sampling, seed=sampling.seed + i) for i in range(n)]
        generation = stream_parallel(prompt_tokens, samplings, cancel)
        if generation.fits:
            pieces: list[list[str]] = [[] for _ in range(n)]
            for index, piece in generation:
                pieces[index].append(piece)
                listener.chunk(index, piece)
            run.stats.extend(generation.stats)
            attempts_left -= n
            if any(s.finish_reason == "cancelled" for s in generation.stats):
                run.cancelled = True
                return run
            todo = [
                i for i in range(n) if not keep(i, "".join(pieces[i]), samplings[i].seed, generation.stats[i])
            ]
            for index in todo:
                listener.restart(index)  # an empty or duplicate slot is cleared, then retried
            tried = set(todo)
    next_seed = sampling.seed + n
    for index in todo:
        seed = sampling.seed + index if index not in tried else None
        retry = False
        while attempts_left > 0:
            if seed is None:
                seed, next_seed = next_seed, next_seed + 1
            if retry:
                listener.restart(index)
            retry = True
            generation = engine.stream(prompt_tokens, replace(sampling, seed=seed), cancel)
            pieces_one: list[str] = []
            for piece in generation:
                pieces_one.append(piece)
                listener.chunk(index, piece)
            run.stats.append(generation.stats)
            attempts_left -= 1
            if generation.stats.finish_reason == "cancelled":
                run.cancelled = True
                run.candidates.sort(key=lambda c: c.index)
                return run
            if keep(index, "".join(pieces_one), seed, generation.stats):
                break
            seed = None
    run.candidates.sort(key=lambda c: c.index)
    return run
