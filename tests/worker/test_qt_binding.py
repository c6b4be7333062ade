"""Guards against a Qt binding that corrupts reference counts (PySide6 6.12.0 on Python 3.11)."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QCoreApplication


@pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on: its count cannot show the leak"
)
def test_process_events_keeps_none_alive(qapp) -> None:
    # PySide6-Essentials 6.12.0 drops one reference to None per processEvents() call, which
    # aborts the process ("deallocating None") after a few thousand calls; 6.11.3 is pinned.
    before = sys.getrefcount(None)
    for _ in range(200):
        QCoreApplication.processEvents()
    assert sys.getrefcount(None) - before > -20
