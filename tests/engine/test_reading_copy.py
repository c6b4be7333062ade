"""The scoring model's reading copy: made once, read the same as the model itself, and never in the
way — no room, a failed conversion or an older copy each end with a model that reads."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from writer_app.engine import reading_copy as copies
from writer_app.engine.embedding import TextEmbedder
from writer_app.engine.model_file import (
    EMBED_TOKENS,
    embedding_memory_bytes,
    memory_needed_bytes,
    read_model_file,
)

PARAGRAPH = (
    "The harbour emptied before dawn. Boats slid out one after another, their lamps swinging, and by the "
    "time the bakery opened only the gulls were left to argue over the nets drying on the quay."
)


def _reading(model: Path, text: str) -> np.ndarray:
    reader = TextEmbedder(model, n_threads=2)
    try:
        return reader.embed(text)
    finally:
        reader.close()


def test_the_copy_is_q8_0_made_once_and_reads_as_the_model_does(
    default_model_path: Path, reading_model_path: Path
) -> None:
    assert reading_model_path != default_model_path and reading_model_path.name.endswith(copies.SUFFIX)
    assert read_model_file(reading_model_path).size_bytes > default_model_path.stat().st_size  # 8.5 bits
    made_at = reading_model_path.stat().st_mtime_ns
    assert copies.reading_copy(default_model_path, reading_model_path.parent, 2) == reading_model_path
    assert reading_model_path.stat().st_mtime_ns == made_at  # found, not made again
    mine, its = _reading(reading_model_path, PARAGRAPH), _reading(default_model_path, PARAGRAPH)
    width = read_model_file(default_model_path).arch_value("embedding_length")
    assert len(mine) == len(its) == 3 * width
    for start in (0, width, 2 * width):  # the last layer's state, the middle layers', the later layers'
        part = slice(start, start + width)
        assert float(mine[part] @ its[part] / np.linalg.norm(mine[part]) / np.linalg.norm(its[part])) > 0.999


def test_the_memory_check_counts_the_copys_weights(default_model_path: Path, reading_model_path: Path):
    copy_needs = memory_needed_bytes(read_model_file(reading_model_path), EMBED_TOKENS)
    logits = 4 * EMBED_TOKENS * read_model_file(default_model_path).arch_value("vocab_size")
    assert logits == 4 * 512 * 49152  # the output buffer llama.cpp reserves, counted too
    assert embedding_memory_bytes(default_model_path) >= copy_needs + logits
    assert (
        embedding_memory_bytes(default_model_path)
        >= copy_needs
        > embedding_memory_bytes(reading_model_path) / 2
    )


def test_no_room_reads_the_model_itself(tiny_model_path: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(copies.shutil, "disk_usage", lambda _path: type("U", (), {"free": 1 << 20})())
    assert copies.reading_copy(tiny_model_path, tmp_path / "cache", 2) == tiny_model_path
    assert not list((tmp_path / "cache").iterdir())


def test_a_failed_conversion_reads_the_model_itself_and_leaves_no_half_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\x00" * 64)
    assert copies.reading_copy(broken, tmp_path / "cache", 2) == broken
    assert not list((tmp_path / "cache").iterdir())


def test_a_cache_folder_that_cannot_be_made_reads_the_model_itself(
    tiny_model_path: Path, tmp_path: Path
) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    assert copies.reading_copy(tiny_model_path, blocked / "cache", 2) == tiny_model_path


def test_older_copies_and_stale_halves_are_removed_fresh_halves_kept(
    default_model_path: Path, tmp_path: Path
) -> None:
    older = tmp_path / f"SmolLM2-old-llama0.1{copies.SUFFIX}"
    stale = tmp_path / f".x{copies.SUFFIX}.12.partial"
    fresh = tmp_path / f".y{copies.SUFFIX}.13.partial"
    for path in (older, stale, fresh):
        path.write_bytes(b"old")
    hour_ago = time.time() - 3700
    os.utime(stale, (hour_ago, hour_ago))
    made = copies.reading_copy(default_model_path, tmp_path, 2)
    assert made == copies.copy_path(default_model_path, tmp_path) and made.is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([made.name, fresh.name])
    os.utime(fresh, (hour_ago, hour_ago))  # a crash's half found later, when the copy is already there
    assert copies.reading_copy(default_model_path, tmp_path, 2) == made
    assert [p.name for p in tmp_path.iterdir()] == [made.name]


def test_the_copys_name_follows_the_source_and_llama_cpp(tiny_model_path: Path, tmp_path: Path) -> None:
    import llama_cpp

    other = tmp_path / tiny_model_path.name
    other.write_bytes(tiny_model_path.read_bytes() + b"\x01")
    first, second = copies.copy_path(tiny_model_path, tmp_path), copies.copy_path(other, tmp_path)
    assert first != second and llama_cpp.__version__ in first.name


def test_a_damaged_copy_is_dropped_and_the_model_itself_read(default_model_path: Path, tmp_path: Path):
    from writer_app.model_config import scoring_reader
    from writer_app.paths import AppPaths

    paths = AppPaths.under(tmp_path)
    damaged = copies.copy_path(default_model_path, paths.cache_dir)
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(b"GGUF" + b"\x00" * 64)
    reader = scoring_reader(paths, threads=2)
    try:
        assert reader is not None and reader.path == default_model_path
        assert reader.embed(PARAGRAPH).shape == (reader.size,)
    finally:
        reader.close()
    assert not damaged.exists()
    made = scoring_reader(paths, threads=2)  # the next reader makes the copy again and reads with it
    try:
        assert made is not None and made.path == damaged and damaged.is_file()
    finally:
        made.close()
