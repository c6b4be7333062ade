"""`writer-app review FILE [--json]`: Assist → Review Document headless — every paragraph scored, the
weakest marked, slop counted by category."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from writer_app.assist.review import DocumentReview, ParagraphReview, ReviewRequest, review_document
from writer_app.assist.types import SlopSpan
from writer_app.cli import SentenceParser, configure_logging, quality_reader
from writer_app.documents.file_io import read_document
from writer_app.errors import UserError
from writer_app.reward.slop import describe


def _parser() -> argparse.ArgumentParser:
    parser = SentenceParser(
        prog="writer-app review",
        description="Score every paragraph of a text or Markdown file with the writing-quality model, "
        "weakest first, with each one's main reasons and the slop found.",
    )
    parser.add_argument("file", type=Path, help="the document to review")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--threads", type=int, help="CPU threads (default: the physical cores)")
    parser.add_argument("--home", type=Path, help="keep settings, data and state under this folder")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to standard error")
    return parser


def review_json(review: DocumentReview, text: str) -> dict[str, object]:
    """The review as plain JSON (offsets are in characters of the file's text, line ends as \\n)."""
    return {
        "paragraphs": [
            {
                "start": p.start,
                "end": p.end,
                "words": p.words,
                "score": p.score,
                "weak": p.weak,
                "reasons": list(p.reasons),
                "english": p.english,
                "read": p.read,
                "slop": [
                    {"category": s.category, "start": s.start, "end": s.end, "text": text[s.start : s.end]}
                    for s in p.slop
                ],
            }
            for p in review.paragraphs
        ],
        "slop_counts": review.slop_counts,
        "notes": list(review.notes),
        "summary": review.summary(),
    }


def review_from_json(payload: dict) -> DocumentReview:  # type: ignore[type-arg]
    """A review back from `review_json` (for tools that keep reviews)."""
    paragraphs = tuple(
        ParagraphReview(
            p["start"],
            p["end"],
            p["words"],
            p["score"],
            tuple(p["reasons"]),
            tuple(SlopSpan(s["category"], s["start"], s["end"]) for s in p["slop"]),
            p["english"],
            p["read"],
            p["weak"],
        )
        for p in payload["paragraphs"]
    )
    return DocumentReview(paragraphs, done=len(paragraphs), finished=True, notes=tuple(payload["notes"]))


def _print_table(review: DocumentReview, text: str) -> None:
    print(review.summary())
    for note in review.notes:
        print(note)
    for i in review.weakest_first():
        p = review.paragraphs[i]
        opening = " ".join(text[p.start : p.end].split()[:8])
        mark = "weak " if p.weak else "     "
        why = "; ".join(p.reasons) or "nothing stands out"
        print(f"{mark}{p.score:4.1f}  ¶{i + 1} “{opening}…” — {why}")
        if p.slop:
            print("            " + ", ".join(describe(c, n) for c, n in sorted(p.slop_counts.items())))


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    configure_logging(args.verbose)
    text = read_document(args.file.expanduser()).text
    if not text.strip():
        raise UserError(f"{args.file.name} is empty: there is nothing to review.")
    with quality_reader(args) as read:
        review = review_document(ReviewRequest(text), read=read)
    if not review.paragraphs:
        raise UserError(
            f"{args.file.name} has no paragraph long enough to review "
            "(at least 25 words between blank lines)."
        )
    if args.json:
        json.dump(review_json(review, text), sys.stdout, ensure_ascii=False)
        print()
    else:
        _print_table(review, text)
    return 0
