"""Turns a chosen model file into engine settings (shared by the command line and the window)."""

from __future__ import annotations

from pathlib import Path

from writer_app.engine.types import EngineConfig
from writer_app.modelhub.default_model import display_name_for

DEFAULT_CONTEXT = 4096


def engine_config_for(model: Path, n_ctx: int = DEFAULT_CONTEXT, threads: int | None = None) -> EngineConfig:
    """The engine settings for `model`; the default model is shown under its catalogue name."""
    kwargs = {"n_threads": max(threads, 1)} if threads else {}
    return EngineConfig(
        model_path=Path(model), n_ctx=n_ctx, display_name=display_name_for(Path(model)), **kwargs
    )
