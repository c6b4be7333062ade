"""Checks a GGUF model file before loading it: presence, magic, header, completeness, memory need."""

from __future__ import annotations

import dataclasses
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from writer_app.engine.errors import ModelFileError, NotEnoughMemoryError

GGUF_MAGIC = b"GGUF"
_DEFAULT_ALIGNMENT = 32
# ggml type id -> (elements per block, bytes per block); the types llama.cpp writes today.
GGML_BLOCK_SIZES: dict[int, tuple[int, int]] = {
    0: (1, 4),
    1: (1, 2),
    2: (32, 18),
    3: (32, 20),
    6: (32, 22),
    7: (32, 24),
    8: (32, 34),
    9: (32, 40),
    10: (256, 84),
    11: (256, 110),
    12: (256, 144),
    13: (256, 176),
    14: (256, 210),
    15: (256, 292),
    16: (256, 66),
    17: (256, 74),
    18: (256, 98),
    19: (256, 50),
    20: (32, 18),
    21: (256, 110),
    22: (256, 82),
    23: (256, 136),
    24: (1, 1),
    25: (1, 2),
    26: (1, 4),
    27: (1, 8),
    28: (1, 8),
    29: (256, 56),
    30: (1, 2),
    34: (256, 54),
    35: (256, 66),
    39: (32, 17),
}
# GGUF metadata value types: id -> struct format of a scalar (8 = string, 9 = array).
_SCALARS = {
    0: "<B",
    1: "<b",
    2: "<H",
    3: "<h",
    4: "<I",
    5: "<i",
    6: "<f",
    7: "<?",
    10: "<Q",
    11: "<q",
    12: "<d",
}
_STRING, _ARRAY = 8, 9
_KEPT_KEYS = ("general.architecture", "general.name", "general.alignment")
_KEPT_SUFFIXES = (
    ".context_length",
    ".embedding_length",
    ".vocab_size",
    ".block_count",
    ".attention.head_count",
    ".attention.head_count_kv",
    ".attention.key_length",
    ".attention.value_length",
)


