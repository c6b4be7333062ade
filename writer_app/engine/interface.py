"""The engine protocol every writing feature uses, and the capabilities an engine declares.

`LlamaEngine` (in-process llama.cpp) and `RemoteEngine` (a model server over the OpenAI-compatible
API) implement it; `tests/fakes/scripted_engine.py` is a scripted third implementation, and
`tests/engine/test_conformance.py` runs one suite against all of them (the remote one on a real
server). Features use nothing outside this protocol and read `capabilities` to
degrade gracefully: no parallel sequences → candidates one after another; no prefix cache → slower,
not broken.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from writer_app.engine.types import GenerationStats, Sampling


@dataclass(frozen=True)
class EngineCapabilities:
    """What an engine can do beyond streaming one generation."""

    prefix_cache: bool = False  # a repeated prompt prefix is not read again
    parallel_sequences: bool = False  # `stream_parallel` decodes several candidates together
    per_candidate_seeds: bool = False  # a Sampling's seed reproduces the same text
    grammar: bool = False  # grammar-constrained output (GBNF)
    logprobs: bool = False  # per-token log-probabilities
    phrase_bans: bool = False  # a Sampling's banned phrases are kept out while generating


class TextGeneration(Protocol):
    """An iterable of text pieces whose `stats` are complete once iteration ends."""

    stats: GenerationStats

    def __iter__(self) -> Iterator[str]: ...


class ParallelTextGeneration(Protocol):
    """Candidates decoded together: iterate for (candidate position, text piece); `stats` per
    candidate once iteration ends. `fits` is False when they cannot share one context."""

    stats: list[GenerationStats]

    @property
    def fits(self) -> bool: ...

    def __iter__(self) -> Iterator[tuple[int, str]]: ...


class Embedder(Protocol):
    """The scoring model's reader: a fixed-size vector for a text (see `engine.embedding`)."""

    def read(self, text: str) -> Sequence[float] | None: ...  # None where it cannot read the text

    def cached(self, text: str) -> Sequence[float] | None: ...

    def close(self) -> None: ...


class TextEngine(Protocol):
    """What `assist` uses: counting, chat and raw prompts, streaming, parallel candidates, closing."""

    @property
    def model_name(self) -> str: ...

    @property
    def n_ctx(self) -> int: ...

    @property
    def load_seconds(self) -> float: ...

    @property
    def capabilities(self) -> EngineCapabilities: ...

    def count_tokens(self, text: str) -> int: ...

    def chat_tokens(self, messages: Sequence[Mapping[str, str]], answer_start: str = "") -> list[int]:
        """A chat rendered with the model's template (generation prompt added), as tokens, then
        `answer_start`: the beginning of the answer for the model to go on from."""
        ...

    def raw_tokens(self, text: str) -> list[int]:
        """A plain text to continue, as tokens (no chat template; BOS as the model wants it)."""
        ...

    def stream(
        self, prompt_tokens: Sequence[int], sampling: Sampling, cancel: threading.Event | None = None
    ) -> TextGeneration: ...

    def stream_parallel(
        self,
        prompt_tokens: Sequence[int],
        samplings: Sequence[Sampling],
        cancel: threading.Event | None = None,
    ) -> ParallelTextGeneration: ...

    def close(self) -> None: ...
