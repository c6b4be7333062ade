"""Offline evaluation of long drafts (LongBench-Write's length score): the English prompts of
../shared/data/longwrite_ruler.jsonl that ask for 1,000 and 2,000 words (--lengths 5000 --limit 1
for one 5,000-word prompt), written by plan → sections with the default model, beside a single-shot
generation asked for the same text. Reports S_l, the share of repeated 4-word sequences, words per
second and the resident memory after each section (flat is the goal).

Run with `make eval-draft`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.table import measured, print_table
from writer_app.assist import draft as draft_module
from writer_app.assist.candidates import CandidateListener
from writer_app.assist.draft import DraftRequest, write_draft
from writer_app.assist.draft_text import draft_markdown, repeated_ngram_share, word_count
from writer_app.assist.outline import PlanRequest, plan_draft
from writer_app.engine.hardware import physical_cores
from writer_app.engine.llama_engine import LlamaEngine
from writer_app.engine.types import EngineConfig, Sampling
from writer_app.modelhub.default_model import require_default_model
from writer_app.paths import AppPaths
from writer_app.reward.components import length_score

RULER = Path(__file__).resolve().parents[3] / "shared" / "data" / "longwrite_ruler.jsonl"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class MemoryListener(CandidateListener):
    def __init__(self) -> None:
        self.rss: list[float] = []

    def finished(self, candidate) -> None:
        self.rss.append(rss_mb())


def single_shot(engine: LlamaEngine, prompt: str, length: int) -> str:
    tokens = engine.chat_tokens([{"role": "user", "content": prompt}])
    max_tokens = min(int(length * 1.5), engine.n_ctx - len(tokens) - 8)
    return "".join(engine.stream(tokens, Sampling(temperature=0.8, max_tokens=max_tokens, seed=0)))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lengths", default="1000,2000", help="which prompts, by length (e.g. 5000)")
    parser.add_argument("--limit", type=int, default=0, help="at most this many prompts")
    parser.add_argument("--n-ctx", type=int, default=4096)
    parser.add_argument("--without-dry", action="store_true", help="also write each draft with DRY off")
    args = parser.parse_args()
    lengths = {int(x) for x in args.lengths.split(",")}
    rows = [json.loads(line) for line in RULER.read_text(encoding="utf-8").splitlines() if line.strip()]
    prompts = [r for r in rows if r["length"] in lengths and not re.search(r"[\u4e00-\u9fff]", r["prompt"])]
    prompts = prompts[: args.limit] if args.limit else prompts
    model = require_default_model(AppPaths.default())
    dry = draft_module.DRY_MULTIPLIER
    engine = LlamaEngine(EngineConfig(model, n_ctx=args.n_ctx, n_threads=physical_cores()))
    results = []
    try:
        for row in prompts:
            plan = plan_draft(engine, PlanRequest(row["prompt"], row["length"]))
            if args.without_dry:  # the same plan and seeds, DRY off
                draft_module.DRY_MULTIPLIER = 0.0
                plain = write_draft(engine, DraftRequest(plan.outline))
                draft_module.DRY_MULTIPLIER = dry
            listener = MemoryListener()
            draft = write_draft(engine, DraftRequest(plan.outline), listener=listener)
            text = draft_markdown(draft.outline, draft.texts)
            started = time.perf_counter()
            once = single_shot(engine, row["prompt"], row["length"])
            once_s = time.perf_counter() - started
            result = {
                "length": row["length"],
                "sections": len(plan.outline.sections),
                "words": draft.words,
                "s_l": draft.length_score,
                "repeated": repeated_ngram_share(text),
                "words_per_s": draft.words / draft.seconds,
                "rss": listener.rss,
                "once_words": word_count(once),
                "once_s_l": length_score(row["length"], word_count(once)),
                "once_repeated": repeated_ngram_share(once),
                "once_words_per_s": word_count(once) / once_s,
            }
            if args.without_dry:
                result["plain_repeated"] = repeated_ngram_share(draft_markdown(plain.outline, plain.texts))
                result["plain_s_l"] = plain.length_score
                result["plain_words_per_s"] = plain.words / plain.seconds
            results.append(result)
            print(
                f"{row['length']:>5} words asked, {result['sections']} sections: draft {draft.words} words "
                f"S_l {draft.length_score:.0f} repeated {result['repeated']:.3f} "
                f"{result['words_per_s']:.0f} w/s, RSS {min(listener.rss):.0f}–{max(listener.rss):.0f} MB | "
                f"single shot {result['once_words']} words S_l {result['once_s_l']:.0f} "
                f"repeated {result['once_repeated']:.3f} — {row['prompt'][:60]}\n"
                f"      RSS after each section (MB): {' '.join(f'{v:.0f}' for v in listener.rss)}",
                flush=True,
            )
    finally:
        engine.close()
    mean = lambda key: statistics.fmean(r[key] for r in results)  # noqa: E731
    plain = (
        f"; DRY off: {mean('plain_repeated'):.3f}, S_l {mean('plain_s_l'):.1f}, "
        f"{mean('plain_words_per_s'):.1f} words/s"
        if args.without_dry
        else ""
    )
    growth = max(max(r["rss"]) - r["rss"][0] for r in results)
    print(f"Long drafts, {len(results)} English prompts of {sorted(lengths)} words ({model.name})")
    print_table(
        [
            measured("mean S_l, plan → sections", mean("s_l"), "≥ 95", f"single shot {mean('once_s_l'):.1f}"),
            measured(
                "repeated 4-grams, draft",
                mean("repeated"),
                "-",
                f"single shot {mean('once_repeated'):.3f}{plain}",
            ),
            measured(
                "words per second, draft",
                mean("words_per_s"),
                "-",
                f"single shot {mean('once_words_per_s'):.1f}",
            ),
            measured("RSS growth over a draft (MB)", growth, "-", "resident memory, first to last section"),
        ],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
