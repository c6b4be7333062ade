"""Streamed answers from a model server: one candidate, or several (as `n`, or concurrent requests)."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from writer_app.engine.context_fit import check_prompt_fits
from writer_app.engine.errors import ServerError
from writer_app.engine.server_api import ServerClient, ServerDropped
from writer_app.engine.types import GenerationStats, Sampling

FINISH_REASONS = {"stop": "stop", "eos": "stop", "length": "length"}


def sampling_fields(sampling: Sampling, extensions: bool, grammar: bool) -> dict[str, Any]:
    """The request fields for `sampling`: OpenAI's own, and llama.cpp's and vLLM's where accepted."""
    fields: dict[str, Any] = {
        "temperature": sampling.temperature,
        "top_p": sampling.top_p,
        "max_tokens": sampling.max_tokens,
        "seed": sampling.seed,
    }
    if extensions:
        fields |= {
            "top_k": sampling.top_k,
            "min_p": sampling.min_p,
            "repeat_penalty": sampling.repeat_penalty,  # llama.cpp's name
            "repetition_penalty": sampling.repeat_penalty,  # vLLM's name
        }
        if not sampling.stop_at_end:  # exactly max_tokens (benchmarks)
            fields |= {"ignore_eos": True, "min_tokens": sampling.max_tokens}
        if sampling.dry_multiplier > 0:
            fields["dry_multiplier"] = sampling.dry_multiplier
    if grammar and sampling.grammar:
        fields["grammar"] = sampling.grammar
    return fields


def _piece(choice: dict) -> str:
    if "delta" in choice:
        return (choice.get("delta") or {}).get("content") or ""
    return choice.get("text") or ""


@dataclass(frozen=True)
class StreamRequest:
    """One streamed request: where it goes, its body, and what the answer is measured against."""

    client: ServerClient
    path: str
    body: dict[str, Any]
    prompt_tokens: int
    n_ctx: int
    max_tokens: int
    cancel: threading.Event | None
    # The answer so far, when the server starts a new turn to go on with it: its first piece is
    # joined to that text with a space where neither has one.
    joins: str = ""

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def events(self):
        check_prompt_fits(self.prompt_tokens, self.n_ctx)
        return self.client.events(self.path, self.body, self.cancel)

    def finish(self, stats: GenerationStats) -> None:
        """The finish reason where the stream did not give one (one that ended keeps its own)."""
        if not stats.finish_reason:
            if self.cancelled():
                stats.finish_reason = "cancelled"
            else:
                stats.finish_reason = "length" if stats.generated_tokens >= self.max_tokens else "stop"

    def joined(self, text: str) -> str:
        """The first piece of a new turn that goes on with `joins`."""
        if self.joins and not self.joins[-1].isspace() and text[:1].isalnum():
            return " " + text
        return text


class ChoicesGeneration:
    """Candidates as the `n` choices of one streamed request (choice i is candidate i): iterate for
    (candidate, text piece), then read `stats`. A server that goes away after some text ends the
    unfinished ones as "interrupted" (their text stays); before any text, it raises."""

    fits = True

    def __init__(self, request: StreamRequest, n: int) -> None:
        self._request, self._n = request, n
        self.stats = [GenerationStats(prompt_tokens=request.prompt_tokens) for _ in range(n)]

    def __iter__(self) -> Iterator[tuple[int, str]]:
        request = self._request
        started = time.perf_counter()
        if request.cancelled():
            check_prompt_fits(request.prompt_tokens, request.n_ctx)
            for stats in self.stats:
                stats.finish_reason = "cancelled"
            return
        try:
            with request.events() as events:
                for event in events:
                    for choice in event.get("choices") or []:
                        position = int(choice.get("index", 0))
                        if not 0 <= position < self._n:
                            continue
                        stats, text = self.stats[position], _piece(choice)
                        if text:
                            stats.generated_tokens += 1
                            if stats.generated_tokens == 1:
                                stats.first_token_s = time.perf_counter() - started
                            yield position, text
                        if choice.get("finish_reason"):
                            stats.finish_reason = FINISH_REASONS.get(choice["finish_reason"], "stop")
                            stats.total_s = time.perf_counter() - started
                    if request.cancelled():
                        break
        except ServerDropped as error:
            if not any(stats.generated_tokens for stats in self.stats):
                raise
            for stats in self.stats:
                if not stats.finish_reason:
                    stats.finish_reason, stats.note = "interrupted", str(error)
        for stats in self.stats:
            stats.total_s = stats.total_s or time.perf_counter() - started
            request.finish(stats)


class RemoteGeneration:
    """One streamed answer (the one choice of a request): iterate for text pieces, then read `stats`."""

    def __init__(self, request: StreamRequest) -> None:
        self._request, self._choices = request, ChoicesGeneration(request, 1)

    @property
    def stats(self) -> GenerationStats:
        return self._choices.stats[0]

    def __iter__(self) -> Iterator[str]:
        first = True
        for _position, text in self._choices:
            yield self._request.joined(text) if first else text
            first = False


class ConcurrentGeneration:
    """Several candidates as concurrent requests (a server with several slots), merged as they come."""

    fits = True

    def __init__(self, generations: list[RemoteGeneration]) -> None:
        self._generations = generations
        self.stats = [generation.stats for generation in generations]

    def __iter__(self) -> Iterator[tuple[int, str]]:
        pieces: queue.Queue[tuple[int, str | None, BaseException | None]] = queue.Queue()

        def run(position: int, generation: RemoteGeneration) -> None:
            try:
                for text in generation:
                    pieces.put((position, text, None))
            except ServerError as error:  # this candidate ends; the others keep what they have
                generation.stats.finish_reason, generation.stats.note = "interrupted", str(error)
            except BaseException as error:  # a bug: handed to the reading thread, raised there
                pieces.put((position, None, error))
                return
            pieces.put((position, None, None))

        threads = [
            threading.Thread(target=run, args=(position, generation), daemon=True)
            for position, generation in enumerate(self._generations)
        ]
        for thread in threads:
            thread.start()
        running, failure = len(threads), None
        while running:
            position, text, error = pieces.get()
            if text is not None:
                yield position, text
                continue
            running -= 1
            failure = failure or error
        self.stats = [generation.stats for generation in self._generations]
        if failure is not None:
            raise failure
        if all(s.finish_reason == "interrupted" and not s.generated_tokens for s in self.stats):
            raise ServerError(self.stats[0].note)  # nothing came at all: the request's own sentence


class SequentialOnly:
    """A server that answers one request at a time: candidates go one after another instead."""

    fits = False

    def __init__(self) -> None:
        self.stats: list[GenerationStats] = []  # never filled: nothing is generated here

    def __iter__(self) -> Iterator[tuple[int, str]]:
        return iter(())
