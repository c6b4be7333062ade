"""`writer-app models verify`: every catalog entry checked against the hub at its revision — the file
exists, its size, its sha256 — and, with --write, exact sizes and hashes filled in where the entry
has none yet. Run by hand where the hub is reachable (never in CI)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from writer_app.documents.file_io import atomic_write_bytes
from writer_app.modelhub.catalog import CATALOG_FILE, CatalogEntry, load_catalog
from writer_app.modelhub.download import DownloadError, HubUnreachable, RemoteFile, remote_metadata

_SHA256_HEX = 64


@dataclass(frozen=True)
class Check:
    """What the hub says about one entry: `problem` is empty when it matches."""

    entry: CatalogEntry
    problem: str = ""
    size: int | None = None
    sha256: str | None = None
    reached: bool = True  # False: the hub did not answer (nothing is known about the entry)

    @property
    def fills_in(self) -> bool:
        """The entry was written from a listing (approximate) and the hub now gave exact values."""
        return not self.problem and self.entry.checked is None and self.size is not None


def check_entry(entry: CatalogEntry, endpoint: str) -> Check:
    remote = RemoteFile(entry.repo_id, entry.file, entry.revision)
    try:
        _url, size, etag, _commit = remote_metadata(remote, endpoint)
    except HubUnreachable as error:
        return Check(entry, str(error), reached=False)
    except DownloadError as error:
        return Check(entry, f"not found: {error}")
    sha = etag.strip('"').lower() if etag else None
    sha = sha if sha and len(sha) == _SHA256_HEX and all(c in "0123456789abcdef" for c in sha) else None
    if entry.sha256 and sha and entry.sha256 != sha:
        return Check(
            entry, f"sha256 differs: the catalog has {entry.sha256[:12]}…, the hub {sha[:12]}…", size, sha
        )
    if entry.checked is not None and size is not None and size != entry.size_bytes:
        return Check(
            entry, f"size differs: the catalog has {entry.size_bytes:,} bytes, the hub {size:,}", size, sha
        )
    return Check(entry, "", size, sha)


def verify_catalog(endpoint: str, path: Path = CATALOG_FILE) -> list[Check]:
    """Every entry checked; once the hub is out of reach, the rest are not asked for again."""
    checks: list[Check] = []
    for entry in load_catalog(path):
        if checks and not checks[-1].reached:
            checks.append(Check(entry, checks[-1].problem, reached=False))
        else:
            checks.append(check_entry(entry, endpoint))
    return checks


def write_checked(checks: list[Check], path: Path = CATALOG_FILE) -> int:
    """Fill in exact sizes, hashes and the date for entries the hub confirmed; how many changed."""
    data = json.loads(path.read_text(encoding="utf-8"))
    today = datetime.date.today().isoformat()
    confirmed = {c.entry.id: c for c in checks if not c.problem and c.reached}
    changed = 0
    for item in data["models"]:
        check = confirmed.get(item["id"])
        if check is None:
            continue
        updated = dict(item)
        if check.size is not None:
            updated["size_bytes"] = check.size
        if check.sha256 and not item.get("sha256"):
            updated["sha256"] = check.sha256
        if check.size is not None and (check.sha256 or item.get("sha256")):
            updated["checked"] = today  # only when size and sha256 are both confirmed
        if updated != item:
            item.update(updated)
            changed += 1
    atomic_write_bytes(path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    return changed


def report(checks: list[Check]) -> str:
    if checks and not any(check.reached for check in checks):
        return checks[0].problem  # one sentence: the hub is out of reach, no entry was checked
    lines = []
    for check in checks:
        if check.problem:
            lines.append(f"✗ {check.entry.id}: {check.problem}")
        elif check.fills_in:
            lines.append(f"+ {check.entry.id}: found; exact size {check.size:,} bytes (--write fills it in)")
        else:
            lines.append(f"✓ {check.entry.id}: found, size and sha256 as listed")
    bad = sum(1 for c in checks if c.problem)
    lines.append(
        f"{len(checks) - bad} of {len(checks)} entries found as listed" + (f"; {bad} wrong" if bad else ".")
    )
    return "\n".join(lines)
