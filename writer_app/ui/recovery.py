"""Offers the unsaved documents a crashed or killed session left in the autosave folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from writer_app.documents.autosave import AutosaveStore
from writer_app.ui.main_window import MainWindow
from writer_app.ui.prompts import Prompts


def recover_unsaved(
    autosave: AutosaveStore, prompts: Prompts, first: MainWindow, new_window: Callable[[], MainWindow]
) -> list[MainWindow]:
    """Ask about each orphaned snapshot; recovered ones open as unsaved documents. Returns new windows."""
    opened: list[MainWindow] = []
    for snapshot in autosave.orphaned():
        if prompts.recover(first, snapshot):
            target = (
                first
                if not first.is_modified
                and first.path is None
                and not opened
                and (not first.editor.toPlainText())
                else new_window()
            )
            target.restore_snapshot(
                snapshot.text,
                Path(snapshot.path) if snapshot.path else None,
                snapshot.disk,
                snapshot.document_id,
            )
            if target is not first:
                opened.append(target)
            # Rewritten under the same id by this instance: it is this app's snapshot from now on.
            target.write_snapshot_now()
            continue
        autosave.discard(snapshot.document_id)
    return opened
