"""The scoring model's embeddings of the evaluation texts, cached on disk by model and text.

Reading 2,000 LAMP paragraphs takes about a quarter of an hour on 2 cores; the cache keeps every
embedding made, one JSON line each, so a run that is stopped goes on where it was. Readings made
before the reader kept its bands' states hold the last layer's only (or fewer bands): `get` (the quality
model's part) takes them as they are, `whole` reads such a text again.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from writer_app.engine.embedding import TextEmbedder, model_key
from writer_app.engine.hardware import physical_cores
from writer_app.engine.model_file import read_model_file
from writer_app.engine.reading_copy import reading_copy
from writer_app.reward.quality import reading_widths

ROOT = Path(__file__).resolve().parents[2]

CACHE_DIR = Path(os.environ.get("WRITER_APP_EVAL_CACHE", Path.home() / ".cache" / "writer-app-eval"))
DEFAULT_MODEL = ROOT / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Embeddings of texts by one model: looked up on disk, made (and appended) when missing."""

    def __init__(self, model_path: Path = DEFAULT_MODEL, cache_dir: Path = CACHE_DIR) -> None:
        self.source_path = model_path
        self.model_path = reading_copy(model_path, cache_dir, physical_cores())  # what the app reads with
        self.path = cache_dir / f"embeddings-{model_key(self.model_path)}.jsonl"
        self.width = int(read_model_file(self.model_path).arch_value("embedding_length"))  # the last layer's
        self._known: dict[str, np.ndarray] = {}
        self._embedder: TextEmbedder | None = None
        if self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by a stopped run
                self._known[row["text"]] = np.frombuffer(base64.b64decode(row["e"]), dtype=np.float32)

    def __contains__(self, text: str) -> bool:
        return text_key(text) in self._known

    def put(self, text: str, vector: np.ndarray) -> None:
        key = text_key(text)
        self._known[key] = np.asarray(vector, dtype=np.float32)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        encoded = base64.b64encode(self._known[key].tobytes()).decode("ascii")
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"text": key, "e": encoded}) + "\n")

    def get(self, text: str) -> np.ndarray:
        """The last layer's part of the text's reading: what the quality model reads."""
        found = self._known.get(text_key(text))
        return (found if found is not None else self.whole(text))[: self.width]

    def _has_whole(self, text: str) -> bool:
        found = self._known.get(text_key(text))
        return found is not None and len(found) == max(reading_widths(self.width))

    def whole(self, text: str) -> np.ndarray:
        """The text's whole reading (the last layer's state, then the middle and later layers')."""
        if self._has_whole(text):
            return self._known[text_key(text)]
        if self._embedder is None:
            self._embedder = TextEmbedder(self.model_path, physical_cores())
        vector = self._embedder.embed(text)
        self.put(text, vector)
        return vector

    def fill(self, texts: Iterable[str], label: str = "", whole: bool = False) -> None:
        """Embed every text not cached yet (`whole`: nor read with every band), printing progress
        now and then."""
        missing = [t for t in dict.fromkeys(texts) if not (self._has_whole(t) if whole else t in self)]
        started = time.perf_counter()
        for done, text in enumerate(missing, 1):
            self.whole(text)
            if done % 100 == 0 or done == len(missing):
                rate = (time.perf_counter() - started) / done
                print(f"  embedded {done}/{len(missing)} {label} texts ({rate:.2f} s each)", flush=True)
