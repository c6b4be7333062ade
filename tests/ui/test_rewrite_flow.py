"""Select text, rewrite, accept: the editor's text, one-step undo, edits elsewhere, edits inside."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from tests.ui.conftest import TIMEOUT_MS
from writer_app.ui.main_window import MainWindow

DOCUMENT = "First line stays.\nthe day is good and the night is short\nLast line stays."
PHRASE = "the day is good"


def set_text(window: MainWindow, text: str) -> None:
    """Replace the whole text as a user edit (setPlainText would clear the modified flag)."""
    cursor = window.editor.textCursor()
    cursor.select(QTextCursor.SelectionType.Document)
    cursor.insertText(text)


def select(window: MainWindow, phrase: str) -> None:
    start = window.editor.toPlainText().index(phrase)
    cursor = window.editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len(phrase), QTextCursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)


def type_document(qtbot, window: MainWindow, text: str) -> None:
    window.editor.setFocus()
    for number, line in enumerate(text.split("\n")):
        if number:
            qtbot.keyClick(window.editor, Qt.Key.Key_Return)
        qtbot.keyClicks(window.editor, line)
    assert window.editor.toPlainText() == text


def rewrite_and_wait(qtbot, window: MainWindow, mode: str = "concise") -> None:
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS):
        assert window.request_rewrite(mode=mode) is not None


def test_accept_replaces_the_selection_and_one_undo_restores_it(qtbot, window: MainWindow) -> None:
    type_document(qtbot, window, DOCUMENT)
    select(window, PHRASE)
    rewrite_and_wait(qtbot, window)
    assert len(window.candidates.cards) == 3
    chosen = window.candidates.candidate_text(window.candidates.index_at(1))
    assert chosen
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # the second card shown
    assert window.editor.toPlainText() == DOCUMENT.replace(PHRASE, chosen)
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.toPlainText() == DOCUMENT
    assert window.edits.edits[-1].original == PHRASE
    assert window.edits.edits[-1].chosen == chosen
    assert len(window.edits.edits[-1].others) == 2


def test_typing_elsewhere_during_generation_applies_to_the_right_range(qtbot, window: MainWindow) -> None:
    window.editor.setPlainText(DOCUMENT)
    select(window, PHRASE)
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS):
        window.request_rewrite(mode="formal")
        cursor = window.editor.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.Start)
        window.editor.setTextCursor(cursor)
        qtbot.keyClicks(window.editor, "NEW ")  # typed before the range while the model works
        cursor.movePosition(QTextCursor.MoveOperation.End)
        window.editor.setTextCursor(cursor)
        qtbot.keyClicks(window.editor, " END")
    chosen = window.candidates.candidate_text(0)
    assert window.accept_candidate(0)
    expected = "NEW " + DOCUMENT.replace(PHRASE, chosen) + " END"
    assert window.editor.toPlainText() == expected


def test_editing_the_selected_text_blocks_the_apply(qtbot, window: MainWindow) -> None:
    window.editor.setPlainText(DOCUMENT)
    select(window, PHRASE)
    rewrite_and_wait(qtbot, window)
    cursor = window.editor.textCursor()
    cursor.setPosition(DOCUMENT.index(PHRASE) + 4)
    cursor.insertText("whole ")
    before = window.editor.toPlainText()
    assert not window.accept_candidate(0)
    assert window.editor.toPlainText() == before
    assert "was edited after the request" in window.message_bar.text


def test_insert_after_keeps_the_original(qtbot, window: MainWindow) -> None:
    window.editor.setPlainText(DOCUMENT)
    select(window, PHRASE)
    rewrite_and_wait(qtbot, window)
    chosen = window.candidates.candidate_text(0)
    assert window.session.insert_candidate_after(0)
    assert window.editor.toPlainText() == DOCUMENT.replace(PHRASE, f"{PHRASE} {chosen}")


def test_stop_cancels_and_late_results_do_not_arrive(qtbot, window: MainWindow) -> None:
    window.editor.setPlainText("the night " * 40)
    window.editor.selectAll()
    finished: list[object] = []
    window.assist.requestFinished.connect(lambda *args: finished.append(args))
    with qtbot.waitSignal(window.assist.chunksReady, timeout=TIMEOUT_MS):
        window.request_rewrite(mode="expand")
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.assist.active_request_id is None
    assert "Stopped" in window.candidates.summary.text()
    qtbot.wait(300)
    assert finished == []


def test_rewrite_without_a_selection_explains_what_to_do(window: MainWindow) -> None:
    window.editor.setPlainText(DOCUMENT)
    assert window.request_rewrite(mode="concise") is None
    assert "Select the text to rewrite first" in window.message_bar.text


def test_history_reverts_an_edit_after_later_edits(qtbot, window: MainWindow) -> None:
    window.editor.setPlainText(DOCUMENT)
    select(window, PHRASE)
    rewrite_and_wait(qtbot, window)
    assert window.accept_candidate(0)
    cursor = window.editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    cursor.insertText("Title\n")
    cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.insertText("\nMore text.")
    edit_id = window.edits.edits[-1].edit_id
    assert window.edits.revert(edit_id)
    assert window.editor.toPlainText() == "Title\n" + DOCUMENT + "\nMore text."
    assert window.edits.edits[-1].reverted
    assert window.history_panel.list.count() == 1


def test_history_refuses_to_revert_a_changed_edit(qtbot, window: MainWindow) -> None:
    window.editor.setPlainText(DOCUMENT)
    select(window, PHRASE)
    rewrite_and_wait(qtbot, window)
    assert window.accept_candidate(0)
    chosen = window.edits.edits[-1].chosen
    text = window.editor.toPlainText()
    cursor = window.editor.textCursor()
    cursor.setPosition(text.index(chosen) + 1)
    cursor.insertText("ZZ")
    assert not window.edits.revert(window.edits.edits[-1].edit_id)
    assert "cannot be reverted" in window.message_bar.text


def test_context_menu_offers_the_rewrites(window: MainWindow) -> None:
    assert window.editor.assist_menu is not None
    labels = [action.text() for action in window.editor.assist_menu.actions()]
    assert "Fix grammar" in labels and "Paraphrase" in labels


def test_candidates_are_shown_best_first_with_scores_and_can_be_reordered(qtbot, window: MainWindow) -> None:
    window.editor.setPlainText("It was very, very good and really a testament to the day.")
    window.editor.selectAll()
    rewrite_and_wait(qtbot, window)
    result = window.session.last_result
    assert result is not None
    panel = window.candidates
    shown = panel.displayed()
    best = result.ranked()[0]
    assert shown[0].index == best.index
    assert shown[0].title.text().startswith(f"#1 · {best.score:.1f}/10 — ")
    assert "Original" in panel.original_view.text() and "slop" in panel.original_view.text()
    panel.set_order("generation")
    assert [card.index for card in panel.displayed()] == list(range(len(panel.cards)))
    assert window.settings.candidate_order == "generation"
    panel.set_order("score")
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert window.editor.toPlainText() == best.text


def test_a_paragraph_selected_with_its_line_break_keeps_the_break(qtbot, window: MainWindow) -> None:
    text = "Title\n\nthe day is good and the night is short\n\nNext paragraph."
    window.editor.setPlainText(text)
    start = text.index("the day")
    cursor = window.editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(text.index("Next"), QTextCursor.MoveMode.KeepAnchor)  # as a triple-click takes it
    window.editor.setTextCursor(cursor)
    rewrite_and_wait(qtbot, window)
    chosen = window.candidates.candidate_text(window.candidates.index_at(0))
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert window.editor.toPlainText() == f"Title\n\n{chosen.strip()}\n\nNext paragraph."
    assert window.candidates.summary.text().startswith("Applied #1.")


def test_when_no_candidate_scores_well_the_panel_says_what_to_try(qtbot, window: MainWindow) -> None:
    window.editor.setPlainText(DOCUMENT)
    select(window, PHRASE)
    rewrite_and_wait(qtbot, window, mode="grammar")  # the tiny random model writes gibberish
    assert max(card.score for card in window.candidates.cards) < 2.5
    assert "None of them scores well: try Regenerate" in window.candidates.summary.text()


def test_two_windows_rewrite_at_once_and_each_gets_its_own_candidates(qtbot, make_window, tmp_path) -> None:
    first, second = make_window(), make_window()
    first.editor.setPlainText("Alpha text.\nthe day is good\nAlpha end.")
    second.editor.setPlainText("Beta text.\nthe night is short and cold\nBeta end.")
    select(first, "the day is good")
    select(second, "the night is short and cold")
    with qtbot.waitSignals([first.assist.requestFinished, second.assist.requestFinished], timeout=TIMEOUT_MS):
        assert first.request_rewrite(mode="concise") is not None
        assert second.request_rewrite(mode="formal") is not None
        assert first.assist.active_request_id is not None  # the other window did not cancel it
    assert first.candidates.original == "the day is good"
    assert second.candidates.original == "the night is short and cold"
    first_texts = {card.text for card in first.candidates.cards}
    second_texts = {card.text for card in second.candidates.cards}
    assert all(card.finished for card in first.candidates.cards + second.candidates.cards)
    # Accept in the second window puts the second window's candidate into the second document only.
    chosen = second.candidates.candidate_text(second.candidates.index_at(0))
    assert chosen in second_texts
    assert second.accept_shown(0)
    assert second.editor.toPlainText() == f"Beta text.\n{chosen}\nBeta end."
    assert first.editor.toPlainText() == "Alpha text.\nthe day is good\nAlpha end."
    assert first.accept_shown(0)
    assert first.editor.toPlainText().splitlines()[1] in first_texts


def test_opening_a_file_in_one_window_leaves_anothers_rewrite_running(qtbot, make_window, tmp_path) -> None:
    first, second = make_window(), make_window()
    first.editor.setPlainText("the night " * 30)
    first.editor.selectAll()
    other = tmp_path / "other.md"
    other.write_text("another file\n")
    with qtbot.waitSignal(first.assist.requestFinished, timeout=TIMEOUT_MS) as finished:
        first.request_rewrite(mode="expand")
        assert second.open_path(other)  # stops the second window's work, which is none
        second.close()
    assert not finished.args[1].cancelled
    assert all(card.finished for card in first.candidates.cards)


def test_candidates_finishing_after_accept_keep_their_actions_off(qtbot, window: MainWindow) -> None:
    window.editor.setPlainText("Start. " + "the night is long " * 20)
    select(window, "the night is long " * 20)
    with qtbot.waitSignal(window.assist.candidateFinished, timeout=TIMEOUT_MS):
        window.request_rewrite(mode="expand")
    finished = next(card for card in window.candidates.cards if card.finished)
    assert window.accept_candidate(finished.index)
    applied = window.editor.toPlainText()
    for index in range(len(window.candidates.cards)):  # a late candidate arrives anyway
        window.candidates.finish_candidate(index, "late text")
    assert not any(card.buttons["accept"].isEnabled() for card in window.candidates.cards)
    assert window.assist.active_request_id is None  # accepting stopped the rest of the request
    assert not window.accept_candidate(0)
    assert window.editor.toPlainText() == applied


def test_undoing_an_accepted_candidate_lets_another_be_chosen_and_redo_puts_it_back(
    qtbot, window: MainWindow
) -> None:
    type_document(qtbot, window, DOCUMENT)
    select(window, PHRASE)
    rewrite_and_wait(qtbot, window)
    first, second = (window.candidates.candidate_text(window.candidates.index_at(p)) for p in (0, 1))
    assert first != second
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert window.editor.toPlainText() == DOCUMENT.replace(PHRASE, first)
    assert not any(card.buttons["accept"].isEnabled() for card in window.candidates.cards)
    assert not window.candidates.regenerate_button.isEnabled()  # its text is no longer there
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.toPlainText() == DOCUMENT
    assert all(card.buttons["accept"].isEnabled() for card in window.candidates.cards)
    assert "Undone" in window.candidates.summary.text() and window.candidates.regenerate_button.isEnabled()
    assert window.edits.edits[-1].reverted  # the history says the edit is no longer in the text
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # another one instead
    assert window.editor.toPlainText() == DOCUMENT.replace(PHRASE, second)
    assert [edit.reverted for edit in window.edits.edits] == [True, False]
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [edit.reverted for edit in window.edits.edits] == [True, True]
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, redo)
    assert window.editor.toPlainText() == DOCUMENT.replace(PHRASE, second)
    assert not any(card.buttons["accept"].isEnabled() for card in window.candidates.cards)
    assert not window.accept_candidate(0)  # applied again: the cards wait for a new request
    assert [edit.reverted for edit in window.edits.edits] == [True, False]


def test_an_undone_continuation_can_be_inserted_again_and_deleting_it_by_hand_is_no_undo(
    qtbot, window: MainWindow
) -> None:
    window.ghost.set_enabled(False)
    window.editor.setPlainText("The keeper climbed the stairs.")
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS):
        assert window.session.request_continuation("sentence") is not None
    chosen = window.candidates.candidate_text(window.candidates.index_at(0))
    assert window.accept_shown(0)
    window.editor.undo()
    assert window.editor.toPlainText() == "The keeper climbed the stairs."
    assert window.accept_shown(0)  # the same card goes in at the same point
    assert window.editor.toPlainText() == "The keeper climbed the stairs." + chosen
    assert [edit.reverted for edit in window.edits.edits] == [True, False]  # a new edit, the old undone
    cursor = window.editor.textCursor()
    cursor.setPosition(len("The keeper climbed the stairs."))
    cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)
    qtbot.keyClick(window.editor, Qt.Key.Key_Delete)  # taken out by hand: the text reads as before
    assert window.editor.toPlainText() == "The keeper climbed the stairs."
    assert not any(card.buttons["insert"].isEnabled() for card in window.candidates.cards)
    assert "Ctrl+Z undoes it" in window.candidates.summary.text() and not window.edits.edits[-1].reverted


def test_undo_reopens_the_cards_in_a_text_with_characters_beyond_the_basic_plane(
    qtbot, window: MainWindow
) -> None:
    text = DOCUMENT + "\nBye 👋 now."  # an emoji is two units to Qt, one character to Python
    window.editor.setPlainText(text)
    select(window, PHRASE)
    rewrite_and_wait(qtbot, window)
    assert window.accept_candidate(0)
    window.editor.undo()
    assert window.editor.toPlainText() == text
    assert all(card.buttons["accept"].isEnabled() for card in window.candidates.cards)
    assert window.accept_candidate(1)
    assert window.editor.toPlainText() == text.replace(PHRASE, window.candidates.candidate_text(1))


def test_the_history_follows_undo_and_redo_after_a_newer_request_and_reopening_a_file_reopens_nothing(
    qtbot, window: MainWindow
) -> None:
    type_document(qtbot, window, DOCUMENT)
    select(window, PHRASE)
    rewrite_and_wait(qtbot, window)
    assert window.accept_candidate(0)
    applied = window.editor.toPlainText()
    window.editor.undo()
    assert window.edits.edits[-1].reverted
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS):
        window.session.regenerate()  # from the reopened cards: a newer request
    window.editor.redo()
    assert window.editor.toPlainText() == applied
    assert not window.edits.edits[-1].reverted  # back in the text, and the history says so
    assert all(card.buttons["accept"].isEnabled() for card in window.candidates.cards)  # the newer ones
    window.editor.setPlainText(DOCUMENT)  # as opening a file does: the text set afresh
    assert not window.edits.edits[-1].reverted
    assert not window.accept_candidate(0)  # that request's range went with the old text


def test_an_edit_after_an_emoji_is_reverted_in_the_right_place(window: MainWindow) -> None:
    window.editor.setPlainText("👋 one two three")  # the emoji takes two positions in the document
    start = len("👋 one ".encode("utf-16-le")) // 2  # 7 positions: the emoji's two, then " one "
    window.edits.record("Rewrite", "TWO", "two", [], start)
    window.edits._ranges.clear()  # as after reopening the document: found again by its text
    assert window.edits.revert(window.edits.edits[-1].edit_id)
    assert window.editor.toPlainText() == "👋 one TWO three"
