"""The record of accepted AI suggestions per document: what was there, what was chosen, the others."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path


@dataclass(frozen=True)
class AiEdit:
    edit_id: int
    feature: str  # e.g. "rewrite: Make concise"
    original: str
    chosen: str
    others: tuple[str, ...]
    accepted_at: float = field(default_factory=time.time)
    reverted: bool = False


class AiEditHistory:
    """An ordered list of AI edits that can be saved to and loaded from a JSON file."""

    def __init__(self) -> None:
        self.edits: list[AiEdit] = []

    def record(self, feature: str, original: str, chosen: str, others: list[str]) -> AiEdit:
        edit = AiEdit(len(self.edits) + 1, feature, original, chosen, tuple(others))
        self.edits.append(edit)
        return edit

    def mark_reverted(self, edit_id: int, reverted: bool = True) -> AiEdit:
        for position, edit in enumerate(self.edits):
            if edit.edit_id == edit_id:
                self.edits[position] = replace(edit, reverted=reverted)
                return self.edits[position]
        raise KeyError(edit_id)

    def to_json(self) -> str:
        return json.dumps([asdict(edit) for edit in self.edits], ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> AiEditHistory:
        history = cls()
        for raw in json.loads(text):
            raw["others"] = tuple(raw.get("others", ()))
            history.edits.append(AiEdit(**raw))
        return history

    def save(self, path: Path) -> None:
        from writer_app.documents.file_io import atomic_write_bytes

        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, self.to_json().encode("utf-8"), mode=0o600)  # the user's texts
