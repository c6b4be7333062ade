"""Evaluation: anti-slop generation on versus off, side by side with the same seeds.

The 50 lowest-scored paragraphs of ../shared/data/lamp_R_train.jsonl (one version each), "improve
clarity" with the embedded default model, three candidates each (decoded together, as the app does),
ranked by the reward with the scoring model's reading. Reports slop spans per 100 words (the
lexicon's, and all kinds), the reward's mean score of the best candidate, tokens per second, backups
and how often a retry cap let a phrase through. Run with `make eval-anti-slop`; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.lamp_sets import load_train
from tests.benchmarks.table import print_table
from writer_app.assist.anti_slop import all_phrases, banning
from writer_app.assist.rewrite import rewrite
from writer_app.assist.types import RewriteRequest
from writer_app.engine.embedding import TextEmbedder
from writer_app.engine.hardware import physical_cores
from writer_app.engine.llama_engine import LlamaEngine
from writer_app.engine.reading_copy import reading_copy
from writer_app.engine.types import EngineConfig
from writer_app.modelhub.default_model import require_default_model
from writer_app.paths import AppPaths
from writer_app.reward.slop import find_slop
from writer_app.reward.text_units import words

LEXICON_KINDS = ("tense", "repetition")  # the other kinds: what the lexicon finds


class Recording:
    """The engine, keeping every generation it hands out (for their backups and cap hits)."""

    def __init__(self, engine) -> None:
        self._engine, self.generations = engine, []

    def __getattr__(self, name: str) -> object:
        return getattr(self._engine, name)

    def stream(self, *args, **kwargs):
        generation = self._engine.stream(*args, **kwargs)
        self.generations.append(generation)
        return generation

    def stream_parallel(self, *args, **kwargs):
        generation = self._engine.stream_parallel(*args, **kwargs)
        self.generations.append(generation)
        return generation

    def stats(self) -> list:
        found = []
        for generation in self.generations:
            stats = generation.stats
            found += stats if isinstance(stats, list) else [stats]
        return found


def lowest(count: int) -> list[str]:
    """The `count` lowest-scored paragraphs, one version of each."""
    train = load_train()
    seen, chosen = set(), []
    for _score, text, group in sorted(zip(train.scores, train.texts, train.groups, strict=True)):
        if group not in seen:
            seen.add(group)
            chosen.append(text)
        if len(chosen) == count:
            break
    return chosen


def density(texts: list[str], lexicon_only: bool) -> float:
    spans = sum(
        sum(1 for s in find_slop(t).spans if not lexicon_only or s.category not in LEXICON_KINDS)
        for t in texts
    )
    return 100.0 * spans / max(1, sum(len(words(t)) for t in texts))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--candidates", type=int, default=3)
    args = parser.parse_args()
    model = require_default_model(AppPaths.default())
    threads = physical_cores()
    engine = LlamaEngine(EngineConfig(model, n_ctx=4096, n_threads=threads))
    reader = TextEmbedder(reading_copy(model, AppPaths.default().cache_dir, threads), threads)
    phrases = all_phrases()
    results: dict[bool, dict[str, list]] = {
        on: {"texts": [], "best": [], "rate": [], "backups": [], "caps": [], "seconds": []}
        for on in (False, True)
    }
    try:
        for number, paragraph in enumerate(lowest(args.limit)):
            request = RewriteRequest(
                paragraph, mode="clarity", n_candidates=args.candidates, seed=1000 + number
            )
            for on in (False, True):  # side by side, the same seeds
                recording = Recording(engine)
                writer = banning(recording, phrases, request) if on else recording
                started = time.perf_counter()
                result = rewrite(writer, request, read=reader.read)
                row = results[on]
                row["seconds"].append(time.perf_counter() - started)
                row["texts"] += [c.text for c in result.candidates]
                row["best"].append(result.ranked()[0].score)
                row["rate"].append(result.timings.tokens_per_s)
                stats = recording.stats()
                row["backups"].append(sum(s.backtracks for s in stats))
                row["caps"].append(sum(s.ban_cap_hits for s in stats))
            print(f"{number + 1}/{args.limit}", end="\r", file=sys.stderr, flush=True)
    finally:
        reader.close()
        engine.close()
    off, on = results[False], results[True]
    slop_off, slop_on = density(off["texts"], True), density(on["texts"], True)
    all_off, all_on = density(off["texts"], False), density(on["texts"], False)
    rate = statistics.mean(on["rate"]) / statistics.mean(off["rate"])
    candidates = len(on["texts"])
    capped = sum(1 for c in on["caps"] if c)
    print(f"{args.limit} lowest-scored LAMP paragraphs, 'improve clarity', {args.candidates} candidates each")
    print_table(
        [
            (
                "lexicon slop /100 words, on ÷ off",
                slop_on / slop_off,
                "≤ 0.5",
                slop_on <= 0.5 * slop_off,
                f"{slop_on:.2f} vs {slop_off:.2f}",
            ),
            (
                "all slop spans /100 words, on ÷ off",
                all_on / all_off,
                "report",
                True,
                f"{all_on:.2f} vs {all_off:.2f} (tense switches and repetition are not banned)",
            ),
            (
                "best candidate's reward, on − off",
                statistics.mean(on["best"]) - statistics.mean(off["best"]),
                "report",
                True,
                f"{statistics.mean(on['best']):.2f} vs {statistics.mean(off['best']):.2f}",
            ),
            (
                "tokens/s, on ÷ off",
                rate,
                "≥ 0.8",
                rate >= 0.8,
                f"{statistics.mean(on['rate']):.1f} vs {statistics.mean(off['rate']):.1f}",
            ),
            (
                "backups per candidate",
                sum(on["backups"]) / candidates,
                "report",
                True,
                f"{sum(on['backups'])} in {candidates} candidates",
            ),
            (
                "requests where a cap let a phrase through",
                capped / args.limit,
                "report",
                True,
                f"{capped} of {args.limit} ({sum(on['caps'])} phrases let through)",
            ),
        ]
    )


if __name__ == "__main__":
    main()
