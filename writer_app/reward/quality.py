"""Writing-quality features of one text, and the fitted linear model that turns them into a logit."""

from __future__ import annotations

import json
import math
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


@dataclass(frozen=True)
class QualityModel:
    """logit = Σ weight × (value − mean) / scale; fitted by `python -m writer_app.reward.fit`."""

    weights: dict[str, float]
    means: dict[str, float]
    scales: dict[str, float]

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> QualityModel:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(raw["weights"], raw["means"], raw["scales"])

    def standardised(self, values: dict[str, float]) -> dict[str, float]:
        return {name: (values[name] - self.means[name]) / (self.scales[name] or 1.0) for name in FEATURES}

    def contributions(self, values: dict[str, float]) -> dict[str, float]:
        z = self.standardised(values)
        return {name: self.weights.get(name, 0.0) * z[name] for name in FEATURES}

    def logit(self, values: dict[str, float], ignore: tuple[str, ...] = ()) -> float:
        """The model's log-odds for the text, leaving out the features named in `ignore`."""
        return sum(v for name, v in self.contributions(values).items() if name not in ignore)
