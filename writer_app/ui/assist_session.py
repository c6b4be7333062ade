"""One window's assistant jobs: the request from the selection, its live range, the candidates panel's
stream, and Accept / Insert / Copy / Regenerate / Stop applied to the right range of the right document."""

from __future__ import annotations

import time
from dataclasses import replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication, QTextCursor

from writer_app.assist.cleaning import with_margins_of
from writer_app.assist.complete import ContinueRequest
from writer_app.assist.imitate import ImitateRequest
from writer_app.assist.modes import MODES
from writer_app.assist.style_profiles import StyleProfile
from writer_app.assist.types import AssistResult, Candidate, RewriteRequest
from writer_app.ui.ai_edits import AiEditTracker
from writer_app.ui.applied_undo import AppliedUndoWatch
from writer_app.ui.candidate_edit import EditRanking
from writer_app.ui.candidate_html import LEAD_IN_CHARS
from writer_app.ui.candidates_panel import CONTINUATION_VIEW, REWRITE_VIEW, CandidatesPanel, PanelView
from writer_app.ui.editor import Editor, cursor_text, qt_length
from writer_app.ui.pending_request import (
    AppliedCandidate,
    PendingRewrite,
    Request,
    as_paragraph,
    inserts,
    text_before,
)
from writer_app.ui.settings import AppSettings
from writer_app.worker.controller import AssistController

# Below this best score (of 10) the panel suggests regenerating or a larger model.
LOW_SCORE = 2.5
ANCHOR_CHARS = 200  # a continuation goes in only while the text it continues is still before it


