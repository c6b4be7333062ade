"""The model manager dialog: download with progress from a mock hub, use it, import, remove, cancel."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.modelhub.mock_hub import MockHub
from tests.ui.conftest import TIMEOUT_MS
from writer_app.modelhub.catalog import load_catalog
from writer_app.modelhub.store import DEFAULT_ID, ModelStore
from writer_app.ui.model_manager import ModelManagerDialog
from writer_app.worker.download_worker import PAUSED


@pytest.fixture
def store(app_paths) -> ModelStore:
    return ModelStore(app_paths)


def make_dialog(qtbot, store: ModelStore, endpoint: str | None = None) -> ModelManagerDialog:
    dialog = ModelManagerDialog(store, endpoint)
    qtbot.addWidget(dialog)
    dialog.confirm_licence = lambda entry: True  # type: ignore[method-assign]
    dialog.show()
    return dialog


def test_lists_the_catalog_and_the_embedded_model(qtbot, store: ModelStore) -> None:
    dialog = make_dialog(qtbot, store)
    ids = [row[0] for row in dialog.rows()]
    assert ids[0] == DEFAULT_ID and len(ids) == 1 + len(load_catalog())
    assert dialog.rows()[0][4].startswith("active")
    assert any("recommended" in row[4] for row in dialog.rows())
    dialog.close()


def test_download_with_progress_then_use_switches_the_model(
    qtbot, store, window, tiny_model_path: Path
) -> None:
    entry = load_catalog()[0]
    hub = MockHub()
    hub.add(entry.repo_id, entry.file, tiny_model_path.read_bytes())
    hub.start()
    try:
        dialog = make_dialog(qtbot, store, hub.url)
        dialog.select(entry.id)
        progress: list[tuple[int, int]] = []
        dialog.downloads.progressed.connect(lambda done, total, _speed: progress.append((done, total)))
        with qtbot.waitSignal(dialog.downloads.finished, timeout=TIMEOUT_MS):
            dialog.download_selected()
        assert progress and progress[-1][0] == progress[-1][1] == tiny_model_path.stat().st_size
        # The mock hub publishes the sha256 as the hub does (X-Linked-Etag); the dialog says so.
        assert "sha256 match what the server published" in dialog.status.text()
        assert store.licence_accepted(entry.id)
        dialog.modelChosen.connect(window.switch_model)
        with qtbot.waitSignal(window.controller.modelLoaded, timeout=TIMEOUT_MS) as loaded:
            dialog.use_selected()
        assert loaded.args[0] == "tiny-random-llama"
        assert store.active_id() == entry.id
        dialog.close()
    finally:
        hub.stop()


def test_cancel_keeps_no_half_model_in_the_list(qtbot, store: ModelStore) -> None:
    entry = load_catalog()[1]
    # The hub stalls after the first chunk, so the cancel lands mid-download: a fast local server
    # could otherwise finish the file first (then it is complete and kept, by design).
    hub = MockHub(stall_seconds=3.0)
    hub.add(entry.repo_id, entry.file, os.urandom(8 * 1024 * 1024))
    hub.start()
    try:
        dialog = make_dialog(qtbot, store, hub.url)
        dialog.select(entry.id)
        dialog.downloads.progressed.connect(lambda *_: dialog.downloads.cancel())
        with qtbot.waitSignal(dialog.downloads.failed, timeout=TIMEOUT_MS) as failed:
            dialog.download_selected()
        assert failed.args[1] is True  # cancelled, not broken
        assert "paused" in dialog.status.text()
        assert entry.id not in [m.id for m in store.installed()]
        assert not (store.folder / entry.file).exists()
        dialog.close()
    finally:
        hub.stop()


def test_failed_download_is_a_sentence(qtbot, store: ModelStore) -> None:
    dialog = make_dialog(qtbot, store, "http://127.0.0.1:9")
    dialog.select(load_catalog()[0].id)
    with qtbot.waitSignal(dialog.downloads.failed, timeout=TIMEOUT_MS):
        dialog.download_selected()
    assert "Cannot reach" in dialog.status.text()
    dialog.close()


def test_import_validates_then_remove(
    qtbot, store: ModelStore, tiny_model_path: Path, tmp_path: Path
) -> None:
    dialog = make_dialog(qtbot, store)
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"nonsense")
    with qtbot.waitSignal(dialog.downloads.failed, timeout=TIMEOUT_MS):
        assert dialog.import_path(bad)
    assert "not a GGUF model file" in dialog.status.text()
    paused: list[object] = []
    dialog.downloads.failed.connect(lambda *args: paused.append(args))
    with qtbot.waitSignal(dialog.downloads.imported, timeout=TIMEOUT_MS):
        assert dialog.import_path(tiny_model_path)
        assert "Importing" in dialog.status.text()  # the copy runs in the background
        assert not dialog.cancel_button.isEnabled()  # a local copy is not a download to pause
        dialog.downloads.cancel()
    assert paused == []
    model_id = dialog.selected_id()
    assert model_id and model_id.startswith("import-")
    dialog.remove_selected()
    assert model_id not in [row[0] for row in dialog.rows()]
    dialog.close()


def test_closing_the_dialog_during_a_stalled_download_does_not_wait(qtbot, store: ModelStore) -> None:
    entry = load_catalog()[1]
    hub = MockHub(stall_seconds=8.0)
    hub.add(entry.repo_id, entry.file, os.urandom(4 * 1024 * 1024))
    hub.start()
    try:
        dialog = make_dialog(qtbot, store, hub.url)
        dialog.select(entry.id)
        dialog.download_selected()  # the first bytes arrive, then the server hangs
        qtbot.waitUntil(lambda: any(method == "GET" for method, *_ in hub.requests), timeout=TIMEOUT_MS)
        qtbot.wait(200)
        downloads = dialog.downloads
        started = time.monotonic()
        with qtbot.waitSignal(downloads.failed, timeout=1000) as paused:
            dialog.cancel_button.click()
        assert paused.args == [PAUSED, True]
        dialog.close()
        assert time.monotonic() - started < 1.0  # neither Cancel nor Close waited for the hung read
        assert downloads.is_running()  # the job finishes on its own, owned by the application
        assert downloads.wait(20_000)
    finally:
        hub.stop()
