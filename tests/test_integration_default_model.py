"""Integration on the embedded default model (SmolLM2-135M-Instruct Q4_1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_cli import run_cli
from writer_app.assist.rewrite import rewrite
from writer_app.assist.types import RewriteRequest
from writer_app.engine.llama_engine import LlamaEngine
from writer_app.engine.types import EngineConfig

pytestmark = pytest.mark.integration
SOURCE = (
    "The meeting have been moved to thursday because the room was not available, "
    "so everyone need to update there calendars."
)


@pytest.fixture(scope="module")
def engine(default_model_path: Path):
    engine = LlamaEngine(EngineConfig(default_model_path, n_ctx=2048, n_threads=2))
    yield engine
    engine.close()


@pytest.mark.parametrize("mode", ["grammar", "paraphrase", "formal"])
def test_rewrite_gives_n_distinct_candidates_that_differ_from_the_input(
    engine: LlamaEngine, mode: str
) -> None:
    result = rewrite(engine, RewriteRequest(text=SOURCE, mode=mode, n_candidates=3, seed=0))
    texts = [candidate.text for candidate in result.candidates]
    assert len(texts) == 3
    assert all(text.strip() for text in texts)
    assert len(set(texts)) == 3
    assert SOURCE not in texts
    assert result.timings.tokens_per_s > 0


def test_self_test_passes_on_the_default_model(default_model_path: Path) -> None:
    result = run_cli("--self-test")
    assert result.returncode == 0, result.stderr.decode()
    assert b"Self-test passed" in result.stdout


def test_cli_rewrite_json_on_the_default_model(default_model_path: Path) -> None:
    result = run_cli("rewrite", "--mode", "grammar", "-n", "2", "--json", stdin=SOURCE.encode())
    assert result.returncode == 0, result.stderr.decode()
    payload = json.loads(result.stdout)
    assert len(payload["candidates"]) == 2
    assert all(candidate["text"] for candidate in payload["candidates"])


def test_fluency_prefers_natural_text_and_the_judge_answers(default_model_path: Path) -> None:
    from writer_app.engine.scoring import TokenScorer

    scorer = TokenScorer(default_model_path, n_threads=2)
    try:
        natural = scorer.mean_logprob("The cat sat on the mat and watched the rain.")
        scrambled = scorer.mean_logprob("Mat the rain on watched sat the and cat the.")
        verdict = scorer.prefer_first("The meeting moved to Thursday.", "meeting the Thursday to moved The")
    finally:
        scorer.close()
    assert natural > scrambled
    assert 0.0 < verdict < 1.0


def test_parallel_candidates_on_the_default_model(engine: LlamaEngine) -> None:
    result = rewrite(engine, RewriteRequest(text=SOURCE, mode="paraphrase", n_candidates=4, seed=3))
    texts = [candidate.text for candidate in result.candidates]
    assert len(set(texts)) == len(texts) >= 3
    kept = [c for c in result.candidates if c.merged_into is None]
    best = min(kept, key=lambda c: c.rank)
    assert best.score == max(c.score for c in kept) and best.explanation