class AssistSession(QObject):
    """Sends this window's jobs through its own client and applies their results to its document."""

    busyChanged = Signal(bool)
    speedChanged = Signal(str)
    messageRequested = Signal(str, str)  # sentence, level
    statusRequested = Signal(str, int)
    panelRequested = Signal()  # show the candidates panel
    newDocumentRequested = Signal(str)  # an action's result that goes into a new document

    def __init__(
        self,
        controller: AssistController,
        editor: Editor,
        panel: CandidatesPanel,
        edits: AiEditTracker,
        settings: AppSettings,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.client = controller.client(self)
        self.editor, self.panel, self.edits, self.settings = editor, panel, edits, settings
        self.pending: PendingRewrite | None = None
        self.last_result: AssistResult | None = None
        self.voice: StyleProfile | None = None  # the active voice (the Style panel's)
        self.undo_watch = AppliedUndoWatch(editor.document(), self)
        self.undo_watch.undone.connect(self._on_apply_undone)
        self.undo_watch.redone.connect(self._on_apply_redone)
        self._seed = int(time.time()) & 0xFFFF
        client = self.client
        # The client hears every job of this window (one per lane); the panel shows the pending one.
        client.chunksReady.connect(self._on_chunks)
        client.candidateRestarted.connect(self._on_restarted)
        client.candidateFinished.connect(self._on_candidate)
        client.generationProgress.connect(
            lambda rid, _tokens, rate: self._mine(rid) and self.speedChanged.emit(f"{rate:.1f} tokens/s")
        )
        client.requestFinished.connect(self._on_finished)
        self.edit_ranking = EditRanking(self)  # an edited proposal ranked again
        client.partialResult.connect(self._on_ranked_on_text)
        client.requestFailed.connect(self._on_failed)

    def _mine(self, request_id: int) -> bool:
        return self.pending is not None and self.pending.request_id == request_id

    @property
    def running(self) -> bool:
        return self.client.active_request_id is not None

    # ----- requests -----------------------------------------------------------------------------
    def request_rewrite(
        self, mode: str = "clarity", instruction: str = "", output: str = "replace"
    ) -> int | None:
        cursor = self.editor.textCursor()
        if not cursor.hasSelection():
            self.messageRequested.emit("Select the text to rewrite first, then choose a rewrite.", "info")
            return None
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        document_text = self.editor.toPlainText()
        request = RewriteRequest(
            text=cursor_text(cursor),
            mode=mode,
            instruction=instruction,
            context_before=document_text[:start],
            context_after=document_text[end:],
            n_candidates=self.panel.candidate_count(),
            seed=self.next_seed(),
            style=self.voice.stats if self.voice else None,  # ranked by closeness to the active voice too
            style_samples=self.voice.samples if self.voice else (),
        )
        if instruction:
            self.settings.last_instruction = instruction
        title = f"Rewrite: {instruction}" if instruction else f"Rewrite: {MODES[mode].label}"
        range_cursor = QTextCursor(self.editor.document())
        range_cursor.setPosition(start)
        range_cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        return self.submit(request, range_cursor, title, output)

    def next_seed(self) -> int:
        self._seed = (self._seed + 101) & 0xFFFFFFF
        return self._seed

    def request_continuation(self, length: str = "paragraph", words: int = 0) -> int | None:
        """Continue writing at the cursor: N candidates of a sentence, a paragraph or about `words`."""
        cursor = self.editor.textCursor()
        position = cursor.selectionEnd()
        text = self.editor.toPlainText()
        if not text[:position].strip():
            self.messageRequested.emit("Write a few words first: the assistant continues your text.", "info")
            return None
        request = ContinueRequest(
            text[:position],
            text[position:],
            length=length,
            words=words,
            n_candidates=self.panel.candidate_count(),
            seed=self.next_seed(),
            samples=self.voice.samples if self.voice else (),  # in the active voice
            style=self.voice.stats if self.voice else None,
        )
        at = QTextCursor(self.editor.document())
        at.setPosition(position)
        return self.submit(request, at, f"Continue writing ({length}){self.in_voice()}")

    def in_voice(self) -> str:
        return f" in the voice of “{self.voice.name}”" if self.voice else ""

    def submit(
        self, request: Request, range_cursor: QTextCursor, title: str, output: str = "replace"
    ) -> int | None:
        """Send `request`; its result applies to `range_cursor` (a selection, or an insertion point)
        as `output` says (a user action's: replace it, insert after it, or a new document)."""
        request_id = self.client.submit(request, title=title, revision=self.editor.document().revision())
        at = range_cursor.selectionEnd()
        anchor = text_before(self.editor.document(), at, ANCHOR_CHARS) if inserts(request) else ""
        self.pending = PendingRewrite(request_id, request, range_cursor, title, anchor, output)
        self.last_result = None
        if inserts(request):
            # one more character than is shown: the panel marks the cut
            lead_in = text_before(self.editor.document(), at, LEAD_IN_CHARS + 1)
            view = PanelView(diff=False, actions=CONTINUATION_VIEW.actions, lead_in=lead_in)
            self.panel.start("", title, request.n_candidates, view)
        else:
            self.panel.start(request.text, title, request.n_candidates, REWRITE_VIEW)  # type: ignore[union-attr]
        for card in self.panel.cards if output != "replace" else ():  # a review only replaces the text
            if "review" in card.buttons:
                card.buttons["review"].hide()
        self.panelRequested.emit()
        self.busyChanged.emit(True)
        self.speedChanged.emit("")
        return request_id

    def regenerate(self) -> None:
        pending = self.pending
        if pending is None:
            self.messageRequested.emit("Nothing to regenerate yet: select text and choose a rewrite.", "info")
            return
        if inserts(pending.request):  # from the insertion point as the text is now
            text = self.editor.toPlainText()
            position = pending.range_cursor.position()
            moved: dict[str, object] = {"text_after": text[position:]}
            if isinstance(pending.request, ContinueRequest):
                moved["text_before"] = text[:position]
            elif pending.request.kind == "continue":
                moved["text"] = text[:position]
            request = replace(
                pending.request, seed=self.next_seed(), n_candidates=self.panel.candidate_count(), **moved
            )
            self.submit(request, pending.range_cursor, pending.title)
            return
        if cursor_text(pending.range_cursor) != pending.original:
            self.messageRequested.emit(
                "The selected text changed since the request: select it again and rewrite.", "error"
            )
            return
        request = replace(pending.request, seed=self.next_seed(), n_candidates=self.panel.candidate_count())
        self.submit(request, pending.range_cursor, pending.title, pending.output)

    def stop(self) -> bool:
        """Stop this window's running job; False when there was none."""
        if not self.running:
            return False
        self.client.cancel()
        self.panel.finish("Stopped.")
        self.busyChanged.emit(False)
        return True

    def stop_everything(self) -> None:
        """This window's document goes (another one, or the window closes): every job of it stops."""
        self.stop()
        self.client.cancel_all()
        self.pending = None
        self.undo_watch.disarm()

    # ----- results ------------------------------------------------------------------------------
    def _on_chunks(self, request_id: int, index: int, text: str) -> None:
        if self._mine(request_id):
            self.panel.append_stream(index, text)

    def _on_restarted(self, request_id: int, index: int) -> None:
        if self._mine(request_id):
            self.panel.restart(index)

    def _on_candidate(self, request_id: int, candidate: Candidate) -> None:
        if self._mine(request_id):
            self.panel.finish_candidate(candidate.index, candidate.text)

    def _on_finished(self, request_id: int, result: AssistResult) -> None:
        if not self._mine(request_id):
            return
        self.last_result = result
        self.panel.show_ranking([(s.start, s.end) for s in result.source_spans], result.candidates)
        self.busyChanged.emit(False)
        count = len(result.candidates)
        note = " (the document around the selection was shortened to fit)" if result.context_trimmed else ""
        if result.interrupted:  # a candidate the server left unfinished is marked "cut off" on its card
            note += f". {result.interrupted.rstrip('.')}"
        scores = [c.score for c in result.candidates if c.score is not None]
        advice = ""
        if not count:
            advice = " The model gave no usable text: try Regenerate, or a larger model (Assist → Models…)."
        elif scores and max(scores) < LOW_SCORE:
            advice = " None of them scores well: try Regenerate, or a larger model (Assist → Models…)."
        self.panel.finish(
            f"{count} candidate{'s' if count != 1 else ''} from {result.model} at "
            f"{result.timings.tokens_per_s:.1f} tokens/s{note}. Alt+1…3 accepts one.{advice}",
            stopped=result.cancelled,
        )
        self.speedChanged.emit(f"{result.timings.tokens_per_s:.1f} tokens/s")
        self.edit_ranking.after(result)  # a card edited while the others were still being written

    def _on_ranked_on_text(self, request_id: int, result: object) -> None:
        """The candidates ranked on their text's features while the scoring model reads them."""
        if self._mine(request_id) and isinstance(result, AssistResult):
            self.panel.show_ranking([(s.start, s.end) for s in result.source_spans], result.candidates)
            self.panel.summary.setText(
                "Ranked on the text; the scoring model reads them for the final order…"
            )

    def _on_failed(self, request_id: int, message: str) -> None:
        if not self._mine(request_id):
            return
        self.busyChanged.emit(False)
        self.panel.finish(message, stopped=False)
        self.messageRequested.emit(message, "error")

    # ----- applying -----------------------------------------------------------------------------
    def _range_still_intact(self) -> bool:
        pending = self.pending
        if pending is None:
            return False
        if inserts(pending.request):  # what it continues must still be there
            anchor = pending.anchor
            if text_before(self.editor.document(), pending.range_cursor.position(), len(anchor)) != anchor:
                self.messageRequested.emit(
                    "The text before the insertion point was edited after the request, so the "
                    "suggestion was not inserted: place the cursor and ask again.",
                    "error",
                )
                return False
            return True
        if cursor_text(pending.range_cursor) != pending.original:
            self.messageRequested.emit(
                "The selected text was edited after the request, so the suggestion was not applied: "
                "select the text again and request a new rewrite.",
                "error",
            )
            return False
        return True

    def accept_shown(self, position: int) -> bool:
        """Accept the candidate shown at `position` (0 = top of the panel)."""
        index = self.panel.index_at(position)
        return index is not None and self.accept_candidate(index)

    def accept_candidate(self, index: int) -> bool:
        if self.pending is not None and (inserts(self.pending.request) or self.pending.output == "insert"):
            return self.insert_candidate_after(index)  # Alt+1…3 on a continuation inserts it
        if (
            self.pending is not None
            and self.pending.output == "new"
            and self.panel.candidate_text(index) is not None
        ):
            self.newDocumentRequested.emit(self.panel.candidate_text(index))
            self._applied(f"Opened {self.panel.display_name(index)} in a new document.")
            return True
        text = self.panel.candidate_text(index)
        if text is None or self.pending is None or not self._range_still_intact():
            return False
        pending, before = self.pending, self._before_apply()
        cursor = pending.range_cursor
        text = with_margins_of(pending.original, text)
        start = cursor.selectionStart()
        cursor.beginEditBlock()
        cursor.insertText(text)
        cursor.endEditBlock()
        edit = self.edits.record(pending.title, pending.original, text, self.panel.other_texts(index), start)
        self._applied(f"Applied {self.panel.display_name(index)}. Ctrl+Z undoes it.", before, edit.edit_id)
        return True

    def _before_apply(self) -> AppliedCandidate:
        """What Undo of the candidate about to go in brings back (a new edit ends the last one's Undo)."""
        assert self.pending is not None
        self.undo_watch.disarm()
        cursor = self.pending.range_cursor
        document = self.editor.document()
        start, end, steps = cursor.selectionStart(), cursor.selectionEnd(), document.availableUndoSteps()
        return AppliedCandidate(self.pending, document.toPlainText(), start, end, steps)

    def _applied(self, message: str, before: AppliedCandidate | None = None, edit_id: int = 0) -> None:
        self.pending = None
        self.client.cancel()  # the user chose: the candidates still being written are not needed
        self.panel.mark_applied(message)
        self.busyChanged.emit(False)
        if before is None:  # a new document: nothing in this one to undo
            self.undo_watch.disarm()
        else:
            self.undo_watch.arm(replace(before, edit_id=edit_id))

    def _on_apply_undone(self, applied: AppliedCandidate) -> None:
        """Undo took the last applied candidate back out: the history says so and, while the panel
        still shows its request, the request's cards can be chosen again."""
        self.edits.set_undone(applied.edit_id, True)
        if self.pending is not None:  # the panel shows a newer request
            return
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(applied.start)
        cursor.setPosition(applied.end, QTextCursor.MoveMode.KeepAnchor)
        self.pending = replace(applied.pending, range_cursor=cursor, request_id=None)  # its job ended
        again = "" if inserts(applied.pending.request) else ", or Regenerate"
        self.panel.reopen(f"Undone: the text is as it was. Choose another candidate{again}.")

    def _on_apply_redone(self, applied: AppliedCandidate) -> None:
        self.edits.set_undone(applied.edit_id, False)
        if self.pending is not None and self.pending.request is applied.pending.request:
            self.pending = None  # the reopened cards close again (a Regenerate made a request of its own)
            self.panel.mark_applied("Redone: the candidate is back in. Ctrl+Z undoes it.")

    def insert_candidate_after(self, index: int) -> bool:
        text = self.panel.candidate_text(index)
        if text is None or self.pending is None or not self._range_still_intact():
            return False
        pending, before = self.pending, self._before_apply()
        insert_at = QTextCursor(self.editor.document())
        insert_at.setPosition(pending.range_cursor.selectionEnd())
        if inserts(pending.request):  # the continuation goes at its insertion point
            if isinstance(pending.request, ImitateRequest):  # new text: a paragraph of its own
                text = as_paragraph(self.editor.document(), text, insert_at.position())
            start = insert_at.position()
            insert_at.beginEditBlock()
            insert_at.insertText(text)
            insert_at.endEditBlock()
            edit = self.edits.record(pending.title, "", text, self.panel.other_texts(index), start)
            name = self.panel.display_name(index)
            self._applied(f"Inserted {name}. Ctrl+Z undoes it.", before, edit.edit_id)
            return True
        separator = "\n\n" if "\n" in pending.original else " "
        start = insert_at.position() + qt_length(separator)
        insert_at.beginEditBlock()
        insert_at.insertText(separator + text)
        insert_at.endEditBlock()
        title = f"{pending.title} (inserted after)"
        edit = self.edits.record(title, "", text, self.panel.other_texts(index), start)
        if pending.output == "insert":  # a user action's way to apply: the job is done like an Accept
            name = self.panel.display_name(index)
            self._applied(f"Inserted {name} after the selection. Ctrl+Z undoes it.", before, edit.edit_id)
        return True

    def copy_candidate(self, index: int) -> None:
        text = self.panel.candidate_text(index)
        if text is not None:
            QGuiApplication.clipboard().setText(text)
            self.statusRequested.emit(f"Copied {self.panel.display_name(index)}.", 3000)
