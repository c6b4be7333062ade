"""An edited proposal is what gets applied, and it is ranked again when the edit settles."""

from __future__ import annotations

from tests.ui.conftest import TIMEOUT_MS
from tests.ui.test_rewrite_flow import DOCUMENT, PHRASE, rewrite_and_wait, select, type_document
from writer_app.ui.main_window import MainWindow

EDITED = "The day is good, and it is very very very very bustling."


def test_an_edited_candidate_is_ranked_again_and_applied(qtbot, window: MainWindow) -> None:
    type_document(qtbot, window, DOCUMENT)
    select(window, PHRASE)
    rewrite_and_wait(qtbot, window)
    panel = window.candidates
    index = panel.index_at(0)
    card = panel.card(index)
    card.buttons["edit"].click()
    assert card.editor.isVisible() and not card.view.isVisible()
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS):  # the edit, ranked again
        card.editor.setPlainText(EDITED)
    edited = next(c for c in window.session.last_result.candidates if c.index == index)
    assert edited.text == EDITED and "intensifier" in edited.explanation
    assert edited.explanation in card.title.text()
    card.buttons["edit"].click()  # Done: the diff of the edited text again
    assert card.view.isVisible() and "bustling" in card.view.toPlainText()
    card.buttons["accept"].click()
    assert window.editor.toPlainText() == DOCUMENT.replace(PHRASE, EDITED)
    assert window.edits.edits[-1].chosen == EDITED
