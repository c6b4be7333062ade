"""The scoring model's reading of a text: the default model's mean-pooled hidden state, in its own context."""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import llama_cpp
import numpy as np

from writer_app.engine.errors import ModelFileError
from writer_app.engine.llama_log import route_llama_log_to_logging
from writer_app.engine.model_file import (
    EMBED_TOKENS,
    available_memory_bytes,
    check_fits_in_memory,
    read_model_file,
)

LOGGER = logging.getLogger(__name__)
CACHE_SIZE = 8192  # readings kept (2.3 KB each, 19 MB at most): a review re-reads unchanged paragraphs free


def model_key(model_path: Path) -> str:
    """A short name for the model file's contents (size and first megabyte), for on-disk caches."""
    digest = hashlib.sha256(str(model_path.stat().st_size).encode())
    with model_path.open("rb") as handle:
        digest.update(handle.read(1 << 20))
    return f"{model_path.stem}-{digest.hexdigest()[:12]}"


def _key(text: str) -> bytes:
    """A short key for a text (rewrite sources can be long; the cache holds keys, not texts)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class TextEmbedder:
    """Owns a `Llama` in embedding mode (mean pooling); one thread only. Its context is small, so it
    costs the model's weights and about 10 MB more (counted by the memory check before loading)."""

    def __init__(
        self,
        model_path: Path,
        n_threads: int,
        *,
        available_memory: Callable[[], int | None] = available_memory_bytes,
    ) -> None:
        info = read_model_file(model_path)
        check_fits_in_memory(info, EMBED_TOKENS, available_memory())
        route_llama_log_to_logging()
        try:
            self._llama = llama_cpp.Llama(
                model_path=str(model_path),
                n_ctx=EMBED_TOKENS,
                n_batch=EMBED_TOKENS,
                n_ubatch=EMBED_TOKENS,
                n_threads=n_threads,
                n_threads_batch=n_threads,
                embedding=True,
                pooling_type=llama_cpp.LLAMA_POOLING_TYPE_MEAN,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as error:
            raise ModelFileError(f"The scoring model {model_path.name} could not be loaded.") from error
        self._cache: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self.path = Path(model_path)

    @property
    def size(self) -> int:
        return int(self._llama.n_embd())

    def cached(self, text: str) -> np.ndarray | None:
        """The reading of a text read before (None otherwise); reads nothing."""
        return self._cache.get(_key(text))

    def read(self, text: str) -> np.ndarray | None:
        """`embed`, or None (logged) where llama.cpp cannot read the text: one text that fails costs
        only its own reading, never the job or command that asked."""
        try:
            return self.embed(text)
        except Exception:
            LOGGER.exception("the scoring model could not read a text of %d characters", len(text))
            return None

    def embed(self, text: str) -> np.ndarray:
        """The mean of the last layer's states over the text's tokens (at most EMBED_TOKENS)."""
        key = _key(text)
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            return found
        vector = np.asarray(self._llama.embed(text, truncate=True), dtype=np.float32)
        self._cache[key] = vector
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return vector

    def close(self) -> None:
        self._llama.close()
