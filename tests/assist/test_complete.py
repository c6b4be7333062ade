"""Completion: ghost suggestions (one line, to the sentence end, never mid-word, never what follows the
cursor), a prompt whose start stays put while the user types, and ranked "continue writing"."""

from __future__ import annotations

from tests.fakes.scripted_engine import ScriptedEngine
from writer_app.assist.complete import (
    STABLE_STEP_CHARS,
    CompletionRequest,
    ContinueRequest,
    clean_continuation,
    complete_ghost,
    completion_prompt,
    continue_writing,
    ghost_suggestion,
)
from writer_app.reward.components import breaks_the_flow


def test_a_suggestion_is_one_line_up_to_the_end_of_its_sentence() -> None:
    assert (
        ghost_suggestion(" the stairs at dusk. Then he slept.", "The keeper climbed")
        == " the stairs at dusk."
    )
    assert ghost_suggestion(" to the top\nof the tower", "He ran") == " to the top"


def test_no_doubled_space_after_the_one_the_user_typed() -> None:
    assert ghost_suggestion(" the lamp.", "He lit ") == "the lamp."


def test_never_mid_word_and_never_what_follows_the_cursor() -> None:
    assert ghost_suggestion("ing the stairs.", "The keeper climb") == ""
    assert ghost_suggestion(" the lamp.", "He lit", text_after=" the lamp. Then he slept.") == ""
    assert ghost_suggestion(" a candle.", "He lit", text_after=" the lamp.") == " a candle."
    assert ghost_suggestion("   \n", "He lit") == ""


def test_the_prompt_keeps_its_start_while_the_user_types() -> None:
    engine = ScriptedEngine(n_ctx=3_000)
    paragraphs = "\n\n".join(f"Paragraph {n}: " + "the sea was calm and grey. " * 8 for n in range(40))
    first = completion_prompt(engine, paragraphs, 24)
    typed = completion_prompt(engine, paragraphs + " And then", 24)
    assert len(first) <= engine.n_ctx - 24
    assert typed[: len(first) - 4] == first[: len(first) - 4]  # the same start: the cache is reused
    text = "".join(chr(t) for t in first[1:])
    assert text.startswith("Paragraph")  # cut at a paragraph boundary
    assert len(paragraphs) - len(text) >= STABLE_STEP_CHARS


def test_a_ghost_suggestion_from_the_scripted_engine() -> None:
    result = complete_ghost(ScriptedEngine(), CompletionRequest("The sea", seed=3))
    assert len(result.candidates) == 1
    suggestion = result.candidates[0].text
    assert suggestion.startswith(" ") and suggestion.endswith(".") and "\n" not in suggestion


def test_continue_writing_returns_ranked_candidates() -> None:
    request = ContinueRequest("The keeper climbed the stairs.", length="sentence", n_candidates=3, seed=1)
    result = continue_writing(ScriptedEngine(), request, parallel=False)
    assert len(result.candidates) == 3
    assert sorted(c.rank for c in result.candidates) == [1, 2, 3]
    assert all(c.text.endswith(".") and c.explanation for c in result.candidates)


def test_a_continuation_is_cut_to_what_was_asked() -> None:
    raw = " He slept. Then the storm came.\n\nMorning broke"
    assert clean_continuation(raw, "The keeper", "sentence") == " He slept."
    assert clean_continuation(raw, "The keeper", "paragraph") == " He slept. Then the storm came."


def test_a_continuation_that_leaves_the_prose_ranks_below_one_that_goes_on() -> None:
    """From a real `writer-app complete` on the default model: a list of song titles after a sentence
    about a lighthouse keeper ranked first while the reward did not look at the text before it."""
    from writer_app.reward.ranker import ScoreRequest, rank_candidates

    before = "The old lighthouse stood at the edge of the cliff. Every evening the keeper"
    derailed = '* "The Light of the World" - 1980\n**2. I Will Not Stop (Bongo, 2005)**\nA song by the band'
    goes_on = " would bring a bucket of sand, and it was said that if you were lucky you could find shells."
    request = ScoreRequest(task="free", required_words=30, context_before=before)
    derailed_score, goes_on_score = rank_candidates(request, [derailed, goes_on])
    assert goes_on_score.rank == 1
    assert derailed_score.explanation.startswith("turns the prose into lists or headings")
    assert breaks_the_flow("He walked", "\nThe end.") == "breaks off the sentence it should finish"
    assert breaks_the_flow("- first item\n- second", "\n- third item") == ""


def test_a_new_paragraph_keeps_its_break_and_mr_is_no_sentence_end() -> None:
    new_paragraph = clean_continuation("\n\nThe next day came. And", "It ended.", "paragraph")
    assert new_paragraph == "\n\nThe next day came."
    assert ghost_suggestion(" Mr. Smith came in. Then", "At noon") == " Mr. Smith came in."


def test_a_long_document_is_tokenized_near_its_end_only() -> None:
    class Counting(ScriptedEngine):
        tokenized = 0

        def raw_tokens(self, text: str) -> list[int]:
            Counting.tokenized += len(text)
            return super().raw_tokens(text)

    engine = Counting(n_ctx=2_048)
    one_paragraph = "the sea was calm and grey and the gulls turned " * 10_000  # 470,000 characters
    prompt = completion_prompt(engine, one_paragraph, 24)
    assert len(prompt) <= 2_048 - 24
    assert Counting.tokenized < 100_000  # not the whole text again and again
