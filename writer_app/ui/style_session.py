"""One window's voices: style profiles made from the selection, the document or files, the active one
(remembered), the voice match of the selection as it changes (the meter's at once, then the scoring
model's reading joined in by the worker, as a card's is measured), and writing in the voice through the
window's assist session."""

from __future__ import annotations

import contextlib
import logging
import threading

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal
from PySide6.QtGui import QTextCursor

from writer_app.assist.imitate import ImitateRequest
from writer_app.assist.jobs import Lane
from writer_app.assist.style_profiles import ProfileStore, StyleProfile, read_sample_files
from writer_app.assist.types import VoiceMatchRequest
from writer_app.errors import UserError
from writer_app.reward.style_meter import StyleMatch, match
from writer_app.reward.text_units import words
from writer_app.reward.voice_reading import MIN_READING_WORDS
from writer_app.ui.assist_session import AssistSession
from writer_app.ui.editor import Editor, cursor_text
from writer_app.ui.prompts import Prompts
from writer_app.ui.settings import AppSettings
from writer_app.ui.style_panel import StylePanel
from writer_app.worker.controller import AssistController

LOGGER = logging.getLogger(__name__)
MIN_METERED_WORDS = 30  # a voice shows over a few sentences
ROUGH = f" (a rough figure: {MIN_READING_WORDS} words or more read surer)"
MAX_METERED_CHARS = 40_000  # the meter reads this much of a long selection (a few ms)
METER_DELAY_MS = 350


