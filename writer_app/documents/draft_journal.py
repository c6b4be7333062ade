"""The journal of a long draft: its plan and how many sections are finished, one JSON file per draft
in the state folder (keyed by the document or the output file), written atomically at every section."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from writer_app.documents.file_io import atomic_write_bytes
from writer_app.errors import UserError


@dataclass(frozen=True)
class JournalEntry:
    """Where a draft stands: `plan` is the outline as plain data, `done` the sections finished."""

    key: str
    plan: dict
    done: int = 0
    seed: int = 0
    candidates_per_section: int = 1
    texts: tuple[str, ...] = ()  # the finished sections as written (the document may be behind)
    updated: float = field(default_factory=time.time)

    @property
    def finished(self) -> bool:
        return self.done >= len(self.plan.get("sections", ()))


def key_for_path(path: Path) -> str:
    """The journal key of a file: its resolved path, so two spellings of one file share a journal."""
    return "file:" + str(Path(path).expanduser().resolve())


class DraftJournal:
    """Journal files below `folder` (the app's state folder / drafts)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / (hashlib.sha256(key.encode("utf-8")).hexdigest()[:20] + ".json")

    def load(self, key: str) -> JournalEntry | None:
        """The draft recorded under `key`, or None; a damaged journal is one sentence."""
        path = self._path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            data["texts"] = tuple(data.get("texts", ()))
            entry = JournalEntry(**data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError) as error:
            raise UserError(
                f"The draft's journal {path} cannot be read ({error}): start the draft again."
            ) from error
        return entry if entry.key == key else None

    def load_quietly(self, key: str) -> JournalEntry | None:
        """The draft under `key`, or None when there is none or it cannot be read."""
        try:
            return self.load(key)
        except UserError:
            return None

    def save(self, entry: JournalEntry) -> JournalEntry:
        """Write `entry` atomically (a crash leaves the previous version whole)."""
        entry = replace(entry, updated=time.time())
        data = json.dumps(asdict(entry), ensure_ascii=False, indent=1).encode("utf-8")
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self._path(entry.key), data, mode=0o600)
        return entry

    def finish_section(self, entry: JournalEntry, done: int, text: str = "") -> JournalEntry:
        """Section `done` - 1 is finished with `text`."""
        texts = (*entry.texts[: done - 1], *([""] * max(0, done - 1 - len(entry.texts))), text)
        return self.save(replace(entry, done=done, texts=texts))

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
