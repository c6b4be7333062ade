"""Benchmark: engine and worker streaming vs a bare llama_cpp loop, GUI stalls, warm vs cold prompts.

Run with `make bench`. Prints a table of ratios measured side by side in one run; asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import llama_cpp
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from tests.benchmarks.table import print_table
from writer_app.assist.rewrite import build_rewrite_prompt
from writer_app.assist.types import RewriteRequest
from writer_app.documents.autosave import AutosaveStore
from writer_app.engine.llama_engine import LlamaEngine
from writer_app.engine.types import EngineConfig, Sampling
from writer_app.modelhub.default_model import require_default_model
from writer_app.paths import AppPaths
from writer_app.ui.main_window import MainWindow
from writer_app.ui.settings import AppSettings
from writer_app.worker.controller import AssistController

T = TypeVar("T")
PARAGRAPH = (
    "The old lighthouse stood at the edge of the cliff, its paint peeling in long strips. "
    "Every evening the keeper climbed the stairs, counted the steps, and lit the lamp, "
    "although no ship had passed that way in years."
)
DOCUMENT = " ".join(
    f"Chapter note {i}: the village by the sea kept its own calendar, marked by storms, "
    f"harvests and the return of the fishing boats, and every family remembered a different year."
    for i in range(30)
)


def in_fresh_thread(function: Callable[..., T], *args: object) -> T:
    """Run `function` in a new thread, as the app's worker does.

    llama.cpp's OpenMP build keeps a team of helper threads per calling thread; a team left over
    on the main thread slows a later team on another thread by 15-20 % on 2 cores, so no
    measurement here computes on the main thread (the app never does either).
    """
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(function(*args))
        except BaseException as error:  # re-raised in the caller
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]


def _rate(stamps: list[float]) -> tuple[float, float]:
    """(mean tokens/s after the first token, 1 / median gap between tokens): the second is robust
    to the stalls a shared machine adds now and then."""
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    if not gaps:
        return 0.0, 0.0
    return len(gaps) / (stamps[-1] - stamps[0]), 1 / statistics.median(gaps)


def bare_loop_tokens_per_s(
    model: Path, threads: int, tokens: list[int], sampling: Sampling
) -> tuple[float, float]:
    """A bare llama_cpp generate loop."""
    llm = llama_cpp.Llama(
        model_path=str(model), n_ctx=4096, n_threads=threads, n_threads_batch=threads, verbose=False
    )
    try:
        vocab = llama_cpp.llama_model_get_vocab(llm.model)
        llm.set_seed(sampling.seed)
        stamps: list[float] = []
        for token in llm.generate(
            tokens,
            top_k=sampling.top_k,
            top_p=sampling.top_p,
            min_p=sampling.min_p,
            temp=sampling.temperature,
            repeat_penalty=sampling.repeat_penalty,
        ):
            if llama_cpp.llama_vocab_is_eog(vocab, token):
                break
            stamps.append(time.perf_counter())
            if len(stamps) >= sampling.max_tokens:
                break
        return _rate(stamps)
    finally:
        llm.close()


def engine_tokens_per_s(engine: LlamaEngine, tokens: list[int], sampling: Sampling) -> tuple[float, float]:
    engine.clear_cache()
    stamps = [time.perf_counter() for _ in engine.stream(tokens, sampling)]
    return _rate(stamps)


def worker_run(model: Path, threads: int, request: RewriteRequest) -> tuple[float, float, int]:
    """tokens/s of a rewrite requested in the real main window (its panel streaming the candidate),
    and the GUI thread's longest stall in ms meanwhile."""
    QApplication.instance() or QApplication(sys.argv[:1])
    paths = AppPaths.under(Path(tempfile.mkdtemp(prefix="writer-bench-")))
    controller = AssistController(LlamaEngine)
    loop = QEventLoop()
    controller.modelLoaded.connect(loop.quit)
    controller.load_model(EngineConfig(model, n_ctx=4096, n_threads=threads))
    loop.exec()
    autosave = AutosaveStore(paths.state_dir / "autosave")
    window = MainWindow(controller, AppSettings(paths.config_dir), autosave, paths.state_dir / "history")
    window.resize(1280, 820)
    window.show()
    window.editor.setPlainText(request.text)
    window.editor.selectAll()
    window.candidates.set_candidate_count(request.n_candidates)
    client = window.assist
    results: list[object] = []
    chunks = [0]
    client.chunksReady.connect(lambda *_: chunks.__setitem__(0, chunks[0] + 1))
    client.requestFinished.connect(lambda _rid, result: results.append(result))
    client.requestFailed.connect(lambda _rid, message: results.append(message))
    stalls: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    def probe() -> None:
        now = clock.nsecsElapsed()
        stalls.append((now - last[0]) / 1e6)
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(probe)
    timer.start()
    client.requestFinished.connect(loop.quit)
    client.requestFailed.connect(loop.quit)
    window.request_rewrite(mode=request.mode)
    loop.exec()
    timer.stop()
    window.editor.document().setModified(False)
    window.close()
    controller.shutdown()
    autosave.close()
    result = results[0]
    if isinstance(result, str):
        raise SystemExit(f"worker failed: {result}")
    return result.timings.tokens_per_s, max(stalls[1:] or [0.0]), chunks[0]  # type: ignore[union-attr]


