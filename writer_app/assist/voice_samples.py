"""The samples of a voice shown to the model: cut into passages, the most representative first (the same
for every task, in the samples' own order, so their tokens stay a cached prefix), then the ones closest
in subject to the task, within a token budget."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

from writer_app.engine.errors import ContextOverflowError
from writer_app.reward.style_meter import (
    CHUNK_WORDS,
    StyleProfileStats,
    build_profile,
    centre_distance,
    chunks,
    is_function_word,
)
from writer_app.reward.text_units import words

SEPARATOR = "\n\n* * *\n\n"  # between passages: a scene break, so none reads as the next one's start
STABLE_SHARE = 0.7  # of the sample budget: the most representative passages, the same for every task
MAX_SAMPLE_SHARE = 0.5  # of the context: the samples never crowd out the task and the answer
MAX_SAMPLE_TOKENS = 2_000  # enough to show a voice; more only costs prompt time


def _content_words(text: str) -> Counter[str]:
    return Counter(w for w in (t.lower for t in words(text)) if len(w) > 2 and not is_function_word(w))


def _overlap(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(count * b[word] for word, count in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


MEASURED_KEPT = 16  # voices × passage sizes whose measured passages are kept between requests
_measured: dict[tuple, tuple[tuple[str, ...], tuple[float, ...]]] = {}  # the worker thread's only


def _measured_pieces(
    samples: tuple[str, ...], size: int, stats: StyleProfileStats
) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """The samples' passages of about `size` words and each one's distance from the voice's centre,
    kept for the next request (measuring a novel-sized voice takes a second)."""
    key = (samples, size, stats.center)
    if key not in _measured:
        pieces = tuple(chunks(list(samples), size))
        _measured[key] = pieces, tuple(centre_distance(piece, stats) for piece in pieces)
        while len(_measured) > MEASURED_KEPT:
            _measured.pop(next(iter(_measured)))
    return _measured[key]


def select_samples(
    samples: tuple[str, ...] | list[str],
    budget_tokens: int,
    count_tokens: Callable[[str], int],
    task_text: str = "",
    stats: StyleProfileStats | None = None,
) -> list[str]:
    """Passages of the samples that fit `budget_tokens`: first the most representative of the voice
    (the same for every task, in the samples' own order, so their tokens stay a cached prefix), then
    the ones closest in subject to `task_text`, after them."""
    separator = count_tokens(SEPARATOR)
    stats = stats or build_profile(list(samples))  # once, whatever passage size fits
    for size in (CHUNK_WORDS, CHUNK_WORDS // 2, CHUNK_WORDS // 4):  # smaller passages for a small context
        pieces, distances = _measured_pieces(tuple(samples), size, stats)
        costs = [count_tokens(piece) + separator for piece in pieces]
        if costs and min(costs) <= budget_tokens * STABLE_SHARE:
            break
    if not pieces:
        return []
    representative = sorted(range(len(pieces)), key=lambda i: (distances[i], i))
    stable: list[int] = []
    spent = 0
    for i in representative:
        if spent + costs[i] > budget_tokens * (STABLE_SHARE if task_text.strip() else 1.0):
            continue
        stable.append(i)
        spent += costs[i]
    extra: list[int] = []
    if task_text.strip():
        topic = _content_words(task_text)
        rest = [i for i in range(len(pieces)) if i not in stable]
        for i in sorted(rest, key=lambda i: (-_overlap(topic, _content_words(pieces[i])), i)):
            if spent + costs[i] <= budget_tokens:
                extra.append(i)
                spent += costs[i]
    if not stable and not extra:
        raise ContextOverflowError(
            "The model's context is too small to show it even one passage of the samples: choose a "
            "larger context (Preferences, or --n-ctx on the command line)."
        )
    return [pieces[i] for i in sorted(stable)] + [pieces[i] for i in sorted(extra)]


def sample_budget(n_ctx: int, reserved: int) -> int:
    """Tokens the samples may take in a context of `n_ctx` with `reserved` for the task and answer."""
    return min(MAX_SAMPLE_TOKENS, int(n_ctx * MAX_SAMPLE_SHARE), n_ctx - reserved)
