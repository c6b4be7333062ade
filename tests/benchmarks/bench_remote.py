"""Benchmark: the remote engine against the same server's own streaming speed, and N = 4 candidates.

Starts llama-cpp-python's OpenAI-compatible server on the embedded default model (127.0.0.1), then,
alternating runs side by side: tokens/s of a bare httpx2 streaming loop on /v1/completions, and of
`RemoteEngine.stream` with the same prompt and length. Then four rewrite candidates through the
engine, with the way the probe chose (n, concurrent requests, or one after another) and wall time.

Run with `make bench-remote`. Prints ratios; asserts nothing.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import httpx2

from tests.benchmarks.table import print_table
from tests.server_process import llama_server
from writer_app.assist.candidates import generate_candidates
from writer_app.assist.rewrite import build_rewrite_prompt
from writer_app.assist.types import RewriteRequest
from writer_app.engine.remote_engine import RemoteEngine
from writer_app.engine.remote_generation import sampling_fields
from writer_app.engine.types import Sampling, ServerConfig
from writer_app.modelhub.default_model import require_default_model
from writer_app.paths import AppPaths

PROMPT = "The lighthouse keeper climbed the stairs every evening, and on the last night of the year"
TOKENS = 160
ROUNDS = 9
SAMPLING = Sampling(max_tokens=TOKENS, seed=1, stop_at_end=False)
PARAGRAPH = (
    "The committee met on Tuesday to discuss the new budget, which had been delayed for several weeks "
    "because of disagreements about how much money should go to the library and how much to the roads."
)


def bare_loop(url: str, model: str) -> float:
    """Tokens/s after the first token of a plain streaming client (one chunk, one token), with the
    request the engine sends: the same sampling fields, so only the client differs."""
    body = {"model": model, "prompt": PROMPT, "stream": True, **sampling_fields(SAMPLING, True, False)}
    chunks, first = 0, 0.0
    with (
        httpx2.Client(timeout=120) as client,
        client.stream("POST", url + "/v1/completions", json=body) as reply,
    ):
        for line in reply.iter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            if json.loads(line[6:])["choices"][0].get("text"):
                chunks += 1
                if chunks == 1:
                    first = time.perf_counter()
    return (chunks - 1) / (time.perf_counter() - first)


def engine_loop(engine: RemoteEngine) -> float:
    generation = engine.stream(engine.raw_tokens(PROMPT), SAMPLING)
    for _ in generation:
        pass
    return generation.stats.tokens_per_s


def main() -> None:
    model = require_default_model(AppPaths.default())
    with llama_server(model, n_ctx=4096, alias="default") as server:
        engine = RemoteEngine(ServerConfig(server.url, n_ctx=4096))
        try:
            bare_loop(server.url, "default"), engine_loop(engine)  # warm both
            bare, through = [], []
            for _ in range(ROUNDS):  # alternating, so drift on a shared machine hits both alike
                bare.append(bare_loop(server.url, "default"))
                through.append(engine_loop(engine))
            prompt, max_new, _ = build_rewrite_prompt(engine, RewriteRequest(PARAGRAPH, mode="concise"))
            started = time.perf_counter()
            run = generate_candidates(
                engine, prompt, Sampling(max_tokens=max_new), 4, lambda text: text.strip(), parallel=True
            )
            wall = time.perf_counter() - started
            way = engine.describe_probe()
        finally:
            engine.close()
    # Each engine run over the bare run beside it: drift on a shared machine cancels within a pair.
    ratio = statistics.median(t / b for t, b in zip(through, bare, strict=True))
    tokens = sum(s.generated_tokens for s in run.stats)
    print(f"server: llama-cpp-python on {model.name}; probe: {way}")
    print_table(
        [
            (
                "remote engine ÷ bare client tokens/s",
                ratio,
                "≥ 0.95",
                ratio >= 0.95,
                f"median {statistics.median(through):.1f} vs {statistics.median(bare):.1f} tokens/s, "
                f"median of {ROUNDS} side-by-side pairs of {TOKENS} tokens",
            ),
            (
                "N = 4 rewrite candidates, wall s",
                wall,
                "report",
                True,
                f"{len(run.candidates)} candidates, {tokens} tokens; {way.split(';')[0]}",
            ),
        ]
    )


if __name__ == "__main__":
    main()
