"""Document review: paragraphs found, the weakest marked, streaming, cancel, JSON and the CLI."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from writer_app.assist.review import (
    ENGLISH_ONLY,
    MAX_REVIEW_CHARS,
    NO_READER,
    ReviewRequest,
    paragraph_spans,
    review_document,
)
from writer_app.cli import main
from writer_app.errors import UserError
from writer_app.review_cli import review_from_json, review_json

GOOD_1 = (
    "The boats came in at dawn, their hulls low with the night's catch. Old Tomas counted the crates "
    "twice before he let the boys carry them up the ramp, and when a gull stole a herring he swore at it "
    "in three languages. By seven the market was loud with prices."
)
WEAK = (
    "In today's fast-paced world, it is important to note that the harbour is a testament to the rich "
    "tapestry of human endeavour. It is a place where dreams and hopes intertwine, a beacon of resilience "
    "that stands as a symbol of the indomitable spirit of the community, very unique and truly special."
)
GOOD_2 = (
    "At noon the wind turned and the fishermen hauled the nets onto the quay to mend them. Maria worked "
    "the shuttle faster than anyone, her fingers finding the torn knots before her eyes did, and she "
    "hummed the song her mother had hummed on the same stones."
)
DOCUMENT = f"# Notes from the harbour\n\n{GOOD_1}\n\n{WEAK}\n\nShort line.\n\n{GOOD_2}\n"


def test_paragraphs_are_prose_blocks_long_enough_to_score() -> None:
    spans = paragraph_spans(DOCUMENT)
    assert [DOCUMENT[s:e] for s, e in spans] == [GOOD_1, WEAK, GOOD_2]  # no heading, no short line
    code = "```\n" + GOOD_1 + "\n\n" + GOOD_2 + "\n```"
    listed = "\n".join(f"- {GOOD_1}" for _ in range(2))
    markdown = f"## A heading on the line above\n{WEAK}   \n\n{code}\n\n{listed}\n\n> {GOOD_2}\n"
    assert [markdown[s:e] for s, e in paragraph_spans(markdown)] == [WEAK]  # no trailing spaces either


def test_the_weakest_paragraph_is_marked_on_text_features_alone() -> None:
    review = review_document(ReviewRequest(DOCUMENT))
    assert [p.weak for p in review.paragraphs] == [False, True, False]
    weak = review.paragraphs[1]
    assert review.weakest is weak and not weak.read
    assert any("cliché" in reason for reason in weak.reasons)
    assert {DOCUMENT[s.start : s.end].lower() for s in weak.slop} >= {"a testament to", "rich tapestry"}
    assert review.slop_counts["cliche"] >= 2 and "clichés" in review.summary()
    assert NO_READER in review.notes  # no scoring model was given


def test_the_weakest_paragraph_is_marked_when_read_and_each_paragraph_streams(reader) -> None:
    seen = []
    review = review_document(ReviewRequest(DOCUMENT, revision=7), read=reader.embed, partial=seen.append)
    assert [p.weak for p in review.paragraphs] == [False, True, False]
    assert all(p.read for p in review.paragraphs) and review.finished and review.revision == 7
    # the quick pass first (nothing read yet), then one update per paragraph read
    assert [s.done for s in seen] == [0, 1, 2, 3] and not any(p.read for p in seen[0].paragraphs)
    assert seen[0].paragraphs[1].weak  # the first shading already marks it
    assert review.notes == ()


def test_paragraphs_read_before_are_scored_at_once_on_a_repeat_review(reader) -> None:
    review_document(ReviewRequest(DOCUMENT), read=reader.embed)
    edited = DOCUMENT.replace("By seven", "By eight")
    seen = []
    review_document(ReviewRequest(edited), read=reader.embed, peek=reader.cached, partial=seen.append)
    # the first shading already has the two unchanged paragraphs read; only the edited one is read
    assert [p.read for p in seen[0].paragraphs] == [False, True, True]
    assert [s.done for s in seen] == [2, 3] and seen[-1].paragraphs[1].weak


def test_a_stopped_review_keeps_what_it_has(reader) -> None:
    cancel = threading.Event()
    seen = []

    def partial(review) -> None:
        seen.append(review)
        if review.done == 1:
            cancel.set()

    review = review_document(ReviewRequest(DOCUMENT), read=reader.embed, cancel=cancel, partial=partial)
    assert review.done == 1 and not review.finished
    assert [p.read for p in review.paragraphs] == [True, False, False]


def test_review_json_round_trips() -> None:
    review = review_document(ReviewRequest(DOCUMENT))
    payload = json.loads(json.dumps(review_json(review, DOCUMENT)))
    assert review_from_json(payload) == review
    assert (
        payload["paragraphs"][1]["slop"][0]["text"]
        == DOCUMENT[payload["paragraphs"][1]["slop"][0]["start"] : payload["paragraphs"][1]["slop"][0]["end"]]
    )


def test_paragraphs_not_in_english_are_scored_and_the_review_says_so() -> None:
    french = (
        "Les bateaux sont rentrés à l'aube, la coque basse sous le poids de la pêche de la nuit. Le vieux "
        "Tomas a compté les caisses deux fois avant de laisser les garçons les monter sur la rampe."
    )
    review = review_document(ReviewRequest(f"{GOOD_1}\n\n{french}"))
    assert len(review.paragraphs) == 2 and not review.paragraphs[1].english
    assert ENGLISH_ONLY in review.notes
    assert review.paragraphs[0].weak and not review.paragraphs[1].weak  # only English is marked


def test_an_oversize_document_is_refused_with_a_sentence() -> None:
    with pytest.raises(UserError, match="too large to review"):
        review_document(ReviewRequest("word " * (MAX_REVIEW_CHARS // 5 + 1)))


def test_the_review_command_prints_json_weakest_marked(tmp_path: Path, capsys, default_model_path) -> None:
    path = tmp_path / "harbour.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    assert main(["review", str(path), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [p["weak"] for p in payload["paragraphs"]] == [False, True, False]
    assert all(p["read"] for p in payload["paragraphs"])  # the default model read them
    assert main(["review", str(path)]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[1].startswith("weak") and "In today's fast-paced world" in table


def test_the_review_command_refuses_empty_and_binary_files(tmp_path: Path, capsys) -> None:
    empty, binary = tmp_path / "empty.md", tmp_path / "image.md"
    empty.write_text("  \n", encoding="utf-8")
    binary.write_bytes(b"\x89PNG\x00\x00")
    assert main(["review", str(empty)]) == 1
    assert "nothing to review" in capsys.readouterr().err
    assert main(["review", str(binary)]) == 1
    assert "not a text file" in capsys.readouterr().err
