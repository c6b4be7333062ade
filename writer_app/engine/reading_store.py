"""Readings kept on disk between runs, so a voice's samples are read once, not on every command or window
session: one file per reading model in the cache folder, the most recently used kept, written atomically."""

from __future__ import annotations

import io
import logging
import os
import tempfile
from collections import OrderedDict
from pathlib import Path

import numpy as np

LOGGER = logging.getLogger(__name__)
MAX_READINGS = 2048  # at most 9.4 MB of the default model's readings
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
                if keys.ndim != 2 or keys.shape[1] != KEY_BYTES or len(keys) != len(vectors):
                    raise ValueError("the keys and readings do not match")
                for key, vector in zip(keys, vectors, strict=True):
                    self._readings[key.tobytes()] = vector.astype(np.float32)
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
        return found

    def put(self, key: bytes, vector: np.ndarray) -> None:
        """Keep a reading (one of another width than those kept replaces them: another model's shape)."""
        widths = {len(v) for v in self._readings.values()}
        if widths and len(vector) not in widths:
            self._readings.clear()
        self._readings[key] = np.asarray(vector, dtype=np.float32)
        self._readings.move_to_end(key)
        while len(self._readings) > self.limit:
            self._readings.popitem(last=False)
        self._changed = True

    def save(self) -> None:
        """Write the readings if any were added (atomically: a crash leaves the old file); a failure
        (a full disk, a read-only folder) is logged and costs only the next run's time."""
        if not self._changed or not self._readings:
            return
        buffer = io.BytesIO()
        keys = np.frombuffer(b"".join(self._readings), dtype=np.uint8).reshape(-1, KEY_BYTES)
        np.savez(buffer, keys=keys, vectors=np.stack(list(self._readings.values())))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(buffer.getvalue())
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as error:
            LOGGER.warning(
                "the readings could not be kept in %s (%s): they are read again next time", self.path, error
            )
            return
        self._changed = False
