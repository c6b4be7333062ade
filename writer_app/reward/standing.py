"""A text's standing among a voice's own passages: the voice's spread pooled with a typical one's,
and the 0–10 score and percentile a standing gives (the style meter's and the voice reading's alike)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def pooled(
    distances: Sequence[float], typical: tuple[float, float], prior: int, floor: float
) -> tuple[float, float]:
    """The mean and spread of a voice's own distances, pooled with a typical voice's (`typical`) as if
    it had `prior` more: a few give a noisy mean and spread. The spread is at least `floor`."""
    n = len(distances)
    mean = (n * statistics.fmean(distances) + prior * typical[0]) / (n + prior)
    variance = n * statistics.pvariance(distances) + prior * typical[1] ** 2
    return mean, max(math.sqrt(variance / (n + prior)), floor)


def standing_score(standing: float) -> float:
    """0–10 from a standing: the samples' own passages (about 0) score about 7, closer than all 9+."""
    return round(10.0 / (1.0 + math.exp(standing - 1.0)), 2)


def normal_percentile(standing: float) -> float:
    """The share (in %) of a normal spread of the voice's own passages farther than this standing."""
    return 100.0 * 0.5 * math.erfc(standing / math.sqrt(2))
