"""The one action table: every shortcut unique, none on Ctrl+Alt (AltGr)."""

from __future__ import annotations


def test_the_action_table_has_no_clashing_or_altgr_shortcuts(qapp) -> None:
    from collections import Counter

    from PySide6.QtGui import QKeySequence

    from writer_app.ui.actions import ACTIONS

    keys = [QKeySequence(spec.shortcut).toString() for spec in ACTIONS if spec.shortcut is not None]
    assert [key for key, count in Counter(keys).items() if count > 1] == []
    assert not [key for key in keys if "Ctrl+Alt+" in key]  # AltGr types characters on many layouts
