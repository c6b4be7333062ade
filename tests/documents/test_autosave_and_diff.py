"""Autosave snapshots and their recovery; word diffs; the AI edit history's JSON."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

from writer_app.documents.ai_history import AiEditHistory
from writer_app.documents.autosave import AutosaveStore
from writer_app.documents.file_io import DiskState
from writer_app.documents.word_diff import change_summary, word_diff

CHILD = """
import sys, time
from pathlib import Path
from writer_app.documents.autosave import AutosaveStore
from writer_app.documents.file_io import DiskState
store = AutosaveStore(Path(sys.argv[1]))
store.claim()
store.save("doc1", None, "Untitled", sys.argv[2], DiskState(5, 123, "ab" * 32))
print("saved", flush=True)
time.sleep(60)
"""


def start_instance(folder: Path, text: str) -> subprocess.Popen[str]:
    """Another running app: it holds its instance lock and has autosaved `text`."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder), text], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "saved"
    return child


def crash_after_autosave(folder: Path, text: str) -> None:
    """Another app autosaves and is killed with SIGKILL (and reaped), like a crash."""
    child = start_instance(folder, text)
    child.kill()
    child.wait()


def test_a_killed_instance_is_orphaned_even_before_it_is_reaped(tmp_path: Path) -> None:
    store = AutosaveStore(tmp_path / "autosave")
    store.claim()
    child = start_instance(store.folder, "unsaved words")
    try:
        assert store.orphaned() == []  # alive: its snapshot is not ours to offer
        os.kill(child.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while Path(f"/proc/{child.pid}/status").read_text().find("State:\tZ") < 0:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        # A zombie: its PID still answers os.kill(pid, 0), but the kernel dropped its lock.
        orphans = store.orphaned()
        assert [(s.document_id, s.text, s.path) for s in orphans] == [("doc1", "unsaved words", None)]
        assert orphans[0].disk == DiskState(5, 123, "ab" * 32)
    finally:
        child.wait()
        store.close()


def test_snapshots_of_a_dead_process_are_orphaned(tmp_path: Path) -> None:
    store = AutosaveStore(tmp_path / "autosave")
    store.claim()
    crash_after_autosave(store.folder, "unsaved words")
    store.save("mine", tmp_path / "a.md", "a.md", "my own live document")
    orphans = store.orphaned()
    assert [(s.document_id, s.text, s.path) for s in orphans] == [("doc1", "unsaved words", None)]
    store.discard("doc1")
    assert store.orphaned() == []
    assert [s.document_id for s in store.snapshots()] == ["mine"]
    store.close()


def test_a_reused_pid_does_not_hide_a_snapshot(tmp_path: Path) -> None:
    """A snapshot naming a PID that now belongs to another live process is still offered."""
    folder = tmp_path / "autosave"
    folder.mkdir()
    payload = {
        "document_id": "old",
        "path": None,
        "title": "Untitled",
        "text": "draft",
        "saved_at": 1.0,
        "owner_pid": os.getppid(),
        "owner": "a-dead-instance",
    }
    (folder / "old.json").write_text(json.dumps(payload))
    assert [s.text for s in AutosaveStore(folder).orphaned()] == ["draft"]


def test_background_saves_keep_the_latest_text_and_their_order_with_discards(tmp_path: Path) -> None:
    store = AutosaveStore(tmp_path / "autosave")
    errors: list[str] = []
    for version in range(20):
        store.save_in_background("doc", None, "Untitled", f"version {version}", on_error=errors.append)
    assert store.flush(10)
    assert [s.text for s in store.snapshots()] == ["version 19"]
    store.save_in_background("doc", None, "Untitled", "version 20")
    store.discard("doc")
    store.save_in_background("other", None, "Untitled", "kept")
    assert store.flush(10)
    assert [s.document_id for s in store.snapshots()] == ["other"]
    assert errors == []
    store.close()


def test_a_save_after_a_discard_is_kept_even_while_the_queue_is_backed_up(tmp_path: Path) -> None:
    store = AutosaveStore(tmp_path / "autosave")
    gate = threading.Event()
    store._submit(gate.wait)  # the background thread is busy: everything below waits in the queue
    store.save_in_background("doc", None, "Untitled", "before the save")
    store.discard("doc")  # the user saved the file
    store.save_in_background("doc", None, "Untitled", "typed after the save")
    gate.set()
    assert store.flush(10)
    assert [s.text for s in store.snapshots()] == ["typed after the save"]
    store.close()


def test_snapshots_are_private_to_their_owner(tmp_path: Path) -> None:
    store = AutosaveStore(tmp_path / "autosave")
    store.claim()  # the app takes its lock first, which creates the folder
    store.save("doc", None, "Untitled", "a private draft")
    assert stat.S_IMODE((tmp_path / "autosave" / "doc.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "autosave").stat().st_mode) == 0o700
    store.close()


def test_a_failed_background_save_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    store = AutosaveStore(blocker / "autosave")
    errors: list[str] = []
    store.save_in_background("doc", None, "Untitled", "text", on_error=errors.append)
    store.flush(10)
    assert len(errors) == 1
    assert errors[0].startswith("Autosave cannot write to")
    store.close()


def test_unreadable_snapshots_are_ignored(tmp_path: Path) -> None:
    store = AutosaveStore(tmp_path)
    (tmp_path / "broken.json").write_text("{not json")
    assert store.snapshots() == []


def test_word_diff_reconstructs_both_texts() -> None:
    original = "The old lighthouse stood at the edge."
    suggestion = "The lighthouse stands at the edge of the cliff."
    parts = word_diff(original, suggestion)
    assert "".join(p.text for p in parts if p.kind != "insert") == original
    assert "".join(p.text for p in parts if p.kind != "delete") == suggestion
    assert change_summary(parts) == "+4 −2 words"  # stands, of, the, cliff; old, stood


def test_history_round_trips_through_json() -> None:
    history = AiEditHistory()
    history.record("rewrite: Make concise", "a long text", "short", ["other one", "other two"])
    history.mark_reverted(1)
    again = AiEditHistory.from_json(history.to_json())
    assert again.edits == history.edits
    assert again.edits[0].reverted and again.edits[0].others == ("other one", "other two")
