"""Fits the reading spaces of `reward.voice_reading` on authors' passages, one per part of a reading
(the last layer's state, from LAMP's average reading; each band's after it, from the authors' average):
the directions in which one author's readings differ among themselves (topic, mostly) are shrunk — a
within-author whitening, kept as its strongest DIRECTIONS eigenvectors — and a typical voice's own
distances are measured in it.

Used by `eval_style.py`: fitted without the authors compared for its figures, on every author for the
shipped `voice_space.json` (`make eval-style ARGS=--fit`).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from writer_app.reward.voice_reading import ReadingSpace

DIRECTIONS = 48  # 48 of 576: the measured figures of the full whitening, in 0.3 MB a space
FLOOR = 1.0  # the whitening's floor, as a share of the mean eigenvalue (chosen among 0.1, 1, 3, 10)
VOICE_PASSAGES = 8


def fit_spaces(
    readings: dict[str, Sequence[np.ndarray]], last_origin: Sequence[float]
) -> tuple[ReadingSpace, ...]:
    """The spaces for these authors' readings: the last layer's part (the width of `last_origin`),
    then one for each band's part after it (the middle layers', the later layers') every reading has."""
    width = len(last_origin)
    last = {a: [np.asarray(r)[:width] for r in rs] for a, rs in readings.items()}
    spaces = [fit_space(last, last_origin)]
    parts = min(len(r) for rs in readings.values() for r in rs) // width
    for offset in range(width, parts * width, width):
        band = {a: [np.asarray(r)[offset : offset + width] for r in rs] for a, rs in readings.items()}
        origin = np.mean([r for rs in band.values() for r in rs], axis=0)
        spaces.append(replace(fit_space(band, origin), offset=offset))
    return tuple(spaces)


def fit_space(readings_by_author: dict[str, Sequence[np.ndarray]], origin: Sequence[float]) -> ReadingSpace:
    """The space for these authors' readings (each author's passages centred on their own mean)."""
    residuals = np.vstack(
        [np.asarray(r, dtype=np.float64) - np.mean(r, axis=0) for r in readings_by_author.values()]
    )
    values, vectors = np.linalg.eigh(residuals.T @ residuals / len(residuals))
    floor = FLOOR * float(values.mean())
    top = slice(len(values) - DIRECTIONS, len(values))
    shrink = 1.0 - np.sqrt(floor / (values[top] + floor))
    space = ReadingSpace(
        tuple(float(o) for o in origin),
        tuple(tuple(float(v) for v in column) for column in vectors[:, top].T),
        tuple(float(s) for s in shrink),
    )
    return ReadingSpace(space.origin, space.directions, space.shrink, _typical(space, readings_by_author))


def _typical(space: ReadingSpace, readings_by_author: dict[str, Sequence[np.ndarray]]) -> tuple[float, float]:
    """The mean and spread of a voice's own leave-one-out distances, over five voices of
    VOICE_PASSAGES passages per author."""
    rng = random.Random(1)
    means, spreads = [], []
    directions, shrink = np.array(space.directions), np.array(space.shrink)
    for readings in readings_by_author.values():
        centred = np.asarray(readings, dtype=np.float64) - np.array(space.origin)
        kept = centred - ((centred @ directions.T) * shrink) @ directions  # `ReadingSpace.unit`, at once
        units = kept / np.linalg.norm(kept, axis=1, keepdims=True)
        for _ in range(5):
            chosen = units[rng.sample(range(len(units)), VOICE_PASSAGES)]
            total = chosen.sum(axis=0)
            held_out = [1.0 - float(u @ (total - u)) / float(np.linalg.norm(total - u)) for u in chosen]
            means.append(np.mean(held_out))
            spreads.append(np.std(held_out))
    return float(np.mean(means)), float(np.mean(spreads))
