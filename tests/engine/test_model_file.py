"""Model-file checks before loading: header parsing, truncation, wrong files, memory."""

from __future__ import annotations

from pathlib import Path

import gguf
import pytest

from writer_app.engine.errors import ModelFileError, NotEnoughMemoryError
from writer_app.engine.model_file import (
    GGML_BLOCK_SIZES,
    check_fits_in_memory,
    memory_needed_bytes,
    read_model_file,
)


def test_block_sizes_agree_with_the_gguf_package() -> None:
    for type_id, sizes in GGML_BLOCK_SIZES.items():
        assert gguf.GGML_QUANT_SIZES[gguf.GGMLQuantizationType(type_id)] == sizes


def test_reads_the_header_of_the_tiny_model(tiny_model_path: Path) -> None:
    info = read_model_file(tiny_model_path)
    assert info.architecture == "llama"
    assert info.name == "tiny-random-llama"
    assert info.has_chat_template
    assert info.arch_value("block_count") == 2
    assert info.arch_value("context_length") == 4096
    # 2 layers x 100 tokens x 4 kv heads x (16 + 16) dims x 2 bytes
    assert info.kv_cache_bytes(100) == 2 * 100 * 4 * 32 * 2


def test_reads_the_default_model(default_model_path: Path) -> None:
    info = read_model_file(default_model_path)
    assert info.architecture == "llama"
    assert info.size_bytes == 98_362_432
    assert info.has_chat_template


def test_missing_file_says_how_to_get_a_model(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="does not exist.*--model"):
        read_model_file(tmp_path / "nothing.gguf")


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="folder"):
        read_model_file(tmp_path)


@pytest.mark.parametrize("content", [b"", b"GG", b"PK\x03\x04 this is a zip", b"hello world" * 10])
def test_non_gguf_files_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match="not a GGUF model file"):
        read_model_file(path)


@pytest.mark.parametrize("fraction", [0.001, 0.05, 0.5, 0.999])
def test_truncated_files_are_refused(tmp_path: Path, tiny_model_path: Path, fraction: float) -> None:
    data = tiny_model_path.read_bytes()
    path = tmp_path / "cut.gguf"
    path.write_bytes(data[: max(8, int(len(data) * fraction))])
    with pytest.raises(ModelFileError, match="incomplete|damaged"):
        read_model_file(path)


def test_unknown_gguf_version_is_refused(tmp_path: Path, tiny_model_path: Path) -> None:
    data = bytearray(tiny_model_path.read_bytes())
    data[4:8] = (99).to_bytes(4, "little")
    path = tmp_path / "future.gguf"
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="version 99"):
        read_model_file(path)


def test_memory_check_refuses_a_model_that_cannot_fit(tiny_model_path: Path) -> None:
    info = read_model_file(tiny_model_path)
    needed = memory_needed_bytes(info, 2048)
    check_fits_in_memory(info, 2048, needed)  # exactly enough: accepted
    check_fits_in_memory(info, 2048, None)  # unknown: accepted
    with pytest.raises(NotEnoughMemoryError, match="GB of memory.*smaller model"):
        check_fits_in_memory(info, 2048, needed - 1)
