"""Readings kept on disk between runs, so a voice's samples are read once, not on every command or window
session: one file per reading model in the cache folder, the most recently used kept, written atomically."""

from __future__ import annotations

import io
import logging
import os
import tempfile
import time
from collections import OrderedDict
from pathlib import Path

import numpy as np

LOGGER = logging.getLogger(__name__)
MAX_READINGS = 2048  # at most 14 MB of the default model's readings
STALE_SECONDS = 30 * 86400  # another reading copy's kept readings, untouched this long, are removed
KEY_BYTES = 16


class ReadingStore:
    """Readings by text key, loaded when made and written back by `save` (a damaged or unreadable file
    is started afresh: it only ever saves time)."""

    def __init__(self, path: Path, limit: int = MAX_READINGS) -> None:
        self.path = path
        self.limit = limit
        self._readings: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._changed = False
        try:
            with np.load(path, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
                shape_ok = keys.ndim == 2 and keys.shape[1] == KEY_BYTES and vectors.ndim == 2
                if not shape_ok or keys.dtype != np.uint8 or vectors.dtype != np.float32:
                    raise ValueError("not a file of readings")
                if len(keys) != len(vectors):
                    raise ValueError("the keys and readings do not match")
                for key, vector in zip(keys, vectors, strict=True):
                    self._readings[key.tobytes()] = _frozen(vector)
        except FileNotFoundError:
            pass
        except Exception as error:  # damaged, cut short, another format: read again, then saved afresh
            LOGGER.warning("the kept readings %s cannot be read (%s): the texts are read again", path, error)
            self._readings.clear()

    def __len__(self) -> int:
        return len(self._readings)

    def get(self, key: bytes) -> np.ndarray | None:
        found = self._readings.get(key)
        if found is not None:
            self._readings.move_to_end(key)
            self._changed = True  # the order is kept too: what is used stays
        return found

    def touch(self, key: bytes, vector: np.ndarray) -> None:
        """A reading used again: among the most recent (kept again, should it have been let go)."""
        if key in self._readings:
            self._readings.move_to_end(key)
            self._changed = True
        else:
            self.put(key, vector)

    def put(self, key: bytes, vector: np.ndarray) -> None:
        """Keep a reading (one of another width than those kept replaces them: another model's shape)."""
        kept = next(iter(self._readings.values()), None)  # all kept readings are of one width
        if kept is not None and len(kept) != len(vector):
            self._readings.clear()
        self._readings[key] = _frozen(vector)
        self._readings.move_to_end(key)
        while len(self._readings) > self.limit:
            self._readings.popitem(last=False)
        self._changed = True

    def save(self) -> None:
        """Write the readings if any were added (atomically: a crash leaves the old file); a failure is
        logged and costs only the next run's time, never the caller."""
        if not self._changed or not self._readings:
            return
        try:
            buffer = io.BytesIO()
            keys = np.frombuffer(b"".join(self._readings), dtype=np.uint8).reshape(-1, KEY_BYTES)
            np.savez(buffer, keys=keys, vectors=np.stack(list(self._readings.values())))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(buffer.getvalue())
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except Exception as error:  # a full disk, a read-only folder, too little memory: logged, not raised
            LOGGER.warning(
                "the readings could not be kept in %s (%s): they are read again next time", self.path, error
            )
            return
        self._changed = False
        self._remove_stale()

    def _remove_stale(self) -> None:
        """Kept readings of another reading copy or format (an older llama.cpp's copy) untouched for
        STALE_SECONDS, and halves a crash left an hour ago or more: never this store's own file."""
        now = time.time()
        try:
            for other in self.path.parent.iterdir():
                age = now - other.stat().st_mtime
                stale = (other.suffix == ".npz" and age > STALE_SECONDS) or (
                    other.suffix == ".tmp" and age > 3600
                )
                if stale and other != self.path:
                    other.unlink(missing_ok=True)
        except OSError as error:  # another process removed it first, or the folder went: nothing lost
            LOGGER.debug("could not tidy the kept readings' folder: %s", error)


def _frozen(vector: np.ndarray) -> np.ndarray:
    """A read-only float32 copy: a caller that changed a reading in place would change what is kept."""
    kept = np.array(vector, dtype=np.float32)
    kept.setflags(write=False)
    return kept
