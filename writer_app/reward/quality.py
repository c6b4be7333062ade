"""Writing-quality features of one text, and the learned model that predicts the experts' score from them
(and from the scoring model's reading of the text), with the reasons behind each score."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from writer_app.reward.slop import MIN_DENSITY_WORDS, SlopReport, find_slop
from writer_app.reward.text_units import sentences, words

WEIGHTS_FILE = Path(__file__).with_name("quality_weights.json")
FEATURES = (
    "log_words",
    "cliche",
    "purple_prose",
    "exposition",
    "wordy",
    "vague",
    "abstraction",
    "tense",
    "repetition",
    "mean_sentence_words",
    "ly_adverbs",
    "commas_per_sentence",
    "type_token_ratio",
)


@dataclass(frozen=True)
class QualityFeatures:
    values: dict[str, float]
    slop: SlopReport


def quality_features(text: str) -> QualityFeatures:
    """Densities per 100 words and shape statistics; all cheap, no model needed."""
    report = find_slop(text)
    tokens = words(text)
    n_words = max(len(tokens), 1)
    n_sentences = max(len(sentences(text)), 1)
    lowered = [t.lower for t in tokens]
    window = lowered[:150]
    per100 = report.per_100_words
    values = {
        "log_words": math.log(n_words),
        "cliche": per100("cliche"),
        "purple_prose": per100("purple_prose"),
        "exposition": per100("unnecessary_exposition"),
        "wordy": per100("wordy"),
        "vague": per100("vague_intensifier"),
        "abstraction": per100("empty_abstraction"),
        "tense": per100("tense_inconsistency"),
        "repetition": per100("repetition"),
        "mean_sentence_words": n_words / n_sentences,
        "ly_adverbs": 100.0
        * sum(1 for w in lowered if w.endswith("ly") and len(w) > 4)
        / max(n_words, MIN_DENSITY_WORDS),
        "commas_per_sentence": text.count(",") / n_sentences,
        "type_token_ratio": len(set(window)) / max(len(window), 1),
    }
    return QualityFeatures(values, report)


# The scoring model's embedding of a text; None where it could not read it (text features only then).
Reading = Callable[[str], Sequence[float] | None]
SLOP_FEATURES = frozenset(
    {"cliche", "purple_prose", "exposition", "wordy", "vague", "abstraction", "tense", "repetition"}
)
# What each feature is called in a score's reasons when it is higher or lower than the comparison's
# (the reading: when it raises or lowers the score).
REASONS: dict[str, tuple[str, str]] = {
    "log_words": ("longer", "shorter"),
    "cliche": ("clichés", ""),
    "purple_prose": ("purple prose", ""),
    "exposition": ("telling, not showing", ""),
    "wordy": ("wordy phrases", ""),
    "vague": ("vague intensifiers", ""),
    "abstraction": ("empty abstractions", ""),
    "tense": ("tense shifts", ""),
    "repetition": ("repeated words", ""),
    "mean_sentence_words": ("long sentences", "short sentences"),
    "ly_adverbs": ("many -ly adverbs", "few -ly adverbs"),
    "commas_per_sentence": ("many commas per sentence", "few commas per sentence"),
    "type_token_ratio": ("varied vocabulary", "repeated vocabulary"),
    "reading": ("reads like the writing experts scored high", "reads like the writing experts scored low"),
}


@dataclass(frozen=True)
class QualityHead:
    """score = intercept + Σ weight × (value − mean) / scale + reading · embedding + reading_offset.

    Without `reading` weights the head uses the text features alone. Fitted by
    `tests/benchmarks/fit_quality.py` on LAMP's expert-scored training paragraphs."""

    weights: dict[str, float]
    means: dict[str, float]
    scales: dict[str, float]
    intercept: float
    logit_per_point: float  # calibrated on random pairs of paragraphs: P(a > b) = σ(k·(ŝa − ŝb))
    reading: tuple[float, ...] | None = None
    reading_offset: float = 0.0
    reading_mean: tuple[float, ...] | None = None  # LAMP's average reading (the voice is measured from it)

    @classmethod
    def from_json(cls, raw: dict) -> QualityHead:  # type: ignore[type-arg]
        reading = raw.get("reading")
        return cls(
            raw["weights"],
            raw["means"],
            raw["scales"],
            raw["intercept"],
            raw["logit_per_point"],
            None if reading is None else tuple(float(v) for v in reading),
            raw.get("reading_offset", 0.0),
            tuple(float(v) for v in raw["reading_mean"]) if "reading_mean" in raw else None,
        )

    def contributions(
        self, values: dict[str, float], embedding: Sequence[float] | None = None
    ) -> dict[str, float]:
        """Each feature's share of the score, in expert-score points (the reading as one share)."""
        parts = {
            name: self.weights.get(name, 0.0) * (values[name] - self.means[name]) / (self.scales[name] or 1.0)
            for name in FEATURES
        }
        if (
            self.reading is not None
            and embedding is not None
            and len(embedding) in reading_widths(len(self.reading))
        ):
            dot = sum(w * float(e) for w, e in zip(self.reading, embedding[: len(self.reading)], strict=True))
            parts["reading"] = dot + self.reading_offset
        return parts

    def logit_of(self, parts: dict[str, float], ignore: tuple[str, ...] = ()) -> float:
        """Log-odds over an average LAMP paragraph from a text's shares (those in `ignore` left out)."""
        return self.logit_per_point * sum(v for name, v in parts.items() if name not in ignore)


