"""Writing in a voice: the samples chosen fit the context budget and keep a stable prefix, the three
prompts carry the samples (the continuation as earlier text by the same author), candidates come back
ranked with a style match, and bad requests get one sentence."""

from __future__ import annotations

import pytest

from tests.fakes.scripted_engine import ScriptedEngine
from writer_app.assist.imitate import ImitateRequest, imitate
from writer_app.assist.voice_samples import SEPARATOR, select_samples
from writer_app.engine.errors import ContextOverflowError
from writer_app.errors import UserError
from writer_app.reward.ranker import ScoreRequest, rank_candidates

KEEPER = (
    "It was late in the evening when the keeper climbed the stairs again. He counted them, as he always "
    "did, and he thought of the letter. The wind had turned; the sea was loud below. "
)
GARDEN = (
    "The roses along the south wall had never been so fine, she said, and the gardener agreed with her "
    "at once, for he agreed with everybody. Her sister laughed; the morning was warm. "
)
SAMPLES = (KEEPER * 12, GARDEN * 12, (KEEPER + GARDEN) * 6)


def test_the_samples_chosen_fit_the_budget_and_keep_a_stable_start() -> None:
    count = len  # the scripted engine's tokens are characters
    for budget in (600, 1_500, 4_000):
        chosen = select_samples(SAMPLES, budget, count)
        assert chosen and sum(count(p) + count(SEPARATOR) for p in chosen) <= budget
    small, large = select_samples(SAMPLES, 1_500, count), select_samples(SAMPLES, 4_000, count)
    assert sum(map(len, small)) < sum(map(len, large))
    assert max(map(len, select_samples(SAMPLES, 600, count))) < max(map(len, large))  # smaller when tight
    about_the_sea = select_samples(SAMPLES, 4_000, count, "The keeper and the sea at night.")
    about_roses = select_samples(SAMPLES, 4_000, count, "Roses, the gardener and her sister.")
    # The most representative passages come first and are the same whatever the task: a cached prefix.
    stable = select_samples(SAMPLES, int(4_000 * 0.7), count)
    assert about_the_sea[: len(stable)] == stable == about_roses[: len(stable)]
    assert about_the_sea != about_roses  # the rest follows the subject of the task
    with pytest.raises(ContextOverflowError, match="too small"):
        select_samples(SAMPLES, 20, count)


def test_continuing_in_a_voice_puts_the_samples_before_the_users_text() -> None:
    def script(prompt: str, seed: int) -> str:  # long enough for the meter (30 words or more)
        sentence = "Up went the old man once more, lamp in hand, while waves broke on rocks far under him. "
        return sentence * (3 + seed % 2) + "Nobody had written back; night came on."

    engine = ScriptedEngine(script, n_ctx=6_000)
    text = "The lamp was lit at six. "
    request = ImitateRequest("continue", SAMPLES, text=text, n_candidates=2)
    result = imitate(engine, request, parallel=False)
    prompt = engine.prompts[-1]
    assert prompt.endswith(SEPARATOR + text.rstrip())
    assert KEEPER[:40] in prompt.split(SEPARATOR)[0] or GARDEN[:40] in prompt.split(SEPARATOR)[0]
    ranked = result.ranked()
    assert ranked and ranked[0].rank == 1
    assert all(0.0 <= c.breakdown["style_match"] <= 1.0 and "style" in c.breakdown for c in ranked)
    assert all("style match" in c.explanation and c.breakdown["copied"] == 0.0 for c in ranked)


def test_rewriting_and_writing_in_a_voice_show_the_samples_then_the_task() -> None:
    engine = ScriptedEngine(n_ctx=6_000)
    imitate(engine, ImitateRequest("rewrite", SAMPLES, text="The meeting is at noon."), parallel=False)
    rewrite_prompt = engine.prompts[-1]
    assert rewrite_prompt.index("Passages by the author") < rewrite_prompt.index("The meeting is at noon.")
    result = imitate(
        engine,
        ImitateRequest("write", SAMPLES, instruction="a note about the storm", words=60),
        parallel=False,
    )
    assert "about 60 words: a note about the storm" in engine.prompts[-1]
    assert all(c.text.rstrip().endswith(".") for c in result.candidates)  # whole sentences


@pytest.mark.parametrize(
    ("request_", "sentence"),
    [
        (ImitateRequest("rewrite", (), text="Some text."), "no samples"),
        (ImitateRequest("write", SAMPLES), "Say what to write"),
        (ImitateRequest("continue", SAMPLES, text="   "), "no text to continue"),
        (ImitateRequest("sing", SAMPLES, text="x"), "rewrite, continue, write"),
    ],
)
def test_bad_requests_get_one_sentence(request_: ImitateRequest, sentence: str) -> None:
    with pytest.raises(UserError, match=sentence):
        imitate(ScriptedEngine(), request_)


def test_a_text_too_long_for_the_context_is_refused_with_a_sentence() -> None:
    with pytest.raises(ContextOverflowError, match="too long"):
        imitate(ScriptedEngine(n_ctx=400), ImitateRequest("rewrite", SAMPLES, text="word " * 200))


