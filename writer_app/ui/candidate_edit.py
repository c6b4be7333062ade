"""Editing a proposal in place before Accept or Insert: a card's Edit swaps its view for a text editor;
what is typed is the candidate from then on, and when typing settles the candidate is ranked again
(`candidateEdited`), so its score and explanation follow the edit."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QPlainTextEdit

from writer_app.assist.types import AssistResult, RescoreRequest

SETTLE_MS = 800  # the edit is ranked again this long after typing stops


def toggle_edit(panel, index: int) -> QPlainTextEdit | None:
    """Start editing candidate `index` of the candidates panel, or finish (the view shows the edit)."""
    card = panel.card(index)
    if card is None or not card.finished or panel.applied:
        return None
    editor: QPlainTextEdit | None = getattr(card, "editor", None)
    if editor is not None and editor.isVisible():  # Done: back to the diff of the edited text
        editor.hide()
        card.view.show()
        card.buttons["edit"].setText("Edit")
        panel._show(card, card.text)
        panel._arrange()  # the ranking that came meanwhile, now that nothing is being edited
        return editor
    if editor is None:
        editor = QPlainTextEdit(card)
        card.layout().insertWidget(card.layout().indexOf(card.view), editor)
        card.editor = editor
        settle = QTimer(editor)
        settle.setSingleShot(True)
        settle.setInterval(SETTLE_MS)
        settle.timeout.connect(lambda: panel.candidateEdited.emit(index, card.text))

        def typed() -> None:
            card.text = editor.toPlainText()
            settle.start()

        editor.textChanged.connect(typed)
    editor.blockSignals(True)
    editor.setPlainText(card.text)
    editor.blockSignals(False)
    card.view.hide()
    editor.show()
    editor.setFocus()
    card.buttons["edit"].setText("Done")
    return editor


class EditRanking(QObject):
    """Ranks the session's result again, in the worker (which has the scoring model), with the
    cards' texts as they are now, when an edit settles or when a result comes for edited cards."""

    def __init__(self, session) -> None:
        super().__init__(session)
        self.session, self.request_id = session, None
        session.panel.candidateEdited.connect(lambda _index, _text: self.rank_again())
        session.client.requestFinished.connect(self._ranked)

    def rank_again(self) -> None:
        result, panel = self.session.last_result, self.session.panel
        if result is None or result.score_request is None or panel.applied:
            return  # still being written (`after` takes the edit), or already applied
        texts = tuple(self._text(c) for c in result.candidates)
        self.request_id = self.session.client.submit(RescoreRequest(result, texts), title="Scoring the edit")

    def _text(self, candidate) -> str:
        text = self.session.panel.candidate_text(candidate.index)
        return text if text is not None else candidate.text  # an emptied card is ranked empty

    def after(self, result: AssistResult) -> None:
        """A result has come: rank it again if a card was edited while it was being written."""
        if any(self.session.panel.candidate_text(c.index) not in (None, c.text) for c in result.candidates):
            self.rank_again()

    def _ranked(self, request_id: int, result: object) -> None:
        if request_id == self.request_id and isinstance(result, AssistResult):
            self.session.last_result = result
            self.session.panel.show_ranking(
                [(s.start, s.end) for s in result.source_spans], result.candidates
            )
