"""Turns a chosen model file into engine settings, and settings into an engine (shared by the command
line and the window)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from writer_app.engine.hardware import physical_cores
from writer_app.engine.model_file import embedding_memory_bytes
from writer_app.engine.types import EngineConfig, ServerConfig
from writer_app.errors import UserError
from writer_app.modelhub.default_model import display_name_for, find_default_model
from writer_app.paths import AppPaths

if TYPE_CHECKING:
    from writer_app.engine.embedding import TextEmbedder
    from writer_app.engine.interface import TextEngine

DEFAULT_CONTEXT = 4096


def engine_config_for(model: Path, n_ctx: int = DEFAULT_CONTEXT, threads: int | None = None) -> EngineConfig:
    """The engine settings for `model`; the default model is shown under its catalogue name."""
    kwargs = {"n_threads": max(threads, 1)} if threads else {}
    return EngineConfig(
        model_path=Path(model), n_ctx=n_ctx, display_name=display_name_for(Path(model)), **kwargs
    )


def open_engine(config: EngineConfig | ServerConfig, **local_options: object) -> TextEngine:
    """The engine for `config`: a model file in this process (with `local_options`), or a server."""
    if isinstance(config, ServerConfig):
        from writer_app.engine.remote_engine import RemoteEngine

        return RemoteEngine(config)
    from writer_app.engine.llama_engine import LlamaEngine  # loads llama.cpp: only when a model loads

    return LlamaEngine(config, **local_options)  # type: ignore[arg-type]


def scoring_memory_bytes(paths: AppPaths) -> int:
    """The memory the scoring model takes beside the writing model (0 when it is not installed or
    cannot be read: then it is not loaded either), so the writing model's memory check counts both."""
    model = find_default_model(paths)
    try:
        return 0 if model is None else embedding_memory_bytes(model)
    except UserError:
        return 0


def scoring_reader(paths: AppPaths, threads: int | None = None, *, keep: bool = True) -> TextEmbedder | None:
    """The quality model's reader: the default model in embedding mode, whichever model writes (the
    quality model was fitted on its readings), keeping its readings between runs unless `keep` is
    False; None when the default model is not installed."""
    from writer_app.engine.embedding import READING_FORMAT, TextEmbedder, model_key  # loads llama.cpp
    from writer_app.engine.errors import ModelFileError, NotEnoughMemoryError
    from writer_app.engine.reading_copy import reading_copy
    from writer_app.engine.reading_store import ReadingStore

    model = find_default_model(paths)
    if model is None:
        return None
    from writer_app.reward.ranker import quality_model  # the ranker's own (cached) copy of the weights

    fitted_with = quality_model().about.get("scoring_model", model.name)
    if model.name != fitted_with:  # another model's reading means nothing to the quality model
        raise UserError(f"the quality model was fitted on readings of {fitted_with}, not {model.name}")
    threads = max(threads or physical_cores(), 1)
    copy = reading_copy(model, paths.cache_dir, threads)
    try:
        kept = paths.cache_dir / "readings" / f"{model_key(copy)}-format{READING_FORMAT}.npz"
        return TextEmbedder(copy, threads, store=ReadingStore(kept) if keep else None)
    except (ModelFileError, NotEnoughMemoryError) as error:
        if copy == model:
            raise
        if isinstance(error, ModelFileError):
            with contextlib.suppress(OSError):  # a copy damaged since it was made: made again next time
                copy.unlink(missing_ok=True)
        return TextEmbedder(model, threads)  # the smaller source, where the copy does not fit
