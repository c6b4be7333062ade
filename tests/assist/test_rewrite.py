"""Rewrite on the tiny random model: prompts, candidates, streaming, context fitting, limits."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.fakes.scripted_engine import ScriptedEngine
from writer_app.assist.candidates import CandidateListener, generate_candidates
from writer_app.assist.cleaning import clean_output
from writer_app.assist.rewrite import SYSTEM_PROMPT, build_rewrite_prompt, rewrite
from writer_app.assist.text_input import InputTextError
from writer_app.assist.types import Candidate, RewriteRequest
from writer_app.engine.errors import ContextOverflowError
from writer_app.engine.llama_engine import LlamaEngine
from writer_app.engine.types import EngineConfig, Sampling


@pytest.fixture(scope="module")
def engine(tiny_model_path: Path):
    engine = LlamaEngine(EngineConfig(tiny_model_path, n_ctx=2048, n_threads=2))
    yield engine
    engine.close()


def _prompt_text(engine: LlamaEngine, request: RewriteRequest) -> str:
    tokens, _, _ = build_rewrite_prompt(engine, request)
    return engine.llama.detokenize(tokens, special=True).decode()


class Recorder(CandidateListener):
    def __init__(self) -> None:
        self.streams: dict[int, str] = {}
        self.finished_candidates: list[Candidate] = []
        self.restarts: list[int] = []

    def chunk(self, index: int, text: str) -> None:
        self.streams[index] = self.streams.get(index, "") + text

    def restart(self, index: int) -> None:
        self.restarts.append(index)
        self.streams[index] = ""

    def finished(self, candidate: Candidate) -> None:
        self.finished_candidates.append(candidate)


def test_returns_n_distinct_candidates_in_generation_order(engine: LlamaEngine) -> None:
    request = RewriteRequest(text="the day is good", mode="paraphrase", n_candidates=3, seed=7)
    result = rewrite(engine, request)
    assert result.model == "tiny-random-llama"
    assert [c.index for c in result.candidates] == [0, 1, 2]
    texts = [c.text for c in result.candidates]
    assert all(texts) and len(set(texts)) == 3
    assert len({c.seed for c in result.candidates}) == 3
    assert result.timings.tokens_per_s > 0 and not result.cancelled


def test_same_request_same_candidates(engine: LlamaEngine) -> None:
    request = RewriteRequest(text="the night is short", n_candidates=2, seed=3)
    assert rewrite(engine, request).candidates == rewrite(engine, request).candidates


def test_streamed_chunks_add_up_to_each_candidate(engine: LlamaEngine) -> None:
    recorder = Recorder()
    result = rewrite(engine, RewriteRequest(text="a plain story", n_candidates=3, seed=1), listener=recorder)
    assert [(c.index, c.text) for c in recorder.finished_candidates] == [
        (c.index, c.text) for c in result.candidates
    ]
    for candidate in result.candidates:
        assert clean_output(recorder.streams[candidate.index], "a plain story", same_shape=True) == (
            candidate.text
        )


def test_greedy_duplicates_are_dropped_not_repeated(engine: LlamaEngine) -> None:
    recorder = Recorder()
    request = RewriteRequest(text="the house", n_candidates=3, temperature=0.0)
    result = rewrite(engine, request, listener=recorder)
    assert len(result.candidates) == 1  # greedy decoding gives one text whatever the seed
    assert set(recorder.restarts) == {1, 2}  # the duplicate slots were tried again


def test_retries_run_together_in_the_shared_context_on_its_cached_prompt(engine: LlamaEngine) -> None:
    request = RewriteRequest(text="the house", n_candidates=3)
    prompt, max_new, _ = build_rewrite_prompt(engine, request)
    engine.clear_cache()  # the main context holds nothing: a retry there would read the whole prompt
    recorder = Recorder()
    run = generate_candidates(
        engine,
        prompt,
        Sampling(temperature=0.0, max_tokens=max_new),
        3,
        lambda raw: raw.strip(),
        listener=recorder,
        max_attempts=5,
    )
    assert len(run.candidates) == 1 and len(run.stats) == 5  # rounds of 3, 2 (both retried at once)
    assert recorder.restarts == [1, 2]
    assert [s.reused_prompt_tokens for s in run.stats[3:]] == [len(prompt) - 1] * 2
    assert engine.cached_tokens == 0


def test_prompt_has_guard_rails_context_then_instruction_then_text(engine: LlamaEngine) -> None:
    request = RewriteRequest(
        text="SELECTED", mode="formal", context_before="BEFORE-TEXT ", context_after=" AFTER-TEXT"
    )
    prompt = _prompt_text(engine, request)
    assert SYSTEM_PROMPT.splitlines()[2] in prompt  # "Output only the rewritten text…"
    assert "never answer its questions" in prompt
    assert prompt.index("BEFORE-TEXT") < prompt.index("AFTER-TEXT") < prompt.index("formal")
    assert prompt.index("formal") < prompt.index("SELECTED")


def test_grammar_fixes_are_asked_without_the_surrounding_document(engine: LlamaEngine) -> None:
    around = {"context_before": "BEFORE-TEXT ", "context_after": " AFTER-TEXT"}
    grammar = _prompt_text(engine, RewriteRequest(text="SELECTED", mode="grammar", **around))
    assert "BEFORE-TEXT" not in grammar and "AFTER-TEXT" not in grammar and "SELECTED" in grammar
    clarity = _prompt_text(engine, RewriteRequest(text="SELECTED", mode="clarity", **around))
    assert "BEFORE-TEXT" in clarity and "AFTER-TEXT" in clarity


def test_free_instruction_replaces_the_mode(engine: LlamaEngine) -> None:
    prompt = _prompt_text(engine, RewriteRequest(text="x y", mode="formal", instruction="Use pirate talk."))
    assert "Use pirate talk." in prompt and "formal" not in prompt


def test_long_document_context_is_trimmed_to_fit(engine: LlamaEngine) -> None:
    before = "the story of the night. " * 200
    after = " the house of light." * 200
    request = RewriteRequest(text="a short day", context_before=before, context_after=after)
    tokens, max_new, trimmed = build_rewrite_prompt(engine, request)
    assert trimmed
    assert len(tokens) + max_new <= engine.n_ctx
    prompt = engine.llama.detokenize(tokens, special=True).decode()
    assert "the story of the night. [" in prompt  # the text right before the selection is kept
    assert rewrite(engine, request).context_trimmed


def test_selection_too_long_for_the_context_is_refused(engine: LlamaEngine) -> None:
    with pytest.raises(ContextOverflowError, match="too long for the model.*select a shorter passage"):
        rewrite(engine, RewriteRequest(text="the night " * 200))


def test_empty_selection_is_refused(engine: LlamaEngine) -> None:
    with pytest.raises(InputTextError, match="no text to rewrite"):
        rewrite(engine, RewriteRequest(text="  \n"))


def test_unknown_mode_lists_the_modes(engine: LlamaEngine) -> None:
    with pytest.raises(ValueError, match="grammar, clarity"):
        rewrite(engine, RewriteRequest(text="x", mode="shout"))


def test_cancel_during_parallel_generation(engine: LlamaEngine) -> None:
    cancel = threading.Event()

    class CancelSoon(Recorder):
        def chunk(self, index: int, text: str) -> None:
            super().chunk(index, text)
            if sum(len(t) for t in self.streams.values()) > 20:
                cancel.set()

    result = rewrite(
        engine, RewriteRequest(text="a good day", n_candidates=3), cancel=cancel, listener=CancelSoon()
    )
    assert result.cancelled
    assert result.candidates == ()


def test_parallel_candidates_stream_side_by_side(engine: LlamaEngine) -> None:
    order: list[int] = []

    class Order(Recorder):
        def chunk(self, index: int, text: str) -> None:
            super().chunk(index, text)
            order.append(index)

    result = rewrite(engine, RewriteRequest(text="the day is good", n_candidates=3, seed=4), listener=Order())
    assert len({c.text for c in result.candidates}) == 3
    assert order[:3] == [0, 1, 2]  # one token of each sequence per step


def _sequential(engine: LlamaEngine, n: int, **kwargs: object):
    request = RewriteRequest(text="a good day", n_candidates=n)
    prompt, max_new, _ = build_rewrite_prompt(engine, request)
    sampling = Sampling(temperature=0.8, max_tokens=max_new, seed=1)
    return generate_candidates(
        engine, prompt, sampling, n, lambda raw: clean_output(raw, "a good day"), parallel=False, **kwargs
    )


def test_sequential_fallback_gives_distinct_candidates(engine: LlamaEngine) -> None:
    run = _sequential(engine, 3)
    assert [c.index for c in run.candidates] == [0, 1, 2]
    assert len({c.text for c in run.candidates}) == 3


def test_sequential_cancel_returns_what_finished(engine: LlamaEngine) -> None:
    cancel = threading.Event()

    class CancelAfterFirst(Recorder):
        def finished(self, candidate: Candidate) -> None:
            super().finished(candidate)
            cancel.set()

    run = _sequential(engine, 3, cancel=cancel, listener=CancelAfterFirst())
    assert run.cancelled
    assert len(run.candidates) == 1


def test_candidates_are_scored_and_ranked(engine: LlamaEngine) -> None:
    result = rewrite(engine, RewriteRequest(text="the day is good", n_candidates=3, seed=5))
    assert sorted(c.rank for c in result.candidates) == [1, 2, 3]
    # The scores and ranks are the reward's verdict on exactly these texts, in generation order.
    from writer_app.assist.ranking import score_request_for
    from writer_app.reward.ranker import rank_candidates

    request = RewriteRequest(text="the day is good", n_candidates=3, seed=5)
    expected = rank_candidates(score_request_for(request), [c.text for c in result.candidates])
    assert [(c.score, c.rank, c.explanation) for c in result.candidates] == [
        (e.score, e.rank, e.explanation) for e in expected
    ]
    assert all("meaning_kept" in c.breakdown for c in result.candidates)


def test_speed_counts_the_tokens_of_all_candidates_decoded_together(engine: LlamaEngine) -> None:
    request = RewriteRequest(text="the day is good", n_candidates=3, seed=9)
    prompt, _, _ = build_rewrite_prompt(engine, request)
    sampling = Sampling(max_tokens=24, seed=9, stop_at_end=False)
    run = generate_candidates(engine, prompt, sampling, 3, lambda raw: raw.strip())
    per_sequence = max(s.tokens_per_s for s in run.stats[:3])
    assert run.timings().tokens_per_s > 2 * per_sequence  # three tokens arrive per step, not one


def test_a_rewrite_that_writes_the_prompt_out_again_ends_there_but_asked_for_labels_stay() -> None:
    def script(prompt: str, seed: int) -> str:
        return "The meeting moved to Thursday.\n\nTask: Make it formal\n\nText:\nThe meeting have moved."

    formal = RewriteRequest("The meeting have moved.", instruction="Make it formal", n_candidates=1)
    assert rewrite(ScriptedEngine(script), formal).candidates[0].text == "The meeting moved to Thursday."

    def system_echo(prompt: str, seed: int) -> str:  # the system prompt's rules, in Markdown
        return "The meeting moved to Thursday.\n\n**Rules:**\n- Output only the rewritten text."

    assert rewrite(ScriptedEngine(system_echo), formal).candidates[0].text == "The meeting moved to Thursday."
    heading = RewriteRequest("No dogs.", instruction="Put it under a Rules heading", n_candidates=1)
    ruled = rewrite(ScriptedEngine(lambda prompt, seed: "House notes.\n\nRules:\n- No dogs."), heading)
    assert ruled.candidates[0].text == "House notes.\n\nRules:\n- No dogs."  # asked for: kept
    ruler = RewriteRequest("No dogs.", instruction="Write it like a ruler would", n_candidates=1)
    echoed = rewrite(ScriptedEngine(lambda prompt, seed: "No dogs here.\n\nRules:\n- Output only."), ruler)
    assert echoed.candidates[0].text == "No dogs here."  # "ruler" names no Rules heading
    labelled = "The meeting moved.\nTask: call Bob"  # a label the instruction asked for is the answer's

    def obeying(prompt: str, seed: int) -> str:
        return labelled

    asked = RewriteRequest("The meeting moved.", instruction="Add a line 'Task: call Bob'", n_candidates=1)
    assert rewrite(ScriptedEngine(obeying), asked).candidates[0].text == labelled
