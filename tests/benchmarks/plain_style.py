"""The plain style measure the meter is compared with in `make eval-style`: character 3–5-gram TF-IDF
(the study's topic-prone baseline), kept out of the product."""

from __future__ import annotations

import math
from collections import Counter


def _char_ngrams(text: str, low: int = 3, high: int = 5) -> Counter[str]:
    squeezed = " ".join(text.lower().split())
    grams: Counter[str] = Counter()
    for n in range(low, high + 1):
        grams.update(squeezed[i : i + n] for i in range(len(squeezed) - n + 1))
    return grams


def style_similarity(samples: list[str], candidate: str) -> float:
    """Cosine of character 3–5-gram TF-IDF vectors: the candidate against the samples' centroid, 0–1."""
    documents = [_char_ngrams(s) for s in samples if s.strip()]
    if not documents:
        return 0.0
    target = _char_ngrams(candidate)
    corpus = [*documents, target]
    frequency: Counter[str] = Counter()
    for document in corpus:
        frequency.update(document.keys())
    idf = {gram: math.log((1 + len(corpus)) / (1 + df)) + 1 for gram, df in frequency.items()}
    centroid: Counter[str] = Counter()
    for document in documents:
        total = sum(document.values())
        for gram, count in document.items():
            centroid[gram] += count / total * idf[gram] / len(documents)
    total = sum(target.values()) or 1
    vector = {gram: count / total * idf[gram] for gram, count in target.items()}
    dot = sum(weight * centroid.get(gram, 0.0) for gram, weight in vector.items())
    norm = math.sqrt(sum(v * v for v in vector.values())) * math.sqrt(sum(v * v for v in centroid.values()))
    return dot / norm if norm else 0.0
