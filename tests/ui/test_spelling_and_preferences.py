"""Spell checking as you type (underlines, code skipped, the context menu, the personal list across a
restart, only lines in view checked) and the Preferences dialog (applies at once, remembered,
Restore Defaults)."""

from __future__ import annotations

from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu

from writer_app.documents.spelling import Spelling
from writer_app.ui.settings import AppSettings


def underlined(window, line: int) -> list[str]:
    """The words of block `line` that carry the spell-check underline."""
    block = window.editor.document().findBlockByNumber(line)
    words = []
    for fmt in block.layout().formats():
        if fmt.format.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline:
            words.append(block.text()[fmt.start : fmt.start + fmt.length])
    return words


def test_a_misspelling_is_underlined_and_code_urls_and_emails_are_not(window, qtbot) -> None:
    window.editor.setPlainText(
        "The lighthouse keeper climbd the stairs.\n"
        "Run `prnt(x)` or see https://exmple.org/pth, mail jo@exmple.org, not wrold\n"
        "\n    indented_code wrold\n"
    )
    qtbot.waitUntil(lambda: underlined(window, 0) == ["climbd"], timeout=3000)
    assert underlined(window, 1) == ["wrold"]  # checked, and only the prose
    assert underlined(window, 3) == []  # an indented code block


def test_the_context_menu_offers_suggestions_add_and_ignore(window, qtbot, app_paths) -> None:
    window.editor.setPlainText("The keeper climbd the stairs and saw the Lumenhaus.")
    qtbot.waitUntil(lambda: "climbd" in underlined(window, 0), timeout=3000)
    cursor = window.editor.document().find("climbd")
    rect = window.editor.cursorRect(cursor)
    menu = QMenu()
    window.spell.add_to_menu(menu, rect.center())
    labels = [action.text() for action in menu.actions()]
    assert "climbed" in labels and "Add “climbd” to Dictionary" in labels and "Ignore “climbd”" in labels
    next(a for a in menu.actions() if a.text() == "climbed").trigger()
    assert window.editor.toPlainText().startswith("The keeper climbed the stairs")
    window.editor.undo()
    assert "climbd" in window.editor.toPlainText()  # the correction was one undo step

    lumen = window.editor.document().find("Lumenhaus")
    menu = QMenu()
    window.spell.add_to_menu(menu, window.editor.cursorRect(lumen).center())
    next(a for a in menu.actions() if a.text().startswith("Add “Lumenhaus”")).trigger()
    qtbot.waitUntil(lambda: "Lumenhaus" not in underlined(window, 0), timeout=3000)
    # After a restart the personal list still knows it.
    again = Spelling(window.spell.spelling.personal_file)
    assert again.misspelled("Lumenhaus climbd") == [(10, 16)]


def test_only_lines_in_view_are_checked_until_they_scroll_into_view(window, qtbot) -> None:
    lines = [f"Line {i} has a mispeled word." for i in range(3_000)]
    window.editor.setPlainText("\n".join(lines))
    qtbot.waitUntil(lambda: underlined(window, 0) == ["mispeled"], timeout=3000)
    assert underlined(window, 2_500) == []  # far below the view: not checked yet
    cursor = QTextCursor(window.editor.document().findBlockByNumber(2_500))
    window.editor.setTextCursor(cursor)
    window.editor.centerCursor()
    qtbot.waitUntil(lambda: underlined(window, 2_500) == ["mispeled"], timeout=3000)


def test_spell_check_can_be_switched_off_and_follows_the_documents_language(window, qtbot) -> None:
    window.editor.setPlainText("Das ist ein kleiner Hund, der jeden Morgen über die Strase läuft und bellt.")
    window.documents.documentReplaced.emit()  # as when a file is opened
    assert window.spell.spelling.language == "de"
    qtbot.waitUntil(lambda: underlined(window, 0) == ["Strase"], timeout=3000)
    window.spell.set_enabled(False)
    qtbot.waitUntil(lambda: underlined(window, 0) == [], timeout=3000)


def test_preferences_apply_at_once_are_remembered_and_restore_defaults(window, qtbot, app_paths) -> None:
    dialog = window.open_preferences()
    dialog.font_size.setValue(17)
    assert window.editor.font().pointSize() == 17 + window.settings.zoom
    dialog.candidates.setValue(5)
    assert window.candidates.candidate_count() == 5
    dialog.autosave.setValue(12)
    assert window.documents.timer.interval() == 12_000
    dialog.spell.setChecked(False)
    assert not window.spell.enabled
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    qtbot.waitUntil(lambda: window.editor.palette().base().color().lightness() < 100, timeout=2000)
    window.settings.sync()
    remembered = AppSettings(app_paths.config_dir)
    assert (remembered.font_size, remembered.candidate_count, remembered.autosave_s) == (17, 5, 12)
    assert remembered.theme == "dark" and not remembered.spell_enabled

    dialog.restore_defaults()
    assert window.settings.font_size == 12 and window.settings.theme == "system"
    assert window.spell.enabled and window.documents.timer.interval() == 30_000
    assert window.editor.font().pointSize() == 12 + window.settings.zoom
    qtbot.waitUntil(lambda: window.editor.palette().base().color().lightness() > 128, timeout=2000)
    dialog.close()


