"""Word-level differences between an original text and a suggestion."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class DiffPart:
    kind: str  # "equal", "insert" or "delete"
    text: str


def word_diff(original: str, suggestion: str) -> list[DiffPart]:
    """Parts that turn `original` into `suggestion`: joined "equal"+"delete" give the original."""
    before = _TOKENS.findall(original)
    after = _TOKENS.findall(suggestion)
    parts: list[DiffPart] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(DiffPart("equal", "".join(before[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            parts.append(DiffPart("delete", "".join(before[i1:i2])))
        if tag in ("insert", "replace"):
            parts.append(DiffPart("insert", "".join(after[j1:j2])))
    return parts


def change_summary(parts: list[DiffPart]) -> str:
    """A short count such as "+5 −3 words"."""

    def words(kind: str) -> int:
        return sum(len(re.findall(r"\w+", p.text)) for p in parts if p.kind == kind)

    return f"+{words('insert')} −{words('delete')} words"


@dataclass(frozen=True)
class Change:
    """One change of a suggestion: `original[start:end]` becomes `text` (either may be empty)."""

    start: int
    end: int
    text: str

    def removed(self, original: str) -> str:
        return original[self.start : self.end]


def changes(original: str, suggestion: str) -> list[Change]:
    """The suggestion's changes, in order: runs of deletions and insertions, with changes separated
    only by spaces taken as one (a reviewer judges "quick brown" → "fast red" whole)."""
    found: list[Change] = []
    position = 0
    pending: list[DiffPart] = []
    start = 0

    def close() -> None:
        if pending:
            removed = sum(len(p.text) for p in pending if p.kind != "insert")
            added = "".join(p.text for p in pending if p.kind != "delete")
            found.append(Change(start, start + removed, added))
            pending.clear()

    for part in word_diff(original, suggestion):
        if part.kind == "equal" and not (pending and part.text.isspace()):
            close()
            position += len(part.text)
            start = position
            continue
        if not pending:
            start = position
        pending.append(part)
        if part.kind != "insert":
            position += len(part.text)
    close()
    return [c for c in found if c.removed(original) != c.text]


def apply_changes(original: str, chosen: list[Change]) -> str:
    """`original` with the `chosen` changes made (the others left as they were)."""
    out, position = [], 0
    for change in sorted(chosen, key=lambda c: c.start):
        out += [original[position : change.start], change.text]
        position = change.end
    return "".join(out) + original[position:]
