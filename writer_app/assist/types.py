"""Plain-data requests and results shared by the writing features."""

from __future__ import annotations

from dataclasses import dataclass, field

from writer_app.assist.modes import DEFAULT_MODE


@dataclass(frozen=True)
class RewriteRequest:
    """Rewrite `text` by a preset `mode` or a free `instruction` (which wins when both are set)."""

    text: str
    mode: str = DEFAULT_MODE
    instruction: str = ""
    context_before: str = ""
    context_after: str = ""
    n_candidates: int = 3
    seed: int = 0
    temperature: float = 0.8


@dataclass(frozen=True)
class Candidate:
    """One finished suggestion; `index` is its generation order."""

    index: int
    text: str
    seed: int
    finish_reason: str
    generated_tokens: int


@dataclass(frozen=True)
class Timings:
    load_s: float = 0.0
    first_token_s: float = 0.0
    tokens_per_s: float = 0.0


@dataclass(frozen=True)
class AssistResult:
    """Candidates in generation order, the model that wrote them and how long it took."""

    model: str
    candidates: tuple[Candidate, ...]
    timings: Timings = field(default_factory=Timings)
    cancelled: bool = False
    context_trimmed: bool = False
