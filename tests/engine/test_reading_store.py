"""Readings kept between runs: round trip, the most recent kept, a damaged file started afresh, a
failed save only logged, and a second reader on the same store reading nothing again."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import numpy as np
import pytest

from writer_app.engine.reading_store import ReadingStore


def _key(i: int) -> bytes:
    return i.to_bytes(16, "little")


def test_readings_round_trip_and_the_most_recent_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "readings" / "model.npz"
    store = ReadingStore(path, limit=3)
    for i in range(4):
        store.put(_key(i), np.full(6, float(i)))
    assert store.get(_key(1)) is not None  # used: now the most recent
    store.put(_key(4), np.full(6, 4.0))
    store.save()
    again = ReadingStore(path, limit=3)
    assert len(again) == 3 and again.get(_key(0)) is None and again.get(_key(2)) is None
    assert again.get(_key(1)).tolist() == [1.0] * 6 and again.get(_key(4)).tolist() == [4.0] * 6
    assert not list(path.parent.glob("*.tmp"))


def test_a_reading_of_another_width_replaces_those_kept(tmp_path: Path) -> None:
    store = ReadingStore(tmp_path / "r.npz")
    store.put(_key(1), np.ones(4))
    store.put(_key(2), np.ones(8))
    assert store.get(_key(1)) is None and len(store) == 1


def test_a_reading_used_again_stays_among_the_kept(tmp_path: Path) -> None:
    store = ReadingStore(tmp_path / "r.npz", limit=2)
    store.put(_key(1), np.ones(4))
    store.put(_key(2), np.ones(4))
    store.touch(_key(1), np.ones(4))  # the samples of a voice, ranked against again
    store.put(_key(3), np.ones(4))
    assert store.get(_key(1)) is not None and store.get(_key(2)) is None
    store.touch(_key(2), np.full(4, 2.0))  # let go meanwhile: kept again
    assert store.get(_key(2)).tolist() == [2.0] * 4
    with pytest.raises(ValueError):
        store.get(_key(2))[0] = 9.0  # read-only: a caller cannot change what is kept


def _flat_vectors() -> bytes:
    import io

    buffer = io.BytesIO()
    np.savez(buffer, keys=np.zeros((2, 16), dtype=np.uint8), vectors=np.ones(2, dtype=np.float32))
    return buffer.getvalue()


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 cut short", b"not a zip at all", _flat_vectors()])
def test_a_damaged_file_is_started_afresh(tmp_path: Path, caplog, content: bytes) -> None:
    path = tmp_path / "r.npz"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING):
        store = ReadingStore(path)
    assert len(store) == 0 and "read again" in caplog.text
    store.put(_key(1), np.ones(4))
    store.save()
    assert len(ReadingStore(path)) == 1


def test_a_save_that_fails_is_logged_not_raised(tmp_path: Path, caplog) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("in the way")
    store = ReadingStore(blocked / "r.npz")  # its folder cannot be made
    store.put(_key(1), np.ones(4))
    with caplog.at_level(logging.WARNING):
        store.save()
    assert "could not be kept" in caplog.text


def test_a_save_that_runs_out_of_memory_is_logged_not_raised(tmp_path: Path, caplog, monkeypatch) -> None:
    store = ReadingStore(tmp_path / "r.npz")
    store.put(_key(1), np.ones(4))

    def no_memory(*_args, **_kwargs):
        raise MemoryError

    monkeypatch.setattr(np, "savez", no_memory)
    with caplog.at_level(logging.WARNING):
        store.save()
    assert "could not be kept" in caplog.text and not (tmp_path / "r.npz").exists()


def test_a_reader_that_cannot_make_its_context_says_so_with_a_store(
    tiny_model_path: Path, tmp_path, monkeypatch
) -> None:
    import llama_cpp

    from writer_app.engine.embedding import TextEmbedder
    from writer_app.engine.errors import NotEnoughMemoryError

    monkeypatch.setattr(llama_cpp, "llama_init_from_model", lambda *_args: None)
    with pytest.raises(NotEnoughMemoryError, match="too little memory"):
        TextEmbedder(tiny_model_path, n_threads=2, store=ReadingStore(tmp_path / "r.npz"))


def test_a_second_reader_on_the_same_store_reads_nothing_again(tiny_model_path: Path, tmp_path) -> None:
    from writer_app.engine.embedding import TextEmbedder

    path = tmp_path / "readings.npz"
    first = TextEmbedder(tiny_model_path, n_threads=2, store=ReadingStore(path))
    try:
        reading = first.embed("The boats came in at dawn.")
    finally:
        first.close()  # saves the store
    second = TextEmbedder(tiny_model_path, n_threads=2, store=ReadingStore(path))
    try:

        def unread(_tokens):
            raise AssertionError("read again")

        second._decode = unread  # type: ignore[method-assign]
        assert np.array_equal(second.cached("The boats came in at dawn."), reading)  # peeked at, kept
        assert np.array_equal(second.embed("The boats came in at dawn."), reading)
    finally:
        second.close()


def test_another_copys_readings_untouched_for_a_month_are_removed_on_save(tmp_path: Path) -> None:
    old, recent, half = (
        tmp_path / "older-llama-format2.npz",
        tmp_path / "other-format2.npz",
        tmp_path / "x.tmp",
    )
    for path in (old, recent, half):
        path.write_bytes(b"kept")
    month_ago = time.time() - 31 * 86400
    for path in (old, half):
        os.utime(path, (month_ago, month_ago))
    store = ReadingStore(tmp_path / "current-format2.npz")
    store.put(b"k" * 16, np.ones(4, dtype=np.float32))
    store.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current-format2.npz", "other-format2.npz"]
