"""Autosave snapshots and their recovery; word diffs; the AI edit history's JSON."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from writer_app.documents.ai_history import AiEditHistory
from writer_app.documents.autosave import AutosaveStore
from writer_app.documents.word_diff import change_summary, word_diff


def crash_after_autosave(folder: Path, text: str) -> None:
    """A separate process autosaves and dies without cleaning up, like a crash or kill."""
    code = (
        "import os, sys; from pathlib import Path\n"
        "from writer_app.documents.autosave import AutosaveStore\n"
        f"AutosaveStore(Path({str(folder)!r})).save('doc1', None, 'Untitled', {text!r})\n"
        "os._exit(9)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], check=False)
    assert result.returncode == 9


def test_snapshots_of_a_dead_process_are_orphaned(tmp_path: Path) -> None:
    store = AutosaveStore(tmp_path / "autosave")
    crash_after_autosave(store.folder, "unsaved words")
    store.save("mine", tmp_path / "a.md", "a.md", "my own live document")
    orphans = store.orphaned()
    assert [(s.document_id, s.text, s.path) for s in orphans] == [("doc1", "unsaved words", None)]
    store.discard("doc1")
    assert store.orphaned() == []
    assert [s.document_id for s in store.snapshots()] == ["mine"]


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
