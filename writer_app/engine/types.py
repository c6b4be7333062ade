"""Plain-data settings and results of the engine: load config, sampling, generation stats."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from writer_app.engine.hardware import physical_cores


@dataclass(frozen=True)
class EngineConfig:
    """How to load a model: which file, how much context, how many threads."""

    model_path: Path
    n_ctx: int = 4096
    n_threads: int = field(default_factory=physical_cores)
    n_batch: int = 512
    display_name: str = ""  # shown instead of the name inside the file, e.g. for the default model

    @property
    def source(self) -> str:
        """Where the model is, for messages."""
        return str(self.model_path)


@dataclass(frozen=True)
class ServerConfig:
    """How to reach a model server over the OpenAI-compatible API (see `engine.remote_engine`)."""

    base_url: str
    model: str = ""  # "" when the server serves one model
    api_key: str = field(default="", repr=False)
    n_ctx: int = 4096  # used where the server does not say its context size
    timeout_s: float = 60.0  # the longest silence within an answer before it counts as lost

    @property
    def source(self) -> str:
        return self.base_url


@dataclass(frozen=True)
class Sampling:
    """How to pick tokens; `seed` makes a candidate reproducible."""

    temperature: float = 0.8
    top_k: int = 40
    top_p: float = 0.95
    min_p: float = 0.05
    repeat_penalty: float = 1.1
    max_tokens: int = 256
    seed: int = 0
    stop_at_end: bool = True  # False bans end-of-text tokens, so exactly max_tokens come (benchmarks)
    grammar: str = ""  # a GBNF grammar the output must follow (engines with the `grammar` capability)
    # DRY ("don't repeat yourself"): lowers tokens that would extend a sequence already in the prompt
    # or the answer, more the longer the match; 0 is off (long drafts turn it on).
    dry_multiplier: float = 0.0
    # Phrases kept out of the text as it is generated (lower-case; a trailing "*" is any word ending):
    # engines with the `phrase_bans` capability back up and sample again; others ignore them.
    banned: tuple[str, ...] = ()


@dataclass
class GenerationStats:
    """Counts and timings of one generation; `finish_reason` is stop, length or cancelled."""

    prompt_tokens: int = 0
    reused_prompt_tokens: int = 0
    generated_tokens: int = 0
    first_token_s: float = 0.0
    total_s: float = 0.0
    finish_reason: str = ""  # "interrupted": the server went away after some text (`note` says so)
    note: str = ""
    backtracks: int = 0  # times a banned phrase was taken back and sampled again
    ban_cap_hits: int = 0  # banned phrases let through because a retry cap was reached

    @property
    def tokens_per_s(self) -> float:
        """Decode speed after the first token (prompt evaluation excluded)."""
        decode_s = self.total_s - self.first_token_s
        if self.generated_tokens < 2 or decode_s <= 0:
            return 0.0
        return (self.generated_tokens - 1) / decode_s
