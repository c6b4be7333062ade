"""Document review: every paragraph scored by the quality model, the weakest marked, slop counted.

A first pass on the text's features alone takes milliseconds for a long document, so the weakest
paragraphs are marked at once; a second pass reads each paragraph with the scoring model and refines
its score, streaming each paragraph as it is done. Unchanged paragraphs cost nothing on a repeat
review (the reader keeps what it has read).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from writer_app.assist.types import SlopSpan
from writer_app.errors import UserError
from writer_app.reward.language import is_english
from writer_app.reward.quality import QualityModel, Reading, quality_features, reasons
from writer_app.reward.ranker import quality_model
from writer_app.reward.slop import describe
from writer_app.reward.text_units import words

MIN_WORDS = 25  # shorter blocks (headings, one-line notes, list items) are counted, not scored
WEAKEST_SHARE = 0.25  # the weakest quarter of scored paragraphs (at least one) is marked
MAX_REVIEW_CHARS = 2_000_000  # beyond this a document is too large to review in one go
ENGLISH_ONLY = (
    "Paragraphs not in English get only an estimate (the quality model learned from English) and are "
    "not marked as the weakest."
)
NO_READER = "The scoring model is not available: scores come from the text's features only."
FIRST_PASS_STEP = 50  # paragraphs between two pause points of the quick pass
_FENCE = re.compile(r"^\s*(```|~~~)")
# Headings, list items, quotes and table rows are not prose paragraphs.
_NOT_PROSE = re.compile(r"^\s*(?:#{1,6}(?:\s|$)|[*+-]\s|\d+[.)]\s|>|\|)")


@dataclass(frozen=True)
class ReviewRequest:
    text: str
    revision: int = 0  # the document's revision the text was taken at


def _counted(spans: Sequence[SlopSpan]) -> dict[str, int]:
    """Slop spans counted by category, the most frequent first."""
    counts = Counter(span.category for span in spans)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


@dataclass(frozen=True)
class ParagraphReview:
    start: int  # offsets in the reviewed text
    end: int
    words: int
    score: float  # predicted expert score (LAMP's scale: most paragraphs 3–7)
    reasons: tuple[str, ...]
    slop: tuple[SlopSpan, ...]  # offsets in the reviewed text
    english: bool
    read: bool  # refined by the scoring model (False: the text's features only, so far)
    weak: bool = False

    @property
    def slop_counts(self) -> dict[str, int]:
        return _counted(self.slop)


@dataclass(frozen=True)
class DocumentReview:
    paragraphs: tuple[ParagraphReview, ...]
    revision: int = 0
    done: int = 0  # paragraphs read by the scoring model so far
    finished: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def slop_counts(self) -> dict[str, int]:
        return _counted([span for p in self.paragraphs for span in p.slop])

    def weakest_first(self) -> list[int]:
        """The paragraphs' indices, lowest score first."""
        return sorted(range(len(self.paragraphs)), key=lambda i: self.paragraphs[i].score)

    @property
    def weakest(self) -> ParagraphReview | None:
        return min(self.paragraphs, key=lambda p: p.score, default=None)

    def summary(self) -> str:
        """One line: paragraphs, the weakest marked, slop by category."""
        counts = ", ".join(describe(category, n) for category, n in self.slop_counts.items())
        marked = sum(p.weak for p in self.paragraphs)
        return f"{len(self.paragraphs)} paragraphs scored, {marked} marked as the weakest" + (
            f"; {counts}" if counts else "; no slop found"
        )


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each prose paragraph long enough to score: runs of lines between blank lines,
    headings, list items, quotes, tables and code blocks (none of which is scored)."""
    found: list[tuple[int, int]] = []
    start = end = -1
    in_code = False

    def close() -> None:
        if start >= 0 and len(words(text[start:end])) >= MIN_WORDS:
            found.append((start, end))

    position = 0
    for line in text.split("\n"):
        fence = bool(_FENCE.match(line))
        if fence or in_code or not line.strip() or _NOT_PROSE.match(line):
            close()
            start = -1
            in_code ^= fence
        else:
            if start < 0:
                start = position + len(line) - len(line.lstrip())
            end = position + len(line.rstrip())
        position += len(line) + 1
    close()
    return found


def review_paragraph(
    text: str, start: int, end: int, model: QualityModel, read: Reading | None
) -> ParagraphReview:
    """One paragraph's score, main reasons and slop spans (offsets in `text`)."""
    paragraph = text[start:end]
    features = quality_features(paragraph)
    reading = read(paragraph) if read is not None else None
    head = model.head(reading)  # the text features' head where there is no usable reading
    parts = head.contributions(features.values, reading)
    # LAMP's paragraphs are all about 200 words: a document's short or long paragraphs are not worse for
    # their length, so the model's length term is left out here.
    parts.pop("log_words", None)
    score = head.intercept + sum(parts.values())
    spans = tuple(SlopSpan(s.category, start + s.start, start + s.end) for s in features.slop.spans)
    return ParagraphReview(
        start,
        end,
        len(words(paragraph)),
        round(score, 2),
        tuple(reasons(parts, head.weights, limit=3)),
        spans,
        is_english(paragraph),
        head is model.full,
    )


