"""The embedded default model: its record, where its file is looked for, and its verification."""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from writer_app.errors import UserError
from writer_app.paths import AppPaths

PROJECT_MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
RECORD_NAME = "default-model.json"


@dataclass(frozen=True)
class DefaultModelRecord:
    """What the file must be (name, size, sha256) and where it comes from."""

    name: str
    file: str
    size_bytes: int
    sha256: str
    licence: str
    package: str
    version: str
    member: str

    @classmethod
    def load(cls, models_dir: Path = PROJECT_MODELS_DIR) -> DefaultModelRecord:
        raw = json.loads((models_dir / RECORD_NAME).read_text(encoding="utf-8"))
        source = raw["source"]
        return cls(
            raw["name"],
            raw["file"],
            raw["size_bytes"],
            raw["sha256"],
            raw["licence"],
            source["package"],
            source["version"],
            source["member"],
        )


def _bundle_models_dir() -> Path | None:
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) / "models" if bundle else None


def search_dirs(paths: AppPaths) -> list[Path]:
    """Where the default model file may be: a packaged bundle, the project, the user's models."""
    candidates = [_bundle_models_dir(), PROJECT_MODELS_DIR, paths.models_dir]
    return [folder for folder in candidates if folder is not None]


def find_default_model(paths: AppPaths) -> Path | None:
    """The first existing default model file, or None."""
    record_dir = next((d for d in search_dirs(paths) if (d / RECORD_NAME).exists()), PROJECT_MODELS_DIR)
    record = DefaultModelRecord.load(record_dir)
    for folder in search_dirs(paths):
        candidate = folder / record.file
        if candidate.is_file():
            return candidate
    return None


def display_name_for(model: Path) -> str:
    """The default model's catalogue name when `model` is its file, else ""."""
    record = DefaultModelRecord.load()
    return record.name if model.name == record.file else ""


def require_default_model(paths: AppPaths) -> Path:
    """The default model's path, or a UserError saying how to fetch it."""
    found = find_default_model(paths)
    if found is None:
        raise UserError(
            "The default model is not installed: run `make run` (or "
            "`python -m writer_app.modelhub.fetch_default`) to fetch it, or pass --model PATH."
        )
    return found


def sha256_of(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()
