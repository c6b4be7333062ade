"""Autosave snapshots of unsaved documents in the state folder, and their recovery after a crash."""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from writer_app.documents.file_io import atomic_write_bytes
from writer_app.errors import UserError

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """An unsaved document as it was at `saved_at`; `path` is None for a new document."""

    document_id: str
    path: str | None
    title: str
    text: str
    saved_at: float
    owner_pid: int


def new_document_id() -> str:
    return uuid.uuid4().hex


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class AutosaveStore:
    """One JSON file per unsaved document under `folder`; removed on save or clean close."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _file(self, document_id: str) -> Path:
        return self.folder / f"{document_id}.json"

    def save(self, document_id: str, path: Path | None, title: str, text: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        payload = {
            "document_id": document_id,
            "path": str(path) if path else None,
            "title": title,
            "text": text,
            "saved_at": time.time(),
            "owner_pid": os.getpid(),
        }
        try:
            atomic_write_bytes(self._file(document_id), json.dumps(payload, ensure_ascii=False).encode())
        except UserError:
            LOGGER.warning("autosave of %s failed", title, exc_info=True)
            raise

    def discard(self, document_id: str) -> None:
        self._file(document_id).unlink(missing_ok=True)

    def snapshots(self) -> list[Snapshot]:
        if not self.folder.is_dir():
            return []
        found: list[Snapshot] = []
        for file in sorted(self.folder.glob("*.json")):
            try:
                raw = json.loads(file.read_text(encoding="utf-8"))
                found.append(
                    Snapshot(
                        raw["document_id"],
                        raw.get("path"),
                        raw["title"],
                        raw["text"],
                        float(raw["saved_at"]),
                        int(raw.get("owner_pid", 0)),
                    )
                )
            except (OSError, ValueError, KeyError, TypeError):
                LOGGER.warning("ignoring unreadable autosave file %s", file)
        return sorted(found, key=lambda snapshot: snapshot.saved_at, reverse=True)

    def orphaned(self) -> list[Snapshot]:
        """Snapshots whose app is no longer running: what a crash or kill left behind."""
        return [s for s in self.snapshots() if s.owner_pid != os.getpid() and not _pid_alive(s.owner_pid)]
