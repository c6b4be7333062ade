"""The candidates panel shows any kind of candidates: a diff for a rewrite, plain text after its
insertion point for a continuation, each with the actions its kind offers."""

from __future__ import annotations

from writer_app.ui.candidates_panel import CONTINUATION_VIEW, REWRITE_VIEW, CandidatesPanel, PanelView


def test_a_continuation_shows_plain_text_after_its_insertion_point(qtbot) -> None:
    panel = CandidatesPanel()
    qtbot.addWidget(panel)
    view = PanelView(diff=False, actions=CONTINUATION_VIEW.actions, lead_in="…and the keeper climbed")
    panel.start("", "Continue writing", 2, view)
    panel.append_stream(0, " the stairs")
    panel.finish_candidate(0, "the stairs at dusk.")
    card = panel.card(0)
    qtbot.waitUntil(lambda: "dusk" in card.view.toPlainText())  # drawn with the next batch
    assert set(card.buttons) == {"insert", "edit", "copy"}  # nothing to accept: nothing is replaced
    shown = card.view.toPlainText()
    assert shown.endswith("▸the stairs at dusk.") and "keeper climbed" in shown
    assert "line-through" not in card.view.toHtml()  # no diff against an original
    inserted: list[int] = []
    panel.insertRequested.connect(inserted.append)
    card.buttons["insert"].click()
    assert inserted == [0]


def test_a_rewrite_shows_a_diff_and_can_be_accepted(qtbot) -> None:
    panel = CandidatesPanel()
    qtbot.addWidget(panel)
    panel.start("the day is very good", "Make concise", 1, REWRITE_VIEW)
    panel.finish_candidate(0, "the day is good")
    card = panel.card(0)
    qtbot.waitUntil(lambda: "line-through" in card.view.toHtml())
    assert set(card.buttons) == {"accept", "review", "edit", "insert", "copy"}
    assert "line-through" in card.view.toHtml()  # "very" struck out
    accepted: list[int] = []
    panel.acceptRequested.connect(accepted.append)
    card.buttons["accept"].click()
    assert accepted == [0]


def test_candidates_never_usable_say_so_and_stopped_ones_say_stopped(qtbot) -> None:
    panel = CandidatesPanel()
    qtbot.addWidget(panel)
    panel.start("the original", "Rewrite", 3, REWRITE_VIEW)
    panel.append_stream(1, "* * * a rejected try")
    panel.finish_candidate(0, "a usable one")
    panel.finish("1 candidate.", stopped=False)
    assert panel.cards[1].title.text() == "Candidate 2 — no usable text"
    assert "rejected try" not in panel.cards[1].view.toPlainText()
    panel.start("the original", "Rewrite", 2, REWRITE_VIEW)
    panel.append_stream(1, "half a")
    panel.finish("Stopped.")
    assert panel.cards[1].title.text() == "Candidate 2 — stopped"
