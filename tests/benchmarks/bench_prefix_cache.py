"""Benchmark: a raw continuation at the end of a 2,000-word document and a rewrite of one of its
paragraphs, alternated, with and without saved prefix states; warm ÷ cold first-token time per kind.

Run with `make bench`. The document is made of public-domain passages from ../shared/data/authors.jsonl
(a plain stand-in when that file is missing). Each kind runs cold once (a fresh engine), then three
times in turn with the other kind in between. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.table import measured, print_table
from writer_app.assist.rewrite import build_rewrite_prompt
from writer_app.assist.types import RewriteRequest
from writer_app.engine.llama_engine import LlamaEngine
from writer_app.engine.types import EngineConfig, Sampling
from writer_app.modelhub.default_model import require_default_model
from writer_app.paths import AppPaths

AUTHORS = Path(__file__).resolve().parents[3] / "shared" / "data" / "authors.jsonl"
WORDS = 2_000


def document() -> tuple[str, str]:
    """About 2,000 words in paragraphs, and the paragraph in the middle that gets rewritten."""
    if AUTHORS.is_file():
        passages = [json.loads(line)["text"] for line in AUTHORS.read_text(encoding="utf-8").splitlines()]
    else:
        passages = ["The keeper climbed the stairs and lit the lamp above the grey sea. " * 12] * 40
    paragraphs, count = [], 0
    for passage in passages:
        if count >= WORDS:
            break
        paragraphs.append(passage)
        count += len(passage.split())
    return "\n\n".join(paragraphs), paragraphs[len(paragraphs) // 2]


def first_token_s(engine: LlamaEngine, prompt: list[int]) -> float:
    generation = engine.stream(prompt, Sampling(temperature=0.0, max_tokens=8))
    "".join(generation)
    return generation.stats.first_token_s


def measure(model: Path, threads: int, keep_states: bool) -> dict[str, tuple[float, list[float]]]:
    text, paragraph = document()
    engine = LlamaEngine(EngineConfig(model, n_ctx=4096, n_threads=threads), prefix_states=keep_states)
    try:
        start = text.index(paragraph)
        request = RewriteRequest(
            paragraph,
            mode="clarity",
            context_before=text[:start],
            context_after=text[start + len(paragraph) :],
            n_candidates=1,
        )
        rewrite, _, _ = build_rewrite_prompt(engine, request)
        prompts = {"continuation": engine.raw_tokens(text), "rewrite": rewrite}
        cold = {kind: first_token_s(engine, prompt) for kind, prompt in prompts.items()}
        warm: dict[str, list[float]] = {kind: [] for kind in prompts}
        for _ in range(3):
            for kind, prompt in prompts.items():  # the other kind always ran in between
                warm[kind].append(first_token_s(engine, prompt))
        print(f"  prompts: continuation {len(prompts['continuation'])} tokens, rewrite {len(rewrite)} tokens")
        return {kind: (cold[kind], warm[kind]) for kind in prompts}
    finally:
        engine.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    model = args.model or require_default_model(AppPaths.default(), fetch=False)
    rows = []
    for keep_states in (True, False):
        label = "saved prefix states" if keep_states else "one prefix only"
        for kind, (cold, warm) in measure(model, args.threads, keep_states).items():
            rows.append(
                measured(
                    f"{kind}, {label}: warm ÷ cold",
                    statistics.median(warm) / cold,
                    "≤ 0.15" if keep_states else "-",
                    f"cold {cold * 1000:.0f} ms, warm median {statistics.median(warm) * 1000:.0f} ms",
                )
            )
    print(f"model: {model.name}, threads: {args.threads}, document ≈ {WORDS:,} words")
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
