"""The Style panel: a voice made from the selection (kept on disk and remembered), too few words
refused with how many more, the meter for the selection, and a rewrite in the voice accepted and
undone in one step, ranked with its style match."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.conftest import TIMEOUT_MS
from tests.ui.test_rewrite_flow import select, set_text
from tests.voice_texts import KEEPER
from writer_app.ui.main_window import MainWindow
from writer_app.ui.settings import AppSettings

MEETING = "The meeting is at noon and nobody knows why it moved."
DOCUMENT = KEEPER * 12 + "\n\n" + MEETING  # what make_voice leaves in the editor by default


def make_voice(qtbot, window: MainWindow, prompts, name: str = "Keeper", sample: str = KEEPER * 12) -> None:
    """A voice made from the selection `sample` (the document: it, then a line of another kind)."""
    set_text(window, sample + "\n\n" + MEETING)
    select(window, sample)
    prompts.answers["ask_text"] = name
    window.style_panel.createRequested.emit("selection")
    qtbot.waitUntil(lambda: window.voices.profile is not None, timeout=TIMEOUT_MS)


def test_a_voice_from_the_selection_is_kept_and_remembered(
    qtbot, window: MainWindow, prompts, app_paths
) -> None:
    make_voice(qtbot, window, prompts)
    assert window.style_panel.active() == "Keeper"
    assert window.voices.store.get("Keeper").words >= 300
    assert AppSettings(app_paths.config_dir).style_profile == "Keeper"
    assert "Selection: voice" in window.style_panel.meter.text()  # the selection is the samples themselves
    select(window, "The meeting is at noon")
    qtbot.waitUntil(lambda: "30 words or more" in window.style_panel.meter.text(), timeout=TIMEOUT_MS)
    window.style_panel.addRequested.emit("selection")  # a second sample, then dropped again
    qtbot.waitUntil(lambda: len(window.voices.profile.samples) == 2, timeout=TIMEOUT_MS)
    assert window.style_panel.samples.count() == 2
    window.style_panel.samples.setCurrentRow(1)
    window.style_panel.remove.click()
    assert not window.style_panel.remove.isEnabled()  # nothing else changes the voice meanwhile
    qtbot.waitUntil(lambda: window.style_panel.samples.count() == 1, timeout=TIMEOUT_MS)
    assert len(window.voices.store.get("Keeper").samples) == 1
    window.style_panel.samples.setCurrentRow(0)
    window.style_panel.remove.click()  # the last sample stays: a voice needs 300 words
    qtbot.waitUntil(lambda: "at least 300" in window.message_bar.text, timeout=TIMEOUT_MS)
    assert window.style_panel.samples.count() == 1 and window.style_panel.remove.isEnabled()


def test_too_few_words_are_refused_with_how_many_more(qtbot, window: MainWindow, prompts) -> None:
    set_text(window, KEEPER)
    select(window, KEEPER.strip())
    prompts.answers["ask_text"] = "Short"
    window.style_panel.createRequested.emit("selection")
    qtbot.waitUntil(lambda: not window.voices.building, timeout=TIMEOUT_MS)
    assert "at least 300" in window.message_bar.text and "more words" in window.message_bar.text
    assert window.voices.store.list() == []


def test_rewrite_in_the_voice_is_ranked_with_its_style_and_undone_in_one_step(
    qtbot, window: MainWindow, prompts
) -> None:
    make_voice(qtbot, window, prompts)
    phrase = "The meeting is at noon and nobody knows why it moved."
    select(window, phrase)
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS):
        qtbot.keyClick(
            window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )
    result = window.session.last_result
    assert result is not None and result.candidates
    for candidate in result.candidates:  # the voice reached the ranker; measured ones show it
        assert "copied" in candidate.breakdown
        title = window.candidates.card(candidate.index).title.text()
        assert ("style_score" in candidate.breakdown) == ("voice" in title)
    chosen = window.candidates.candidate_text(window.candidates.index_at(0))
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert window.editor.toPlainText() == DOCUMENT.replace(phrase, chosen)
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.toPlainText() == DOCUMENT


def test_writing_needs_a_voice_and_an_instruction(qtbot, window: MainWindow, prompts) -> None:
    panel = window.style_panel
    changes = (panel.add_selection, panel.add_files, panel.remove, panel.rename, panel.delete, panel.write)
    assert not any(button.isEnabled() for button in changes)  # nothing to change or write in yet
    assert window.voices.imitate("write", "a note") is None
    assert "Choose a voice" in window.message_bar.text
    make_voice(qtbot, window, prompts)
    window.style_panel.instruction.setText("")
    window.style_panel.imitate("write")
    assert "Say what to write" in window.message_bar.text


def test_continue_writing_takes_the_active_voice_and_write_inserts_a_paragraph(
    qtbot, window: MainWindow, prompts
) -> None:
    make_voice(qtbot, window, prompts)
    cursor = window.editor.textCursor()
    cursor.setPosition(len(KEEPER * 12) - 1)  # after "below." at the end of the samples' paragraph
    window.editor.setTextCursor(cursor)
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS):
        qtbot.keyClick(
            window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )
    pending = window.session.pending
    assert pending is not None and pending.request.samples and "voice of “Keeper”" in pending.title
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS):
        window.session.regenerate()  # again from the same point, still in the voice
    assert window.session.pending.request.samples
    chosen = window.candidates.candidate_text(window.candidates.index_at(0))
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    at = len(KEEPER * 12) - 1
    assert window.editor.toPlainText() == DOCUMENT[:at] + chosen + DOCUMENT[at:]
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.toPlainText() == DOCUMENT

    cursor.setPosition(len("It was late in the evening"))  # mid-sentence: it goes after the paragraph
    window.editor.setTextCursor(cursor)
    window.style_panel.instruction.setText("a note about the storm")
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS):
        window.style_panel.write.click()
    written = window.candidates.candidate_text(window.candidates.index_at(0))
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert (
        window.editor.toPlainText() == KEEPER * 12 + "\n\n" + written.strip() + DOCUMENT[len(KEEPER * 12) :]
    )


def test_a_voice_made_elsewhere_shows_up_in_the_list(qtbot, window: MainWindow) -> None:
    """Another window or `writer-app style create` writes to the same folder: the list follows it."""
    window.voices.store.create("From the command line", [KEEPER * 12])
    qtbot.waitUntil(
        lambda: window.style_panel.profiles.findData("From the command line") >= 0, timeout=TIMEOUT_MS
    )
    assert window.style_panel.active() == ""  # shown, not chosen


def test_a_voice_from_an_older_meter_is_measured_again_once_even_if_it_cannot_be_saved(
    qtbot, make_window, app_paths, monkeypatch
) -> None:
    import json

    from writer_app.assist.style_profiles import ProfileStore
    from writer_app.errors import UserError

    store = ProfileStore(app_paths.state_dir / "styles")  # where the test windows keep voices
    store.create("Old", [KEEPER * 12])
    path = next(store.folder.glob("*.json"))
    data = json.loads(path.read_text())
    data["stats"]["background"] = "an-older-meter"
    path.write_text(json.dumps(data))
    AppSettings(app_paths.config_dir).style_profile = "Old"
    measured: list[str] = []
    real_get = ProfileStore.get

    def counting_get(self, name):
        measured.append(name)
        return real_get(self, name)

    def full_disk(self, profile, path=None):
        raise UserError("Could not save: the disk is full.")

    monkeypatch.setattr(ProfileStore, "get", counting_get)
    monkeypatch.setattr(ProfileStore, "_write", full_disk)
    window = make_window()
    qtbot.waitUntil(lambda: window.voices.profile is not None, timeout=TIMEOUT_MS)
    qtbot.wait(500)  # no second round
    assert measured == ["Old"] and window.style_panel.active() == "Old"
    assert window.style_panel.rename.isEnabled() and window.session.voice is window.voices.profile
