"""The curated model catalog: loading, validating against its schema, and a recommendation per machine."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from writer_app.errors import UserError
from writer_app.modelhub.default_model import RECORDS_DIR

CATALOG_FILE = RECORDS_DIR / "catalog.json"
TIERS = ("tiny", "small", "medium", "large")
_FIELDS: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "name": str,
    "repo_id": str,
    "file": str,
    "revision": str,
    "size_bytes": int,
    "sha256": (str, type(None)),
    "licence": str,
    "commercial_use": bool,
    "context_length": int,
    "memory_bytes": int,
    "tier": str,
}
_OPTIONAL: dict[str, type | tuple[type, ...]] = {
    "checked": (str, type(None)),  # when `models verify` last confirmed size and sha256; None: approximate
}
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_REPO = re.compile(r"^[\w.-]+/[\w.-]+$")
_SHA = re.compile(r"^[0-9a-f]{64}$")


def format_size(n: int) -> str:
    """Bytes as a short human size: "469 MB", "1.04 GB"."""
    return f"{n / 2**30:.2f} GB" if n >= 2**30 else f"{n / 2**20:.0f} MB"


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    name: str
    repo_id: str
    file: str
    revision: str
    size_bytes: int
    sha256: str | None
    licence: str
    commercial_use: bool
    context_length: int
    memory_bytes: int
    tier: str
    checked: str | None = None


def validate_entry(raw: object) -> list[str]:
    """Every way `raw` breaks the schema, as sentences (empty when it is valid)."""
    if not isinstance(raw, dict):
        return ["an entry is not an object"]
    problems = [f"missing {key}" for key in _FIELDS if key not in raw]
    for key, kind in _FIELDS.items():
        wrong_type = key in raw and not isinstance(raw[key], kind)
        if wrong_type or (kind is int and isinstance(raw.get(key), bool)):
            problems.append(f"{key} has the wrong type")
    for key, kind in _OPTIONAL.items():
        if key in raw and not isinstance(raw[key], kind):
            problems.append(f"{key} has the wrong type")
    unknown = [f"unknown field {key}" for key in raw if key not in _FIELDS and key not in _OPTIONAL]
    if problems:
        return problems + unknown
    problems = unknown
    if not _ID.match(raw["id"]):
        problems.append(f"id {raw['id']!r} must be lower-case letters, digits, '.', '-' or '_'")
    if not _REPO.match(raw["repo_id"]):
        problems.append(f"repo_id {raw['repo_id']!r} must look like owner/name")
    if not raw["file"].endswith(".gguf"):
        problems.append(f"file {raw['file']!r} must be a .gguf file")
    if raw["sha256"] is not None and not _SHA.match(raw["sha256"]):
        problems.append("sha256 must be 64 lower-case hex digits")
    if raw["tier"] not in TIERS:
        problems.append(f"tier must be one of {', '.join(TIERS)}")
    for key in ("size_bytes", "context_length", "memory_bytes"):
        if raw[key] <= 0:
            problems.append(f"{key} must be positive")
    return problems


def load_catalog(path: Path = CATALOG_FILE) -> list[CatalogEntry]:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UserError(f"The model catalog {path} cannot be read ({error}).") from error
    entries, seen = [], set()
    for item in raw.get("models", []):
        problems = validate_entry(item)
        if problems:
            raise UserError(
                f"The model catalog has a bad entry {item.get('id', '?')}: {'; '.join(problems)}."
            )
        if item["id"] in seen:
            raise UserError(f"The model catalog lists {item['id']} twice.")
        seen.add(item["id"])
        entries.append(CatalogEntry(**item))
    return entries


def find_entry(entries: list[CatalogEntry], model_id: str) -> CatalogEntry:
    for entry in entries:
        if entry.id == model_id:
            return entry
    raise UserError(f"There is no model {model_id!r} in the catalog: run `writer-app models list`.")


def recommend(entries: list[CatalogEntry], total_memory: int, cores: int) -> CatalogEntry | None:
    """The largest model that leaves half the memory free and suits the core count."""
    max_tier = "tiny" if cores <= 2 and total_memory < 8 * 2**30 else "small" if cores <= 4 else "medium"
    allowed = TIERS[: TIERS.index(max_tier) + 1]
    fitting = [e for e in entries if e.tier in allowed and e.memory_bytes * 2 <= total_memory]
    return max(fitting, key=lambda e: (TIERS.index(e.tier), e.memory_bytes), default=None)
