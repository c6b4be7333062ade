"""The phrase guard: text that may start a banned phrase is held back, a completed phrase backs up to
the token it began in, caps let a phrase through (counted), and on the tiny model a banned word the
seed produced before never appears — one candidate or several together."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from writer_app.engine.llama_engine import LlamaEngine
from writer_app.engine.phrase_guard import MAX_TRIES_PER_PLACE, PhraseGuard, banned_phrases
from writer_app.engine.types import EngineConfig, Sampling


def feed(guard: PhraseGuard, pieces: list[str]) -> tuple[str, int | None]:
    shown = ""
    for token, piece in enumerate(pieces):
        text, back = guard.step(token, piece, None)
        shown += text
        if back is not None:
            return shown, back
    return shown, None


def test_a_possible_start_is_held_back_and_released_when_it_is_not_the_phrase() -> None:
    guard = PhraseGuard(banned_phrases(("the essence of",)))
    shown, back = feed(guard, [" It", " was", " the", " end"])
    assert back is None and shown == " It was the end"  # " the" waited until "end" ruled it out
    guard = PhraseGuard(banned_phrases(("the essence of",)))
    assert feed(guard, [" It", " was", " the"]) == (" It was", None)


def test_a_completed_phrase_backs_up_to_the_token_it_began_in() -> None:
    guard = PhraseGuard(banned_phrases(("a testament to",)))
    shown, back = feed(guard, [" This", " is", " a", " test", "ament", " to", " skill"])
    assert shown == " This is" and back == 2  # the token " a"
    guard.rewind(back)
    assert guard.text == " This is" and guard.blocked_next() == {2}


def test_words_match_whole_and_open_endings_match_any_ending() -> None:
    guard = PhraseGuard(banned_phrases(("symphony", "shimmer*")))
    assert feed(guard, [" a", " symphonyx", " of"])[1] is None  # not the word
    guard = PhraseGuard(banned_phrases(("symphony", "shimmer*")))
    assert feed(guard, [" light", " shimmer", "ing", "ly", "."]) == (" light", 1)


def test_a_phrase_is_let_through_after_the_cap_and_counted() -> None:
    guard = PhraseGuard(banned_phrases(("very",)))
    for _ in range(MAX_TRIES_PER_PLACE):
        _, back = feed(guard, [" It", " is", " very", " good"][len(guard.tokens) :])
        assert back == 2
        guard.rewind(back)
    shown, back = feed(guard, [" It", " is", " very", " good"][len(guard.tokens) :])
    assert back is None and guard.cap_hits == 1 and guard.backtracks == MAX_TRIES_PER_PLACE
    assert (shown + guard.ready(final=True)).endswith(" very good")


def test_a_phrase_begun_in_shown_text_is_cut_at_its_first_unshown_token() -> None:
    guard = PhraseGuard(banned_phrases(("whispers of", "the journey")))
    shown, back = feed(guard, [" along", " the", " whispers", " of", " the"])
    guard.rewind(back)
    assert shown == " along the" and back == 2  # " the" was shown once "whispers" ruled out "the journey"
    shown, back = feed(guard, [" along", " the", " journey", " on"][len(guard.tokens) :])
    assert shown == "" and back == 2  # "the journey" cannot be taken back whole: " journey" is blocked


def _first_word(text: str) -> str:
    words = [w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)]
    assert words, f"no word to ban in {text!r}"
    return words[0]


@pytest.fixture(scope="module")
def engine(tiny_model_path: Path):
    made = LlamaEngine(EngineConfig(tiny_model_path, n_ctx=1024, n_threads=2))
    yield made
    made.close()


def test_a_banned_word_the_seed_wrote_before_never_appears(engine: LlamaEngine) -> None:
    prompt = engine.chat_tokens([{"role": "user", "content": "Describe the sea."}])
    sampling = Sampling(max_tokens=40, seed=7, stop_at_end=False)
    before = "".join(engine.stream(prompt, sampling))
    word = _first_word(before)
    generation = engine.stream(prompt, Sampling(max_tokens=40, seed=7, stop_at_end=False, banned=(word,)))
    after = "".join(generation)
    assert not re.search(rf"\b{word}\b", after, re.IGNORECASE), (word, after)
    assert generation.stats.backtracks >= 1 and generation.stats.generated_tokens == 40


def test_candidates_decoded_together_keep_it_out_too(engine: LlamaEngine) -> None:
    prompt = engine.chat_tokens([{"role": "user", "content": "Describe the sea."}])
    samplings = [Sampling(max_tokens=30, seed=seed, stop_at_end=False) for seed in (1, 2)]
    before = ["", ""]
    for position, piece in engine.stream_parallel(prompt, samplings):
        before[position] += piece
    banned = tuple(_first_word(text) for text in before)
    generation = engine.stream_parallel(
        prompt, [Sampling(**{**s.__dict__, "banned": banned}) for s in samplings]
    )
    after = ["", ""]
    for position, piece in generation:
        after[position] += piece
    for text in after:
        for word in banned:
            assert not re.search(rf"\b{word}\b", text, re.IGNORECASE), (word, text)
    assert sum(s.backtracks for s in generation.stats) >= 2