def mark_weakest(paragraphs: list[ParagraphReview]) -> list[ParagraphReview]:
    """The same paragraphs with the weakest quarter (at least one) of the English ones marked `weak`,
    compared on one footing: among those read by the scoring model once any is."""
    read_any = any(p.read for p in paragraphs)
    eligible = [i for i, p in enumerate(paragraphs) if p.english and (p.read or not read_any)]
    if not eligible:
        return list(paragraphs)
    count = max(1, round(len(eligible) * WEAKEST_SHARE))
    weakest = set(sorted(eligible, key=lambda i: paragraphs[i].score)[:count])
    return [replace(p, weak=i in weakest) for i, p in enumerate(paragraphs)]


def review_document(
    request: ReviewRequest,
    *,
    read: Reading | None = None,
    peek: Reading = lambda text: None,
    cancel: threading.Event | None = None,
    partial: Callable[[DocumentReview], None] = lambda review: None,
    pause: Callable[[], None] = lambda: None,
) -> DocumentReview:
    """Review every paragraph: a quick pass (text features, and the readings `peek` already has)
    handed to `partial`, then each paragraph not read yet read by the scoring model, each handed on as
    it is done. `pause` runs between paragraphs (and every FIRST_PASS_STEP of the quick pass)."""
    text = request.text
    if len(text) > MAX_REVIEW_CHARS:
        raise UserError(
            f"This document is too large to review ({len(text):,} characters; the limit is "
            f"{MAX_REVIEW_CHARS:,}): review a part of it in a document of its own."
        )
    model = quality_model()
    spans = paragraph_spans(text)
    paragraphs = []
    for index, (start, end) in enumerate(spans):
        if index and index % FIRST_PASS_STEP == 0:
            pause()
            if cancel is not None and cancel.is_set():
                return DocumentReview((), request.revision)
        paragraphs.append(review_paragraph(text, start, end, model, peek))
    notes = (ENGLISH_ONLY,) if any(not p.english for p in paragraphs) else ()
    to_read = [i for i, p in enumerate(paragraphs) if not p.read] if read is not None else []

    def snapshot(done: int, finished: bool) -> DocumentReview:
        unread = read is None or any(not p.read for p in paragraphs)
        extra = (NO_READER,) if finished and unread and paragraphs else ()
        return DocumentReview(
            tuple(mark_weakest(paragraphs)), request.revision, done, finished, notes + extra
        )

    already = len(paragraphs) - len(to_read)
    partial(snapshot(already, not to_read))
    for count, index in enumerate(to_read, 1):
        pause()
        if cancel is not None and cancel.is_set():
            return snapshot(already + count - 1, False)
        start, end = spans[index]
        paragraphs[index] = review_paragraph(text, start, end, model, read)
        partial(snapshot(already + count, count == len(to_read)))
    return snapshot(len(paragraphs), True)
