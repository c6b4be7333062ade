"""Resumable, verified model downloads from a Hugging Face endpoint (or a mirror).

huggingface_hub resolves the file (URL, commit, ETag, size); the bytes come with ranged GET requests
into `<file>.part` beside a small JSON state file, so a dropped connection or a restart of the app
continues where it stopped. The finished file is checked (size, sha256) before it is renamed.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import queue
import shutil
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from writer_app.errors import UserError

CHUNK = 1 << 20
DISK_MARGIN = 64 * 1024 * 1024
MAX_STALLED_RETRIES = 5


class DownloadError(UserError):
    """The download could not complete; the message says why and what to do."""


class HubUnreachable(DownloadError):
    """The hub (or mirror) did not answer at all: nothing is known about the file."""


class DownloadCancelled(DownloadError):
    """The user stopped the download; the partial file is kept for a later resume."""


@dataclass(frozen=True)
class RemoteFile:
    repo_id: str
    file: str
    revision: str = "main"
    sha256: str | None = None
    expected_size: int | None = None


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    bytes_per_s: float

    @property
    def eta_s(self) -> float | None:
        return (self.total - self.done) / self.bytes_per_s if self.bytes_per_s > 0 else None


@dataclass(frozen=True)
class Downloaded:
    path: Path
    size: int
    sha256: str
    commit: str | None
    checked: str = ""  # what the file was checked against, in words for the user


def default_endpoint() -> str:
    """HF_ENDPOINT when set (mirrors), else the public hub."""
    return os.environ.get("HF_ENDPOINT", "").rstrip("/") or "https://huggingface.co"


def remote_metadata(remote: RemoteFile, endpoint: str) -> tuple[str, int | None, str | None, str | None]:
    """(download URL, size, etag, commit) from a HEAD request made by huggingface_hub."""
    from huggingface_hub import get_hf_file_metadata, hf_hub_url
    from huggingface_hub.errors import EntryNotFoundError, HfHubHTTPError, RepositoryNotFoundError

    url = hf_hub_url(remote.repo_id, remote.file, revision=remote.revision, endpoint=endpoint)
    try:
        meta = get_hf_file_metadata(url, endpoint=endpoint, timeout=20)
    except (EntryNotFoundError, RepositoryNotFoundError) as error:
        raise DownloadError(
            f"{remote.file} was not found in {remote.repo_id} at {endpoint}: the catalog entry or the "
            "mirror is out of date."
        ) from error
    except HfHubHTTPError as error:
        status = getattr(getattr(error, "response", None), "status_code", "?")
        if status == 404:
            raise DownloadError(f"{remote.file} was not found at {endpoint} (404).") from error
        raise DownloadError(
            f"The model server answered with an error ({status}): try again later."
        ) from error
    except Exception as error:  # connection refused, DNS, TLS, timeouts: all "cannot reach"
        raise HubUnreachable(
            f"Cannot reach {endpoint}: check the network connection (or the mirror address) and try again."
        ) from error
    location = meta.location or url
    return location, meta.size, meta.etag, meta.commit_hash


class _BackgroundHasher:
    """Hashes chunks on another thread (hashlib releases the GIL), so hashing overlaps the network."""

    def __init__(self, digest: hashlib._Hash) -> None:
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=16)
        self._start(digest)

    def _start(self, digest: hashlib._Hash) -> None:
        self.digest = digest
        self._thread = threading.Thread(target=self._run, name="download-hash", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (chunk := self._queue.get()) is not None:
            self.digest.update(chunk)

    def update(self, chunk: bytes) -> None:
        self._queue.put(chunk)

    def stop(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def restart(self) -> None:
        """Forget everything hashed so far (the server sent the whole file again)."""
        self.stop()
        self._start(hashlib.sha256())

    def hexdigest(self) -> str:
        self.stop()
        return self.digest.hexdigest()


def _state_file(part: Path) -> Path:
    return part.with_name(part.name + ".json")


def _read_state(part: Path) -> dict[str, object]:
    try:
        return json.loads(_state_file(part).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _hash_existing(part: Path) -> tuple[hashlib._Hash, int]:
    digest = hashlib.sha256()
    size = 0
    if part.is_file():
        with part.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
    return digest, size


def _discard(part: Path) -> None:
    part.unlink(missing_ok=True)
    _state_file(part).unlink(missing_ok=True)


def _fetch(
    url: str,
    part: Path,
    done: int,
    total: int,
    digest: _BackgroundHasher,
    file: str,
    progress: Callable[[Progress], None] | None,
    cancel: threading.Event | None,
    timeout: float,
) -> tuple[int, int]:
    """Ranged GETs into `part` until the file is complete; a dropped connection is resumed."""
    started, started_done, last_report, stalls = time.monotonic(), done, 0.0, 0
    while not total or done < total:
        if cancel is not None and cancel.is_set():
            raise DownloadCancelled(
                f"Download of {file} paused at {done / 2**20:.0f} MB: start it again to resume."
            )
        request = urllib.request.Request(
            url, headers={"Range": f"bytes={done}-", "Accept-Encoding": "identity"}
        )
        before = done
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response, part.open("ab") as out:
                if done and response.status != 206:  # the server ignored the range: start again
                    out.truncate(0)
                    digest.restart()
                    done = 0
                while True:
                    if cancel is not None and cancel.is_set():
                        raise DownloadCancelled(
                            f"Download of {file} paused at {done / 2**20:.0f} MB: start it again to resume."
                        )
                    chunk = response.read(CHUNK)
                    if not chunk:
                        break
                    if cancel is not None and cancel.is_set():  # a read that hung until now: stop
                        raise DownloadCancelled(
                            f"Download of {file} paused at {done / 2**20:.0f} MB: start it again to resume."
                        )
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    now = time.monotonic()
                    if progress is not None and (now - last_report >= 0.1 or done == total):
                        speed = (done - started_done) / max(now - started, 1e-6)
                        progress(Progress(done, total, speed))
                        last_report = now
            if not total:
                total = done
        except DownloadCancelled:
            raise
        except urllib.error.HTTPError as error:
            if error.code == 416 and total and done >= total:
                break
            raise DownloadError(
                f"The model server refused the download ({error.code}): try again later."
            ) from error
        except (urllib.error.URLError, OSError, TimeoutError, http.client.HTTPException) as error:
            stalls = 0 if done > before else stalls + 1
            if stalls >= MAX_STALLED_RETRIES:
                raise DownloadError(
                    f"The connection keeps dropping while downloading {file} ({error}); the part "
                    "downloaded so far is kept: try again to resume."
                ) from error
            delay = min(0.2 * 2**stalls, 5)
            if cancel is not None:
                cancel.wait(delay)  # a cancel while waiting to reconnect stops at once
            else:
                time.sleep(delay)
    return done, total


def download(
    remote: RemoteFile,
    folder: Path,
    *,
    endpoint: str | None = None,
    progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    disk_free: Callable[[Path], int] = lambda p: shutil.disk_usage(p).free,
    timeout: float = 30.0,
) -> Downloaded:
    """Download `remote` into `folder`, resuming a previous partial download of the same file."""
    endpoint = (endpoint or default_endpoint()).rstrip("/")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / remote.file
    part = folder / (remote.file + ".part")
    url, size, etag, commit = remote_metadata(remote, endpoint)
    total = size or remote.expected_size or 0
    state = _read_state(part)
    if state.get("etag") != etag or state.get("size") != total:
        _discard(part)  # a different file (or version) than the one started before
    _state_file(part).write_text(json.dumps({"etag": etag, "size": total, "commit": commit, "url": url}))
    existing, done = _hash_existing(part)
    digest = _BackgroundHasher(existing)
    if total and disk_free(folder) < total - done + DISK_MARGIN:
        needed = (total - done + DISK_MARGIN) / 2**30
        raise DownloadError(
            f"Not enough disk space for {remote.file}: it needs about {needed:.1f} GB free in {folder}. "
            "Free some space or remove a model first."
        )
    try:
        done, total = _fetch(url, part, done, total, digest, remote.file, progress, cancel, timeout)
    finally:
        digest.stop()
    if done != total:
        raise DownloadError(f"{remote.file} arrived incomplete ({done:,} of {total:,} bytes): try again.")
    sha = digest.hexdigest()
    expected = remote.sha256 or (etag if etag and len(etag) == 64 else None)
    if expected is not None and sha != expected.lower():
        _discard(part)
        raise DownloadError(
            f"{remote.file} failed its checksum (expected {expected[:12]}…, got {sha[:12]}…) "
            "and was deleted: "
            "the mirror or the catalog entry is wrong."
        )
    os.replace(part, target)
    _state_file(part).unlink(missing_ok=True)
    if remote.sha256 or expected is not None:
        against = "the catalog" if remote.sha256 else "what the server published"
        checked = f"size and sha256 match {against}" if size else f"sha256 matches {against}"
    elif size:
        checked = "size matches; no checksum was published to check it against"
    else:
        checked = "not checked: the server published neither a size nor a checksum"
    return Downloaded(target, done, sha, commit, checked)
