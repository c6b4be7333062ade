"""One window's long draft: plans on the user lane, writes on the background lane, streams each
section under its heading (one undo step per section), checkpoints a journal, and pauses, stops
and resumes — after a restart too, keeping the user's edits of written sections."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, replace

from PySide6.QtCore import QObject, Signal

from writer_app.assist.draft import DraftRequest, DraftResult
from writer_app.assist.draft_text import split_draft, word_count
from writer_app.assist.jobs import Lane
from writer_app.assist.outline import Outline, PlanRequest, PlanResult
from writer_app.assist.types import Candidate
from writer_app.documents.draft_journal import DraftJournal, JournalEntry, key_for_path
from writer_app.errors import UserError
from writer_app.reward.components import length_score
from writer_app.ui.document_session import DocumentSession
from writer_app.ui.draft_text_slots import SectionSlots
from writer_app.ui.editor import Editor
from writer_app.ui.outline_panel import OutlinePanel
from writer_app.ui.settings import AppSettings
from writer_app.worker.controller import AssistController


class DraftSession(QObject):
    """Drives the Draft panel with its own client, so drafts and rewrites never cancel each other."""

    messageRequested = Signal(str, str)
    statusRequested = Signal(str, int)
    panelRequested = Signal()

    def __init__(
        self,
        controller: AssistController,
        editor: Editor,
        documents: DocumentSession,
        panel: OutlinePanel,
        journal: DraftJournal,
        settings: AppSettings,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        panel.restore(settings.draft_words, settings.draft_destination, settings.draft_best_of)
        self.client = controller.client(self)
        self.editor, self.documents, self.panel, self.journal = editor, documents, panel, journal
        self.open_window: Callable[[], object] | None = None  # a new window, for "into a new document"
        self.entry: JournalEntry | None = None
        self.outline: Outline | None = None
        self.plan_id: int | None = None
        self.draft_id: int | None = None
        self._replanning = -1
        self.slots = SectionSlots(editor, self)
        self._words = (0, 0.0, 0.0)  # words at start, run start time, paused seconds
        self._paused_at = 0.0
        self._done_sections = 0
        self._finished = (0, 0)  # budgets and words of the finished sections
        panel.planRequested.connect(self.plan)
        panel.replanRequested.connect(self.replan)
        panel.writeRequested.connect(self.write)
        panel.pauseRequested.connect(self.pause)
        panel.resumeRequested.connect(self.resume)
        panel.stopRequested.connect(self.stop)
        self.client.chunksReady.connect(self._on_chunks)
        self.client.candidateRestarted.connect(self._on_restarted)
        self.client.candidateFinished.connect(self._on_section)
        self.client.jobProgress.connect(self._on_progress)
        self.client.requestFinished.connect(self._on_finished)
        self.client.requestFailed.connect(self._on_failed)
        documents.documentReplaced.connect(self._on_document_replaced)
        documents.saved.connect(self._rekey)

    # ----- planning ------------------------------------------------------------------------------
    def start_planning(self) -> None:
        """Assist → Plan a Long Draft…: the Draft panel, its instruction box ready for typing."""
        self.panelRequested.emit()
        self.panel.instruction.setFocus()

    def plan(self, instruction: str, words: int) -> int | None:
        self.settings.draft_words = words
        return self._submit_plan(PlanRequest(instruction, words, seed=int(time.time()) & 0xFFFF), -1)

    def replan(self, row: int) -> int | None:
        try:
            outline = self.panel.outline()
        except UserError as error:
            self.messageRequested.emit(str(error), "info")
            return None
        if not 0 <= row < len(outline.sections):
            self.messageRequested.emit("Select the section to plan again first.", "info")
            return None
        request = PlanRequest("", 0, seed=int(time.time()) & 0xFFFF, outline=outline, section=row)
        return self._submit_plan(request, row)

    def _submit_plan(self, request: PlanRequest, row: int) -> int | None:
        self.plan_id = self.client.submit(request, Lane.USER, title="Plan")
        self._replanning = row
        if self.plan_id is not None:
            self.panel.set_state("planning")
            self.panel.show_progress(0, 0, "Planning…")
        return self.plan_id

    # ----- writing -------------------------------------------------------------------------------
    def write(self, destination: str = "here", best_of: int = 1) -> int | None:
        self.settings.draft_destination, self.settings.draft_best_of = destination, best_of
        try:
            outline = self.panel.outline()
        except UserError as error:
            self.messageRequested.emit(str(error), "info")
            return None
        if destination == "new" and self.editor.toPlainText().strip():
            if self.open_window is None:
                self.messageRequested.emit("Open a new document first, then write the draft there.", "info")
                return None
            window = self.open_window()
            window.drafts.panel.set_outline(outline)  # type: ignore[attr-defined]
            window.drafts.panelRequested.emit()  # type: ignore[attr-defined]
            return window.drafts.write("here", best_of)  # type: ignore[attr-defined]
        previous = self.journal.load_quietly(self._key())
        if previous is not None and not previous.finished:
            self.statusRequested.emit("A new draft replaces this document's unfinished one.", 8000)
        self.slots.insert_headings(outline)
        self.panel.clear_written()
        self.entry = JournalEntry(self._key(), asdict(outline), 0, int(time.time()) & 0xFFFF, best_of)
        return self._start(outline, ())

    def _start(self, outline: Outline, written: tuple[str, ...]) -> int | None:
        self.outline = outline
        assert self.entry is not None
        try:
            self.entry = self.journal.save(replace(self.entry, done=len(written)))
        except UserError as error:
            self.messageRequested.emit(f"The draft's journal cannot be written ({error}).", "error")
        request = DraftRequest(
            outline, written, seed=self.entry.seed, candidates_per_section=self.entry.candidates_per_section
        )
        self.draft_id = self.client.submit(request, Lane.BACKGROUND, title="Draft")
        self._done_sections = len(written)
        self._finished = (
            sum(s.words for s in outline.sections[: len(written)]),
            sum(word_count(t) for t in written),
        )
        self._words = (sum(word_count(t) for t in written), time.monotonic(), 0.0)
        self.panel.set_state("writing")
        self.panel.show_progress(self._words[0], outline.target_words, f"Writing section {len(written) + 1}…")
        return self.draft_id

    def _on_chunks(self, request_id: int, index: int, text: str) -> None:
        if request_id == self.draft_id and self.outline is not None:
            self.panel.stream(f"Section {index + 1}: {self.outline.sections[index].title}", text)

    def _on_restarted(self, request_id: int, index: int) -> None:
        if request_id == self.draft_id:
            self.panel.stream("", "", restart=True)

    def _on_section(self, request_id: int, candidate: Candidate) -> None:
        if request_id != self.draft_id or self.outline is None or self.entry is None:
            return
        self.slots.finish(candidate.index, candidate.text)
        self.panel.stream("", "", restart=True)
        self._done_sections = candidate.index + 1
        self.documents.autosave_now()  # the journal holds the text too, should a crash come first
        try:
            self.entry = self.journal.finish_section(self.entry, self._done_sections, candidate.text)
        except UserError as error:
            self.statusRequested.emit(f"The draft's journal was not updated: {error}", 8000)
        budget = self.outline.sections[candidate.index].words
        words = word_count(candidate.text)
        self._finished = (self._finished[0] + budget, self._finished[1] + words)
        self.panel.mark_written(candidate.index, words, length_score(budget, words))
        self.statusRequested.emit(
            f"Section {candidate.index + 1} written: {words} of {budget} words "
            f"(S_l {length_score(budget, words):.0f})",
            6000,
        )

    def _on_progress(self, request_id: int, done: int, total: int, unit: str) -> None:
        if request_id != self.draft_id or self.outline is None:
            return
        start_words, started, paused_s = self._words
        elapsed = time.monotonic() - started - paused_s
        rate = (done - start_words) / elapsed if elapsed > 1 else 0.0
        left = ""
        if rate > 0 and done < total:
            left = f" · about {max(1, round((total - done) / rate / 60))} min left"
        section = min(self._done_sections + 1, len(self.outline.sections))
        detail = (
            f"Section {section} of {len(self.outline.sections)} · {done:,} of {total:,} {unit} · "
            f"{rate:.1f} words/s{left}{self._length_so_far()}"
        )
        self.panel.show_progress(done, total, detail)

    def _length_so_far(self) -> str:
        """S_l of the finished sections against their budgets (the whole draft's comes at the end)."""
        budgets, words = self._finished
        return f" · S_l {length_score(budgets, words):.0f} so far" if budgets else ""

    def _on_finished(self, request_id: int, result: object) -> None:
        if request_id == self.plan_id and isinstance(result, PlanResult):
            self.plan_id = None
            self.panel.set_state("idle")
            if result.cancelled:
                return
            if self._replanning >= 0:
                self.panel.replace_section(self._replanning, result.outline.sections[self._replanning])
            else:
                self.panel.set_outline(result.outline)
            self.panel.show_progress(0, result.outline.target_words, "Edit the plan if you like, then Write.")
        elif request_id == self.draft_id and isinstance(result, DraftResult):
            self.draft_id = None
            self.panel.stream("", "", restart=True)
            stopped = result.cancelled or self._done_sections < len(result.outline.sections)
            self.panel.set_state("stopped" if stopped else "idle")
            if not stopped:
                words = sum(word_count(t) for t in result.texts)
                target = result.outline.target_words
                message = f"Draft finished: {words:,} words of {target:,} (S_l {result.length_score:.0f})."
                self.panel.show_progress(words, result.outline.target_words, message)
                self.messageRequested.emit(message, "info")

    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id == self.plan_id:
            self.plan_id = None
            self.panel.set_state("idle")
            self.panel.show_progress(0, 0, message)
            self.messageRequested.emit(message, "error")
        elif request_id == self.draft_id:
            self.draft_id = None
            self.panel.stream("", "", restart=True)
            self.panel.set_state("stopped")
            self.panel.show_progress(self.panel.progress.value(), self.panel.progress.maximum(), message)
            self.messageRequested.emit(message, "error")

    # ----- pause, stop, resume ------------------------------------------------------------------
    def pause(self) -> None:
        if self.draft_id is not None and self.client.pause(self.draft_id):
            self._paused_at = time.monotonic()
            self.panel.set_state("paused")

    def resume(self) -> None:
        if self.draft_id is not None:
            if self.client.resume(self.draft_id):
                start_words, started, paused_s = self._words
                self._words = (start_words, started, paused_s + time.monotonic() - self._paused_at)
                self.panel.set_state("writing")
            return
        self.resume_from_journal()

    def toggle_pause(self) -> None:
        """F8: pause a running draft, resume a paused or stopped one."""
        if self.draft_id is not None and self.panel.state == "writing":
            self.pause()
        elif self.panel.state in ("paused", "stopped"):
            self.resume()
        else:
            self.messageRequested.emit(
                "No draft is being written: plan one with Assist → Plan a Long Draft.", "info"
            )

    def stop(self) -> None:
        if self.plan_id is not None:
            self.client.cancel(Lane.USER)
            self.plan_id = None
            self.panel.set_state("idle")
        if self.draft_id is not None:
            self.client.cancel(Lane.BACKGROUND)
            self.draft_id = None
            self.panel.stream("", "", restart=True)  # the half-written section never reached the text
            self.panel.set_state("stopped")
            self.panel.show_progress(
                self.panel.progress.value(), self.panel.progress.maximum(), "Stopped: Resume writes the rest."
            )

    def resume_from_journal(self) -> int | None:
        """Go on with this document's unfinished draft: written sections as they now read."""
        try:
            entry = self.journal.load(self._key())
            if entry is None or entry.finished:
                self.messageRequested.emit("This document has no unfinished draft to resume.", "info")
                return None
            outline = Outline.from_data(entry.plan)
            written = list(split_draft(self.editor.toPlainText(), outline, entry.done))
        except UserError as error:
            self.messageRequested.emit(str(error), "error")
            return None
        self.entry = entry
        self.slots.find_headings(outline, 0)
        for index, text in enumerate(written):  # finished, but the document was not saved in time
            if not text.strip() and index < len(entry.texts) and entry.texts[index].strip():
                self.slots.finish(index, entry.texts[index])
                written[index] = entry.texts[index]
        self.slots.keep_from(entry.done)
        return self._start(outline, tuple(written))

    # ----- the journal's key -----------------------------------------------------------------------
    def _key(self) -> str:
        path = self.documents.path
        return key_for_path(path) if path is not None else f"untitled:{self.documents.document_id}"

    def _rekey(self) -> None:
        """After Save As, the draft's journal follows the document to its new name."""
        if self.entry is not None and self.entry.key != self._key():
            old = self.entry.key
            try:
                self.entry = self.journal.save(replace(self.entry, key=self._key()))
                self.journal.delete(old)
            except UserError as error:
                self.statusRequested.emit(f"The draft's journal was not moved: {error}", 8000)

    def _on_document_replaced(self) -> None:
        """Another document: this window's draft stops; an unfinished draft of the new one is offered."""
        self.client.cancel_all()
        self.plan_id = self.draft_id = None
        self.slots.clear()
        self.entry = None
        entry = self.journal.load_quietly(self._key())
        if entry is None or entry.finished:
            self.panel.set_state("idle")
            return
        self.panel.set_outline(Outline.from_data(entry.plan))
        self.panel.set_state("stopped")
        count = len(entry.plan.get("sections", ()))
        note = f"This document has an unfinished draft ({entry.done} of {count} sections): Resume goes on."
        self.panel.show_progress(0, 0, note)
        self.messageRequested.emit(note, "info")
