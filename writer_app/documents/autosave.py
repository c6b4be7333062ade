"""Autosave snapshots of unsaved documents, written off the GUI thread, and their recovery after a crash.

Each running app holds an OS-level lock on a file of its own (`instances/<id>.lock`); a snapshot
names the instance that wrote it. A snapshot is orphaned when its instance's lock can be taken: the
kernel releases a lock as soon as its process dies (also after `kill -9`, before it is reaped), and a
new process cannot inherit it by reusing a PID.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from writer_app.documents.file_io import DiskState, atomic_write_bytes
from writer_app.errors import UserError

LOGGER = logging.getLogger(__name__)
ErrorHandler = Callable[[str], None]
PRIVATE_FILE = 0o600  # snapshots hold whole documents: only their owner may read them
PRIVATE_FOLDER = 0o700


@dataclass(frozen=True)
class _Pending:
    """The newest text queued for one document, and the queued task allowed to write it."""

    token: int
    path: Path | None
    title: str
    text: str
    disk: DiskState | None
    on_error: ErrorHandler | None


@dataclass(frozen=True)
class Snapshot:
    """An unsaved document as it was at `saved_at`; `path` is None for a new document.

    `disk` is what the file on disk looked like when the document was loaded or last saved, so a
    recovered document still notices a file another program changed since.
    """

    document_id: str
    path: str | None
    title: str
    text: str
    saved_at: float
    owner: str
    disk: DiskState | None = None


def new_document_id() -> str:
    return uuid.uuid4().hex


def _disk_from(raw: object) -> DiskState | None:
    if not isinstance(raw, dict):
        return None
    try:
        return DiskState(int(raw["size"]), int(raw["mtime_ns"]), str(raw["sha256"]))
    except (KeyError, TypeError, ValueError):
        return None


class AutosaveStore:
    """One JSON file per unsaved document under `folder`; removed on save or clean close.

    `save` writes at once (recovery, tests); `save_in_background` queues the write on one background
    thread, where a newer snapshot of the same document replaces a queued older one, and `discard`
    is queued behind it, so the order of writes and removals is kept. `flush` waits for the queue.
    """

    def __init__(self, folder: Path, instance_id: str | None = None) -> None:
        self.folder = Path(folder)
        self.instance_id = instance_id or uuid.uuid4().hex
        self._lock: FileLock | None = None
        self._pending: dict[str, _Pending] = {}
        self._tokens = itertools.count(1)
        self._guard = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._last: Future[None] | None = None

    # ----- the instance lock --------------------------------------------------------------------
    def _lock_file(self, owner: str) -> Path:
        return self.folder / "instances" / f"{owner}.lock"

    def claim(self) -> None:
        """Hold this instance's lock for as long as the process runs (or until `release`)."""
        if self._lock is not None:
            return
        path = self._lock_file(self.instance_id)
        self.folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        path.parent.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
        lock = FileLock(str(path), timeout=0)
        lock.acquire()
        self._lock = lock

    def release(self) -> None:
        """Let go of the instance lock (a clean exit); the lock file is removed."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None
            self._lock_file(self.instance_id).unlink(missing_ok=True)

    def _owner_alive(self, owner: str) -> bool:
        if owner == self.instance_id:
            return True
        path = self._lock_file(owner) if owner else None
        if path is None or not path.exists():
            return False
        probe = FileLock(str(path), timeout=0)
        try:
            probe.acquire()
        except Timeout:
            return True
        probe.release()
        path.unlink(missing_ok=True)
        return False

    # ----- writing ----------------------------------------------------------------------------
    def _file(self, document_id: str) -> Path:
        return self.folder / f"{document_id}.json"

    def save(
        self, document_id: str, path: Path | None, title: str, text: str, disk: DiskState | None = None
    ) -> None:
        """Write the snapshot now (raises UserError when it cannot be written)."""
        try:
            self.folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        except OSError as error:
            raise UserError(f"Autosave cannot write to {self.folder}: {error.strerror or error}.") from error
        payload = {
            "document_id": document_id,
            "path": str(path) if path else None,
            "title": title,
            "text": text,
            "saved_at": time.time(),
            "owner": self.instance_id,
            "disk": {"size": disk.size, "mtime_ns": disk.mtime_ns, "sha256": disk.sha256} if disk else None,
        }
        try:
            atomic_write_bytes(
                self._file(document_id), json.dumps(payload, ensure_ascii=False).encode(), mode=PRIVATE_FILE
            )
        except UserError:
            LOGGER.warning("autosave of %s failed", title, exc_info=True)
            raise

    def _submit(self, task: Callable[[], None]) -> None:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="autosave")
        self._last = self._executor.submit(task)

    def save_in_background(
        self,
        document_id: str,
        path: Path | None,
        title: str,
        text: str,
        disk: DiskState | None = None,
        on_error: ErrorHandler | None = None,
    ) -> None:
        """Queue the snapshot; a failure's sentence goes to `on_error`, called on the background thread."""
        with self._guard:
            queued = self._pending.get(document_id)
            # A task already queued for this document writes the newest text; otherwise a new one.
            token = queued.token if queued is not None else next(self._tokens)
            self._pending[document_id] = _Pending(token, path, title, text, disk, on_error)
        if queued is None:
            self._submit(lambda: self._write_pending(document_id, token))

    def _write_pending(self, document_id: str, token: int) -> None:
        with self._guard:
            entry = self._pending.get(document_id)
            if entry is None or entry.token != token:  # discarded, or queued anew after a discard
                return
            del self._pending[document_id]
        try:
            self.save(document_id, entry.path, entry.title, entry.text, entry.disk)
        except UserError as error:
            if entry.on_error is not None:
                entry.on_error(str(error))

    def discard(self, document_id: str) -> None:
        """Remove the document's snapshot, after any write of it already queued."""
        with self._guard:
            self._pending.pop(document_id, None)
        if self._executor is None:
            self._file(document_id).unlink(missing_ok=True)
        else:
            self._submit(lambda: self._file(document_id).unlink(missing_ok=True))

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued write and removal is done; False when `timeout` ran out."""
        last = self._last
        if last is None:
            return True
        try:
            last.result(timeout)
        except TimeoutError:
            return False
        return True

    def close(self, wait: bool = True) -> None:
        """Finish the queue (unless `wait` is False: a hung disk must not hang quitting), stop the
        background thread and release the instance lock."""
        if self._executor is not None:
            self._executor.shutdown(wait=wait)
            self._executor = None
        self.release()

    # ----- reading ----------------------------------------------------------------------------
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
                        str(raw.get("owner") or ""),
                        _disk_from(raw.get("disk")),
                    )
                )
            except (OSError, ValueError, KeyError, TypeError):
                LOGGER.warning("ignoring unreadable autosave file %s", file)
        return sorted(found, key=lambda snapshot: snapshot.saved_at, reverse=True)

    def orphaned(self) -> list[Snapshot]:
        """Snapshots whose app is no longer running: what a crash or kill left behind."""
        alive: dict[str, bool] = {}
        orphans = []
        for snapshot in self.snapshots():
            if snapshot.owner not in alive:
                alive[snapshot.owner] = self._owner_alive(snapshot.owner)
            if not alive[snapshot.owner]:
                orphans.append(snapshot)
        return orphans