def test_a_long_text_is_trimmed_behind_the_voice_and_only_its_end_is_checked() -> None:
    engine = ScriptedEngine(n_ctx=3_000)
    paragraphs = "\n\n".join(f"Paragraph {n}: " + "the sea was calm and grey. " * 8 for n in range(400))
    long_text = paragraphs * 3  # past the 200,000 characters any one request may send
    result = imitate(
        engine, ImitateRequest("continue", SAMPLES, text=long_text, n_candidates=1), parallel=False
    )
    prompt = engine.prompts[-1]
    assert len(prompt) <= engine.n_ctx and result.candidates
    samples_part, _, users_part = prompt.rpartition(SEPARATOR)
    assert samples_part and users_part.startswith("Paragraph") and long_text.rstrip().endswith(users_part)


def test_a_rewrite_that_does_not_end_a_sentence_keeps_its_tail() -> None:
    def script(prompt: str, seed: int) -> str:
        return "The keeper climbed. He counted the stairs\n\n- lamp oil"

    engine = ScriptedEngine(script, n_ctx=6_000)
    listed = imitate(engine, ImitateRequest("rewrite", SAMPLES, text="Stairs\n\n- oil", n_candidates=1))
    assert listed.candidates[0].text.endswith("- lamp oil")
    prose = imitate(engine, ImitateRequest("rewrite", SAMPLES, text="He climbed.", n_candidates=1))
    assert prose.candidates[0].text == "The keeper climbed."  # ran past the end: whole sentences


def test_a_rewrite_that_writes_the_task_out_again_ends_there() -> None:
    echo = "Rewrite the text below in the author's voice. Keep its meaning, names and facts.\n\nText:\n"

    def script(prompt: str, seed: int) -> str:  # as the 135M model did in the window
        return "He climbed the stairs again.\n\n" + echo + "A princess came into my mind."

    engine = ScriptedEngine(script, n_ctx=6_000)
    result = imitate(engine, ImitateRequest("rewrite", SAMPLES, text="He climbed.", n_candidates=1))
    assert result.candidates[0].text == "He climbed the stairs again."
    only_echo = ScriptedEngine(lambda prompt, seed: echo + "A princess came into my mind.", n_ctx=6_000)
    with pytest.raises(UserError, match="nothing usable in this voice"):
        imitate(only_echo, ImitateRequest("rewrite", SAMPLES, text="He climbed.", n_candidates=1))


@pytest.mark.parametrize("kind", ["rewrite", "write"])
def test_a_rewrite_or_new_text_ends_where_the_model_starts_another_passage(kind: str) -> None:
    def script(prompt: str, seed: int) -> str:  # as the 135M model did from the command line
        return "* * *\n\nHe climbed the stairs again.\n\n***\n\nShe was a ship by herself.\n\n---\n\nEnd."

    engine = ScriptedEngine(script, n_ctx=6_000)
    request = ImitateRequest(kind, SAMPLES, text="He climbed.", instruction="a note", n_candidates=1)
    assert imitate(engine, request).candidates[0].text == "He climbed the stairs again."
    with_breaks = "He climbed.\n\n* * *\n\nShe waited."
    own = {"text": with_breaks} if kind == "rewrite" else {"text": "He climbed.", "instruction": with_breaks}
    kept = ImitateRequest(kind, SAMPLES, n_candidates=1, **{"instruction": "a note", **own})
    assert "She was a ship by herself." in imitate(engine, kept).candidates[0].text  # its source has breaks


def test_a_break_is_found_after_the_answers_preamble_and_not_under_a_title() -> None:
    def script(prompt: str, seed: int) -> str:
        return "Here is the rewritten text:\n\n---\n\nHe climbed the stairs.\n\n---\n\nI hope this helps!"

    engine = ScriptedEngine(script, n_ctx=6_000)
    request = ImitateRequest("rewrite", SAMPLES, text="He climbed.", n_candidates=1)
    assert imitate(engine, request).candidates[0].text == "He climbed the stairs."
    titled = ScriptedEngine(lambda prompt, seed: "The Stairs\n---\n\nHe climbed them twice.", n_ctx=6_000)
    note = ImitateRequest("write", SAMPLES, instruction="a note on stairs", n_candidates=1)
    assert imitate(titled, note).candidates[0].text.endswith("He climbed them twice.")  # an underline


def test_a_continuation_ends_where_the_model_starts_another_passage() -> None:
    def script(prompt: str, seed: int) -> str:
        return "He lit the lamp at last.\n\n* * *\n\nIt was another day entirely."

    engine = ScriptedEngine(script, n_ctx=6_000)
    result = imitate(engine, ImitateRequest("continue", SAMPLES, text="The keeper waited.", n_candidates=1))
    assert result.candidates[0].text.strip() == "He lit the lamp at last."


def test_a_candidate_that_quotes_the_samples_is_ranked_down_and_told() -> None:
    quoting = KEEPER * 2  # the samples' own sentences
    own_words = (
        "Late again, the keeper went up the tower with his lamp. He did not count the steps this time; "
        "he thought about the letter, and the sea was loud below the rail. "
    ) * 2
    scored = rank_candidates(ScoreRequest(task="free", style_samples=SAMPLES), [quoting, own_words])
    assert scored[1].rank == 1 and scored[0].breakdown["copied"] > 0.9
    assert scored[0].explanation.startswith("copies the samples")
