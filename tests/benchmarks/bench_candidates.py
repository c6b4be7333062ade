"""Benchmark: N=4 candidates in parallel vs one after another, and ranking time vs generation time.

Run with `make bench`. Models: the embedded default model, and a random-weight model shaped like
Qwen2.5-0.5B (896 wide, 24 layers, 14 heads, 2 KV heads, FFN 4864) quantized to Q4_K_M here.
Prints figures measured side by side in one run; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import llama_cpp
import numpy as np

from tests.tiny_model import write_tiny_model
from writer_app.assist.review import ReviewRequest, review_document
from writer_app.assist.rewrite import build_rewrite_prompt
from writer_app.assist.types import RewriteRequest
from writer_app.engine.embedding import TextEmbedder
from writer_app.engine.llama_engine import LlamaEngine
from writer_app.engine.reading_copy import reading_copy
from writer_app.engine.types import EngineConfig, Sampling
from writer_app.modelhub.default_model import require_default_model
from writer_app.paths import AppPaths
from writer_app.reward.ranker import ScoreRequest, rank_candidates, warm_up

PARAGRAPH = (
    "The old lighthouse stood at the edge of the cliff, its paint peeling in long strips. Every "
    "evening the keeper climbed the stairs, counted the steps, and lit the lamp, although no ship "
    "had passed that way in years."
)
CACHE = Path(tempfile.gettempdir()) / "writer-app-bench"


def half_billion_q4_k_m() -> Path:
    """A random 0.5B-shaped model in Q4_K_M, written once and kept in the temp folder."""
    target = CACHE / "random-0.5b-shaped.Q4_K_M.gguf"
    if target.is_file():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    f16 = CACHE / "random-0.5b-shaped.f16.gguf"
    write_tiny_model(f16, n_embd=896, n_layer=24, n_head=14, n_head_kv=2, n_ff=4864, dtype=np.float16)
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_K_M
    params.nthread = os.cpu_count() or 2
    code = llama_cpp.llama_model_quantize(str(f16).encode(), str(target).encode(), params)
    f16.unlink(missing_ok=True)
    if code != 0:
        raise SystemExit(f"quantizing failed ({code})")
    return target


def in_thread(function, *args):
    out: list[object] = []
    thread = threading.Thread(target=lambda: out.append(function(*args)))
    thread.start()
    thread.join()
    return out[0]


def parallel_vs_sequential(model: Path, threads: int, n: int, tokens: int, rounds: int = 3):
    """Best of `rounds` wall times for N candidates of exactly `tokens` tokens (end-of-text banned, so
    both paths do the same work): all at once, then one after another on the warm prompt cache."""
    engine = LlamaEngine(EngineConfig(model, n_ctx=2048, n_threads=threads))
    try:
        prompt, _, _ = build_rewrite_prompt(engine, RewriteRequest(text=PARAGRAPH, mode="expand"))
        samplings = [Sampling(max_tokens=tokens, seed=10 + i, stop_at_end=False) for i in range(n)]
        list(engine.stream_parallel(prompt, samplings))  # warm both paths' contexts once
        engine.stream(prompt, samplings[0]).__iter__().__next__()
        parallel_s, sequential_s = [], []
        for _ in range(rounds):
            started = time.perf_counter()
            generation = engine.stream_parallel(prompt, samplings)
            for _ in generation:
                pass
            parallel_s.append(time.perf_counter() - started)
            assert sum(s.generated_tokens for s in generation.stats) == n * tokens
            started = time.perf_counter()
            for sampling in samplings:
                one = engine.stream(prompt, sampling)  # the shared prompt stays in the KV cache
                for _ in one:
                    pass
                assert one.stats.generated_tokens == tokens
            sequential_s.append(time.perf_counter() - started)
        return min(parallel_s), min(sequential_s), len(prompt)
    finally:
        engine.close()


def ranking_vs_generation(
    model: Path, threads: int, readers: tuple[Path, ...]
) -> tuple[list[float], float, float, list[int]]:
    """Seconds to rank 4 candidates of ~200 words with the scoring model's reading from each of
    `readers` and without it (judge off), and to generate them with `model`."""
    engine = LlamaEngine(EngineConfig(model, n_ctx=4096, n_threads=threads))
    try:
        prompt = engine.chat_tokens(
            [{"role": "user", "content": "Write a 200-word story about a lighthouse keeper."}]
        )
        started = time.perf_counter()
        generation = engine.stream_parallel(prompt, [Sampling(max_tokens=280, seed=i) for i in range(4)])
        texts = ["", "", "", ""]
        for index, piece in generation:
            texts[index] += piece
        generation_s = time.perf_counter() - started
    finally:
        engine.close()
    warm_up()  # as the app does when it loads a model: the reward's own models are loaded once
    read_s = []
    for reader in readers:
        embedder = TextEmbedder(reader, threads)  # loaded once, as the worker does
        try:
            embedder.embed(PARAGRAPH)
            started = time.perf_counter()
            rank_candidates(ScoreRequest(task="free"), texts, read=embedder.embed)
            read_s.append(time.perf_counter() - started)
        finally:
            embedder.close()
    started = time.perf_counter()
    rank_candidates(ScoreRequest(task="free"), texts)
    return read_s, time.perf_counter() - started, generation_s, [len(t.split()) for t in texts]


def review_timing(reader: Path, threads: int, words: int = 5000) -> tuple[float, float, int]:
    """Seconds to the first shading and to the whole review of a document of about `words` words."""
    paragraphs = [
        f"{PARAGRAPH} It was day {i}, and the sea was {'calm' if i % 2 else 'rough'}." for i in range(200)
    ]
    size = len(paragraphs[0].split())
    text = "\n\n".join(paragraphs[: max(1, words // size)])
    embedder = TextEmbedder(reader, threads)
    try:
        started = time.perf_counter()
        first: list[float] = []
        review = review_document(
            ReviewRequest(text),
            read=embedder.embed,
            partial=lambda _r: first.append(time.perf_counter() - started) if not first else None,
        )
        return first[0], time.perf_counter() - started, sum(p.words for p in review.paragraphs)
    finally:
        embedder.close()


def reading_vs_bare(reader: Path, threads: int, rounds: int = 3) -> tuple[float, float, int]:
    """Seconds to read 12 paragraphs of about 200 words with the app's reader (the last layer's, the
    middle and the later layers' states in one pass) and with a bare `llama_cpp.Llama.embed` on the
    same file (the last layer's only), best of `rounds`, interleaved; fresh texts each time (neither
    keeps them)."""
    texts = [
        " ".join(f"{PARAGRAPH} It was day {i}, round {r}." for i in range(6)) for r in range(12 * rounds * 2)
    ]
    ours = TextEmbedder(reader, threads)
    bare = llama_cpp.Llama(
        str(reader), n_ctx=512, n_batch=512, n_ubatch=512, n_threads=threads, n_threads_batch=threads,
        embedding=True, pooling_type=llama_cpp.LLAMA_POOLING_TYPE_MEAN, verbose=False,
    )  # fmt: skip
    try:
        ours.embed(PARAGRAPH)  # both warmed up before timing
        bare.embed(PARAGRAPH)
        best_ours = best_bare = float("inf")
        for r in range(rounds):
            batch = texts[24 * r : 24 * r + 24]
            started = time.perf_counter()
            for text in batch[:12]:
                ours.embed(text)
            best_ours = min(best_ours, time.perf_counter() - started)
            started = time.perf_counter()
            for text in batch[12:]:
                bare.embed(text)
            best_bare = min(best_bare, time.perf_counter() - started)
        return best_ours, best_bare, len(texts[0].split())
    finally:
        ours.close()
        bare.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    default = require_default_model(AppPaths.default())
    random_half_b = half_billion_q4_k_m()
    print(f"threads: {args.threads}; N = 4 candidates of exactly 120 tokens; best of 3 rounds, interleaved")
    print(f"{'model':34} {'prompt':>6} {'parallel s':>10} {'sequential s':>12} {'ratio':>6}  {'goal':7} ok")
    for name, model in (
        ("SmolLM2-135M Q4_1 (default)", default),
        ("random 0.5B-shaped Q4_K_M", random_half_b),
    ):
        parallel_s, sequential_s, prompt_tokens = in_thread(
            parallel_vs_sequential, model, args.threads, 4, 120
        )
        ratio = parallel_s / sequential_s
        print(
            f"{name:34} {prompt_tokens:6} {parallel_s:10.2f} {sequential_s:12.2f} {ratio:6.3f}  "
            f"{'<= 0.75':7} {'yes' if ratio <= 0.75 else 'NO'}"
        )
    reading = reading_copy(default, AppPaths.default().cache_dir, args.threads)  # what the app reads with
    if reading == default:
        print("the reading copy could not be made (see the log): both readings below are the Q4_1 model's")
    for name, model, goal in (("random 0.5B-shaped", random_half_b, 0.25), ("default model", default, None)):
        (read_s, source_s), text_s, generation_s, lengths = in_thread(
            ranking_vs_generation, model, args.threads, (reading, default)
        )
        share = read_s / generation_s
        verdict = f" (goal <= {goal:.0%}: {'yes' if share <= goal else 'NO'})" if goal else ""
        print(
            f"ranking 4 candidates written by the {name} ({', '.join(map(str, lengths))} words), judge off: "
            f"{read_s * 1000:.0f} ms with the scoring model's reading = {share:.1%} of the "
            f"{generation_s:.1f} s it took to generate them{verdict}; reading the Q4_1 model itself "
            f"instead of its Q8_0 copy: {source_s * 1000:.0f} ms = {source_s / generation_s:.1%} "
            f"({source_s / read_s:.2f}x); text features only: {text_s * 1000:.0f} ms = "
            f"{text_s / generation_s:.1%}"
        )
    ours_s, bare_s, words = in_thread(reading_vs_bare, reading, args.threads)
    print(
        f"reading 12 paragraphs of {words} words: {ours_s:.2f} s with the bands' states too, "
        f"{bare_s:.2f} s with a bare llama_cpp embed (last layer only): {ours_s / bare_s:.2f}x"
    )
    first_s, total_s, words = in_thread(review_timing, reading, args.threads)
    print(
        f"reviewing a {words}-word document: first shading after {first_s:.2f} s (goal <= 5 s: "
        f"{'yes' if first_s <= 5 else 'NO'}), every paragraph read after {total_s:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
