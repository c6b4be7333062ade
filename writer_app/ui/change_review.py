"""Change-by-change review of a rewrite candidate: its word diff split into changes, each accepted
or rejected (click it, or the Assist → Changes keys), "Accept the Rest" to finish. What is applied is
the original with the accepted changes, through the panel's Accept: one undo step, in the AI-edit
history like any accepted candidate."""

from __future__ import annotations

import html

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from writer_app.documents.word_diff import Change, apply_changes, changes


def _escaped(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


class ChangeReview(QWidget):
    """One candidate's changes with a decision each (None: not yet). `finished` carries the text
    to apply; `cancelled` leaves the candidate as it was."""

    finished = Signal(str)
    cancelled = Signal()

    def __init__(self, original: str, suggestion: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.original = original
        self.changes: list[Change] = changes(original, suggestion)
        self.decisions: list[bool | None] = [None] * len(self.changes)
        self.current = 0
        self.status = QLabel(self)
        self.view = QTextBrowser(self)
        self.view.setOpenLinks(False)
        self.view.anchorClicked.connect(self._clicked)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for name, label, tip, slot in (  # short labels: the panel is a narrow dock
            ("previous", "◀", "Previous change (Alt+Up)", self.previous),
            ("next", "▶", "Next change (Alt+Down)", self.next),
            ("accept", "Accept", "Accept this change (Alt+Return)", self.accept),
            ("reject", "Reject", "Reject this change (Alt+Delete)", self.reject),
            (
                "rest",
                "Accept the Rest",
                "Accept every change not decided yet, and apply (Alt+End)",
                self.accept_rest,
            ),
            ("cancel", "Cancel", "Back to the candidates, nothing applied", self.cancelled.emit),
        ):
            button = QPushButton(label, self)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[name] = button
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self._render()

    # ----- decisions -----------------------------------------------------------------------------
    def select(self, number: int) -> None:
        if 0 <= number < len(self.changes):
            self.current = number
            self._render()

    def next(self) -> None:
        self.select(self.current + 1)

    def previous(self) -> None:
        self.select(self.current - 1)

    def accept(self) -> None:
        self._decide(True)

    def reject(self) -> None:
        self._decide(False)

    def accept_rest(self) -> None:
        """Accept every change not decided yet, and finish."""
        self.decisions = [True if d is None else d for d in self.decisions]
        self._finish()

    def _decide(self, accepted: bool) -> None:
        if not self.changes:
            self._finish()
            return
        self.decisions[self.current] = accepted
        undecided = [i for i, d in enumerate(self.decisions) if d is None]
        if not undecided:
            self._finish()
            return
        later = [i for i in undecided if i > self.current]
        self.select(later[0] if later else undecided[0])

    def result(self) -> str:
        """The original with the accepted changes."""
        return apply_changes(
            self.original, [c for c, d in zip(self.changes, self.decisions, strict=True) if d]
        )

    def _finish(self) -> None:
        self.finished.emit(self.result())

    def _clicked(self, url: QUrl) -> None:
        if url.scheme() == "change":
            self.select(int(url.path() or url.host() or 0))

    # ----- drawing -------------------------------------------------------------------------------
    def _render(self) -> None:
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        ink = self.palette().color(QPalette.ColorRole.Text).name()  # a change is a link, not link-blue
        added = "background:#1e4620;color:#b7f5b9;" if dark else "background:#d4f7d4;color:#0a4d0a;"
        gone = "background:#4d1e1e;color:#f5b7b7;" if dark else "background:#fbdada;color:#7a1010;"
        pieces, position = [], 0
        for number, (change, decision) in enumerate(zip(self.changes, self.decisions, strict=True)):
            pieces.append(_escaped(self.original[position : change.start]))
            removed, text = _escaped(change.removed(self.original)), _escaped(change.text)
            if decision is True:
                shown = f'<span style="{added}">{text}</span>'
            elif decision is False:
                shown = removed
            else:
                shown = (
                    f'<span style="{gone}text-decoration:line-through">{removed}</span>'
                    f'<span style="{added}text-decoration:underline">{text}</span>'
                )
            frame = "font-weight:bold;" if number == self.current else ""
            style = f"text-decoration:none;color:{ink};{frame}"
            pieces.append(f'<a href="change:{number}" style="{style}">{shown or "⌫"}</a>')
            position = change.end
        pieces.append(_escaped(self.original[position:]))
        self.view.setHtml("".join(pieces))
        accepted = sum(1 for d in self.decisions if d is True)
        rejected = sum(1 for d in self.decisions if d is False)
        total = len(self.changes)
        where = f"Change {self.current + 1} of {total}" if total else "No changes"
        self.status.setText(
            f"{where} — {accepted} accepted, {rejected} rejected, {total - accepted - rejected} to go"
        )
        self.buttons["previous"].setEnabled(self.current > 0)
        self.buttons["next"].setEnabled(self.current < total - 1)


def open_review(panel, index: int) -> ChangeReview | None:
    """Review candidate `index` of the candidates panel change by change, in place of the cards;
    when it finishes, the reviewed text becomes the candidate's and the panel's Accept applies it."""
    card = panel.card(index)
    review_button = card.buttons.get("review") if card is not None else None
    if (
        card is None
        or not card.finished
        or review_button is None
        or review_button.isHidden()
        or panel.applied
    ):
        return None
    close_review(panel)
    review = ChangeReview(panel.original, card.text, panel)
    panel.review = review
    layout = panel.layout()
    layout.insertWidget(layout.indexOf(panel.scroll), review, 1)
    panel.scroll.hide()

    def done(text: str) -> None:
        close_review(panel)
        if text == panel.original:
            panel.summary.setText("No change was accepted: the text stays as it was.")
            return
        before, card.text = card.text, text
        panel.acceptRequested.emit(index)  # applied at once (or refused: the selection changed)
        card.text = before  # the card stays the whole candidate, should Undo bring the cards back

    review.finished.connect(done)
    review.cancelled.connect(lambda: close_review(panel))
    review.view.setFocus()
    return review


def close_review(panel) -> None:
    """Back to the cards (a review left open is dropped)."""
    review, panel.review = panel.review, None
    if review is not None:
        panel.layout().removeWidget(review)
        review.deleteLater()
        panel.scroll.show()
