"""The voice as the scoring model reads it: a text's reading against the samples' readings, joined
with the style meter's standing where the scoring model is at hand.

The meter counts function words, punctuation and sentence shapes; the default model's reading (its
mean-pooled state, `engine.embedding`) also carries a voice's era, register and syntax. Measured on
the authors' passages (`make eval-style`), the two together tell authors apart better than either
alone, and put the author's own passage over the model's retelling of it more often.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from writer_app.reward.style_meter import StyleMatch, StyleProfileStats, build_profile, chunks

READING_WORDS = 180  # the samples are read in passages of about this many words
MIN_PASSAGES = 3  # fewer give no spread to measure against: the meter alone
MIN_SPREAD = 0.01

Reader = Callable[[str], "Sequence[float] | None"]


@dataclass(frozen=True)
class VoiceReading:
    """The samples' readings: their centre's direction from LAMP's average reading, and how far the
    samples' own passages lie from the centre of the others (mean and spread)."""

    centre: np.ndarray
    origin: np.ndarray
    mean: float
    spread: float

    def standing(self, reading: Sequence[float]) -> float:
        """(distance − the samples' own mean distance) / their spread: 0 is typical of the samples."""
        return (_distance(self._unit(reading), self.centre) - self.mean) / self.spread

    def _unit(self, reading: Sequence[float]) -> np.ndarray:
        vector = np.asarray(reading, dtype=np.float64) - self.origin
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector


def _distance(unit: np.ndarray, centre: np.ndarray) -> float:
    norm = float(np.linalg.norm(centre))
    return 1.0 - float(unit @ centre) / norm if norm else 1.0


def voice_reading(samples: Sequence[str], read: Reader, origin: Sequence[float]) -> VoiceReading | None:
    """The samples read in passages of about READING_WORDS words; None with too few passages, or
    when a passage cannot be read or its reading has another width than `origin`."""
    passages = chunks([s for s in samples if s.strip()], READING_WORDS)
    if len(passages) < MIN_PASSAGES:
        return None
    base = np.asarray(origin, dtype=np.float64)
    readings = [read(passage) for passage in passages]
    if any(r is None or len(r) != len(base) for r in readings):
        return None
    probe = VoiceReading(np.zeros_like(base), base, 0.0, 1.0)
    units = np.array([probe._unit(r) for r in readings])  # type: ignore[arg-type]
    held_out = [_distance(units[i], np.delete(units, i, axis=0).mean(axis=0)) for i in range(len(units))]
    spread = max(float(np.std(held_out)), MIN_SPREAD)
    return VoiceReading(units.mean(axis=0), base, float(np.mean(held_out)), spread)


def joined(meter: StyleMatch, reading_standing: float) -> StyleMatch:
    """The meter's match with the reading's standing averaged in (equal weights: the weight the
    evaluation chose); score and percentile follow the joined standing as the meter's own do."""
    standing = (meter.standing + reading_standing) / 2
    score = round(10.0 / (1.0 + math.exp(standing - 1.0)), 2)
    percentile = round(100.0 * 0.5 * math.erfc(standing / math.sqrt(2)), 1)
    return replace(meter, standing=round(standing, 3), score=score, percentile=percentile)


@functools.cache
def _profile_of(samples: tuple[str, ...]) -> StyleProfileStats:
    return build_profile(list(samples))


def meter_profile(profile: StyleProfileStats | None, samples: Sequence[str]) -> StyleProfileStats | None:
    """The meter's figures candidates are measured against: a stored profile's, or the samples'."""
    if profile is not None:
        return profile
    kept = tuple(s for s in samples if s.strip())
    return _profile_of(kept) if kept else None
