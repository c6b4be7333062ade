"""Writing in a voice: rewrite a text, continue at the cursor, or write from an instruction in the voice
of a style profile's samples, which are chosen to fit the context and kept in a stable order so their
tokens stay a cached prefix between requests; candidates are ranked with the style meter."""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from writer_app.assist.candidates import CandidateListener
from writer_app.assist.cleaning import clean_output
from writer_app.assist.complete import clean_continuation, completion_prompt
from writer_app.assist.ranking import generate_ranked
from writer_app.assist.text_input import check_text
from writer_app.assist.types import AssistResult
from writer_app.engine.errors import ContextOverflowError
from writer_app.engine.interface import TextEngine
from writer_app.engine.types import Sampling
from writer_app.errors import UserError
from writer_app.reward.ranker import ScoreRequest
from writer_app.reward.style_meter import (
    CHUNK_WORDS,
    StyleProfileStats,
    build_profile,
    centre_distance,
    chunks,
    is_function_word,
)
from writer_app.reward.text_units import words

KINDS = ("rewrite", "continue", "write")
SEPARATOR = "\n\n* * *\n\n"  # between passages: a scene break, so none reads as the next one's start
STABLE_SHARE = 0.7  # of the sample budget: the most representative passages, the same for every task
MAX_SAMPLE_SHARE = 0.5  # of the context: the samples never crowd out the task and the answer
MAX_SAMPLE_TOKENS = 2_000  # enough to show a voice; more only costs prompt time
DEFAULT_WORDS = 150
SYSTEM_PROMPT = (
    "You are a writer with a gift for voices. The user shows you passages by one author, then asks "
    "for a text. Write it in that author's voice: their sentence length and rhythm, punctuation, "
    "vocabulary, tone and way with dialogue. Never copy the passages' sentences or their story.\n"
    "Output only the text: no title, no introduction, no notes."
)


@dataclass(frozen=True)
class ImitateRequest:
    """`kind` "rewrite" rewrites `text`; "continue" goes on from `text` (the text before the cursor);
    "write" writes about `words` words from `instruction`. `samples` are the voice's own writing."""

    kind: str
    samples: tuple[str, ...]
    text: str = ""
    instruction: str = ""
    words: int = 0
    text_after: str = ""
    n_candidates: int = 3
    seed: int = 0
    temperature: float = 0.8
    profile: StyleProfileStats | None = None  # the samples' stored figures, when they come from one
    profile_name: str = ""


def _content_words(text: str) -> Counter[str]:
    return Counter(w for w in (t.lower for t in words(text)) if len(w) > 2 and not is_function_word(w))


