"""The middle and later layers' states of a decode, averaged over its tokens: a graph callback that
reads them as llama.cpp computes them (`cb_eval`), so the scoring model's one pass gives them beside its
reading.

Measured on the authors' passages (`make eval-style`), the mean state of the middle layers tells one
author's voice from another's better than the last layer's (its next-token guess), and the band after
them adds to both, which is what the voice reading uses them for.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

import llama_cpp
import numpy as np
from llama_cpp._ctypes_extensions import load_shared_library

# The tensor accessors live in ggml's base library, beside llama.cpp's own (where llama_cpp finds it).
_OVERRIDE = os.environ.get("LLAMA_CPP_LIB_PATH")  # as llama_cpp reads it
_LIB_DIR = Path(_OVERRIDE) if _OVERRIDE is not None else Path(llama_cpp.__file__).parent / "lib"
_GGML = load_shared_library("ggml-base", _LIB_DIR)
_GGML.ggml_get_name.restype = ctypes.c_char_p
_GGML.ggml_get_name.argtypes = [ctypes.c_void_p]
_GGML.ggml_nelements.restype = ctypes.c_int64
_GGML.ggml_nelements.argtypes = [ctypes.c_void_p]
_GGML.ggml_nrows.restype = ctypes.c_int64
_GGML.ggml_nrows.argtypes = [ctypes.c_void_p]
_GGML.ggml_nbytes.restype = ctypes.c_size_t
_GGML.ggml_nbytes.argtypes = [ctypes.c_void_p]
_GGML.ggml_backend_tensor_get.restype = None
_GGML.ggml_backend_tensor_get.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t]


def middle_layers(n_layer: int) -> range:
    """The band of a model's layers whose states are averaged: the default model's layers 9–18 of 30
    (measured best among bands); for other depths the same share of the way down, at least one."""
    start = int(n_layer * 0.3)
    return range(start, min(n_layer, start + max(1, n_layer // 3)))


def later_layers(n_layer: int) -> range:
    """The band after the middle one, as many layers (fewer or none where the model ends first): the
    default model's layers 19–28."""
    middle = middle_layers(n_layer)
    return range(middle.stop, min(n_layer, middle.stop + len(middle)))


def voice_bands(n_layer: int) -> tuple[range, ...]:
    """The bands a reading holds after the last layer's state: the middle one, then the later one where
    the model has layers after the middle band."""
    return tuple(band for band in (middle_layers(n_layer), later_layers(n_layer)) if band)


class LayerCapture:
    """Set `callback` as a context's `cb_eval`; after each decode, `means()` is, for each band, the
    average over its layers of their states, each averaged over the tokens but the first (which every
    causal model uses as an attention sink, with states unlike the others'). `seen` counts the layers
    seen."""

    def __init__(self, bands: tuple[range, ...]) -> None:
        self._bands = bands
        self._names = {f"l_out-{layer}".encode(): layer for band in bands for layer in band}
        self._sums: dict[int, tuple[np.ndarray, int]] = {}  # by layer: its states summed, and how many
        self.failed = False
        self.callback = llama_cpp.ggml_backend_sched_eval_callback(self._observe)

    @property
    def seen(self) -> int:
        return len(self._sums)

    def reset(self) -> None:
        self._sums = {}
        self.failed = False

    def _observe(self, tensor: int, ask: bool, _user_data: int) -> bool:
        try:
            return self._take(tensor, ask)
        except Exception:  # never let ggml stop a decode half-way: this pass's band counts as unseen
            self.failed = True
            return True

    def _take(self, tensor: int, ask: bool) -> bool:
        layer = self._names.get(_GGML.ggml_get_name(tensor))
        if layer is None:
            return not ask  # not asked for: computed without stopping; never stop a decode
        if ask:
            return True
        count, rows = _GGML.ggml_nelements(tensor), _GGML.ggml_nrows(tensor)
        if count <= 0 or _GGML.ggml_nbytes(tensor) != 4 * count:  # only float32 states are read
            return True
        states = np.empty(count, dtype=np.float32)  # copied out wherever the backend keeps them
        _GGML.ggml_backend_tensor_get(tensor, states.ctypes.data, 0, 4 * count)
        states = states.reshape(rows, -1)
        total, seen = self._sums.get(layer, (0.0, 0))
        if not seen and rows > 1:
            states = states[1:]  # the attention sink; a later batch of the same pass has none
        self._sums[layer] = (total + states.sum(axis=0, dtype=np.float64), seen + len(states))
        return True

    def means(self) -> list[np.ndarray] | None:
        """Each band's mean state of the last decode (None when any of a band's layers was not seen)."""
        if self.failed or not all(layer in self._sums for band in self._bands for layer in band):
            return None
        layer_means = {layer: total / seen for layer, (total, seen) in self._sums.items()}
        return [np.mean([layer_means[n] for n in band], axis=0).astype(np.float32) for band in self._bands]
