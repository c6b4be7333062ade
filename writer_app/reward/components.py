"""Task components of the reward: meaning preservation, instruction fit, length score, near-duplicates."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from writer_app.reward.text_units import content_stems, sentences, words

_CONTRACTION = re.compile(r"\b\w+['’](?:t|s|re|ve|ll|d|m)\b", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^(?:[-*•–]|\d+[.)])\s+\S")


def meaning_preservation(source: str, candidate: str, ignore: Sequence[tuple[int, int]] = ()) -> float:
    """Share of the source's content words (stemmed, with counts) that the candidate keeps, 0–1.

    Words inside the `ignore` ranges (the source's own slop) need not survive.
    """
    kept_source = list(source)
    for start, end in ignore:
        kept_source[start:end] = " " * (end - start)
    wanted = Counter(content_stems("".join(kept_source)))
    if not wanted:
        return 1.0
    kept = Counter(content_stems(candidate))
    return sum(min(count, kept[stem]) for stem, count in wanted.items()) / sum(wanted.values())


def added_content(source: str, candidate: str) -> float:
    """Share of the candidate's content words (stemmed, with counts) that the source does not have, 0–1."""
    new = Counter(content_stems(candidate))
    if not new:
        return 0.0
    had = Counter(content_stems(source))
    return sum(max(0, count - had[stem]) for stem, count in new.items()) / sum(new.values())


def length_score(required_words: int, produced_words: int) -> float:
    """LongWriter's S_l (0–100): full marks at the required length, falling off either side."""
    if required_words <= 0:
        return 100.0
    if produced_words <= 0:
        return 0.0
    ratio = produced_words / required_words
    if ratio > 1:
        return 100.0 * max(0.0, 1 - (ratio - 1) / 3)
    return 100.0 * max(0.0, 1 - (1 / ratio - 1) / 2)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _sentence_words(text: str) -> float:
    return _mean([len(words(text[s:e])) for s, e in sentences(text)])


def _word_length(text: str) -> float:
    return _mean([len(t.text) for t in words(text)])


def direction_fit(mode: str, source: str, candidate: str) -> tuple[float, str]:
    """How well the candidate moves in the direction the mode asks (−1…1) and a short reason."""
    src_words, cand_words = len(words(source)), len(words(candidate))
    change = (cand_words - src_words) / max(src_words, 1)
    moved = f"{abs(change):.0%} {'shorter' if change < 0 else 'longer'}"
    # Shortening or expanding by less than a tenth has not done what was asked: it scores below 0.
    if mode == "concise":
        return max(-1.0, min(1.0, (-change - 0.1) * 3)), moved
    if mode == "expand":
        return max(-1.0, min(1.0, (change - 0.1) * 2)), moved
    if mode == "grammar":  # a fix changes a few words; a much longer or shorter text changed more
        allowed = max(0.15 * src_words, 3)
        value = -min(1.0, max(0.0, abs(cand_words - src_words) - allowed) / max(src_words, 1) * 3)
        return value, moved if value < 0 else ""
    if mode == "simplify":
        shorter_sentences = _sentence_words(source) - _sentence_words(candidate)
        shorter_words = _word_length(source) - _word_length(candidate)
        value = max(-1.0, min(1.0, shorter_sentences / 8 + shorter_words))
        return value, "simpler sentences" if value > 0 else "not simpler"
    if mode == "summarize":  # a summary keeps the main points in well under two thirds of the words
        return max(-1.0, min(1.0, (-change - 0.35) * 3)), moved
    if mode in ("key_points", "bullets"):
        lines = [line.strip() for line in candidate.splitlines() if line.strip()]
        listed = sum(1 for line in lines if _LIST_ITEM.match(line)) / max(len(lines), 1)
        value = 2 * listed - 1 if len(lines) > 1 else -1.0
        if mode == "key_points":
            value = 0.7 * value + 0.3 * max(-1.0, min(1.0, -change * 2))
        points = sum(1 for line in lines if _LIST_ITEM.match(line))
        return value, f"a list of {points} points" if listed >= 0.5 and len(lines) > 1 else "not a list"
    if mode == "formal":
        before = len(_CONTRACTION.findall(source)) / max(src_words, 1)
        after = len(_CONTRACTION.findall(candidate)) / max(cand_words, 1)
        value = max(-1.0, min(1.0, (before - after) * 20 + (_word_length(candidate) - _word_length(source))))
        return value, "more formal" if value > 0 else "not more formal"
    return 0.0, ""


def unchanged(source: str, candidate: str, punctuation_counts: bool = False) -> bool:
    """Whether a rewrite left the text as it was: the same words in the same order (a comma moved is
    no rewrite), or with `punctuation_counts` (a grammar fix) the same characters but for spacing."""
    if punctuation_counts:
        return " ".join(candidate.split()) == " ".join(source.split())
    return [t.text for t in words(candidate)] == [t.text for t in words(source)]


def near_duplicate(a: str, b: str, threshold: float = 0.9) -> bool:
    """True when two candidates share most of their word 3-grams (Jaccard ≥ threshold)."""

    def grams(text: str) -> set[tuple[str, ...]]:
        tokens = [t.lower for t in words(text)]
        return {tuple(tokens[i : i + 3]) for i in range(max(len(tokens) - 2, 1))}

    left, right = grams(a), grams(b)
    if not left or not right:
        return a.strip() == b.strip()
    return len(left & right) / len(left | right) >= threshold


COPY_GRAM = 6  # words in a row: six shared words are a quotation, not a shared voice


def _runs(text: str) -> set[tuple[str, ...]]:
    tokens = [t.lower for t in words(text)]
    return {tuple(tokens[i : i + COPY_GRAM]) for i in range(len(tokens) - COPY_GRAM + 1)}


def copied_share(samples: Sequence[str], text: str, own: Sequence[str] = ()) -> float:
    """The share of the text's words that sit in a run of COPY_GRAM words found in the samples and
    not in `own` (the text being rewritten, the text before a continuation: the user's to keep)."""
    tokens = [t.lower for t in words(text)]
    if len(tokens) < COPY_GRAM:
        return 0.0
    known: set[tuple[str, ...]] = set()
    for sample in samples:
        known |= _runs(sample)
    for kept in own:
        known -= _runs(kept)
    copied = [False] * len(tokens)
    for i in range(len(tokens) - COPY_GRAM + 1):
        if tuple(tokens[i : i + COPY_GRAM]) in known:
            copied[i : i + COPY_GRAM] = [True] * COPY_GRAM
    return sum(copied) / len(tokens)


_SENTENCE_END = re.compile(r"[.!?…:;)\]\"”’'*_`。！？」』）»]\s*$")


def ends_mid_sentence(source: str, candidate: str) -> bool:
    """True when the candidate stops without closing its sentence although the source closes its own
    (or, with no source, when a multi-sentence text trails off): it ran out of tokens."""
    text = candidate.strip()
    if not text:
        return False
    if source.strip():
        return bool(_SENTENCE_END.search(source.strip())) and not _SENTENCE_END.search(text)
    return len(sentences(text)) > 1 and not _SENTENCE_END.search(text)


_BLOCK_MARK = re.compile(r"^\s*(?:#{1,6}\s|[*+-]\s|\d+[.)]\s|>\s?|\*\*)", re.MULTILINE)


def breaks_the_flow(before: str, continuation: str) -> str:
    """Why a continuation does not go on with the text before it ("" when it does): prose that turns
    into lists or headings, or a new paragraph in the middle of a sentence."""
    tail = before.rstrip().rsplit("\n\n", 1)[-1]
    if not tail or _BLOCK_MARK.search(tail):
        return ""  # a list or headings may go on with anything
    if continuation.strip() and _BLOCK_MARK.search(continuation):
        return "turns the prose into lists or headings"
    if not _SENTENCE_END.search(tail) and continuation.lstrip(" ").startswith("\n"):
        return "breaks off the sentence it should finish"
    return ""