@dataclass(frozen=True)
class ModelFileInfo:
    """What the header of a GGUF file says, read without loading the weights."""

    path: Path
    size_bytes: int
    version: int
    tensor_count: int
    metadata: dict[str, object] = field(default_factory=dict)
    has_chat_template: bool = False

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", "unknown"))

    @property
    def name(self) -> str:
        return str(self.metadata.get("general.name") or self.path.stem)

    def arch_value(self, suffix: str, default: int = 0) -> int:
        value = self.metadata.get(f"{self.architecture}.{suffix}", default)
        if isinstance(value, list):  # per-layer values
            value = max(value) if value else default
        return int(value)  # type: ignore[arg-type]

    def kv_cache_bytes(self, n_ctx: int) -> int:
        """Bytes of an f16 KV cache for `n_ctx` tokens, from the header's shape."""
        n_layer = self.arch_value("block_count")
        n_embd = self.arch_value("embedding_length")
        n_head = max(self.arch_value("attention.head_count", 1), 1)
        n_head_kv = self.arch_value("attention.head_count_kv", n_head)
        key_length = self.arch_value("attention.key_length", n_embd // n_head)
        value_length = self.arch_value("attention.value_length", n_embd // n_head)
        return n_layer * n_ctx * n_head_kv * (key_length + value_length) * 2


class _Reader:
    def __init__(self, handle: BinaryIO, path: Path) -> None:
        self.handle = handle
        self.path = path

    def read(self, size: int) -> bytes:
        data = self.handle.read(size)
        if len(data) != size:
            raise _truncated(self.path)
        return data

    def unpack(self, fmt: str) -> object:
        return struct.unpack(fmt, self.read(struct.calcsize(fmt)))[0]

    def string(self) -> str:
        length = int(self.unpack("<Q"))  # type: ignore[arg-type]
        if length > 1 << 30:
            raise _damaged(self.path)
        return self.read(length).decode("utf-8", errors="replace")

    def value(self, value_type: int, keep: bool) -> object:
        """Read one metadata value; when `keep` is false, skip it as cheaply as possible."""
        if value_type in _SCALARS:
            return self.unpack(_SCALARS[value_type])
        if value_type == _STRING:
            if keep:
                return self.string()
            self.handle.seek(int(self.unpack("<Q")), os.SEEK_CUR)  # type: ignore[arg-type]
            return None
        if value_type == _ARRAY:
            item_type = int(self.unpack("<I"))  # type: ignore[arg-type]
            count = int(self.unpack("<Q"))  # type: ignore[arg-type]
            if item_type in _SCALARS and not keep:  # vocabulary scores and types
                self.handle.seek(count * struct.calcsize(_SCALARS[item_type]), os.SEEK_CUR)
                return None
            items = [self.value(item_type, keep) for _ in range(count)]
            return items if keep else None
        raise _damaged(self.path)


def _truncated(path: Path) -> ModelFileError:
    return ModelFileError(
        f"The model file {path.name} is incomplete (it ends early, probably an interrupted "
        "download): download it again or choose another model."
    )


def _damaged(path: Path) -> ModelFileError:
    return ModelFileError(
        f"The model file {path.name} is damaged (its header cannot be read): "
        "download it again or choose another model."
    )


def _keeps(key: str) -> bool:
    return key in _KEPT_KEYS or key.endswith(_KEPT_SUFFIXES)


def read_model_file(path: Path) -> ModelFileInfo:
    """Validate the file's header and tensor table; raise ModelFileError with advice if unusable."""
    path = Path(path)
    if not path.exists():
        raise ModelFileError(
            f"The model file {path} does not exist: run `make run` to fetch the default model, "
            "or pass --model with the path of a .gguf file."
        )
    if path.is_dir():
        raise ModelFileError(f"{path} is a folder, not a model file: choose a .gguf file.")
    if not path.is_file():
        raise ModelFileError(f"{path} is not a regular file: choose a .gguf file.")
    size = path.stat().st_size
    try:
        with path.open("rb") as handle:
            if handle.read(4) != GGUF_MAGIC:
                raise ModelFileError(
                    f"{path.name} is not a GGUF model file: choose a .gguf file made for llama.cpp."
                )
            reader = _Reader(handle, path)
            version = int(reader.unpack("<I"))  # type: ignore[arg-type]
            if version not in (2, 3):
                raise ModelFileError(
                    f"{path.name} uses GGUF version {version}, which this app cannot read: "
                    "choose a file converted with a recent llama.cpp."
                )
            tensor_count = int(reader.unpack("<Q"))  # type: ignore[arg-type]
            kv_count = int(reader.unpack("<Q"))  # type: ignore[arg-type]
            if tensor_count > 1 << 20 or kv_count > 1 << 20:
                raise _damaged(path)
            metadata: dict[str, object] = {}
            has_template = False
            for _ in range(kv_count):
                key = reader.string()
                value_type = int(reader.unpack("<I"))  # type: ignore[arg-type]
                keep = _keeps(key)
                value = reader.value(value_type, keep)
                if keep:
                    metadata[key] = value
                has_template = has_template or key.startswith("tokenizer.chat_template")
            data_end = 0
            known_sizes = True
            for _ in range(tensor_count):
                reader.string()
                n_dims = int(reader.unpack("<I"))  # type: ignore[arg-type]
                if n_dims > 8:
                    raise _damaged(path)
                elements = 1
                for _ in range(n_dims):
                    elements *= int(reader.unpack("<Q"))  # type: ignore[arg-type]
                ggml_type = int(reader.unpack("<I"))  # type: ignore[arg-type]
                offset = int(reader.unpack("<Q"))  # type: ignore[arg-type]
                if ggml_type not in GGML_BLOCK_SIZES:
                    known_sizes = False
                    continue
                block_elements, block_bytes = GGML_BLOCK_SIZES[ggml_type]
                data_end = max(data_end, offset + elements // block_elements * block_bytes)
            alignment = int(metadata.get("general.alignment", _DEFAULT_ALIGNMENT))  # type: ignore[arg-type]
            data_start = -(-handle.tell() // alignment) * alignment
    except OSError as error:
        raise ModelFileError(
            f"The model file {path.name} cannot be read ({error.strerror}): check its permissions."
        ) from error
    if tensor_count == 0:
        raise ModelFileError(f"{path.name} holds no model weights: choose another .gguf file.")
    if known_sizes and data_start + data_end > size:
        raise _truncated(path)
    return ModelFileInfo(path, size, version, tensor_count, metadata, has_template)


def available_memory_bytes() -> int | None:
    """Memory the system can give a new allocation now (MemAvailable), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


# The KV caches the engine needs, in contexts of n_ctx: the main context and the shared context of
# parallel candidates (up to twice its size). Saved prefix states come on top, from memory left over
# (at most STATE_CONTEXTS contexts' worth; see LlamaEngine).
STATE_CONTEXTS = 2
KV_CONTEXTS = 1 + 2


def memory_needed_bytes(info: ModelFileInfo, n_ctx: int) -> int:
    """Weights + every KV cache the engine may hold + a compute-buffer allowance for `n_ctx` tokens."""
    compute_allowance = 64 * 1024 * 1024 + info.size_bytes // 10
    return info.size_bytes + KV_CONTEXTS * info.kv_cache_bytes(n_ctx) + compute_allowance


# A paragraph the quality model reads is at most this many tokens; longer text is cut (the model was
# fitted on paragraphs of about 200 words, ~300 tokens).
EMBED_TOKENS = 512


# The reader reads the default model's Q8_0 copy (`engine.reading_copy`): 145 MB for the 98 MB Q4_1 file
# (8.5 bits a weight where Q4_1 takes 5; its embeddings were Q8_0 already).
READING_COPY_GROWTH = 1.5


def embedding_memory_bytes(model_path: Path) -> int:
    """What the scoring model's reader (`engine.embedding`) needs for `model_path`: the weights of its
    reading copy, a context of EMBED_TOKENS tokens with its compute buffer, and the output buffer
    llama.cpp reserves for every token's logits (4 × n_vocab × EMBED_TOKENS bytes: 100 MB for the
    default model; measured, the reader grows by 358 MB after reading 512 tokens, counted 348 MB)."""
    info = read_model_file(model_path)
    copy = dataclasses.replace(info, size_bytes=int(info.size_bytes * READING_COPY_GROWTH))
    return reader_memory_bytes(copy)


def reader_memory_bytes(info: ModelFileInfo) -> int:
    """What the reader needs for this file itself: as a model with EMBED_TOKENS of context, and its
    logits buffer."""
    return memory_needed_bytes(info, EMBED_TOKENS) + 4 * EMBED_TOKENS * info.arch_value("vocab_size", 65536)


def check_fits_in_memory(
    info: ModelFileInfo, n_ctx: int, available: int | None, needed: int | None = None
) -> None:
    """Raise NotEnoughMemoryError when the model clearly cannot fit in `available` bytes (it needs
    `needed`, by default as a model with `n_ctx` tokens of context)."""
    if available is None:
        return
    needed = memory_needed_bytes(info, n_ctx) if needed is None else needed
    if needed > available:
        raise NotEnoughMemoryError(
            f"The model {info.name} needs about {needed / 2**30:.1f} GB of memory but only "
            f"{available / 2**30:.1f} GB is free: close other programs, use a smaller context, "
            "or choose a smaller model."
        )
