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
