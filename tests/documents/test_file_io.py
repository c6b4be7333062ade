"""Reading and atomically saving documents: bytes, line endings, conflicts, failures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from writer_app.documents.file_io import (
    SaveConflictError,
    detect_line_ending,
    encode_document,
    read_document,
    save_document,
)
from writer_app.errors import UserError


@pytest.mark.parametrize(
    "data",
    [b"one\r\ntwo\r\n", b"one\ntwo", b"\xef\xbb\xbfcaf\xc3\xa9\r\n", b"old\rmac\r", b"", b"# T\n\n- a\n"],
)
def test_save_after_open_keeps_the_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "doc.md"
    path.write_bytes(data)
    loaded = read_document(path)
    assert "\r" not in loaded.text
    save_document(
        path, loaded.text, line_ending=loaded.line_ending, has_bom=loaded.has_bom, expected=loaded.disk
    )
    assert path.read_bytes() == data


@given(st.text(alphabet=st.sampled_from("ab é\n"), max_size=50), st.sampled_from(["\n", "\r\n", "\r"]))
def test_encoding_round_trips(text: str, ending: str) -> None:
    data = encode_document(text, ending)
    assert data.decode().replace(ending, "\n") == text
    if "\n" in text:
        assert detect_line_ending(data.decode()) == ending


def test_conflict_is_detected_and_can_be_forced(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text("mine")
    loaded = read_document(path)
    path.write_text("theirs, written by another program")
    with pytest.raises(SaveConflictError, match="changed by another program"):
        save_document(path, "my edit", expected=loaded.disk)
    assert path.read_text() == "theirs, written by another program"
    save_document(path, "my edit", expected=loaded.disk, force=True)
    assert path.read_text() == "my edit"


def test_touching_without_changing_is_not_a_conflict(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text("same")
    loaded = read_document(path)
    os.utime(path, ns=(loaded.disk.mtime_ns + 10**9, loaded.disk.mtime_ns + 10**9))
    save_document(path, "new", expected=loaded.disk)
    assert path.read_text() == "new"


def test_saving_into_a_missing_folder_says_so_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no longer exists"):
        save_document(tmp_path / "gone" / "doc.md", "text")
    assert not (tmp_path / "gone").exists()


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "doc.md"
    path.write_text("old")

    def full_disk(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(UserError, match="disk is full"):
        save_document(path, "new text")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.md"]


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"\x89PNG\r\n\x1a\n\x00\x00", "not a text file"), (b"caf\xe9", "not UTF-8")],
)
def test_binary_and_other_encodings_are_refused(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    with pytest.raises(UserError, match=message):
        read_document(path)


def test_missing_file_and_folder_are_explained(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="Could not open"):
        read_document(tmp_path / "nothing.md")
    with pytest.raises(UserError, match="folder"):
        read_document(tmp_path)
