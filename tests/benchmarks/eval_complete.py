"""Offline evaluation of ghost suggestions, like code completion's exact match: passages of
../shared/data/authors.jsonl are cut at a random sentence start (seeded); how often does the
suggestion's first word, and its first three words, match what the author wrote next, and how many
suggestions end at a sentence or phrase boundary?

Run with `make eval-complete` (100 passages; --all for every passage). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from writer_app.assist.complete import CompletionRequest, complete_ghost
from writer_app.engine.llama_engine import LlamaEngine
from writer_app.engine.types import EngineConfig
from writer_app.modelhub.default_model import require_default_model
from writer_app.paths import AppPaths

AUTHORS = Path(__file__).resolve().parents[3] / "shared" / "data" / "authors.jsonl"
_SENTENCE_START = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z])")
_BOUNDARY = re.compile(r"[.!?…,;:)\"'”’]$")


def words(text: str) -> list[str]:
    return [w for w in (re.sub(r"[^\w']", "", w).lower() for w in text.split()) if w]


def cut_points(text: str, rng: random.Random) -> tuple[str, str] | None:
    """The passage up to a random sentence start (not the first) and what follows it."""
    starts = [m.end() for m in _SENTENCE_START.finditer(text)]
    if not starts:
        return None
    cut = rng.choice(starts)
    return text[:cut], text[cut:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--passages", type=int, default=100)
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not AUTHORS.is_file():
        raise SystemExit(f"{AUTHORS} is missing: the evaluation reads the shared data beside the checkout.")
    rng = random.Random(args.seed)
    passages = [json.loads(line) for line in AUTHORS.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not args.all:
        passages = rng.sample(passages, min(args.passages, len(passages)))
    model = args.model or require_default_model(AppPaths.default(), fetch=False)
    engine = LlamaEngine(EngineConfig(model, n_ctx=2048, n_threads=args.threads))
    first = three = boundary = shown = total = 0
    started = time.perf_counter()
    try:
        for passage in passages:
            cut = cut_points(passage["text"], rng)
            if cut is None:
                continue
            before, after = cut
            total += 1
            result = complete_ghost(engine, CompletionRequest(before.rstrip() + " ", seed=total))
            if not result.candidates:
                continue
            suggestion = result.candidates[0].text
            shown += 1
            said, wrote = words(suggestion), words(after)
            first += bool(said and wrote and said[0] == wrote[0])
            three += bool(len(said) >= 3 and said[:3] == wrote[:3])
            boundary += bool(_BOUNDARY.search(suggestion.strip()))
    finally:
        engine.close()
    seconds = time.perf_counter() - started
    print(
        f"model: {model.name}; {total} cuts in {len(passages)} passages (seed {args.seed}), {seconds:.0f} s"
    )
    print(f"suggestions shown:                        {shown / max(total, 1):.3f} ({shown} of {total})")
    print(f"first word matches the author's:          {first / max(total, 1):.3f}")
    print(f"first three words match:                  {three / max(total, 1):.3f}")
    print(f"suggestions ending at a sentence/phrase:  {boundary / max(shown, 1):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
