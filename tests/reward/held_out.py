"""The share of held-out comparisons a voice measure gets right on the authors' passages (the reward
tests' `passages` fixture): a passage of the voice's author must come closer than other authors'."""

from __future__ import annotations

from collections.abc import Callable


def own_closer_share(
    passages: dict[str, list[str]],
    distance_for: Callable[[str], Callable[[str], float]],
    own: slice,
    others: slice,
) -> float:
    """For four authors' voices (`distance_for(author)` measures a text against it): the share of
    pairs of the author's held-out passages (`own`) and other authors' (`others`) where the author's
    own comes closer."""
    right = total = 0
    for author in ("austen", "carroll", "melville", "burgess"):
        distance = distance_for(author)
        near = [distance(t) for t in passages[author][own]]
        far = [distance(t) for a, texts in passages.items() if a != author for t in texts[others]]
        right += sum(n < f for n in near for f in far)
        total += len(near) * len(far)
    return right / total
