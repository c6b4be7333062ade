"""Assist → My Actions: a user's action runs from its shortcut on the selection, and Accept puts the
result where the action says — here a new document; the dialog adds, exports and imports actions."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from tests.ui.conftest import TIMEOUT_MS
from tests.ui.test_rewrite_flow import DOCUMENT, PHRASE, select, type_document
from writer_app.assist.user_actions import ActionStore, UserAction
from writer_app.ui.main_window import MainWindow
from writer_app.ui.user_actions_ui import ActionsDialog, fill_actions_menu


def test_an_action_runs_from_its_shortcut_into_a_new_document(
    qtbot, window: MainWindow, make_window, app_paths
) -> None:
    store = ActionStore(app_paths.state_dir / "actions")  # the window's (under its state folder)
    store.save(UserAction("Shout", "Rewrite it in capitals.", output="new", shortcut="F9"))
    menu = window.actions_by_name["Assist/My Actions"]
    fill_actions_menu(window, menu, store)
    assert [a.text() for a in menu.actions() if a.text()] == ["Shout", "&Manage Actions…"]
    opened: list[MainWindow] = []
    window.drafts.open_window = lambda: opened.append(make_window()) or opened[-1]
    type_document(qtbot, window, DOCUMENT)
    select(window, PHRASE)
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS):
        qtbot.keyClick(window, Qt.Key.Key_F9)
    assert window.session.pending.request.instruction == "Rewrite it in capitals."
    chosen = window.candidates.candidate_text(window.candidates.index_at(0))
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert window.editor.toPlainText() == DOCUMENT  # the selection stays as it was
    assert len(opened) == 1 and opened[0].editor.toPlainText() == chosen


def test_the_dialog_saves_and_lists_actions_and_the_menu_follows(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    store = ActionStore(tmp_path / "actions")
    menu = window.actions_by_name["Assist/My Actions"]
    dialog = ActionsDialog(window, store, menu)
    qtbot.addWidget(dialog)
    from writer_app.ui.user_actions_ui import ActionForm

    form = ActionForm(dialog)
    form.name.setText("Tweet it")
    form.prompt.setPlainText("Rewrite this as a tweet.")
    form.output.setCurrentIndex(form.output.findData("insert"))
    dialog._keep(form)
    assert dialog.list.count() == 1 and "Tweet it — insert after it" in dialog.list.item(0).text()
    assert "Tweet it" in [a.text() for a in menu.actions()]
    form = ActionForm(dialog)
    form.name.setText("No prompt")
    form._check()
    assert "needs a prompt" in form.error.text()


def test_an_insert_action_keeps_its_output_through_regenerate(qtbot, window: MainWindow, app_paths) -> None:
    from writer_app.ui.user_actions_ui import run_action

    type_document(qtbot, window, DOCUMENT)
    select(window, PHRASE)
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS):
        run_action(window, UserAction("Explain", "Explain this.", output="insert"))
    assert not window.candidates.card(0).buttons["review"].isVisibleTo(window.candidates)  # replace only
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS):
        window.session.regenerate()
    chosen = window.candidates.candidate_text(window.candidates.index_at(0))
    assert window.session.accept_shown(0)
    text = window.editor.toPlainText()
    assert PHRASE in text and chosen in text and text.index(chosen) > text.index(PHRASE)  # after it
    assert window.candidates.applied and window.session.pending is None


def test_the_command_palette_finds_built_in_and_own_actions(qtbot, window: MainWindow, app_paths) -> None:
    from writer_app.ui.command_palette import open_palette

    store = ActionStore(app_paths.state_dir / "actions")
    store.save(UserAction("Shout", "Rewrite it in capitals."))
    fill_actions_menu(window, window.actions_by_name["Assist/My Actions"], store)
    palette = open_palette(window)
    qtbot.keyClicks(palette.filter, "assist bullet")
    assert [palette.list.item(i).text() for i in range(palette.list.count())] == [
        "Assist › Transform › Bulleted list"
    ]
    palette.filter.setText("shout")
    assert palette.list.item(0).text() == "Assist › My Actions › Shout"
    palette.filter.setText("review panel")
    qtbot.keyClick(palette.filter, Qt.Key.Key_Return)  # runs it: the Review panel is shown
    assert window.review_dock.isVisible() and not palette.isVisible()
