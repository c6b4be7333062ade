"""Routes llama.cpp's own log lines into Python logging (logger `writer_app.llama`)."""

from __future__ import annotations

import ctypes
import logging

import llama_cpp

LOGGER = logging.getLogger("writer_app.llama")
# ggml.h: NONE=0, DEBUG=1, INFO=2, WARN=3, ERROR=4, CONT=5 (continues the previous line)
_LEVELS = {0: logging.DEBUG, 1: logging.DEBUG, 2: logging.INFO, 3: logging.WARNING, 4: logging.ERROR}
# What llama.cpp says when our abort callback stops a prompt read (ggml's GGML_STATUS_ABORTED is 1,
# llama_decode then returns 2): an expected cancel, not an error.
_ABORTED = (b"failed to decode, ret = 2", b"failed with error 1", b"compute status: 1")


class _LlamaLogRouter:
    """Holds the C callback (it must outlive every call) and the level of continued lines."""

    def __init__(self) -> None:
        self.last_level = logging.DEBUG
        self.callback = llama_cpp.llama_log_callback(self._on_log)

    def _on_log(self, level: int, text: bytes, _user_data: ctypes.c_void_p) -> None:
        python_level = self.last_level if level == 5 else _LEVELS.get(level, logging.DEBUG)
        if text.rstrip().endswith(_ABORTED):  # our own cancel interrupted a prompt read
            python_level = logging.DEBUG
        self.last_level = python_level
        if LOGGER.isEnabledFor(python_level):
            LOGGER.log(python_level, "%s", text.decode("utf-8", errors="replace").rstrip())


_router: _LlamaLogRouter | None = None


def route_llama_log_to_logging() -> None:
    """Install the router once per process; llama.cpp has a single process-wide log callback."""
    global _router
    if _router is None:
        _router = _LlamaLogRouter()
        llama_cpp.llama_log_set(_router.callback, ctypes.c_void_p(0))
