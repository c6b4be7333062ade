"""Fits surrounding document text into a token budget, keeping what is nearest the selection."""

from __future__ import annotations

from collections.abc import Callable

from writer_app.engine.errors import GenerationError

TokenCounter = Callable[[str], int]


def check_prompt_fits(prompt_tokens: int, n_ctx: int) -> None:
    """A GenerationError with a sentence when a prompt is empty or leaves no room in the context."""
    if not prompt_tokens:
        raise GenerationError("There is nothing to send to the model: the prompt is empty.")
    if prompt_tokens >= n_ctx:
        raise GenerationError(
            f"The prompt ({prompt_tokens} tokens) does not fit the model's context of {n_ctx} tokens: "
            "shorten the text."
        )


def _tail_within(text: str, budget: int, count: TokenCounter) -> str:
    """The longest end of `text`, starting at a word boundary, of at most `budget` tokens."""
    if budget <= 0 or not text:
        return ""
    if count(text) <= budget:
        return text
    low, high = 0, len(text)  # invariant: text[high:] fits
    while high - low > 1:
        middle = (low + high) // 2
        if count(text[middle:]) <= budget:
            high = middle
        else:
            low = middle
    tail = text[high:]
    boundary = next((i for i, char in enumerate(tail) if char.isspace()), None)
    return tail[boundary:].lstrip() if boundary is not None else ""


def _head_within(text: str, budget: int, count: TokenCounter) -> str:
    """The longest start of `text`, ending at a word boundary, of at most `budget` tokens."""
    if budget <= 0 or not text:
        return ""
    if count(text) <= budget:
        return text
    low, high = 0, len(text)  # invariant: text[:low] fits
    while high - low > 1:
        middle = (low + high) // 2
        if count(text[:middle]) <= budget:
            low = middle
        else:
            high = middle
    head = text[:low]
    boundary = max(head.rfind(" "), head.rfind("\n"))
    return head[:boundary].rstrip() if boundary > 0 else ""


def fit_context(
    before: str, after: str, budget: int, count: TokenCounter, before_share: float = 0.67
) -> tuple[str, str]:
    """Trim `before` from its start and `after` from its end so both fit in `budget` tokens."""
    if budget <= 0:
        return "", ""
    before_tokens, after_tokens = count(before), count(after)
    if before_tokens + after_tokens <= budget:
        return before, after
    before_budget = int(budget * before_share)
    after_budget = budget - before_budget
    if after_tokens < after_budget:
        before_budget = budget - after_tokens
    elif before_tokens < before_budget:
        after_budget = budget - before_tokens
    return _tail_within(before, before_budget, count), _head_within(after, after_budget, count)
