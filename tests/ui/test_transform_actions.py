"""Assist → Transform: summarize, key points, bulleted list and translate into a chosen language."""

from __future__ import annotations

from tests.ui.test_rewrite_flow import DOCUMENT, PHRASE, select, type_document
from writer_app.ui.main_window import MainWindow


def test_translate_asks_the_language_and_sends_an_instruction_the_ranker_checks(
    qtbot, window: MainWindow, prompts
) -> None:
    type_document(qtbot, window, DOCUMENT)
    select(window, PHRASE)
    menu = next(a for a in window.menuBar().actions() if a.text() == "&Assist").menu()
    transform = next(a for a in menu.actions() if a.text() == "&Transform").menu()
    labels = [a.text() for a in transform.actions()]
    assert labels == ["Summarize", "Key points", "Bulleted list", "&Translate…"]
    prompts.answers["ask_choice"] = None
    transform.actions()[3].trigger()  # cancelled: nothing is asked of the model
    assert window.session.pending is None
    prompts.answers["ask_choice"] = "German"
    transform.actions()[3].trigger()
    request = window.session.pending.request
    assert request.instruction == "Translate the text into German." and request.text == PHRASE
    window.stop()
    select(window, PHRASE)
    transform.actions()[0].trigger()
    assert window.session.pending.request.mode == "summarize"
    window.stop()
