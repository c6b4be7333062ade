"""Completion: a raw continuation of the text before the cursor, as a short ghost suggestion while the
user types or as N longer, ranked candidates ("continue writing"). None of our models is trained for
infill, so the prompt is the text before the cursor; the text after it only filters suggestions."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from writer_app.assist.candidates import CandidateListener
from writer_app.assist.ranking import generate_ranked
from writer_app.assist.text_input import check_text
from writer_app.assist.types import AssistResult, Candidate
from writer_app.assist.voice_samples import SEPARATOR, sample_budget, select_samples
from writer_app.engine.interface import TextEngine
from writer_app.engine.types import Sampling
from writer_app.errors import UserError
from writer_app.reward.quality import Reading
from writer_app.reward.ranker import ScoreRequest
from writer_app.reward.style_meter import StyleProfileStats

# The prompt starts at a paragraph boundary found from a multiple of this many characters, so it moves
# only when the text outgrows the context: consecutive requests share their cached prefix.
STABLE_STEP_CHARS = 2_000
MAX_SENT_CHARS = 100_000  # more than any context takes: the input check looks at this much
MAX_CHARS_PER_TOKEN = 8  # more than any prose needs: the first cut never drops text that would fit
GHOST_TOKENS = 24
LENGTHS = {"sentence": 48, "paragraph": 200}  # tokens for "continue writing"
VOICE_TAIL_CHARS = 4_000  # of the text before the cursor: what the voice's samples are chosen for
_SENTENCE_END = re.compile(r"[.!?…](?:[\"'”’)\]]*)(?=\s|$)")
_ABBREVIATION = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Mt|Prof|Sr|Jr|vs|etc|e\.g|i\.e|No|Fig)\.$", re.IGNORECASE)
_WORD_CHAR = re.compile(r"\w")


@dataclass(frozen=True)
class CompletionRequest:
    """A ghost suggestion at the cursor: to the end of the sentence or a short phrase."""

    text_before: str
    text_after: str = ""
    max_tokens: int = GHOST_TOKENS
    seed: int = 0


@dataclass(frozen=True)
class ContinueRequest:
    """Continue writing at the cursor: N candidates of a sentence, a paragraph, or about `words` words;
    with `samples` of a voice, in that voice (the samples go first, as earlier text by the same author)."""

    text_before: str
    text_after: str = ""
    length: str = "paragraph"  # "sentence", "paragraph" or "words"
    words: int = 0
    n_candidates: int = 3
    seed: int = 0
    temperature: float = 0.8
    samples: tuple[str, ...] = ()
    style: StyleProfileStats | None = None  # the samples' stored figures


def completion_prompt(engine: TextEngine, text_before: str, max_new: int, prefix: str = "") -> list[int]:
    """The text before the cursor as raw tokens (after a fixed `prefix`, e.g. samples of a voice),
    trimmed at a stable paragraph boundary to fit.

    The first cut is estimated from the budget (prose is rarely under two characters a token), so a
    long document is tokenized only near its end, not again for every step from its beginning.
    """
    budget = engine.n_ctx - max_new - 8
    room = budget - (engine.count_tokens(prefix) if prefix else 0)  # for the text itself
    if room <= 0:
        raise UserError("The model's context is too small for a continuation: choose a larger context.")
    text = text_before.rstrip(" \t")  # a trailing space would split the next word's token
    step = max(0, len(text_before) - room * MAX_CHARS_PER_TOKEN) // STABLE_STEP_CHARS
    while True:
        if step:
            cut = step * STABLE_STEP_CHARS
            if cut >= len(text_before):
                raise UserError("The text before the cursor does not fit the model's context.")
            boundary = text_before.find("\n\n", cut, cut + STABLE_STEP_CHARS)
            start = boundary if boundary >= 0 else cut
            text = text_before[start:].lstrip().rstrip(" \t")
        tokens = engine.raw_tokens(prefix + text)
        if len(tokens) <= budget:
            return tokens
        step += 1


def sentence_end(text: str) -> int:
    """Where the first sentence of `text` ends (after its closing quotes), or -1; "Mr." is no end."""
    for match in _SENTENCE_END.finditer(text):
        if not _ABBREVIATION.search(text[: match.start() + 1]):
            return match.end()
    return -1


def _join(text_before: str, continuation: str) -> str:
    """The continuation as it goes after the cursor: no doubled space after one the user typed."""
    if text_before[-1:] in (" ", "\t") and continuation.startswith(" "):
        return continuation[1:]
    return continuation


def ghost_suggestion(raw: str, text_before: str, text_after: str = "") -> str:
    """What to show after the cursor: one line, up to the end of the sentence; nothing mid-word and
    nothing the text after the cursor already says."""
    text = _join(text_before, raw).split("\n", 1)[0]
    end = sentence_end(text)
    if end >= 0:
        text = text[:end]
    text = text.rstrip()
    if not text.strip():
        return ""
    if text_before and _WORD_CHAR.match(text_before[-1]) and _WORD_CHAR.match(text[0]):
        return ""  # it would go on with the word the user is typing
    following = " ".join(text_after[:200].split())  # the next words are enough, and cheap per piece
    suggested = " ".join(text.split())
    if following and suggested and (following.startswith(suggested) or suggested.startswith(following[:40])):
        return ""
    return text


def complete_ghost(
    engine: TextEngine,
    request: CompletionRequest,
    cancel: threading.Event | None = None,
    listener: CandidateListener | None = None,
) -> AssistResult:
    """One short continuation, streamed; the listener sees the raw pieces."""
    prompt = completion_prompt(engine, request.text_before, request.max_tokens)
    sampling = Sampling(temperature=0.2, top_k=20, max_tokens=request.max_tokens, seed=request.seed)
    generation = engine.stream(prompt, sampling, cancel)
    pieces = []
    for piece in generation:
        pieces.append(piece)
        if listener is not None:
            listener.chunk(0, piece)
        if "\n" in piece or sentence_end("".join(pieces)) >= 0:
            break  # the suggestion ends with its sentence or line: no need to generate further
    # Leaving the stream at the sentence end is not a cancel, whatever the generation's stats say.
    cancelled = cancel is not None and cancel.is_set()
    text = "" if cancelled else ghost_suggestion("".join(pieces), request.text_before, request.text_after)
    reason = "cancelled" if cancelled else "stop"
    candidate = Candidate(0, text, request.seed, reason, generation.stats.generated_tokens)
    return AssistResult(engine.model_name, (candidate,) if text else (), cancelled=cancelled)


def clean_continuation(raw: str, text_before: str, length: str) -> str:
    """A continuation cut to what was asked: its first sentence, its first paragraph, or the longest
    run of whole sentences."""
    text = _join(text_before, raw)
    body = text.lstrip()
    # A model that starts a new paragraph keeps its paragraph break; one that goes on keeps its space.
    lead = "\n\n" if "\n" in text[: len(text) - len(body)] else text[: len(text) - len(body)]
    if length == "sentence":
        end = sentence_end(body)
        return lead + (body[:end] if end >= 0 else body).rstrip()
    if length == "paragraph":
        body = re.split(r"\n\s*\n", body, maxsplit=1)[0]
    ends = [
        end
        for end in (m.end() for m in _SENTENCE_END.finditer(body))
        if not _ABBREVIATION.search(body[:end].rstrip("\"'”’)]"))
    ]
    return lead + (body[: ends[-1]] if ends else body).rstrip()


def _before_a_new_passage(raw: str, samples: tuple[str, ...]) -> str:
    """With a voice's samples the prompt is passages between scene breaks: a continuation that writes
    a break has ended, and what follows it is another passage."""
    return raw.split(SEPARATOR.strip(), 1)[0] if samples else raw


def continue_writing(
    engine: TextEngine,
    request: ContinueRequest,
    *,
    cancel: threading.Event | None = None,
    listener: CandidateListener | None = None,
    load_s: float = 0.0,
    parallel: bool = True,
    read: Reading | None = None,
    partial: Callable[[AssistResult], None] | None = None,
) -> AssistResult:
    """N continuations of the text before the cursor, ranked by the reward."""
    check_text(request.text_before[-MAX_SENT_CHARS:], what="text to continue")  # only the end is sent
    max_new = int(request.words * 1.6) + 16 if request.length == "words" else LENGTHS.get(request.length, 200)
    prefix = ""
    if request.samples:  # the study's best prompt: the voice's samples as earlier text, then the user's
        tail = request.text_before[-VOICE_TAIL_CHARS:]
        reserved = min(engine.count_tokens(tail), engine.n_ctx // 4) + max_new + 16
        budget = sample_budget(engine.n_ctx, reserved)
        chosen = select_samples(request.samples, budget, engine.count_tokens, tail, request.style)
        prefix = SEPARATOR.join(chosen) + SEPARATOR
    prompt = completion_prompt(engine, request.text_before, max_new, prefix)
    sampling = Sampling(temperature=request.temperature, max_tokens=max_new, seed=request.seed)
    words = request.words if request.length == "words" else 0
    score = ScoreRequest(
        task="free",
        required_words=words,
        context_before=request.text_before[-2_000:],
        style_samples=request.samples,
        style_profile=request.style,
    )
    return generate_ranked(
        engine,
        prompt,
        sampling,
        request.n_candidates,
        lambda raw: clean_continuation(
            _before_a_new_passage(raw, request.samples), request.text_before, request.length
        ),
        score,
        nothing_usable="The model wrote nothing usable here: try again, or a larger model.",
        cancel=cancel,
        listener=listener,
        load_s=load_s,
        parallel=parallel,
        read=read,
        partial=partial,
    )
