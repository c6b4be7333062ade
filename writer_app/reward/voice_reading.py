"""The voice as the scoring model reads it: a text's reading against the samples' readings, joined
with the style meter's standing where the scoring model is at hand.

The meter counts function words, punctuation and sentence shapes; the default model's reading
(`engine.embedding`: its last layer's mean state, then its middle and later layers') also carries a
voice's era, register and syntax. Each part is compared in a space of its own; measured on the authors'
passages (`make eval-style`), the meter and the parts together tell authors apart better than any
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

from writer_app.reward.quality import reading_widths
from writer_app.reward.standing import normal_percentile, pooled, standing_score
from writer_app.reward.style_meter import StyleMatch, StyleProfileStats, build_profile, chunks, match
from writer_app.reward.text_units import words

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
    offset: int = 0  # where its part of a reading starts (0: the last layer's; then each band's)

    @classmethod
    def from_data(cls, data: dict) -> ReadingSpace:  # type: ignore[type-arg]
        return cls(
            tuple(data["origin"]),
            tuple(tuple(d) for d in data["directions"]),
            tuple(data["shrink"]),
            (float(data["typical"][0]), float(data["typical"][1])),
            int(data.get("offset", 0)),
        )

    def to_data(self) -> dict:  # type: ignore[type-arg]
        def rounded(values: Vector) -> list[float]:
            return [float(f"{v:.5g}") for v in values]

        return {
            "origin": rounded(self.origin),
            "directions": [rounded(d) for d in self.directions],
            "shrink": rounded(self.shrink),
            "typical": rounded(self.typical),
            "offset": self.offset,
        }

    def reads(self, reading: Vector) -> bool:
        """Whether a reading has this space's part: readings are the last layer's state alone or with
        bands' after it (the middle layers', the later layers'), each as wide as a space's origin."""
        width = len(self.origin)
        return len(reading) in reading_widths(width) and len(reading) >= self.offset + width

    def unit(self, reading: Vector) -> list[float]:
        """The direction of the reading's part in this space."""
        part = reading[self.offset : self.offset + len(self.origin)]
        vector = [float(r) - o for r, o in zip(part, self.origin, strict=True)]
        for direction, shrink in zip(self.directions, self.shrink, strict=True):
            along = shrink * sum(v * d for v, d in zip(vector, direction, strict=True))
            vector = [v - along * d for v, d in zip(vector, direction, strict=True)]
        norm = math.sqrt(sum(v * v for v in vector))
        return [v / norm for v in vector] if norm else vector


@functools.cache
def reading_spaces() -> tuple[ReadingSpace, ...]:
    """The shipped spaces, one per part of a reading (none without their file or with a damaged one:
    the meter alone)."""
    try:
        data = json.loads(SPACE_FILE.read_text(encoding="utf-8"))
        return tuple(ReadingSpace.from_data(space) for space in data["spaces"])
    except FileNotFoundError:
        return ()
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        LOGGER.exception("the voice's reading space %s cannot be read: the style meter alone", SPACE_FILE)
        return ()


def _distance(unit: Vector, direction: Vector) -> float:
    norm = math.sqrt(sum(d * d for d in direction))
    return 1.0 - sum(u * d for u, d in zip(unit, direction, strict=True)) / norm if norm else 1.0


@dataclass(frozen=True)
class HeardPart:
    """The samples' readings in one space: the direction of their centre, and how far the samples' own
    passages lie from the centre of the others (mean and spread)."""

    centre: tuple[float, ...]
    space: ReadingSpace
    mean: float
    spread: float

    def standing(self, reading: Vector) -> float:
        """(distance − the samples' own mean distance) / their spread: 0 is typical of the samples."""
        return (_distance(self.space.unit(reading), self.centre) - self.mean) / self.spread


@dataclass(frozen=True)
class VoiceReading:
    """The samples as the scoring model reads them: one part per space their readings have."""

    parts: tuple[HeardPart, ...]

    def standings(self, reading: Vector) -> list[float]:
        """A text's standing in each part its reading has."""
        return [part.standing(reading) for part in self.parts if part.space.reads(reading)]