def first_token_times(engine: LlamaEngine) -> tuple[float, float, int]:
    """Cold then warm first-token seconds for two rewrites of the same document."""
    half = len(DOCUMENT) // 2
    first = RewriteRequest(
        text=PARAGRAPH, mode="concise", context_before=DOCUMENT[:half], context_after=DOCUMENT[half:]
    )
    second = RewriteRequest(
        text=PARAGRAPH, mode="formal", context_before=DOCUMENT[:half], context_after=DOCUMENT[half:]
    )
    cold_tokens, _, _ = build_rewrite_prompt(engine, first)
    warm_tokens, _, _ = build_rewrite_prompt(engine, second)
    engine.clear_cache()
    cold = engine.stream(cold_tokens, Sampling(max_tokens=4, seed=1))
    list(cold)
    warm = engine.stream(warm_tokens, Sampling(max_tokens=4, seed=1))
    list(warm)
    return cold.stats.first_token_s, warm.stats.first_token_s, warm.stats.reused_prompt_tokens


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, help="default: the embedded default model")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    model = args.model or require_default_model(AppPaths.default())
    request = RewriteRequest(text=PARAGRAPH, mode="expand", n_candidates=1, seed=42)
    bare, direct, worker, stalls, cold, warm = [], [], [], [], [], []
    reused = chunk_count = 0
    for round_number in range(args.rounds):
        engine = LlamaEngine(EngineConfig(model, n_ctx=4096, n_threads=args.threads))
        tokens, max_new, _ = build_rewrite_prompt(engine, request)
        sampling = Sampling(temperature=request.temperature, max_tokens=max_new, seed=request.seed)
        measures = ["bare", "direct", "worker"]
        shift = round_number % 3  # rotate the order so drift on a shared machine cancels out
        for measure in measures[shift:] + measures[:shift]:
            if measure == "bare":
                bare.append(in_fresh_thread(bare_loop_tokens_per_s, model, args.threads, tokens, sampling))
            elif measure == "direct":
                direct.append(in_fresh_thread(engine_tokens_per_s, engine, tokens, sampling))
            else:
                speed, stall, chunk_count = worker_run(model, args.threads, request)
                worker.append(speed)
                stalls.append(stall)
        cold_s, warm_s, reused = in_fresh_thread(first_token_times, engine)
        cold.append(cold_s)
        warm.append(warm_s)
        engine.close()

    med = statistics.median
    bare_mean, bare_typical = med([b[0] for b in bare]), med([b[1] for b in bare])
    direct_mean, direct_typical = med([d[0] for d in direct]), med([d[1] for d in direct])
    rows = [
        (
            "engine tokens/s ÷ bare llama_cpp loop",
            direct_mean / bare_mean,
            ">= 0.95",
            direct_mean / bare_mean >= 0.95,
            f"{direct_mean:.1f} vs {bare_mean:.1f} tok/s (means)",
        ),
        (
            "  the same from median token gaps",
            direct_typical / bare_typical,
            ">= 0.95",
            direct_typical / bare_typical >= 0.95,
            f"{direct_typical:.1f} vs {bare_typical:.1f} tok/s",
        ),
        (
            "worker tokens/s ÷ bare llama_cpp loop",
            med(worker) / bare_mean,
            ">= 0.95",
            med(worker) / bare_mean >= 0.95,
            f"{med(worker):.1f} tok/s, {chunk_count} chunk signals",
        ),
        (
            "GUI stall, main window + panel (ms, 5 ms probe)",
            max(stalls),
            "< 20",
            max(stalls) < 20,
            f"worst of {args.rounds} runs",
        ),
        (
            "warm ÷ cold first-token time",
            med(warm) / med(cold),
            "<= 0.1",
            med(warm) / med(cold) <= 0.1,
            f"{med(warm) * 1000:.1f} ms vs {med(cold) * 1000:.1f} ms, {reused} prompt tokens reused",
        ),
    ]
    print(f"model: {model.name}, threads: {args.threads}, rounds: {args.rounds} (medians)")
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
