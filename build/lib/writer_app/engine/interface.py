"""The small interface the writing features need from an engine (a fake can stand in for UI tests)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from writer_app.engine.types import GenerationStats, Sampling


class TextGeneration(Protocol):
    """An iterable of text pieces whose `stats` are complete once iteration ends."""

    stats: GenerationStats

    def __iter__(self) -> Iterable[str]: ...


class TextEngine(Protocol):
    """What `assist` uses: counting, chat prompts and streaming."""

    @property
    def model_name(self) -> str: ...

    @property
    def n_ctx(self) -> int: ...

    def count_tokens(self, text: str) -> int: ...

    def chat_tokens(self, messages: Sequence[Mapping[str, str]]) -> list[int]: ...

    def stream(
        self, prompt_tokens: Sequence[int], sampling: Sampling, cancel: threading.Event | None = None
    ) -> TextGeneration: ...
