"""Reading and atomically saving documents: bytes, line endings, conflicts, failures."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from writer_app.documents import file_io
from writer_app.documents.file_io import (
    SaveConflictError,
    changed_on_disk,
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


def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        file_io._umask.cache_clear()
        save_document(tmp_path / "new.md", "hello\n")
    finally:
        os.umask(old)
        file_io._umask.cache_clear()
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o644


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "private.md"
    path.write_text("secret\n")
    path.chmod(0o640)
    save_document(path, "still secret\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_text() == "still secret\n"


def test_a_symlinked_document_is_written_through_to_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real" / "notes.md"
    target.parent.mkdir()
    target.write_text("old\n")
    link = tmp_path / "notes-link.md"
    link.symlink_to(target)
    loaded = read_document(link)
    save_document(link, "new\n", expected=loaded.disk)
    assert link.is_symlink()
    assert target.read_text() == "new\n"
    assert not list(tmp_path.glob(".notes-link.md.*"))  # no temporary file left beside the link


def test_a_change_of_size_is_a_conflict_and_a_touch_is_not(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("one\n")
    loaded = read_document(path)
    os.utime(path, ns=(loaded.disk.mtime_ns + 10**9, loaded.disk.mtime_ns + 10**9))
    assert not changed_on_disk(path, loaded.disk)  # same bytes, new mtime: hashed, unchanged
    path.write_text("one and more\n")
    assert changed_on_disk(path, loaded.disk)
