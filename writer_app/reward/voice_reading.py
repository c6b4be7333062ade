"""The voice as the scoring model reads it: a text's reading against the samples' readings, joined
with the style meter's standing where the scoring model is at hand.

The meter counts function words, punctuation and sentence shapes; the default model's reading (its
mean-pooled state, `engine.embedding`) also carries a voice's era, register and syntax. Measured on
the authors' passages (`make eval-style`), the two together tell authors apart better than either
alone, and put the author's own passage over the model's retelling of it more often.
"""

from __future__ import annotations

import functools
import json
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from writer_app.reward.standing import normal_percentile, pooled, standing_score
from writer_app.reward.style_meter import StyleMatch, StyleProfileStats, build_profile, chunks

LOGGER = logging.getLogger(__name__)
READING_WORDS = 180  # the samples are read in passages of about this many words
MIN_PASSAGES = 3  # fewer give no spread to measure against: the meter alone
MAX_PASSAGES = 12  # a long voice is read in this many passages spread over it (half a second each)
PRIOR_PASSAGES = 3  # a voice of few passages is pooled with a typical voice as if it had this many more
MIN_SPREAD = 0.02
FAR = 1.0  # a reading standing beyond this is "reads unlike the samples"
MIN_READING_WORDS = 90  # a shorter text reads too noisily against 180-word passages: the meter alone
SPACE_FILE = Path(__file__).with_name("voice_space.json")

Vector = Sequence[float]
Reader = Callable[[str], "Vector | None"]


@dataclass(frozen=True)
class ReadingSpace:
    """Where readings are compared: from LAMP's average reading (`origin`), with the directions in
    which one author's passages differ among themselves (what they are about, mostly) shrunk by
    `shrink` — a within-author whitening, fitted on the authors' passages by `make eval-style
    ARGS=--fit` — and the samples' own distances of a typical voice of 8 passages (`typical`)."""

    origin: tuple[float, ...]
    directions: tuple[tuple[float, ...], ...] = ()
    shrink: tuple[float, ...] = ()
    typical: tuple[float, float] = (0.18, 0.07)

    @classmethod
    def from_data(cls, data: dict) -> ReadingSpace:  # type: ignore[type-arg]
        return cls(
            tuple(data["origin"]),
            tuple(tuple(d) for d in data["directions"]),
            tuple(data["shrink"]),
            (float(data["typical"][0]), float(data["typical"][1])),
        )

    def to_data(self) -> dict:  # type: ignore[type-arg]
        def rounded(values: Vector) -> list[float]:
            return [float(f"{v:.5g}") for v in values]

        return {
            "origin": rounded(self.origin),
            "directions": [rounded(d) for d in self.directions],
            "shrink": rounded(self.shrink),
            "typical": rounded(self.typical),
        }

    def unit(self, reading: Vector) -> list[float]:
        """The reading's direction in this space."""
        vector = [float(r) - o for r, o in zip(reading, self.origin, strict=True)]
        for direction, shrink in zip(self.directions, self.shrink, strict=True):
            along = shrink * sum(v * d for v, d in zip(vector, direction, strict=True))
            vector = [v - along * d for v, d in zip(vector, direction, strict=True)]
        norm = math.sqrt(sum(v * v for v in vector))
        return [v / norm for v in vector] if norm else vector


@functools.cache
def reading_space() -> ReadingSpace | None:
    """The shipped space (None without its file or with a damaged one: the meter alone)."""
    try:
        return ReadingSpace.from_data(json.loads(SPACE_FILE.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        LOGGER.exception("the voice's reading space %s cannot be read: the style meter alone", SPACE_FILE)
        return None


def _distance(unit: Vector, direction: Vector) -> float:
    norm = math.sqrt(sum(d * d for d in direction))
    return 1.0 - sum(u * d for u, d in zip(unit, direction, strict=True)) / norm if norm else 1.0


@dataclass(frozen=True)
class VoiceReading:
    """The samples' readings: the direction of their centre in the reading space, and how far the
    samples' own passages lie from the centre of the others (mean and spread)."""

    centre: tuple[float, ...]
    space: ReadingSpace
    mean: float
    spread: float

    def standing(self, reading: Vector) -> float:
        """(distance − the samples' own mean distance) / their spread: 0 is typical of the samples."""
        return (_distance(self.space.unit(reading), self.centre) - self.mean) / self.spread


def voice_reading(
    samples: Sequence[str], read: Reader, space: ReadingSpace | None = None
) -> VoiceReading | None:
    """The samples read in passages of about READING_WORDS words (at most MAX_PASSAGES, spread over
    them) and placed in `space` (the shipped one by default); None with too few passages, without a
    space, or when a passage cannot be read or reads at another width."""
    space = space or reading_space()
    passages = chunks([s for s in samples if s.strip()], READING_WORDS)
    if space is None or len(passages) < MIN_PASSAGES:
        return None
    if len(passages) > MAX_PASSAGES:
        step = len(passages) / MAX_PASSAGES
        passages = [passages[int(i * step)] for i in range(MAX_PASSAGES)]
    readings = [read(passage) for passage in passages]
    if any(r is None or len(r) != len(space.origin) for r in readings):
        return None
    units = [space.unit(r) for r in readings]  # type: ignore[arg-type]
    total = [sum(column) for column in zip(*units, strict=True)]
    held_out = [_distance(u, [t - x for t, x in zip(total, u, strict=True)]) for u in units]
    mean, spread = pooled(held_out, space.typical, PRIOR_PASSAGES, MIN_SPREAD)
    return VoiceReading(tuple(t / len(units) for t in total), space, mean, spread)


def joined(meter: StyleMatch, reading_standing: float) -> StyleMatch:
    """The meter's match with the reading's standing averaged in (equal weights; `make eval-style`
    reports the alternatives); score and percentile follow the joined standing as the meter's own do,
    and where only the reading finds the text far, the explanation says so."""
    reading_standing = max(-4.0, min(8.0, reading_standing))  # one odd passage never decides alone
    standing = (meter.standing + reading_standing) / 2
    score, percentile = standing_score(standing), round(normal_percentile(standing), 1)
    explanation = meter.explanation
    if reading_standing > FAR >= meter.standing:
        explanation = "its words and syntax read unlike the samples, though its rhythm and punctuation match"
    return replace(
        meter, standing=round(standing, 3), score=score, percentile=percentile, explanation=explanation
    )


@functools.cache
def _profile_of(samples: tuple[str, ...]) -> StyleProfileStats:
    return build_profile(list(samples))


def meter_profile(profile: StyleProfileStats | None, samples: Sequence[str]) -> StyleProfileStats | None:
    """The meter's figures candidates are measured against: a stored profile's, or the samples'."""
    if profile is not None:
        return profile
    kept = tuple(s for s in samples if s.strip())
    return _profile_of(kept) if kept else None
