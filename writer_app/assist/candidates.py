"""Generates N distinct candidates from one prompt, streaming each, with a seed per candidate."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from writer_app.assist.types import Candidate, Timings
from writer_app.engine.interface import TextEngine
from writer_app.engine.types import GenerationStats, Sampling
from writer_app.errors import UserError


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
    wall_s: float = 0.0  # from the request to the last token, every round included
    interrupted: str = ""  # the server went away: its sentence (the text that came is kept)

    def timings(self, load_s: float = 0.0) -> Timings:
        """Time to the first token, and tokens per second of wall time after it over all candidates
        (sequences decoded together count together, as the user sees them arrive)."""
        first = next((s.first_token_s for s in self.stats if s.generated_tokens), 0.0)
        tokens = sum(s.generated_tokens for s in self.stats)
        decode_s = self.wall_s - first
        return Timings(load_s, first, (tokens - 1) / decode_s if tokens > 1 and decode_s > 0 else 0.0)


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

    Slots are tried in rounds: the first round tries every slot with seed `sampling.seed + slot`,
    later rounds retry the empty or duplicate slots with fresh seeds. With `parallel`, and an engine
    that can, each round runs as one batch of sequences in the shared context, whose cached prompt
    the retries reuse; otherwise the slots of a round run one after another.
    """
    started = time.perf_counter()
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

    stream_parallel = getattr(engine, "stream_parallel", None) if parallel and n > 1 else None
    todo = list(range(n))
    fresh_seeds = itertools.count(sampling.seed + n)  # for retries: never a seed tried before
    while todo and attempts_left > 0:
        slots = todo[:attempts_left]
        if not run.stats:  # the first round
            seeds = [sampling.seed + index for index in slots]
        else:
            seeds = [next(fresh_seeds) for _ in slots]
            for index in slots:
                listener.restart(index)  # the rejected try is cleared before the retry streams
        samplings = [replace(sampling, seed=seed) for seed in seeds]
        tries = _run_round(engine, stream_parallel, prompt_tokens, slots, samplings, cancel, listener)
        try:
            for position, raw, stats in tries:
                run.stats.append(stats)
                attempts_left -= 1
                if stats.finish_reason == "cancelled":
                    run.cancelled = True
                elif keep(slots[position], raw, seeds[position], stats):
                    todo.remove(slots[position])
                if stats.finish_reason == "interrupted":  # kept, cut off; this round ends the run
                    run.interrupted = run.interrupted or stats.note
        except UserError as error:  # e.g. a server gone after some candidates: they are kept
            if not run.candidates:
                raise
            run.interrupted = run.interrupted or str(error)
        if run.interrupted:
            break
        if run.cancelled or (cancel is not None and cancel.is_set()):
            run.cancelled = True
            break
    run.candidates.sort(key=lambda c: c.index)
    run.wall_s = time.perf_counter() - started
    return run


def _run_round(
    engine: TextEngine,
    stream_parallel: Callable | None,
    prompt_tokens: Sequence[int],
    slots: list[int],
    samplings: list[Sampling],
    cancel: threading.Event | None,
    listener: CandidateListener,
) -> Iterator[tuple[int, str, GenerationStats]]:
    """Yield (position in `slots`, raw text, stats) as each try ends, streaming chunks meanwhile;
    one after another, a cancel (also one set while a finished try is handled) or a server gone
    mid-answer ends the round."""
    if stream_parallel is not None:
        generation = stream_parallel(prompt_tokens, samplings, cancel)
        if generation.fits:
            pieces: list[list[str]] = [[] for _ in slots]
            for position, piece in generation:
                pieces[position].append(piece)
                listener.chunk(slots[position], piece)
            for position, stats in enumerate(generation.stats):
                yield position, "".join(pieces[position]), stats
            return
    for position, one_sampling in enumerate(samplings):
        if position and cancel is not None and cancel.is_set():
            return
        generation = engine.stream(prompt_tokens, one_sampling, cancel)
        one_pieces: list[str] = []
        for piece in generation:
            one_pieces.append(piece)
            listener.chunk(slots[position], piece)
        yield position, "".join(one_pieces), generation.stats
        if generation.stats.finish_reason == "interrupted":
            return  # the server went away: no further request
