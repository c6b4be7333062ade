"""The scoring model's reading copy: the default model re-encoded as Q8_0 once, in the cache folder.

The default model ships as Q4_1, which llama.cpp multiplies on CPUs through its generic dot products;
Q8_0 goes through its fast matrix kernels, so a paragraph is read about twice as fast (measured 251 →
499 tokens/s on 2 cores) with the same readings (cosine ≥ 0.9997). The copy is made once (about a
second), written atomically and named after the source's contents; where it cannot be made (a full
disk, a read-only cache), the reader reads the source itself: slower, never wrong.
"""

from __future__ import annotations

import ctypes
import logging
import os
import shutil
import time
from pathlib import Path

import llama_cpp

from writer_app.engine.embedding import model_key
from writer_app.engine.llama_log import route_llama_log_to_logging
from writer_app.engine.model_file import READING_COPY_GROWTH

LOGGER = logging.getLogger(__name__)
SUFFIX = ".reading-q8_0.gguf"


def copy_path(model_path: Path, cache_dir: Path) -> Path:
    """Where the reading copy of `model_path` is kept (whether or not it has been made)."""
    return Path(cache_dir) / f"{model_key(Path(model_path))}-llama{llama_cpp.__version__}{SUFFIX}"


def reading_copy(model_path: Path, cache_dir: Path, n_threads: int) -> Path:
    """The file to read with: the Q8_0 copy (made now if missing), or `model_path` where it can't be."""
    target = copy_path(model_path, cache_dir)
    if target.is_file():
        _remove(target, older_copies=False)
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        needed = int(Path(model_path).stat().st_size * READING_COPY_GROWTH) + (64 << 20)
        if shutil.disk_usage(target.parent).free < needed:
            LOGGER.warning("no room for the reading copy in %s: the scoring model reads itself", cache_dir)
            return Path(model_path)
        _write_copy(Path(model_path), target, n_threads)
    except OSError as error:
        LOGGER.warning("the scoring model's reading copy could not be made (%s): it reads itself", error)
        return Path(model_path)
    _remove(target, older_copies=True)
    return target


def _write_copy(source: Path, target: Path, n_threads: int) -> None:
    """Quantize `source` to Q8_0 into a temporary file beside `target`, then move it into place."""
    route_llama_log_to_logging()
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = llama_cpp.LLAMA_FTYPE_MOSTLY_Q8_0
    params.allow_requantize = True  # Q4_1's values rounded again to 8 bits: readings agree to cosine 0.9997
    params.nthread = max(n_threads, 1)
    try:
        failed = llama_cpp.llama_model_quantize(
            str(source).encode(), str(partial).encode(), ctypes.byref(params)
        )
        if failed:
            raise OSError(f"llama.cpp could not re-encode {source.name} (code {failed})")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _remove(kept: Path, older_copies: bool) -> None:
    """Halves left by a crash an hour ago or more, and (once a new copy is made) copies of an older
    default model or llama.cpp, are 145 MB each of nothing: removed; one in use elsewhere is left."""
    stale = time.time() - 3600
    for other in kept.parent.glob(f"*{SUFFIX}*"):
        try:
            partial = other.name.endswith(".partial")
            if other != kept and (
                (partial and other.stat().st_mtime < stale) or (older_copies and not partial)
            ):
                other.unlink(missing_ok=True)
        except OSError as error:  # made, moved or held by another process meanwhile
            LOGGER.debug("left %s: %s", other.name, error)
