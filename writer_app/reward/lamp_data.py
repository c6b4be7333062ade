"""The LAMP evaluation data as features: expert-judged pairs (grouped by text) and scored paragraphs."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from writer_app.reward.quality import quality_features

DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "lamp_PRE_val.json"

Features = dict[str, float]
Pair = tuple[Features, Features, int]  # features 1, features 2, 1 if the first is the better one


@dataclass(frozen=True)
class LampData:
    pairs: list[Pair]
    # The file holds each pair of paragraphs twice, once in each order: both copies share a group,
    # so cross-validation never tests on a pair whose mirror it trained on.
    pair_groups: list[int]
    pair_texts: list[frozenset[str]]
    scored: list[tuple[Features, float]]  # features, expert score (z-score, about 1 to 10)
    scored_texts: list[str]

    @property
    def n_distinct_pairs(self) -> int:
        return len(set(self.pair_groups))


def _plain(text: str) -> str:
    return " ".join(text.split())


def load_lamp(path: Path) -> LampData:
    items = json.loads(Path(path).read_text(encoding="utf-8"))
    pairs, pair_groups, pair_texts, scored, scored_texts = [], [], [], [], []
    group_of: dict[frozenset[str], int] = {}
    for item in items:
        if item["sample_type"] == "pairwise":
            first = quality_features(item["paragraph1"]).values
            second = quality_features(item["paragraph2"]).values
            pairs.append((first, second, 1 if str(item["reference_preference"]) == "1" else 0))
            texts = frozenset((_plain(item["paragraph1"]), _plain(item["paragraph2"])))
            pair_groups.append(group_of.setdefault(texts, len(group_of)))
            pair_texts.append(texts)
        elif item["sample_type"] == "reward":
            scored.append((quality_features(item["paragraph"]).values, float(item["zscore"])))
            scored_texts.append(_plain(item["paragraph"]))
    return LampData(pairs, pair_groups, pair_texts, scored, scored_texts)


def version_pairs(data: LampData, min_overlap: float = 0.3) -> list[tuple[int, int]]:
    """Index pairs of scored paragraphs that are versions of one text (word-set Jaccard at least
    `min_overlap`) with different expert scores: choosing between them is the ranker's job."""
    vocabularies = [set(re.findall(r"[a-z']+", text.lower())) for text in data.scored_texts]
    found = []
    for a in range(len(data.scored)):
        for b in range(a + 1, len(data.scored)):
            shared = len(vocabularies[a] & vocabularies[b]) / len(vocabularies[a] | vocabularies[b])
            if shared >= min_overlap and data.scored[a][1] != data.scored[b][1]:
                found.append((a, b))
    return found