def test_preferences_context_and_threads_reload_the_model(window, qtbot, app_paths, tiny_model_path) -> None:
    from writer_app.modelhub.store import ModelStore

    store = ModelStore(app_paths)
    model = store.import_file(tiny_model_path)
    store.set_active(model.id)
    window.model_store = store
    dialog = window.open_preferences()
    assert dialog.model.currentData() == model.id
    with qtbot.waitSignal(window.controller.modelLoaded, timeout=30_000):
        dialog.context.setCurrentIndex(dialog.context.findData(2048))
        dialog.threads.setValue(1)
    engine = window.controller.worker.engine
    assert engine.n_ctx == 2048 and engine.config.n_threads == 1
    assert (window.settings.model_context, window.settings.model_threads) == (2048, 1)
    dialog.close()


def test_file_export_writes_in_the_background_and_says_where(window, qtbot, prompts, tmp_path) -> None:
    import docx

    window.editor.setPlainText("# Notes\n\nSome *emphasis*.")
    prompts.answers["export_path"] = tmp_path / "notes"  # no suffix: the format's is added
    word = next(a for a in window.actions_by_name["File/Export"].actions() if "DOCX" in a.text())
    with qtbot.waitSignal(window.exporter.finished, timeout=10_000):
        word.trigger()  # File → Export → Word (DOCX)…
    assert "Exported to" in window.statusBar().currentMessage()
    paragraphs = docx.Document(str(tmp_path / "notes.docx")).paragraphs
    assert (paragraphs[0].style.name, paragraphs[0].text) == ("Heading 1", "Notes")


def test_the_welcome_shows_once_and_later_keeps_the_embedded_model(window, prompts, app_paths) -> None:
    from writer_app.modelhub.store import DEFAULT_ID, ModelStore
    from writer_app.ui.welcome import welcome_on_first_run

    window.model_store = ModelStore(app_paths)
    assert welcome_on_first_run(window)
    assert "only good for trying it out" in prompts.welcome_text
    assert (
        "Recommended for this computer" in prompts.welcome_text and "to download at" in prompts.welcome_text
    )
    assert not welcome_on_first_run(window)  # never again by itself
    assert prompts.asked.count("welcome") == 1
    assert window.model_store.active_id() == DEFAULT_ID
    help_menu = next(a for a in window.menuBar().actions() if a.text() == "&Help").menu()
    help_welcome = next(a for a in help_menu.actions() if a.text() == "&Welcome")
    help_welcome.trigger()  # Help → Welcome: again, when asked
    assert prompts.asked.count("welcome") == 2


def test_welcome_download_without_network_leaves_the_app_working(
    window, prompts, app_paths, qtbot, monkeypatch
):
    from writer_app.modelhub.store import DEFAULT_ID, ModelStore
    from writer_app.ui.welcome import recommended_model, show_welcome

    window.model_store = ModelStore(app_paths)
    window.model_store.accept_licence(recommended_model().id)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens there: no network
    opened = []
    original = window.open_model_manager
    monkeypatch.setattr(window, "open_model_manager", lambda: opened.append(original()) or opened[-1])
    prompts.answers["welcome"] = "download"
    assert show_welcome(window) == "download"
    dialog = opened[0]
    assert dialog.selected_id() == recommended_model().id
    qtbot.waitUntil(lambda: "Cannot reach" in dialog.status.text(), timeout=30_000)
    assert window.model_store.active_id() == DEFAULT_ID and window.settings.welcome_shown
    dialog.close()


def test_two_windows_share_the_personal_list_and_neither_loses_a_word(make_window, qtbot, app_paths) -> None:
    from writer_app.documents.spelling import PersonalWords

    first, second = make_window(), make_window()
    for window in (first, second):  # two lists on one file, as two app instances would have
        window.spell.spelling.personal_words = PersonalWords(app_paths.data_dir / "dictionary.txt")
    first.spell.add_word("Lumenhaus")
    second.spell.add_word("Gullrock")
    other_app = PersonalWords(app_paths.data_dir / "dictionary.txt")  # another instance, or a restart
    assert {"Lumenhaus", "Gullrock"} <= other_app.words
    assert second.spell.spelling.is_known("Lumenhaus")  # merged in when the second word was added


def test_scrolling_checks_spelling_without_touching_autosave_or_suggestions(window, qtbot) -> None:
    window.editor.setPlainText("\n".join(f"Line {i} has a mispeled word." for i in range(2_000)))
    qtbot.wait(200)
    window.documents._dirty = False
    window.ghost.timer.stop()  # the text just set was an edit; scrolling must not be one
    started = []
    window.ghost.timer.timeout.connect(lambda: started.append(1))
    window.editor.verticalScrollBar().setValue(window.editor.verticalScrollBar().maximum() // 2)
    middle = window.editor.firstVisibleBlock().blockNumber() + 3
    qtbot.waitUntil(lambda: underlined(window, middle) == ["mispeled"], timeout=3000)
    assert not window.documents._dirty  # no autosave for a re-highlight
    assert not window.ghost.timer.isActive() and not started
