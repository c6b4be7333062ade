"""Benchmark: decode speed of this venv's llama.cpp build (GGML_NATIVE=OFF, the CPU's own extensions,
no AMX) beside a plain native build (`-DGGML_NATIVE=ON`) in another venv, on the default model.

    python tests/benchmarks/bench_build_flags.py --native-python /path/to/native-venv/bin/python

Each build runs the same bare llama_cpp decode loop in its own process, interleaved for 3 rounds; the
best round of each is compared. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.table import measured, print_table
from writer_app.modelhub.default_model import require_default_model
from writer_app.paths import AppPaths

LOOP = r"""
import json, sys, time
import llama_cpp
model, threads, tokens = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
llm = llama_cpp.Llama(model, n_ctx=1024, n_threads=threads, n_threads_batch=threads, verbose=False)
prompt = llm.tokenize(b"The old lighthouse stood at the edge of the cliff. Every evening the keeper")
llm.reset()
llm.eval(prompt)
started = time.perf_counter()
for _ in range(tokens):
    token = int(llm.scores[llm.n_tokens - 1].argmax())
    llm.eval([token])
seconds = time.perf_counter() - started
info = llama_cpp.llama_print_system_info().decode()
print(json.dumps({"tokens_per_s": tokens / seconds, "amx": "AMX_INT8 = 1" in info}))
"""


def run(python: str, model: Path, threads: int, tokens: int) -> dict[str, float]:
    out = subprocess.run(
        [python, "-c", LOOP, str(model), str(threads), str(tokens)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--native-python", required=True, help="python of a venv with a -DGGML_NATIVE=ON build"
    )
    parser.add_argument("--model", type=Path)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=256)
    args = parser.parse_args()
    model = args.model or require_default_model(AppPaths.default(), fetch=False)
    ours, native = [], []
    for _ in range(3):
        ours.append(run(sys.executable, model, args.threads, args.tokens))
        native.append(run(args.native_python, model, args.threads, args.tokens))
    best_ours = max(r["tokens_per_s"] for r in ours)
    best_native = max(r["tokens_per_s"] for r in native)
    rows = [
        measured("decode, our flags (tokens/s)", best_ours, detail=f"AMX kernels: {ours[0]['amx']}"),
        measured("decode, native build (tokens/s)", best_native, detail=f"AMX kernels: {native[0]['amx']}"),
        measured(
            "ours ÷ native",
            best_ours / best_native,
            "≥ 0.95",
            f"{args.tokens} tokens, greedy, best of 3 interleaved rounds",
        ),
    ]
    print(f"model: {model.name}, threads: {args.threads}")
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
