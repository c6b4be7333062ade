"""Anti-slop for jobs: the lexicon's phrases and the user's own are banned, except those the user's
own text uses; a rewrite job on the tiny model keeps a banned word out, and a grammar fix keeps it
when the text has it."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from writer_app.assist.anti_slop import all_phrases, banning, keep_out, request_text, user_phrases
from writer_app.assist.draft import DraftRequest
from writer_app.assist.imitate import ImitateRequest
from writer_app.assist.jobs import Job, JobContext, run_job
from writer_app.assist.outline import Outline, Section
from writer_app.assist.types import RewriteRequest
from writer_app.engine.llama_engine import LlamaEngine
from writer_app.engine.types import EngineConfig
from writer_app.reward.lexicon import CATEGORIES


def test_user_phrases_are_one_per_line_or_comma_separated_lower_case() -> None:
    assert user_phrases("Synergy, game  changer\nsynergy,, Moving the needle ") == (
        "synergy",
        "game changer",
        "moving the needle",
    )


def test_the_lexicon_and_the_users_own_phrases_are_banned() -> None:
    phrases = all_phrases(("synergy",))
    assert "tapestry" in phrases and "synergy" in phrases
    assert len(phrases) == len({p for ps in CATEGORIES.values() for p in ps}) + 1


def test_phrases_the_users_own_text_uses_stay_allowed() -> None:
    kept = keep_out(
        ("very", "tapestry", "shimmer*", "testament to"), "A very old, shimmering Testament  to it."
    )
    assert kept == ("tapestry",)


def test_the_own_text_of_each_kind_of_request() -> None:
    assert (
        request_text(RewriteRequest("the bustling text", mode="clarity")) == ""
    )  # improving it may drop its slop
    for kept in (
        RewriteRequest("the bustling text", mode="grammar"),
        RewriteRequest("the bustling text", mode="bullets"),
    ):
        assert "bustling" in request_text(kept)  # a fix or a transform keeps the text's own words
    assert "bustling" in request_text(RewriteRequest("the bustling text", instruction="make it vivid"))
    assert "sample words" in request_text(ImitateRequest("write", ("sample words",), instruction="x"))
    outline = Outline("An essay on tapestry", 400, (Section("Looms", "how a tapestry is woven", 400),))
    assert "tapestry" in request_text(DraftRequest(outline, ("written before",)))
    assert "written before" in request_text(DraftRequest(outline, ("written before",)))


@pytest.fixture(scope="module")
def engine(tiny_model_path: Path):
    made = LlamaEngine(EngineConfig(tiny_model_path, n_ctx=1024, n_threads=2))
    yield made
    made.close()


def _rewrite(engine: LlamaEngine, text: str, banned: tuple[str, ...], mode: str = "concise") -> list[str]:
    request = RewriteRequest(text, mode=mode, n_candidates=2, seed=3)
    result = run_job(engine, Job("rewrite", request), JobContext(threading.Event(), banned=banned))
    return [c.text for c in result.candidates]


def test_a_rewrite_job_keeps_a_banned_word_out_unless_the_text_has_it(engine: LlamaEngine) -> None:
    free = _rewrite(engine, "The harbour was quiet at dawn.", ())
    source_words = {"the", "harbour", "was", "quiet", "dawn"}
    words = [
        w.lower() for text in free for w in re.findall(r"[A-Za-z]{4,}", text) if w.lower() not in source_words
    ]
    assert words, f"the tiny model wrote no new word: {free}"
    word = words[0]
    banned = _rewrite(engine, "The harbour was quiet at dawn.", (word,))
    assert all(not re.search(rf"\b{word}\b", text, re.IGNORECASE) for text in banned)
    text = f"The harbour was quiet at dawn, {word}."
    fix = RewriteRequest(text, mode="grammar")
    assert banning(engine, (word,), fix) is engine  # a grammar fix keeps the user's own word allowed
    improved = _rewrite(engine, text, (word,))  # a rewrite to improve it may drop it
    assert all(not re.search(rf"\b{word}\b", t, re.IGNORECASE) for t in improved)
