"""Downloads against a local mock hub: progress, resume, checksums, errors, cancel, disk space."""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.modelhub.mock_hub import MockHub
from writer_app.modelhub.download import DownloadCancelled, DownloadError, Progress, RemoteFile, download
from writer_app.modelhub.store import ModelStore
from writer_app.paths import AppPaths

REPO, FILE = "owner/model-GGUF", "model-q4.gguf"
DATA = os.urandom(3 * 1024 * 1024 + 123)


@pytest.fixture
def hub():
    hub = MockHub()
    hub.add(REPO, FILE, DATA)
    hub.start()
    yield hub
    hub.stop()


def remote(sha256: str | None = None) -> RemoteFile:
    return RemoteFile(REPO, FILE, "main", sha256, len(DATA))


def test_download_reports_progress_and_verifies(hub: MockHub, tmp_path: Path) -> None:
    seen: list[Progress] = []
    result = download(
        remote(hashlib.sha256(DATA).hexdigest()), tmp_path, endpoint=hub.url, progress=seen.append
    )
    assert result.path.read_bytes() == DATA
    assert result.commit == hub.commit and result.size == len(DATA)
    assert seen and seen[-1].done == seen[-1].total == len(DATA)
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    assert seen[-1].bytes_per_s > 0 and seen[-1].eta_s == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE]  # no .part or state left


def test_a_dropped_connection_resumes_with_a_range_request(hub: MockHub, tmp_path: Path) -> None:
    hub.drop_after = 1_000_000
    result = download(remote(), tmp_path, endpoint=hub.url)
    assert result.path.read_bytes() == DATA
    ranges = [r for method, _, r in hub.requests if method == "GET"]
    assert ranges[0] == "bytes=0-" and ranges[1] == "bytes=1000000-"


def test_a_paused_download_resumes_after_a_restart(hub: MockHub, tmp_path: Path) -> None:
    cancel = threading.Event()

    def stop_halfway(progress: Progress) -> None:
        if progress.done >= 1 << 20:  # after the first megabyte
            cancel.set()

    with pytest.raises(DownloadCancelled, match="start it again to resume"):
        download(remote(), tmp_path, endpoint=hub.url, progress=stop_halfway, cancel=cancel)
    part = tmp_path / (FILE + ".part")
    kept = part.stat().st_size
    assert 0 < kept < len(DATA)
    assert not (tmp_path / FILE).exists()
    assert ModelStore(AppPaths.under(tmp_path / "home")).installed()[1:] == []  # nothing half-done listed
    hub.requests.clear()
    result = download(remote(), tmp_path, endpoint=hub.url)  # a new call, as after restarting the app
    assert result.path.read_bytes() == DATA
    assert ("GET", f"/{REPO}/resolve/main/{FILE}", f"bytes={kept}-") in hub.requests


def test_a_wrong_checksum_is_rejected_and_the_file_removed(hub: MockHub, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="failed its checksum"):
        download(remote("0" * 64), tmp_path, endpoint=hub.url)
    assert list(tmp_path.iterdir()) == []


def test_the_hubs_etag_is_checked_when_the_catalog_has_no_sha(hub: MockHub, tmp_path: Path) -> None:
    hub.wrong_etag = True
    with pytest.raises(DownloadError, match="failed its checksum"):
        download(remote(None), tmp_path, endpoint=hub.url)
    assert list(tmp_path.iterdir()) == []


def test_missing_file_is_a_clear_error(hub: MockHub, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="was not found"):
        download(RemoteFile(REPO, "nope.gguf"), tmp_path, endpoint=hub.url)


def test_server_down_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DownloadError, match="Cannot reach"):
        download(remote(), tmp_path, endpoint=f"http://127.0.0.1:{port}")


def test_not_enough_disk_space_refuses_to_start(hub: MockHub, tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="Not enough disk space"):
        download(remote(), tmp_path, endpoint=hub.url, disk_free=lambda _path: 1024)
    assert not [r for r in hub.requests if r[0] == "GET"]
    assert not (tmp_path / FILE).exists()


def test_cancel_while_waiting_to_reconnect_stops_at_once(hub: MockHub, tmp_path: Path) -> None:
    hub.drop_every_get = True
    cancel = threading.Event()
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            download(RemoteFile(REPO, FILE), tmp_path, endpoint=hub.url, cancel=cancel)
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 20
    while sum(1 for method, *_ in hub.requests if method == "GET") < 4:  # now backing off for 1.6 s
        assert time.monotonic() < deadline
        time.sleep(0.01)
    cancelled_at = time.monotonic()
    cancel.set()
    worker.join(10)
    assert time.monotonic() - cancelled_at < 0.5
    assert outcome and isinstance(outcome[0], DownloadCancelled)