def _overlap(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(count * b[word] for word, count in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def select_samples(
    samples: tuple[str, ...] | list[str],
    budget_tokens: int,
    count_tokens: Callable[[str], int],
    task_text: str = "",
    stats: StyleProfileStats | None = None,
) -> list[str]:
    """Passages of the samples that fit `budget_tokens`: first the most representative of the voice
    (the same for every task, in the samples' own order, so their tokens stay a cached prefix), then
    the ones closest in subject to `task_text`, after them."""
    separator = count_tokens(SEPARATOR)
    for size in (CHUNK_WORDS, CHUNK_WORDS // 2, CHUNK_WORDS // 4):  # smaller passages for a small context
        pieces = chunks(list(samples), size)
        costs = [count_tokens(piece) + separator for piece in pieces]
        if costs and min(costs) <= budget_tokens * STABLE_SHARE:
            break
    if not pieces:
        return []
    stats = stats or build_profile(list(samples))
    distance = {i: centre_distance(piece, stats) for i, piece in enumerate(pieces)}
    representative = sorted(range(len(pieces)), key=lambda i: (distance[i], i))
    stable: list[int] = []
    spent = 0
    for i in representative:
        if spent + costs[i] > budget_tokens * (STABLE_SHARE if task_text.strip() else 1.0):
            continue
        stable.append(i)
        spent += costs[i]
    extra: list[int] = []
    if task_text.strip():
        topic = _content_words(task_text)
        rest = [i for i in range(len(pieces)) if i not in stable]
        for i in sorted(rest, key=lambda i: (-_overlap(topic, _content_words(pieces[i])), i)):
            if spent + costs[i] <= budget_tokens:
                extra.append(i)
                spent += costs[i]
    if not stable and not extra:
        raise ContextOverflowError(
            "The model's context is too small to show it even one passage of the samples: choose a "
            "larger context in Preferences."
        )
    return [pieces[i] for i in sorted(stable)] + [pieces[i] for i in sorted(extra)]


def _sample_budget(engine: TextEngine, reserved: int) -> int:
    return min(MAX_SAMPLE_TOKENS, int(engine.n_ctx * MAX_SAMPLE_SHARE), engine.n_ctx - reserved)


def _answer_tokens(request: ImitateRequest, engine: TextEngine) -> int:
    if request.kind == "rewrite":
        return int(engine.count_tokens(request.text) * 1.6) + 48
    if request.kind == "continue":
        return int(request.words * 1.6) + 16 if request.words else 200
    return int((request.words or DEFAULT_WORDS) * 1.6) + 32


def _chat_prompt(engine: TextEngine, request: ImitateRequest, max_new: int) -> list[int]:
    if request.kind == "rewrite":
        extra = f" ({request.instruction.strip()})" if request.instruction.strip() else ""
        task = (
            f"Rewrite the text below in the author's voice{extra}. Keep its meaning, names and facts.\n\n"
            f"Text:\n{request.text}"
        )
        task_text = request.text
    else:
        length = request.words or DEFAULT_WORDS
        task = f"In the author's voice, write about {length} words: {request.instruction.strip()}"
        task_text = request.instruction

    def messages(passages: list[str]) -> list[dict[str, str]]:
        shown = SEPARATOR.join(passages)
        return [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"Passages by the author:\n\n{shown}\n\n---\n\n{task}"},
        ]

    reserved = len(engine.chat_tokens(messages([]))) + max_new + 16
    if reserved >= engine.n_ctx:
        raise ContextOverflowError(
            "The text is too long for the model with room for the answer: select a shorter passage or "
            "choose a model with a larger context."
        )
    chosen = select_samples(
        request.samples, _sample_budget(engine, reserved), engine.count_tokens, task_text, request.profile
    )
    return engine.chat_tokens(messages(chosen))


def _continue_prompt(engine: TextEngine, request: ImitateRequest, max_new: int) -> list[int]:
    """The study's best prompt: the samples as earlier text by the same author, then the user's."""
    tail = request.text[-4_000:]
    reserved = min(engine.count_tokens(tail), engine.n_ctx // 4) + max_new + 16
    chosen = select_samples(
        request.samples, _sample_budget(engine, reserved), engine.count_tokens, tail, request.profile
    )
    return completion_prompt(engine, request.text, max_new, prefix=SEPARATOR.join(chosen) + SEPARATOR)


def check_request(request: ImitateRequest) -> None:
    """One sentence for a request that cannot be written."""
    if request.kind not in KINDS:
        raise UserError(f"Choose how to write in the voice: {', '.join(KINDS)} (not “{request.kind}”).")
    if not any(s.strip() for s in request.samples):
        raise UserError("There are no samples of the voice: choose a style profile or sample files.")
    if request.kind == "write":
        if not request.instruction.strip():
            raise UserError("Say what to write, e.g. “a letter declining an invitation”.")
    else:
        check_text(request.text, what="text to rewrite" if request.kind == "rewrite" else "text to continue")
    if request.n_candidates < 1:
        raise UserError("Ask for at least one candidate.")


def imitate(
    engine: TextEngine,
    request: ImitateRequest,
    *,
    cancel: threading.Event | None = None,
    listener: CandidateListener | None = None,
    load_s: float = 0.0,
    parallel: bool = True,
) -> AssistResult:
    """N texts in the voice, each ranked with the style meter among the reward's terms."""
    check_request(request)
    max_new = _answer_tokens(request, engine)
    profile = request.profile or build_profile(list(request.samples))
    if request.kind == "continue":
        prompt = _continue_prompt(engine, request, max_new)
        length = "words" if request.words else "paragraph"

        def clean(raw: str) -> str:
            return clean_continuation(raw, request.text, length)

        score = ScoreRequest(
            task="free",
            required_words=request.words,
            context_before=request.text[-2_000:],
            style_profile=profile,
        )
    else:
        prompt = _chat_prompt(engine, request, max_new)
        source = request.text if request.kind == "rewrite" else ""

        def clean(raw: str) -> str:
            text = clean_output(raw, source or request.instruction, same_shape=False)
            return clean_continuation(text, "", "words").strip()  # whole sentences if it ran out

        if request.kind == "rewrite":
            score = ScoreRequest(
                task="rewrite",
                source=request.text,
                instruction="in the author's voice",
                style_profile=profile,
            )
        else:
            score = ScoreRequest(
                task="free", required_words=request.words or DEFAULT_WORDS, style_profile=profile
            )
    sampling = Sampling(temperature=request.temperature, max_tokens=max_new, seed=request.seed)
    return generate_ranked(
        engine,
        prompt,
        sampling,
        request.n_candidates,
        clean,
        score,
        nothing_usable="The model wrote nothing usable in this voice: try again, or a larger model.",
        cancel=cancel,
        listener=listener,
        load_s=load_s,
        parallel=parallel,
    )