def reading_widths(width: int) -> tuple[int, ...]:
    """The widths a reading of a model whose state is `width` wide comes in: the last layer's state
    alone, or with the middle layers' after it, or those and the later layers' (`engine.embedding`)."""
    return width, 2 * width, 3 * width


@dataclass(frozen=True)
class QualityModel:
    """The learned quality model: a head with the scoring model's reading and one on text features only
    (used when the scoring model is not at hand)."""

    full: QualityHead
    text: QualityHead
    about: dict  # type: ignore[type-arg]

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> QualityModel:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(QualityHead.from_json(raw["full"]), QualityHead.from_json(raw["text"]), raw["about"])

    def head(self, embedding: Sequence[float] | None) -> QualityHead:
        """The full head for a reading that starts with the last layer's state it was fitted on (the
        bands' after it are the voice's, not read here), else the text features' head."""
        reading = self.full.reading
        usable = (
            embedding is not None and reading is not None and len(embedding) in reading_widths(len(reading))
        )
        return self.full if usable else self.text

    def score(
        self, values: dict[str, float], embedding: Sequence[float] | None = None, ignore: tuple[str, ...] = ()
    ) -> float:
        """The predicted expert score (LAMP's 0–10 scale; most paragraphs 3–7)."""
        head = self.head(embedding)
        parts = head.contributions(values, embedding)
        return head.intercept + sum(v for name, v in parts.items() if name not in ignore)

    def logit(
        self, values: dict[str, float], embedding: Sequence[float] | None = None, ignore: tuple[str, ...] = ()
    ) -> float:
        """Log-odds that the text is better than an average LAMP paragraph; differences of two texts'
        logits are the calibrated log-odds that one is better than the other."""
        head = self.head(embedding)
        return head.logit_of(head.contributions(values, embedding), ignore)


def reasons(
    parts: dict[str, float], weights: dict[str, float], limit: int = 3, at_least: float = 0.15
) -> list[str]:
    """The largest shares of a score as short phrases with their effect, e.g. "clichés (−0.4)" or
    "varied vocabulary (+0.2)": the phrase says which way the feature went (the sign of the share
    times the sign of its weight), the number what it did to the score."""
    ranked = sorted(
        (item for item in parts.items() if abs(item[1]) >= at_least), key=lambda item: -abs(item[1])
    )
    out = []
    for name, value in ranked:
        higher, lower = REASONS[name]
        phrase = higher if (value > 0) == (weights.get(name, 1.0) >= 0) else lower
        if phrase and len(out) < limit:
            out.append(f"{phrase} ({'+' if value > 0 else '−'}{abs(value):.1f})")
    return out
