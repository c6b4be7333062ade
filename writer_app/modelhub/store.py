"""The models on this machine: the manifest of downloaded and imported files, and the active model."""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from writer_app.errors import UserError
from writer_app.modelhub.default_model import DefaultModelRecord, find_default_model, sha256_of
from writer_app.paths import AppPaths

LOGGER = logging.getLogger(__name__)
DEFAULT_ID = "default"


@dataclass(frozen=True)
class InstalledModel:
    id: str
    name: str
    file: str
    size_bytes: int
    sha256: str
    source: str  # "catalog:<repo>@<commit>", "import:<original path>" or "embedded"
    licence: str


_MODEL_FIELDS = tuple(InstalledModel.__dataclass_fields__)


def _model_from(raw: object) -> InstalledModel | None:
    """A manifest entry as a model: fields a newer version added are ignored, a broken entry skipped."""
    if not isinstance(raw, dict) or not all(isinstance(raw.get(key), (str, int)) for key in _MODEL_FIELDS):
        LOGGER.warning("ignoring a broken entry in the model manifest: %r", raw)
        return None
    return InstalledModel(**{key: raw[key] for key in _MODEL_FIELDS})


class ModelStore:
    """Reads and writes `<data>/models/manifest.json` and `<config>/models.json`."""

    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths
        self.folder = paths.models_dir
        self._manifest = self.folder / "manifest.json"
        self._choices = paths.config_dir / "models.json"

    # ----- files on record ---------------------------------------------------------------------
    def _read(self, path: Path) -> dict:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _write(self, path: Path, data: dict) -> None:
        from writer_app.documents.file_io import atomic_write_bytes

        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8"))

    def installed(self) -> list[InstalledModel]:
        """Recorded models whose file is still there, plus the embedded default model."""
        models = []
        default = find_default_model(self.paths)
        if default is not None:
            record = DefaultModelRecord.load()
            models.append(
                InstalledModel(
                    DEFAULT_ID,
                    record.name,
                    str(default),
                    record.size_bytes,
                    record.sha256,
                    "embedded",
                    record.licence,
                )
            )
        for raw in self._read(self._manifest).get("models", []):
            model = _model_from(raw)
            if model is not None and (self.folder / model.file).is_file():
                models.append(model)
        return models

    def path_of(self, model: InstalledModel) -> Path:
        return Path(model.file) if model.id == DEFAULT_ID else self.folder / model.file

    def get(self, model_id: str) -> InstalledModel:
        for model in self.installed():
            if model.id == model_id:
                return model
        raise UserError(f"The model {model_id!r} is not installed: run `writer-app models list`.")

    def record(self, model: InstalledModel) -> None:
        data = self._read(self._manifest)
        models = [m for m in data.get("models", []) if m["id"] != model.id]
        models.append(asdict(model))
        self._write(self._manifest, {"models": models})

    def remove(self, model_id: str) -> None:
        if model_id == DEFAULT_ID:
            raise UserError("The embedded default model comes with the app and cannot be removed.")
        model = self.get(model_id)
        (self.folder / model.file).unlink(missing_ok=True)
        data = self._read(self._manifest)
        self._write(self._manifest, {"models": [m for m in data.get("models", []) if m["id"] != model_id]})
        if self.active_id() == model_id:
            self.set_active(DEFAULT_ID)

    def import_file(self, source: Path) -> InstalledModel:
        """Copy a local (already validated) .gguf into the models folder and record it."""
        model = self.copy_in(source)
        self.record(model)
        return model

    def copy_in(self, source: Path) -> InstalledModel:
        """Copy and hash a local .gguf into the models folder (slow for large files: a background
        thread may run it); the caller records the returned model."""
        source = Path(source).expanduser()
        model_id = "import-" + "".join(c if c.isalnum() or c in "._-" else "-" for c in source.stem.lower())
        target = self.folder / source.name
        self.folder.mkdir(parents=True, exist_ok=True)
        if shutil.disk_usage(self.folder).free < source.stat().st_size + 64 * 2**20:
            raise UserError(f"Not enough disk space to import {source.name}: free some space first.")
        if source.resolve() != target.resolve():
            partial = target.with_name(target.name + ".part")
            shutil.copyfile(source, partial)
            os.replace(partial, target)
        model = InstalledModel(
            model_id,
            source.stem,
            target.name,
            target.stat().st_size,
            sha256_of(target),
            f"import:{source}",
            "unknown (imported)",
        )
        return model

    # ----- choices -----------------------------------------------------------------------------
    def active_id(self) -> str:
        return str(self._read(self._choices).get("active", DEFAULT_ID))

    def set_active(self, model_id: str) -> None:
        if model_id != DEFAULT_ID:
            self.get(model_id)
        data = self._read(self._choices)
        data["active"] = model_id
        self._write(self._choices, data)

    def active_path(self) -> Path | None:
        """The chosen model's file; the embedded model when the choice is gone or unset."""
        try:
            return self.path_of(self.get(self.active_id()))
        except UserError:
            return find_default_model(self.paths)

    def licence_accepted(self, model_id: str) -> bool:
        return model_id in self._read(self._choices).get("accepted_licences", [])

    def accept_licence(self, model_id: str) -> None:
        data = self._read(self._choices)
        data["accepted_licences"] = sorted({*data.get("accepted_licences", []), model_id})
        self._write(self._choices, data)
