"""The candidates panel: streamed candidates of any job kind — a word diff against the original for a
rewrite, plain text after its insertion point for a continuation — with the actions the kind offers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from writer_app.documents.word_diff import change_summary, word_diff
from writer_app.ui.candidate_edit import toggle_edit
from writer_app.ui.candidate_html import continuation_html, diff_html, marked_html
from writer_app.ui.change_review import ChangeReview, close_review, open_review

STREAM_RENDER_MS = 100  # streamed text is redrawn at most ten times a second


@dataclass(frozen=True)
class PanelView:
    """How one job kind's candidates are shown and what can be done with them."""

    diff: bool = True  # a word diff against the original; else plain text after the insertion point
    actions: tuple[tuple[str, str], ...] = (
        ("accept", "Accept"),
        ("review", "Review Changes"),
        ("edit", "Edit"),
        ("insert", "Insert after"),
        ("copy", "Copy"),
    )
    lead_in: str = ""  # for plain text: the words before the insertion point, shown greyed


REWRITE_VIEW = PanelView()
CONTINUATION_VIEW = PanelView(diff=False, actions=(("insert", "Insert"), ("edit", "Edit"), ("copy", "Copy")))


class CandidateCard(QFrame):
    """One candidate: title, diff view and its buttons."""

    def __init__(self, index: int, panel: CandidatesPanel) -> None:
        super().__init__(panel)
        self.index = index
        self.text = ""
        self.finished = False
        self.rank: int | None = None
        self.score: float | None = None
        self.spans: tuple[tuple[int, int], ...] = ()
        self.merged = False
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(f"Candidate {index + 1} — waiting…", self)
        self.view = QTextBrowser(self)
        self.view.setOpenLinks(False)
        self.view.setMinimumHeight(70)
        signals = {
            "accept": panel.acceptRequested,
            "insert": panel.insertRequested,
            "copy": panel.copyRequested,
            "review": panel.reviewRequested,
            "edit": panel.editRequested,
        }
        self.buttons: dict[str, QPushButton] = {}
        buttons = QHBoxLayout()
        for action, label in panel.view.actions:
            button = QPushButton(label, self)
            button.clicked.connect(lambda _checked=False, signal=signals[action]: signal.emit(self.index))
            self.buttons[action] = button
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        self._set_buttons(False)

    def _set_buttons(self, enabled: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(enabled)


class CandidatesPanel(QWidget):
    """Shows the active request's candidates; all actions go out as signals to the main window."""

    acceptRequested = Signal(int)
    insertRequested = Signal(int)
    copyRequested = Signal(int)
    reviewRequested = Signal(int)  # change by change (`change_review.py`), then Accept
    editRequested = Signal(int)  # edit in place (`candidate_edit.py`)
    candidateEdited = Signal(int, str)  # an edit settled: rank it again
    regenerateRequested = Signal()
    stopRequested = Signal()
    candidateCountChanged = Signal(int)
    orderChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.original = ""
        self.view = REWRITE_VIEW
        self.applied = False  # a candidate was accepted: the cards' actions stay off (till Undo takes it out)
        self.cards: list[CandidateCard] = []
        self.review: ChangeReview | None = None
        self.laid_out: list[CandidateCard] = []
        self.reviewRequested.connect(lambda index: open_review(self, index))
        self.editRequested.connect(lambda index: toggle_edit(self, index))
        self._dirty: set[CandidateCard] = set()
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(STREAM_RENDER_MS)
        self._render_timer.timeout.connect(self._render_streams)
        self.summary = QLabel("Select text, then choose a rewrite in the Assist menu.", self)
        self.summary.setWordWrap(True)
        self.summary.setMinimumHeight(self.summary.fontMetrics().lineSpacing() * 3)
        self.count = QSpinBox(self)
        self.count.setRange(1, 8)
        self.count.setValue(3)
        self.count.setPrefix("N = ")
        self.count.setToolTip("How many candidates to generate")
        self.count.valueChanged.connect(self.candidateCountChanged)
        self.order = QComboBox(self)
        self.order.addItem("Best first", "score")
        self.order.addItem("Generation order", "generation")
        self.order.setToolTip("Sort the candidates by reward score or in the order they were written")
        self.order.currentIndexChanged.connect(self._on_order_changed)
        self.original_view = QLabel(self)
        self.original_view.setWordWrap(True)
        self.original_view.setTextFormat(Qt.TextFormat.RichText)
        self.original_view.hide()
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.clicked.connect(self.stopRequested)
        self.regenerate_button = QPushButton("Regenerate", self)
        self.regenerate_button.clicked.connect(self.regenerateRequested)
        controls = QHBoxLayout()
        controls.addWidget(self.count)
        controls.addWidget(self.order)
        controls.addStretch(1)
        controls.addWidget(self.regenerate_button)
        controls.addWidget(self.stop_button)
        self._cards_box = QVBoxLayout()
        self._cards_box.addStretch(1)
        holder = QWidget(self)
        holder.setLayout(self._cards_box)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll = scroll
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(self.original_view)
        layout.addWidget(scroll, 1)
        self.set_busy(False)
        self.regenerate_button.setEnabled(False)

    def _dark(self) -> bool:
        return self.palette().color(QPalette.ColorRole.Base).lightness() < 128

    def set_busy(self, busy: bool) -> None:
        self.stop_button.setEnabled(busy)
        self.regenerate_button.setEnabled(not busy and bool(self.original))

    def start(self, original: str, title: str, count: int, view: PanelView = REWRITE_VIEW) -> None:
        """A new job's cards: `original` is the text a rewrite changes (for a continuation: empty, and
        the view carries the words before the insertion point)."""
        self.view = view
        close_review(self)
        for card in self.cards:
            self._cards_box.removeWidget(card)
            card.deleteLater()
        self.cards = []
        self._dirty.clear()
        self.applied = False
        self.original = original
        self.original_view.hide()
        for index in range(count):
            card = CandidateCard(index, self)
            self._cards_box.insertWidget(index, card)
            self.cards.append(card)
        self._arrange()
        self.summary.setText(f"{title} — generating {count} candidate{'s' if count > 1 else ''}…")
        self.set_busy(True)

    def card(self, index: int) -> CandidateCard | None:
        return self.cards[index] if 0 <= index < len(self.cards) else None

    def _show(self, card: CandidateCard, text: str) -> None:
        if self.view.diff:
            card.view.setHtml(diff_html(self.original, text, self._dark(), card.spans))
        else:
            card.view.setHtml(continuation_html(self.view.lead_in, text, card.spans))

    def append_stream(self, index: int, text: str) -> None:
        card = self.card(index)
        if card is None or card.finished:
            return
        card.text += text
        card.title.setText(f"Candidate {index + 1} — writing…")
        self._dirty.add(card)
        if not self._render_timer.isActive():
            self._render_timer.start()

    def _render_streams(self) -> None:
        """Redraw the cards that changed; batched so typing never waits behind N diffs."""
        for card in self._dirty:
            self._show(card, card.text if card.finished else card.text.strip())
        self._dirty.clear()

    def restart(self, index: int) -> None:
        card = self.card(index)
        if card is not None:
            card.text = ""
            card.title.setText(f"Candidate {index + 1} — trying again…")
            card.view.clear()

    def finish_candidate(self, index: int, text: str) -> None:
        card = self.card(index)
        if card is None:
            return
        card.text = text
        card.finished = True
        if self.view.diff:
            card.title.setText(f"Candidate {index + 1} — {change_summary(word_diff(self.original, text))}")
        else:
            card.title.setText(f"Candidate {index + 1} — {len(text.split())} words")
        self._dirty.add(card)  # drawn with the next batch (or by the ranking, if it comes first)
        if not self._render_timer.isActive():
            self._render_timer.start()
        card._set_buttons(not self.applied)

    def finish(self, message: str, stopped: bool = True) -> None:
        """The request ended: stopped by the user, or done with some candidates never usable."""
        for card in self.cards:
            if not card.finished:
                if stopped:
                    card.title.setText(f"Candidate {card.index + 1} — stopped")
                    card.view.setHtml(card.view.toHtml() if card.text else "<i>No text.</i>")
                else:  # every try was rejected (empty, cut off, a quotation of the prompt)
                    card.title.setText(f"Candidate {card.index + 1} — no usable text")
                    card.view.setHtml("<i>The model's tries were not usable.</i>")
        self.summary.setText(message)
        self.set_busy(False)

    def mark_applied(self, message: str) -> None:
        """A candidate was applied: every card's actions go off (`reopen` turns them on again)."""
        self.applied = True
        close_review(self)
        for card in self.cards:
            card._set_buttons(False)
        self.finish(message)
        self.regenerate_button.setEnabled(False)  # its text is gone from the document (till Undo)

    def reopen(self, message: str) -> None:
        """The applied candidate was undone: the finished cards can be chosen again."""
        self.applied = False
        for card in self.cards:
            card._set_buttons(card.finished)
        self.summary.setText(message)
        self.set_busy(False)

    def show_ranking(self, source_spans: Sequence[tuple[int, int]], ranked: Sequence[object]) -> None:
        """Put scores, explanations and slop marks on the cards (`ranked`: assist Candidates)."""
        for candidate in ranked:
            card = self.card(candidate.index)  # type: ignore[attr-defined]
            if card is None or not card.finished:
                continue
            card.rank, card.score = candidate.rank, candidate.score  # type: ignore[attr-defined]
            card.spans = tuple((s.start, s.end) for s in candidate.spans)  # type: ignore[attr-defined]
            card.merged = candidate.merged_into is not None  # type: ignore[attr-defined]
            breakdown = candidate.breakdown  # type: ignore[attr-defined]
            voice = f" · voice {breakdown['style_score']:.1f}/10" if "style_score" in breakdown else ""
            verdict = f"{card.score:.1f}/10{voice} — {candidate.explanation}"  # type: ignore[attr-defined]
            if getattr(candidate, "finish_reason", "") == "interrupted":
                verdict += " (cut off: the server went away)"
            card.title.setText(f"#{card.rank} · {verdict}")
            card.title.setToolTip(str(candidate.breakdown))  # type: ignore[attr-defined]
            card.title.setWordWrap(True)
            self._show(card, card.text)
            self._dirty.discard(card)
        if source_spans and self.original:
            self.original_view.setText(
                "<b>Original</b> (slop marked): " + marked_html(self.original, 0, source_spans)
            )
            self.original_view.show()
        self._arrange()

    def _on_order_changed(self) -> None:
        self._arrange()
        self.orderChanged.emit(str(self.order.currentData()))

    def set_order(self, order: str) -> None:
        position = self.order.findData(order)
        if position >= 0:
            self.order.setCurrentIndex(position)

    def displayed(self) -> list[CandidateCard]:
        """Cards in the order shown: best first without merged near-duplicates, or by generation."""
        if self.order.currentData() == "score":
            kept = [card for card in self.cards if not card.merged]
            return sorted(kept, key=lambda c: (c.rank if c.rank is not None else 99, c.index))
        return list(self.cards)

    def _arrange(self) -> None:
        if any(getattr(card, "editor", None) is not None and card.editor.isVisible() for card in self.cards):
            return  # never move the card being edited (its keys keep the order laid out)
        shown = self.laid_out = self.displayed()
        for card in self.cards:
            card.setVisible(card in shown)
        for position, card in enumerate(shown):
            self._cards_box.removeWidget(card)
            self._cards_box.insertWidget(position, card)
            if "accept" in card.buttons:
                card.buttons["accept"].setText(f"Accept (Alt+{position + 1})" if position < 3 else "Accept")
        self.scroll.verticalScrollBar().setValue(0)  # the best candidate is the one in view

    def review_shown(self, position: int) -> None:
        """Review the candidate shown at `position` change by change (Assist → Changes)."""
        index = self.index_at(position)
        if index is not None:
            open_review(self, index)

    def in_review(self, step: str) -> None:
        """A review's key: next, previous, accept, reject or accept_rest (nothing without one)."""
        if self.review is not None:
            getattr(self.review, step)()

    def index_at(self, position: int) -> int | None:
        shown = [card for card in self.laid_out if card in self.cards]  # as Alt+1… are labelled
        return shown[position].index if 0 <= position < len(shown) else None

    def candidate_text(self, index: int) -> str | None:
        card = self.card(index)
        return card.text if card is not None and card.finished else None

    def candidate_count(self) -> int:
        """How many candidates the user asks for (the N spin box)."""
        return self.count.value()

    def set_candidate_count(self, count: int) -> None:
        self.count.setValue(count)

    def other_texts(self, chosen_index: int) -> list[str]:
        """The finished candidates other than `chosen_index` (kept with an applied edit)."""
        return [card.text for card in self.cards if card.finished and card.index != chosen_index]

    def display_name(self, index: int) -> str:
        """How the panel names a candidate: its rank once ranked ("#1"), else "candidate 2"."""
        card = self.card(index)
        return f"#{card.rank}" if card is not None and card.rank is not None else f"candidate {index + 1}"
