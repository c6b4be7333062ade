"""The middle layers' states of a decode, averaged over its tokens: a graph callback that reads them as
llama.cpp computes them (`cb_eval`), so the scoring model's one pass gives them beside its reading.

Measured on the authors' passages (`make eval-style`), the mean state of the middle layers tells one
author's voice from another's better than the last layer's (its next-token guess), which is what the
voice reading uses them for.
"""

from __future__ import annotations

import ctypes

import llama_cpp
import numpy as np
from llama_cpp import _ggml


def middle_layers(n_layer: int) -> range:
    """The band of a model's layers whose states are averaged: the default model's layers 9–18 of 30
    (measured best among bands); for other depths the same share of the way down, at least one."""
    start = int(n_layer * 0.3)
    return range(start, min(n_layer, start + max(1, n_layer // 3)))


_LIB = _ggml.libggml  # libggml resolves its base library's tensor accessors
_LIB.ggml_get_name.restype = ctypes.c_char_p
_LIB.ggml_get_name.argtypes = [ctypes.c_void_p]
_LIB.ggml_get_data_f32.restype = ctypes.POINTER(ctypes.c_float)
_LIB.ggml_get_data_f32.argtypes = [ctypes.c_void_p]
_LIB.ggml_nelements.restype = ctypes.c_int64
_LIB.ggml_nelements.argtypes = [ctypes.c_void_p]
_LIB.ggml_nrows.restype = ctypes.c_int64
_LIB.ggml_nrows.argtypes = [ctypes.c_void_p]


class LayerCapture:
    """Set `callback` as a context's `cb_eval`; after each decode, `mean()` is the average over the
    middle layers of their states, each averaged over the tokens but the first (which every causal
    model uses as an attention sink, with states unlike the others')."""

    def __init__(self, layers: range) -> None:
        self._names = {f"l_out-{layer}".encode() for layer in layers}
        self._sums: list[np.ndarray] = []
        self.callback = llama_cpp.ggml_backend_sched_eval_callback(self._observe)

    def reset(self) -> None:
        self._sums = []

    def _observe(self, tensor: int, ask: bool, _user_data: int) -> bool:
        if _LIB.ggml_get_name(tensor) not in self._names:
            return not ask  # not asked for: computed without stopping; never stop a decode
        if ask:
            return True
        count, rows = _LIB.ggml_nelements(tensor), _LIB.ggml_nrows(tensor)
        states = np.ctypeslib.as_array(_LIB.ggml_get_data_f32(tensor), shape=(count,)).reshape(rows, -1)
        self._sums.append(states[1:].mean(axis=0) if rows > 1 else states[0].copy())
        return True

    def mean(self) -> np.ndarray | None:
        """The middle layers' mean state of the last decode (None when none was seen)."""
        return np.mean(self._sums, axis=0).astype(np.float32) if self._sums else None
