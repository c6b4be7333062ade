"""The scoring model's reading of a text: its last layer's and two bands' mean states, in a context apart."""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import llama_cpp
import numpy as np

from writer_app.engine.errors import ModelFileError, NotEnoughMemoryError
from writer_app.engine.layer_capture import LayerCapture, voice_bands
from writer_app.engine.llama_log import route_llama_log_to_logging
from writer_app.engine.model_file import (
    EMBED_TOKENS,
    available_memory_bytes,
    check_fits_in_memory,
    read_model_file,
    reader_memory_bytes,
)
from writer_app.engine.reading_store import ReadingStore

LOGGER = logging.getLogger(__name__)
READING_FORMAT = 3  # a reading: the last layer's mean, layers 9-18's, 19-28's (in kept readings' names)
CACHE_SIZE = 8192  # readings kept (6.9 KB each, 57 MB at most): a review re-reads unchanged paragraphs free


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
    """Owns the scoring model and a context of its own in embedding mode (mean pooling); one thread
    only. A reading is the last layer's mean state (what the quality model reads) followed by the
    middle layers' and the later layers' (`engine.layer_capture`: what the voice reading reads), all
    from one pass; where llama.cpp does not show every layer of both bands, the last layer's alone
    (from then on, for the whole run). It costs the model's weights, a 512-token context, its compute
    buffer and its logits buffer (about 215 MB beside the 145 MB reading copy of the default model,
    counted by the memory check)."""

    def __init__(
        self,
        model_path: Path,
        n_threads: int,
        *,
        available_memory: Callable[[], int | None] = available_memory_bytes,
        store: ReadingStore | None = None,
    ) -> None:
        info = read_model_file(model_path)
        check_fits_in_memory(info, EMBED_TOKENS, available_memory(), reader_memory_bytes(info))
        route_llama_log_to_logging()
        llama_cpp.llama_backend_init()  # as llama_cpp.Llama does (once is enough; again is harmless)
        self.path = Path(model_path)
        self._ctx = self._batch = None
        self._cache: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._store = store  # readings kept between runs (saved on close)
        self._without_bands = False  # set once a pass lacked a band's layer: the last layer's from then on
        model_params = llama_cpp.llama_model_default_params()
        model_params.n_gpu_layers = 0  # on the CPU, as the quality model and the voice spaces were fitted
        self._model = llama_cpp.llama_model_load_from_file(str(model_path).encode(), model_params)
        if not self._model:
            raise ModelFileError(f"The scoring model {model_path.name} could not be loaded.")
        try:
            self._open_context(model_path, n_threads)
        except BaseException:
            self.close()
            raise

    def _open_context(self, model_path: Path, n_threads: int) -> None:
        self._vocab = llama_cpp.llama_model_get_vocab(self._model)
        self._width = int(llama_cpp.llama_model_n_embd(self._model))
        self._bands = voice_bands(llama_cpp.llama_model_n_layer(self._model))
        self._capture = LayerCapture(self._bands)
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = params.n_batch = params.n_ubatch = EMBED_TOKENS
        params.n_threads = params.n_threads_batch = n_threads
        params.embeddings = True
        params.pooling_type = llama_cpp.LLAMA_POOLING_TYPE_MEAN
        # As llama_cpp.Llama reads (the quality model was fitted on its readings): no flash attention.
        params.flash_attn_type = llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
        params.cb_eval = self._capture.callback
        self._ctx = llama_cpp.llama_init_from_model(self._model, params)
        if not self._ctx:  # what fails here is an allocation: the file itself loaded
            raise NotEnoughMemoryError(
                f"The scoring model {model_path.name} could not make its context: too little memory."
            )
        self._batch = llama_cpp.llama_batch_init(EMBED_TOKENS, 0, 1)
        self._memory = llama_cpp.llama_get_memory(self._ctx)

    @property
    def size(self) -> int:
        """A reading's width: the model's state width once for the last layer's, once per band."""
        return self._width * (1 if self._without_bands else 1 + len(self._bands))

    def cached(self, text: str) -> np.ndarray | None:
        """The reading of a text read before, in this run or a kept one (None otherwise); reads nothing."""
        key = _key(text)
        found = self._cache.get(key)
        return found if found is not None or self._store is None else self._kept(key)

    def _kept(self, key: bytes) -> np.ndarray | None:
        kept = self._store.get(key) if self._store is not None else None
        return kept if kept is not None and len(kept) == self.size else None

    def read(self, text: str) -> np.ndarray | None:
        """`embed`, or None (logged) where llama.cpp cannot read the text: one text that fails costs
        only its own reading, never the job or command that asked."""
        try:
            return self.embed(text)
        except Exception:
            LOGGER.exception("the scoring model could not read a text of %d characters", len(text))
            return None

    def embed(self, text: str) -> np.ndarray:
        """The reading of the text's first EMBED_TOKENS tokens (see the class)."""
        key = _key(text)
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            if self._store is not None:  # used again: kept among the most recent on disk too
                self._store.touch(key, found)
            return found
        vector = self._kept(key)
        if vector is None:
            vector = self._decode(self._tokens(text))
            if self._store is not None:
                self._store.put(key, vector)
        self._cache[key] = vector
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return vector

    def _tokens(self, text: str) -> list[int]:
        """The text's first EMBED_TOKENS tokens (of its first 128 bytes a token, which is more than
        any token of the default model's is long)."""
        if not self._ctx:
            raise RuntimeError("the scoring model's reader is closed")
        data = text.encode("utf-8", "replace")[: EMBED_TOKENS * 128]
        room = len(data) + 2
        buffer = (llama_cpp.llama_token * room)()
        count = llama_cpp.llama_tokenize(self._vocab, data, len(data), buffer, room, True, False)
        if count < 0:
            raise RuntimeError(f"llama_tokenize needs {-count} tokens")
        return list(buffer[: min(count, EMBED_TOKENS)])

    def _decode(self, tokens: list[int]) -> np.ndarray:
        tokens = tokens[:EMBED_TOKENS]
        if not tokens:
            raise ValueError("there is nothing to read")
        batch = self._batch
        for i, token in enumerate(tokens):
            batch.token[i], batch.pos[i], batch.n_seq_id[i], batch.logits[i] = token, i, 1, True
            batch.seq_id[i][0] = 0
        batch.n_tokens = len(tokens)
        llama_cpp.llama_memory_clear(self._memory, True)
        self._capture.reset()
        code = llama_cpp.llama_decode(self._ctx, batch)
        if code != 0:
            raise RuntimeError(f"llama_decode returned {code}")
        last = np.ctypeslib.as_array(llama_cpp.llama_get_embeddings_seq(self._ctx, 0), shape=(self._width,))
        if self._capture.failed:  # the pass itself may be incomplete
            raise RuntimeError("the layers' states could not be read")
        bands = None if self._without_bands else self._capture.means()  # one width for the whole run
        if bands is None or any(band.shape != (self._width,) for band in bands):
            if not self._without_bands:
                LOGGER.warning("llama.cpp showed too few layers: the voice reads the last layer alone")
                self._cache.clear()  # readings of the wider kind are not mixed in
            self._without_bands = True
            return last.astype(np.float32)
        return np.concatenate([last, *bands]).astype(np.float32)

    def close(self) -> None:
        """Keep the readings made (where a store was given), then free the batch, the context and the
        model (each once; closing again does nothing)."""
        store, self._store = self._store, None
        if store is not None:
            store.save()  # never raises: a reading not kept costs only time
        if self._batch is not None:
            llama_cpp.llama_batch_free(self._batch)
            self._batch = None
        if self._ctx:
            llama_cpp.llama_free(self._ctx)
        self._ctx = None
        if self._model:
            llama_cpp.llama_model_free(self._model)
            self._model = None