class StyleSession(QObject):
    """Connects the Style panel to the profile store, the meter and the assist session."""

    messageRequested = Signal(str, str)  # sentence, level
    panelRequested = Signal()
    _built = Signal(object, str)  # a profile made in the background, or the sentence why not

    def __init__(
        self,
        controller: AssistController,
        store: ProfileStore,
        panel: StylePanel,
        editor: Editor,
        assist: AssistSession,
        settings: AppSettings,
        prompts: Prompts,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.store, self.panel, self.editor, self.assist = store, panel, editor, assist
        self.settings, self.prompts = settings, prompts
        self.profile: StyleProfile | None = None
        # Its own client: measuring the selection never cancels this window's rewrite or suggestion.
        self.client = controller.client(self)
        self.client.requestFinished.connect(self._on_heard)
        self.client.requestFailed.connect(lambda request_id, _why: self._on_heard(request_id, None))
        # A newer job (another window's suggestion, a rewrite) took its place: no result comes.
        self.client.requestReplaced.connect(lambda request_id: self._on_heard(request_id, None))
        self._hearing: tuple[int, str] | None = None  # the reading asked for, and the meter's line meanwhile
        self._meter_timer = QTimer(self)
        self._meter_timer.setSingleShot(True)
        self._meter_timer.setInterval(METER_DELAY_MS)
        self._meter_timer.timeout.connect(self.update_meter)
        editor.selectionChanged.connect(self._meter_timer.start)
        panel.activeChanged.connect(self.set_active)
        panel.createRequested.connect(self.create_from)
        panel.addRequested.connect(self.add_from)
        panel.removeRequested.connect(self.remove_sample)
        panel.renameRequested.connect(self.rename)
        panel.deleteRequested.connect(self.delete)
        panel.imitateRequested.connect(self.imitate)
        self._built.connect(self._on_built)
        self.building = False
        self._remeasuring = ""  # the stale voice being measured again, if any
        self._unmeasurable: set[str] = set()
        self._fresh: dict[str, StyleProfile] = {}  # voices measured again in this window
        # Another window (or `writer-app style`) may add or delete voices: the list follows the folder.
        store.folder.mkdir(parents=True, exist_ok=True)
        self._watcher = QFileSystemWatcher([str(store.folder)], self)
        self._watcher.directoryChanged.connect(self._on_folder_changed)
        self.refresh(settings.style_profile)

    # ----- profiles ------------------------------------------------------------------------------
    def _on_folder_changed(self, _path: str) -> None:
        if not self.building:  # this window's own change refreshes when it is done
            self.refresh(self.panel.active())

    def write_in_voice(self) -> None:
        """Assist → Write in Voice…: the Style panel, its instruction box ready for typing."""
        self.panelRequested.emit()
        if self.profile is None:
            self.messageRequested.emit("Choose or make a voice in the Style panel first.", "info")
        self.panel.instruction.setFocus()

    def refresh(self, active: str = "") -> None:
        names = [p.name for p in self.store.list()]
        self.panel.set_profiles(names, active if active in names else "")
        self.set_active(self.panel.active())

    def set_active(self, name: str) -> None:
        self.profile = None
        if name:
            try:
                profile = self.store.read(name)
            except UserError as error:
                self.messageRequested.emit(str(error), "error")
            else:
                if self.store.is_current(profile):
                    self.profile = profile
                elif name in self._fresh:  # measured again here, but the folder would not keep it
                    self.profile = self._fresh[name]
                elif not self.building and name not in self._unmeasurable:  # the meter was updated:
                    self._remeasuring = name  # measured again, off the GUI thread
                    self._in_background(lambda: self.store.get(name), "Measuring the voice again…")
        self.settings.style_profile = name  # remembered even while it is measured again
        self.assist.voice = self.profile  # rewrites and continuations take the active voice
        self.panel.show_profile(
            self._describe(self.profile), list(self.profile.samples) if self.profile else []
        )
        self.panel.set_busy(self.building)  # the profile's buttons wait for a measurement
        self.update_meter()

    @staticmethod
    def _describe(profile: StyleProfile | None) -> str:
        if profile is None:
            return "Make a voice from your own writing (300 words or more), then write in it."
        means = profile.stats.means
        words_line = f" · words: {', '.join(profile.distinctive[:8])}" if profile.distinctive else ""
        return (
            f"{len(profile.samples)} sample(s), {profile.words:,} words · sentences of "
            f"{means['sentence length']:.0f} words · dialogue {means['dialogue']:.0%}{words_line}"
        )

    def _samples_from(self, source: str) -> list[str] | None:
        """The texts of the selection, the document or chosen files; None (and a sentence) if none."""
        if source == "selection":
            text = cursor_text(self.editor.textCursor())
            if not text.strip():
                self.messageRequested.emit("Select some of your writing first.", "info")
                return None
            return [text]
        if source == "document":
            return [self.editor.toPlainText()]
        try:
            texts = read_sample_files(self.prompts.open_paths(self.editor, "Samples of the voice"))
        except UserError as error:
            self.messageRequested.emit(str(error), "error")
            return None
        return texts or None

    def create_from(self, source: str) -> None:
        samples = self._samples_from(source)
        if samples is None:
            return
        name = self.prompts.ask_text(self.editor, "New voice", "Name of the voice:", "My voice")
        if name is None:
            return
        self._in_background(lambda: self.store.create(name, samples), "Measuring the voice…")

    def add_from(self, source: str) -> None:
        samples = self._samples_from(source)
        if samples is None or self.profile is None:
            return
        name = self.profile.name
        self._in_background(lambda: self.store.add_samples(name, samples), "Adding the samples…")

    def _in_background(self, work, status: str) -> None:
        """Measure samples off the GUI thread (a long document takes a second or more)."""
        if self.building:
            self.messageRequested.emit("A voice is still being measured: a moment, please.", "info")
            return
        self.stop()  # the selection's match against the voice as it was is beside the point now
        self.building = True
        self.panel.set_busy(True)  # no other change to the voices until this one is on disk
        self.panel.show_meter(status)

        def run() -> None:
            try:
                outcome: tuple[StyleProfile | None, str] = (work(), "")
            except UserError as error:
                outcome = (None, str(error))
            except Exception as error:  # a bug: said in a sentence, and the panel works on
                LOGGER.exception("measuring a voice failed")
                outcome = (None, f"The voice could not be measured ({error}).")
            with contextlib.suppress(RuntimeError):  # the window closed meanwhile: the profile is on disk
                self._built.emit(*outcome)

        threading.Thread(target=run, name="style-profile", daemon=True).start()

    def _on_built(self, profile: StyleProfile | None, error: str) -> None:
        self.building = False
        self.panel.set_busy(False)
        if profile is None:
            if self._remeasuring:  # not tried again in this window: the sentence said why
                self._unmeasurable.add(self._remeasuring)
            self._remeasuring = ""
            self.messageRequested.emit(error, "error")
            self.refresh(self.panel.active())  # changes made elsewhere meanwhile show up too
            return
        if self._remeasuring:
            self._fresh[self._remeasuring] = profile  # used even if the file could not be rewritten
        self._remeasuring = ""
        self.refresh(profile.name)
        self.messageRequested.emit(
            f"The voice “{profile.name}” has {profile.words:,} words of samples.", "info"
        )

    def remove_sample(self, index: int) -> None:
        if self.profile is None or index < 0:
            self.messageRequested.emit("Select the sample to remove in the list first.", "info")
            return
        name = self.profile.name  # the last 300 words stay: the sentence says so
        self._in_background(lambda: self.store.remove_sample(name, index), "Measuring the voice again…")

    def rename(self) -> None:
        current = self.panel.active()  # also a voice that could not be measured
        if not current:
            return
        name = self.prompts.ask_text(self.editor, "Rename voice", "New name:", current)
        if name is None or name.strip() == current:
            return
        try:
            renamed = self.store.rename(current, name)
        except UserError as error:
            self.messageRequested.emit(str(error), "error")
            return
        self.refresh(renamed.name)

    def delete(self) -> None:
        current = self.panel.active()  # also a voice that could not be measured
        if not current:
            return
        self._fresh.pop(current, None)
        try:
            self.store.delete(current)
        except UserError as error:
            self.messageRequested.emit(str(error), "error")
        self.refresh("")

    # ----- meter and writing -----------------------------------------------------------------------
    def stop(self) -> None:
        """Stop reading the selection (its result, should it come, is dropped)."""
        self._meter_timer.stop()
        if self._hearing is not None:
            self.client.cancel(Lane.INTERACTIVE)
            self._hearing = None

    def update_meter(self) -> None:
        """The selection's voice match: the meter's at once; for a selection long enough to read, the
        worker then joins in the scoring model's reading (latest wins), as a card's match is measured."""
        self.stop()
        if self.building:
            return
        text = cursor_text(self.editor.textCursor())[:MAX_METERED_CHARS]
        count = len(words(text))
        if self.profile is None:
            self.panel.show_meter("")
        elif count < MIN_METERED_WORDS:
            self.panel.show_meter(f"Select {MIN_METERED_WORDS} words or more to see how close they are.")
        else:
            line = self._match_line(match(text, self.profile.stats))
            request_id = None
            if count >= MIN_READING_WORDS:  # skipped (None) while a rewrite runs: the meter's
                request = VoiceMatchRequest(text, self.profile.samples, self.profile.stats)
                request_id = self.client.submit(request, Lane.INTERACTIVE, title="Voice match")
            if request_id is not None:
                self._hearing = request_id, line
                line += " (the scoring model is reading it…)"
            elif count < MIN_READING_WORDS:  # the meter alone, on a few sentences: noisier
                line += ROUGH
            self.panel.show_meter(line)

    @staticmethod
    def _match_line(voice: StyleMatch) -> str:
        return (
            f"Selection: voice {voice.score:.1f}/10, closer than {voice.percentile:.0f}% of the samples' "
            f"own passages — {voice.explanation}"
        )

    def _on_heard(self, request_id: int, voice: object) -> None:
        if self._hearing is None or self._hearing[0] != request_id:
            return  # an earlier selection's
        line = self._hearing[1]
        self._hearing = None
        self.panel.show_meter(self._match_line(voice) if isinstance(voice, StyleMatch) else line)

    def imitate(self, kind: str, instruction: str = "") -> int | None:
        """Rewrite the selection ("rewrite"), continue at the cursor ("continue") or write from
        `instruction` at the cursor ("write") in the active voice."""
        voice = self.profile
        if voice is None and self._remeasuring:
            self.messageRequested.emit("The voice is being measured again: a moment, please.", "info")
            return None
        if voice is None:
            self.messageRequested.emit("Choose a voice first (Style panel), or make one.", "info")
            self.panelRequested.emit()
            return None
        if kind == "continue":
            return self.assist.request_continuation()  # it takes the active voice
        if kind == "write" and not instruction:
            self.messageRequested.emit("Say what to write in the box beside Write.", "info")
            self.panel.instruction.setFocus()
            return None
        cursor = self.editor.textCursor()
        if kind == "rewrite" and not cursor.hasSelection():
            self.messageRequested.emit("Select the text to rewrite in the voice first.", "info")
            return None
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        if kind == "write":  # new text never splits a sentence: it goes after the paragraph
            block = self.editor.document().findBlock(end)
            start = end = block.position() + block.length() - 1
        request = ImitateRequest(
            kind,
            voice.samples,
            text=cursor_text(cursor) if kind == "rewrite" else "",
            instruction=instruction,
            text_after=self.editor.toPlainText()[end:],
            n_candidates=self.assist.panel.candidate_count(),
            seed=self.assist.next_seed(),
            profile=voice.stats,
        )
        range_cursor = QTextCursor(self.editor.document())
        range_cursor.setPosition(start if kind == "rewrite" else end)
        range_cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        what = "Rewrite" if kind == "rewrite" else f"Write: {instruction}"
        return self.assist.submit(request, range_cursor, what + self.assist.in_voice())
