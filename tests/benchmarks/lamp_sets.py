"""LAMP's writing-quality data for fitting and checking the quality model (read from ../shared/data)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
TRAIN_FILE = DATA / "lamp_R_train.jsonl"
VAL_FILE = DATA / "lamp_PRE_val.json"
GROUP_CHARS = 120  # versions of one paragraph share their opening (the data's README)


@dataclass(frozen=True)
class TrainSet:
    texts: list[str]
    scores: list[float]
    groups: list[str]  # the opening: every version of a paragraph is in one group


@dataclass(frozen=True)
class ValSet:
    scored: list[tuple[str, float]]  # paragraph, expert z-score
    pairs: list[tuple[str, str, bool]]  # distinct pairs: paragraph 1, paragraph 2, whether 1 is better


def load_train(path: Path = TRAIN_FILE) -> TrainSet:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [row["text"] for row in rows]
    return TrainSet(texts, [float(row["score"]) for row in rows], [t[:GROUP_CHARS] for t in texts])


def load_val(path: Path = VAL_FILE) -> ValSet:
    """The scored paragraphs and the expert pairs, each pair once (the file holds both orders)."""
    items = json.loads(path.read_text(encoding="utf-8"))
    scored = [(i["paragraph"], float(i["zscore"])) for i in items if i["sample_type"] == "reward"]
    pairs, seen = [], set()
    for item in items:
        if item["sample_type"] != "pairwise":
            continue
        key = frozenset((" ".join(item["paragraph1"].split()), " ".join(item["paragraph2"].split())))
        if key not in seen:
            seen.add(key)
            pairs.append((item["paragraph1"], item["paragraph2"], str(item["reference_preference"]) == "1"))
    return ValSet(scored, pairs)


def version_pairs(texts: list[str], scores: list[float], min_overlap: float = 0.3) -> list[tuple[int, int]]:
    """Index pairs of scored paragraphs that are versions of one text (word-set Jaccard at least
    `min_overlap`) with different expert scores: choosing between them is the ranker's job."""
    vocabularies = [set(re.findall(r"[a-z']+", text.lower())) for text in texts]
    found = []
    for a in range(len(texts)):
        for b in range(a + 1, len(texts)):
            shared = len(vocabularies[a] & vocabularies[b]) / len(vocabularies[a] | vocabularies[b])
            if shared >= min_overlap and scores[a] != scores[b]:
                found.append((a, b))
    return found


def group_pairs(groups: list[str], scores: list[float]) -> list[tuple[int, int]]:
    """Index pairs (better, worse) of training paragraphs that share an opening and differ in score:
    an expert's edit and the draft it came from, or two edits of one draft."""
    members: dict[str, list[int]] = {}
    for index, group in enumerate(groups):
        members.setdefault(group, []).append(index)
    out = []
    for indices in members.values():
        for i in indices:
            for j in indices:
                if scores[i] > scores[j]:
                    out.append((i, j))
    return out
