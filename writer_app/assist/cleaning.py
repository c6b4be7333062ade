"""Cleans model output: drops preambles, wrapping quotes or fences, labels, trailing chatter and an
echo of the prompt."""

from __future__ import annotations

import re
from collections.abc import Sequence

_PREAMBLE = re.compile(
    r"""^\s*(?:(?:sure|certainly|of\ course|okay|ok|absolutely)[!,.]?\s*)?(?:
        here(?:'s|\ is|\ are)\b[^\n:]{0,80}:
      | (?:the\ )?(?:rewritten|revised|improved|corrected|correct|edited|updated|simplified
          |paraphrased|expanded|shorter|shortened|longer|formal|friendlier|concise|neutral|new|final
          |fixed|proofread|polished|clearer|simpler|grammatical|original)\b[^\n:]{0,40}:
      | (?:rewrite|revision|correction|version|output|answer|result|response|text)\s*:
    )[ \t]*\n?""",
    re.IGNORECASE | re.VERBOSE,
)
_CHATTER = re.compile(
    r"""^\s*(?:
        i\ hope | let\ me\ know | feel\ free | hope\ this | if\ you\ (?:need|want|have|would)
      | note\s*: | explanation\s*: | changes(?:\ made)?\s*: | i\ (?:changed|made|replaced|removed)\b
      | this\ (?:version|revision|rewrite)\b | the\ (?:changes|revised\ text)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_THINKING = re.compile(r"^<think>.*?(?:</think>|$)", re.DOTALL)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
_FENCE = re.compile(r"^```[\w-]*\n(.*?)\n?```$", re.DOTALL)
_QUOTE_PAIRS = (('"', '"'), ("“", "”"), ("'", "'"), ("«", "»"), ("‘", "’"))


def _strip_preamble(text: str, source: str) -> str:
    match = _PREAMBLE.match(text)
    if match and not _PREAMBLE.match(source):
        text = text[match.end() :].strip()
    first, newline, rest = text.partition("\n")
    source_first = source.strip().partition("\n")[0]
    if newline and rest.strip() and first.rstrip().endswith(":") and not source_first.rstrip().endswith(":"):
        return rest.strip()  # a lead-in line of the model's own ("…A simple correction:")
    return text


def _strip_trailing_chatter(text: str, source: str) -> str:
    """Drop trailing paragraphs that talk about the rewrite, beyond the source's paragraphs."""
    paragraphs = _PARAGRAPH_BREAK.split(text)
    source_paragraphs = len(_PARAGRAPH_BREAK.split(source.strip())) if source.strip() else 1
    while len(paragraphs) > source_paragraphs and _CHATTER.match(paragraphs[-1]):
        paragraphs.pop()
    if len(paragraphs) == 1 and "\n" not in source.strip():
        lines = paragraphs[0].split("\n")
        while len(lines) > 1 and _CHATTER.match(lines[-1]):
            lines.pop()
        paragraphs = ["\n".join(lines)]
    return "\n\n".join(paragraphs).strip()


def _echo_pattern(echo: str) -> str:
    """A regex for one of the prompt's lines as a model writes it out again: any spacing, either
    apostrophe; a label ("Text:") alone on its line, perhaps dressed in Markdown ("**Text:**")."""
    words = [re.escape(word).replace("'", "['’]") for word in echo.split()]
    if not words or not echo.strip().endswith(":"):
        return r"\s+".join(words)
    words[-1] = words[-1][:-1] + r"[*_]*:"  # "**Text**:" as well as "Text:"
    label = r"\s+".join(words)
    return rf"(?m)^[ \t]*(?:[#>][#> \t]*)?[*_]*{label}[*_]*[ \t]*$"


def _cut_echo(text: str, source: str, echoes: Sequence[str]) -> str:
    """The answer up to where it starts repeating the prompt (a small model that loses its place writes
    the task out again, then a text of its own): a label ("Text:") alone on its line, bare or in
    Markdown, a longer line anywhere; never one the source itself contains. An answer that opens with
    an echo is all echo: it comes back empty, and the candidate is generated again."""
    cut = len(text)
    for echo in echoes:
        pattern = _echo_pattern(echo)
        if not pattern or re.search(pattern, source, re.IGNORECASE):
            continue
        found = re.search(pattern, text, re.IGNORECASE)
        if found:
            cut = min(cut, found.start())
    return text[:cut].strip()


def _strip_wrapping_quotes(text: str, source: str) -> str:
    stripped_source = source.strip()
    for opening, closing in _QUOTE_PAIRS:
        if (
            len(text) >= 2
            and text.startswith(opening)
            and text.endswith(closing)
            and not stripped_source.startswith(opening)
            and opening not in text[1:-1]
            and closing not in text[1:-1]
        ):
            return text[1:-1].strip()
    return text


def _limit_blocks(text: str, source: str) -> str:
    """Keep no more paragraphs (or lines, for a one-line source) than the source has."""
    stripped = source.strip()
    if not stripped:
        return text
    if "\n" not in stripped:
        return text.split("\n", 1)[0].strip() if "\n" in text else text
    count = len(_PARAGRAPH_BREAK.split(stripped))
    return "\n\n".join(_PARAGRAPH_BREAK.split(text)[:count]).strip()


def clean_output(text: str, source: str = "", *, same_shape: bool = False, echoes: Sequence[str] = ()) -> str:
    """Return only the rewritten text from a raw model answer for `source`.

    With `same_shape`, the answer keeps no more paragraphs than the source: what follows is chatter.
    `echoes` are the prompt's own labels and lines: the answer ends where it repeats one.
    """
    cleaned = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = _CONTROL.sub("", cleaned.replace("\u2028", "\n").replace("\u2029", "\n")).strip()
    cleaned = _THINKING.sub("", cleaned).strip()  # a reasoning model's trace is not the answer
    fenced = _FENCE.match(cleaned)
    if fenced and not source.lstrip().startswith("```"):
        cleaned = fenced.group(1).strip()
    cleaned = _strip_preamble(cleaned, source)
    cleaned = _cut_echo(cleaned, source, echoes)
    cleaned = _strip_trailing_chatter(cleaned, source)
    if same_shape:
        cleaned = _limit_blocks(cleaned, source)
    if cleaned.endswith(":") and not source.rstrip().endswith(":"):
        return ""  # only a lead-in ("Here is the revised sentence:") with nothing after it
    return _strip_wrapping_quotes(cleaned, source)


def with_margins_of(original: str, replacement: str) -> str:
    """`replacement` wearing the whitespace around `original`: a selection that took in a line or
    paragraph break keeps it, so accepting a rewrite never joins two paragraphs."""
    lead = original[: len(original) - len(original.lstrip())]
    trail = original[len(original.rstrip()) :]
    return lead + replacement.strip() + trail if replacement.strip() else replacement
