"""A draft as text: word counts, a section's cleaned text, repetition against the text before it,
short summaries of old sections, and the Markdown form (one heading per section) read back with edits."""

from __future__ import annotations

import re

from writer_app.assist.cleaning import clean_output
from writer_app.assist.outline import Outline
from writer_app.errors import UserError
from writer_app.reward.text_units import sentences, words

HEADING_LEVEL = "## "
_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s+|\*\*|section\s+\d+\s*[:.-]|part\s+\d+\s*[:.-]|\d+\.\s+)", re.IGNORECASE
)
_LABEL = re.compile(r"^\s*(?:title|section \d+)\s*:", re.IGNORECASE)


def word_count(text: str) -> int:
    """Words as LongWriter counts them: words of spaced scripts, characters of CJK."""
    return len(words(text))


def _gram_list(text: str, n: int = 4) -> list[tuple[str, ...]]:
    lowered = [w.lower for w in words(text)]
    return [tuple(lowered[i : i + n]) for i in range(len(lowered) - n + 1)]


def repeated_share(earlier: str, text: str, n: int = 4) -> float:
    """Share of `text`'s n-word sequences that occurred before: in `earlier` or earlier in `text`."""
    seen = set(_gram_list(earlier, n))
    grams = _gram_list(text, n)
    if not grams:
        return 0.0
    repeated = 0
    for gram in grams:
        if gram in seen:
            repeated += 1
        seen.add(gram)
    return repeated / len(grams)


def repeated_ngram_share(text: str, n: int = 4) -> float:
    """Share of a whole text's n-word sequences that occur more than once in it (the draft's
    repetition figure)."""
    return repeated_share("", text, n)


def summary_of(text: str, sentences_kept: int = 2) -> str:
    """An old section in short for the prompt: its first sentences (extractive, no model call, and
    the same every time, so the prompt's prefix stays cacheable)."""
    spans = sentences(text.strip())
    if not spans:
        return text.strip()[:300]
    end = spans[min(sentences_kept, len(spans)) - 1][1]
    return text.strip()[:end].strip()


_LEAD_IN = re.compile(
    r"^\s*(?:(?:sure|okay|ok|certainly)[,!.]?\s*)?"
    r"(?:here(?:'s| is| are)|below is|the following)\b[^\n]{0,120}:\s*$",
    re.IGNORECASE | re.MULTILINE,
)


ECHOES = ("The text so far:",)  # the section prompt's label (`draft.section_messages`), alone on its line


def clean_section(raw: str, title: str) -> str:
    """A section's text from the model's answer: no preamble, no heading of its own (the draft adds
    one), no lead-in lines about itself ("Here's the 370 words of text:"), no chatter after it, and
    nothing from where it writes the prompt out again."""
    text = _LEAD_IN.sub("", clean_output(raw, echoes=ECHOES))
    text = re.sub(r"\n{3,}", "\n\n", text)
    lines = text.split("\n")
    folded_title = " ".join(title.lower().split())
    while lines and (
        not lines[0].strip()
        or (_HEADING.match(lines[0]) and len(lines[0]) < 120)
        or _LABEL.match(lines[0])
        or " ".join(lines[0].lower().strip("#*:<> ").split()) == folded_title
        or _is_title_line(lines)
    ):
        lines.pop(0)
    return "\n".join(lines).strip()


def _is_title_line(lines: list[str]) -> bool:
    """A short first line without a sentence end, set apart by a blank line: a title of its own."""
    first = lines[0].strip()
    return (
        len(lines) > 2
        and not lines[1].strip()
        and len(first) < 100
        and not first.endswith((".", "!", "?", "…", '"', "”"))
    )


def draft_markdown(outline: Outline, texts: list[str] | tuple[str, ...]) -> str:
    """The draft as Markdown: each written section under its own heading."""
    blocks = [
        f"{HEADING_LEVEL}{outline.sections[i].title}\n\n{text.strip()}\n" for i, text in enumerate(texts)
    ]
    return "\n".join(blocks)


def heading_line(title: str) -> str:
    return f"{HEADING_LEVEL}{title}"


def split_draft(markdown: str, outline: Outline, count: int) -> list[str]:
    """The texts of the first `count` sections as they stand in `markdown` (the user's edits kept),
    found by their headings in order; a sentence when one is missing."""
    texts: list[str] = []
    position = 0
    starts: list[tuple[int, int]] = []
    for index in range(count):
        heading = re.compile(
            rf"^{re.escape(heading_line(outline.sections[index].title))}[ \t]*$", re.MULTILINE
        )
        match = heading.search(markdown, position)
        if match is None:
            raise UserError(
                f'The heading of section {index + 1} ("{outline.sections[index].title}") is no longer in '
                "the draft, so it cannot go on: put the heading back or start the draft again."
            )
        starts.append((match.start(), match.end()))
        position = match.end()
    for index, (_start, end) in enumerate(starts):
        if index + 1 < len(starts):
            stop = starts[index + 1][0]
        elif count < len(outline.sections):
            following = re.compile(
                rf"^{re.escape(heading_line(outline.sections[count].title))}[ \t]*$", re.MULTILINE
            ).search(markdown, end)
            stop = following.start() if following else len(markdown)
        else:
            stop = len(markdown)
        texts.append(markdown[end:stop].strip())
    return texts
