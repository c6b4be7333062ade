"""Finds slop spans by LAMP category: lexicon phrases, tense switches and repetition."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from writer_app.engine.phrase_guard import phrase_regex
from writer_app.reward.lexicon import CATEGORIES, LABELS
from writer_app.reward.text_units import STOP_WORDS, sentences, stem, words

# Densities of texts shorter than this are taken over this many words (see `per_100_words`).
MIN_DENSITY_WORDS = 100

_PAST = re.compile(r"\b(was|were|had|did|went|said|thought|felt|knew|came|saw)\b", re.IGNORECASE)
_PRESENT = re.compile(r"\b(is|are|has|does|goes|says|thinks|feels|knows|comes|sees)\b", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")


@dataclass(frozen=True)
class Span:
    category: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SlopReport:
    spans: tuple[Span, ...]
    word_count: int
    counts: dict[str, int] = field(default_factory=dict)

    def per_100_words(self, *categories: str) -> float:
        """Hits per 100 words, counting a text shorter than 100 words as 100 words long: one cliché
        in a ten-word sentence is one cliché, not the ten per 100 words no LAMP paragraph has."""
        total = sum(self.counts.get(c, 0) for c in categories) if categories else len(self.spans)
        return 100.0 * total / max(self.word_count, MIN_DENSITY_WORDS)


@cache
def _pattern(category: str) -> re.Pattern[str]:
    alternatives = [phrase_regex(entry) for entry in sorted(CATEGORIES[category], key=len, reverse=True)]
    return re.compile(r"\b(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


def _lexicon_spans(text: str) -> list[Span]:
    found = []
    for category in CATEGORIES:
        for match in _pattern(category).finditer(text):
            found.append(Span(category, match.start(), match.end(), match.group()))
    return found


def _tense_spans(text: str) -> list[Span]:
    """The minority tense's verbs in narration (quotes excluded) when both tenses are frequent."""
    narration = _QUOTED.sub(lambda m: " " * len(m.group()), text)
    past = list(_PAST.finditer(narration))
    present = list(_PRESENT.finditer(narration))
    minority, majority = sorted((past, present), key=len)
    if len(minority) < 2 or len(minority) < 0.25 * len(majority):
        return []
    return [Span("tense_inconsistency", m.start(), m.end(), m.group()) for m in minority]


def _repetition_spans(text: str) -> list[Span]:
    """Content words used three times or more, and sentences opening with the same word."""
    tokens = [t for t in words(text) if t.lower not in STOP_WORDS and len(t.text) > 3]
    counts = Counter(stem(t.text) for t in tokens)
    spans = [Span("repetition", t.start, t.end, t.text) for t in tokens if counts[stem(t.text)] >= 3]
    openers: dict[str, list[tuple[int, int]]] = {}
    for start, end in sentences(text):
        first = words(text[start:end])[:1]
        if first:
            openers.setdefault(first[0].lower, []).append((start + first[0].start, start + first[0].end))
    for opener, places in openers.items():
        if len(places) >= 3 and opener not in ("the", "a"):
            spans.extend(Span("repetition", s, e, text[s:e]) for s, e in places[2:])
    return spans


def find_slop(text: str) -> SlopReport:
    """Every detected span, non-overlapping within a category, in text order."""
    spans = sorted(
        _lexicon_spans(text) + _tense_spans(text) + _repetition_spans(text), key=lambda s: (s.start, -s.end)
    )
    counts = Counter(span.category for span in spans)
    return SlopReport(tuple(spans), len(words(text)), dict(counts))


def describe(category: str, count: int) -> str:
    singular, plural = LABELS[category]
    return f"{count} {singular if count == 1 else plural}"
