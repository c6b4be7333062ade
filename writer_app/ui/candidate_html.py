"""Candidates as HTML: a word diff against the original, or the text after its insertion point, with
slop spans marked."""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence

from writer_app.documents.word_diff import word_diff

SLOP_STYLE = "border-bottom:2px dotted #d9822b;color:#b35c00;"
LEAD_IN_CHARS = 80


def marked_html(text: str, offset: int, spans: Sequence[tuple[int, int]]) -> str:
    """`text` (which starts at `offset` of its document) as HTML, slop spans marked in orange."""
    cuts = {0, len(text)}
    for start, end in spans:
        cuts.update(p - offset for p in (start, end) if 0 < p - offset < len(text))
    edges = sorted(cuts)
    out = []
    for left, right in itertools.pairwise(edges):
        piece = html.escape(text[left:right]).replace("\n", "<br>")
        inside = any(start <= offset + left and offset + right <= end for start, end in spans)
        out.append(f'<span style="{SLOP_STYLE}" title="slop">{piece}</span>' if inside else piece)
    return "".join(out)


def diff_html(original: str, suggestion: str, dark: bool, spans: Sequence[tuple[int, int]] = ()) -> str:
    """The suggestion with insertions underlined in green, deletions struck through in red and
    slop spans (positions in the suggestion) marked."""
    insert = "background:#1e4620;color:#b7f5b9;" if dark else "background:#d4f7d4;color:#0a4d0a;"
    delete = "background:#4d1e1e;color:#f5b7b7;" if dark else "background:#fbdada;color:#7a1010;"
    pieces = []
    position = 0
    for part in word_diff(original, suggestion):
        if part.kind == "delete":
            text = html.escape(part.text).replace("\n", "<br>")
            pieces.append(f'<span style="{delete}text-decoration:line-through">{text}</span>')
            continue
        text = marked_html(part.text, position, spans)
        position += len(part.text)
        if part.kind == "insert":
            pieces.append(f'<span style="{insert}text-decoration:underline">{text}</span>')
        else:
            pieces.append(text)
    return "".join(pieces)


def continuation_html(lead_in: str, text: str, spans: Sequence[tuple[int, int]] = ()) -> str:
    """The end of the text before the insertion point, greyed, a ▸ mark, then the new text."""
    tail = lead_in[-LEAD_IN_CHARS:]
    before = html.escape(("…" if len(lead_in) > LEAD_IN_CHARS else "") + tail).replace("\n", "<br>")
    return f'<span style="color:#888">{before}</span><b>▸</b>{marked_html(text, 0, spans)}'
