"""The cached set of model imitations of public-domain passages, shared by `make eval-style` and the
reward's evaluation. For each of the seven authors of ../shared/data/authors.jsonl, the first
SAMPLES_PER_AUTHOR passages are the samples of the voice and the next TESTS_PER_AUTHOR are the real
passages; for each real passage the model, with the same seed each time:
  - rewrites it in the author's voice given the samples ("rewrite", voice) — an imitation that retells
    the same content — and with the same instruction, less the voice, without samples ("rewrite", no voice);
  - continues its opening sentences in the voice ("continue", voice) — the study's best prompt — and
    the same without samples ("continue", no voice).
Generated once per model and kept as JSON lines in the user's cache folder (keyed by model file and
text), so later runs read them back.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

from writer_app.reward.text_units import sentences, words

AUTHORS = Path(__file__).resolve().parents[3] / "shared" / "data" / "authors.jsonl"
CACHE_DIR = Path(platformdirs.user_cache_dir("writer-app-eval", appauthor=False))
SAMPLES_PER_AUTHOR = 8
TESTS_PER_AUTHOR = 6
OPENING_WORDS = 40  # the continuation's prompt: whole sentences up to about this many words
SEED = 11
SET_VERSION = 2  # raised when the cleaning or the requests change what the texts would be


@dataclass(frozen=True)
class Imitation:
    author: str
    work: str
    real: str  # the author's own passage
    opening: str  # its first sentences (what a continuation goes on from)
    kind: str  # "rewrite" or "continue"
    voice: bool  # written with the author's samples
    seed: int
    model: str
    text: str  # what the model wrote


def load_authors() -> list[dict[str, str]]:
    if not AUTHORS.is_file():
        raise SystemExit(f"{AUTHORS} is missing: the evaluation reads the shared data beside the checkout.")
    return [json.loads(line) for line in AUTHORS.read_text(encoding="utf-8").splitlines() if line.strip()]


def split_authors(rows: list[dict[str, str]]) -> dict[str, tuple[list[dict], list[dict]]]:
    """Per author, in file order: (samples, real passages to imitate)."""
    by_author: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_author[row["author"]].append(row)
    return {
        author: (rows[:SAMPLES_PER_AUTHOR], rows[SAMPLES_PER_AUTHOR : SAMPLES_PER_AUTHOR + TESTS_PER_AUTHOR])
        for author, rows in sorted(by_author.items())
    }


def opening_of(text: str) -> str:
    """The passage's first whole sentences, about OPENING_WORDS words."""
    end = 0
    for _start, stop in sentences(text):
        end = stop
        if len(words(text[:end])) >= OPENING_WORDS:
            break
    return text[:end].strip()


def _prompts_digest() -> str:
    """What the texts depend on besides the model: a change to any prompt makes a new set."""
    from writer_app.assist import imitate, rewrite, voice_samples

    parts = (imitate.SYSTEM_PROMPT, imitate.REWRITE_TASK, voice_samples.SEPARATOR, rewrite.SYSTEM_PROMPT)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def _cache_path(model: Path) -> Path:
    digest = hashlib.sha256(f"{model.name}:{model.stat().st_size}".encode()).hexdigest()[:12]
    return CACHE_DIR / f"imitations-{model.stem}-{digest}.jsonl"


def load_or_generate(model: Path, threads: int, *, generate: bool = True) -> list[Imitation]:
    """The imitations of `model`, generated (about 10 minutes for the default model) when not cached."""
    path = _cache_path(model)
    wanted = SET_VERSION, SAMPLES_PER_AUTHOR, TESTS_PER_AUTHOR, SEED, _prompts_digest()
    if path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()
        header = json.loads(lines[0])
        if tuple(header["set"]) == wanted:
            return [Imitation(**json.loads(line)) for line in lines[1:]]
    if not generate:
        return []
    items = _generate(model, threads)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = [json.dumps({"set": list(wanted)})] + [json.dumps(asdict(item)) for item in items]
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    print(f"wrote {len(items)} imitations to {path}")
    return items


def _generate(model: Path, threads: int) -> list[Imitation]:
    from writer_app.assist.complete import ContinueRequest, continue_writing
    from writer_app.assist.imitate import REWRITE_TASK, ImitateRequest, imitate
    from writer_app.assist.rewrite import rewrite
    from writer_app.assist.types import RewriteRequest
    from writer_app.engine.llama_engine import LlamaEngine
    from writer_app.engine.types import EngineConfig

    engine = LlamaEngine(EngineConfig(model, n_ctx=4096, n_threads=threads))
    items: list[Imitation] = []
    once = {"n_candidates": 1, "seed": SEED}
    plain = REWRITE_TASK.format(voice="", extra="")  # the same instruction, without the author's voice
    started = time.perf_counter()
    try:
        for author, (samples, reals) in split_authors(load_authors()).items():
            voice = tuple(s["text"] for s in samples)
            for row in reals:
                real, opening = row["text"], opening_of(row["text"])
                rest = max(40, len(words(real)) - len(words(opening)))
                jobs = (
                    ("rewrite", True, imitate, ImitateRequest("rewrite", voice, text=real, **once)),
                    (
                        "rewrite",
                        False,
                        rewrite,
                        RewriteRequest(real, instruction=plain, **once),
                    ),
                    (
                        "continue",
                        True,
                        imitate,
                        ImitateRequest("continue", voice, text=opening, words=rest, **once),
                    ),
                    (
                        "continue",
                        False,
                        continue_writing,
                        ContinueRequest(opening, length="words", words=rest, **once),
                    ),
                )
                for kind, with_voice, feature, request in jobs:
                    try:
                        result = feature(engine, request)
                    except Exception as error:  # one failed generation is left out, and said
                        print(f"  {author} {kind} voice={with_voice}: {error}")
                        continue
                    if result.candidates:
                        text = result.candidates[0].text.strip()
                        made = (
                            author,
                            row["work"],
                            real,
                            opening,
                            kind,
                            with_voice,
                            SEED,
                            engine.model_name,
                            text,
                        )
                        items.append(Imitation(*made))
            print(f"  {author}: {len(items)} texts so far, {time.perf_counter() - started:.0f} s")
    finally:
        engine.close()
    return items
