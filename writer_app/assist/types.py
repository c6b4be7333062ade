"""Plain-data requests and results shared by the writing features."""

from __future__ import annotations

from dataclasses import dataclass, field

from writer_app.assist.modes import DEFAULT_MODE
from writer_app.reward.style_meter import StyleProfileStats


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
    style: StyleProfileStats | None = None  # the active voice: candidates are also ranked by closeness to it
    style_samples: tuple[str, ...] = ()  # its samples, for the scoring model's reading of the voice


@dataclass(frozen=True)
class SlopSpan:
    category: str
    start: int
    end: int


@dataclass(frozen=True)
class Candidate:
    """One finished suggestion; `index` is its generation order, `rank` 1 is the reward's best."""

    index: int
    text: str
    seed: int
    finish_reason: str
    generated_tokens: int
    score: float | None = None
    rank: int | None = None
    breakdown: dict[str, float] = field(default_factory=dict)
    explanation: str = ""
    spans: tuple[SlopSpan, ...] = ()
    merged_into: int | None = None


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
    source_spans: tuple[SlopSpan, ...] = ()
    interrupted: str = ""  # why the run ended early (a server that went away): its sentence
    score_request: object = None  # the reward's ScoreRequest they were ranked by (to rank edits again)

    def ranked(self) -> list[Candidate]:
        """Best first, near-duplicates left out; generation order when nothing was scored."""
        kept = [c for c in self.candidates if c.merged_into is None]
        return sorted(kept, key=lambda c: (c.rank if c.rank is not None else c.index + 1, c.index))


@dataclass(frozen=True)
class RescoreRequest:
    """Rank `result`'s candidates again with `texts` (one per candidate, in their order): the user
    edited a proposal."""

    result: AssistResult
    texts: tuple[str, ...]


@dataclass(frozen=True)
class VoiceMatchRequest:
    """How close `text` comes to the voice of `samples` (their stored figures: `profile`), measured as a
    candidate's voice match is (the Style panel's figure for the selection)."""

    text: str
    samples: tuple[str, ...]
    profile: StyleProfileStats