def _heard(readings: Sequence[Vector], space: ReadingSpace) -> HeardPart:
    units = [space.unit(r) for r in readings]
    total = [sum(column) for column in zip(*units, strict=True)]
    held_out = [_distance(u, [t - x for t, x in zip(total, u, strict=True)]) for u in units]
    mean, spread = pooled(held_out, space.typical, PRIOR_PASSAGES, MIN_SPREAD)
    return HeardPart(tuple(t / len(units) for t in total), space, mean, spread)


def voice_reading(
    samples: Sequence[str], read: Reader, spaces: Sequence[ReadingSpace] | None = None
) -> VoiceReading | None:
    """The samples read in passages of about READING_WORDS words (at most MAX_PASSAGES, spread over
    them) and placed in each of `spaces` (the shipped ones by default) their readings have; None with
    too few passages, without a space, or when a passage cannot be read."""
    spaces = reading_spaces() if spaces is None else spaces
    passages = chunks([s for s in samples if s.strip()], READING_WORDS)
    if not spaces or len(passages) < MIN_PASSAGES:
        return None
    if len(passages) > MAX_PASSAGES:
        step = len(passages) / MAX_PASSAGES
        passages = [passages[int(i * step)] for i in range(MAX_PASSAGES)]
    readings = [read(passage) for passage in passages]
    if any(r is None for r in readings):
        return None
    kept = [space for space in spaces if all(space.reads(r) for r in readings)]  # type: ignore[arg-type]
    parts = tuple(_heard(readings, space) for space in kept)  # type: ignore[arg-type]
    return VoiceReading(parts) if parts else None


def joined(meter: StyleMatch, reading_standings: Sequence[float]) -> StyleMatch:
    """The meter's match with the reading's standings averaged in (equal weights: the meter, the last
    layer's, the middle and the later layers'; `make eval-style` reports the alternatives); score and
    percentile follow the joined standing as the meter's own do, and where only the reading finds the
    text far, the explanation says so."""
    if not reading_standings:
        return meter
    clamped = [max(-4.0, min(8.0, s)) for s in reading_standings]  # one odd passage never decides alone
    standing = (meter.standing + sum(clamped)) / (1 + len(clamped))
    reading_standing = sum(clamped) / len(clamped)
    score, percentile = standing_score(standing), round(normal_percentile(standing), 1)
    explanation = meter.explanation
    if reading_standing > FAR >= meter.standing:
        explanation = "its words and syntax read unlike the samples, though its rhythm and punctuation match"
    return replace(
        meter, standing=round(standing, 3), score=score, percentile=percentile, explanation=explanation
    )


def heard_once(samples: Sequence[str], read: Reader | None) -> Callable[[], VoiceReading | None]:
    """The samples' reading, made on the first call and kept for the next ones (None without a reader)."""
    return functools.cache(lambda: voice_reading(samples, read) if read is not None else None)


def voice_match(
    text: str,
    profile: StyleProfileStats,
    samples: Sequence[str],
    read: Reader | None,
    heard: Callable[[], VoiceReading | None] | None = None,
) -> StyleMatch:
    """How close `text` comes to the voice, as a candidate's voice match is measured: the meter's match,
    joined with the scoring model's reading of the text and of the samples where the model is at hand
    and the text is long enough to read (MIN_READING_WORDS). `heard` gives the samples' reading when
    the caller keeps it (the ranker, for its candidates); otherwise they are read here."""
    found = match(text, profile)
    if read is None or len(words(text)) < MIN_READING_WORDS:
        return found
    reading = read(text)
    if reading is None:
        return found
    voice = heard() if heard is not None else voice_reading(samples, read)
    return joined(found, voice.standings(reading)) if voice is not None else found


@functools.cache
def _profile_of(samples: tuple[str, ...]) -> StyleProfileStats:
    return build_profile(list(samples))


def meter_profile(profile: StyleProfileStats | None, samples: Sequence[str]) -> StyleProfileStats | None:
    """The meter's figures candidates are measured against: a stored profile's, or the samples'."""
    if profile is not None:
        return profile
    kept = tuple(s for s in samples if s.strip())
    return _profile_of(kept) if kept else None
