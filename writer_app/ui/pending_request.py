"""The request in flight, the live range of the document its result applies to, and the text around it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QTextCursor, QTextDocument

from writer_app.assist.complete import ContinueRequest
from writer_app.assist.imitate import ImitateRequest
from writer_app.assist.types import RewriteRequest
from writer_app.ui.editor import cursor_text

Request = RewriteRequest | ContinueRequest | ImitateRequest


def inserts(request: Request) -> bool:
    """Whether a request's text goes in at a point (a continuation, new text) rather than replacing."""
    return isinstance(request, ContinueRequest) or (
        isinstance(request, ImitateRequest) and request.kind != "rewrite"
    )


@dataclass
class PendingRewrite:
    """The request in flight and the live range it applies to (it follows edits): the text a rewrite
    replaces, or the empty range at the insertion point of a continuation; `anchor` is the text just
    before that point when it was asked for."""

    request_id: int | None
    request: Request
    range_cursor: QTextCursor
    title: str
    anchor: str = ""
    output: str = "replace"  # where Accept puts the text: "replace", "insert" after, or a "new" document

    @property
    def original(self) -> str:
        return "" if inserts(self.request) else self.request.text  # type: ignore[union-attr]


@dataclass(frozen=True)
class AppliedCandidate:
    """A candidate just applied, as Undo would bring its request back: the request, the document's
    text and the request's range before it went in, and its entry in the AI-edit history."""

    pending: PendingRewrite
    text_before: str
    start: int
    end: int
    undo_steps: int  # the document's availableUndoSteps() before it went in: where its Undo lands
    edit_id: int = 0


def text_before(document: QTextDocument, position: int, length: int) -> str:
    """Up to `length` characters of `document` just before `position`."""
    cursor = QTextCursor(document)
    cursor.setPosition(max(0, position - length))
    cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
    return cursor_text(cursor)


def as_paragraph(document: QTextDocument, text: str, position: int) -> str:
    """`text` with the line breaks that set it apart from the text around `position`."""
    before = text_before(document, position, 2)
    after = document.characterAt(position) if position < document.characterCount() - 1 else ""
    lead = "" if not before or before.endswith("\n\n") else "\n" if before.endswith("\n") else "\n\n"
    trail = "\n\n" if after and after not in ("\n", "\u2029") else ""
    return lead + text.strip() + trail
