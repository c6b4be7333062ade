"""Writing in a voice: rewrite a text, continue at the cursor, or write from an instruction in the voice
of a style profile's samples (chosen to fit the context, in a stable order so their tokens stay a
cached prefix between requests); candidates are ranked with the style meter among the reward's terms."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from writer_app.assist.candidates import CandidateListener
from writer_app.assist.cleaning import clean_output
from writer_app.assist.complete import MAX_SENT_CHARS, ContinueRequest, clean_continuation, continue_writing
from writer_app.assist.ranking import generate_ranked, misspellings
from writer_app.assist.text_input import check_text
from writer_app.assist.types import AssistResult
from writer_app.assist.voice_samples import SEPARATOR, sample_budget, select_samples
from writer_app.engine.errors import ContextOverflowError
from writer_app.engine.interface import TextEngine
from writer_app.engine.types import Sampling
from writer_app.errors import UserError
from writer_app.reward.quality import Reading
from writer_app.reward.ranker import ScoreRequest
from writer_app.reward.style_meter import StyleProfileStats, build_profile

KINDS = ("rewrite", "continue", "write")
DEFAULT_WORDS = 150
REWRITE_LEAD, REWRITE_KEEP = "Rewrite the text below", "Keep its meaning, names and facts."
REWRITE_TASK = REWRITE_LEAD + "{voice}{extra}. " + REWRITE_KEEP
PASSAGES_HEADER = "Passages by the author:"
WRITE_LEAD = "In the author's voice, write about"
WRITE_TASK = WRITE_LEAD + " {words} words: {instruction}"
# The prompts' labels and lines by kind: an answer that repeats one has lost its place, and ends there.
ECHOES = {
    "rewrite": ("Text:", PASSAGES_HEADER, REWRITE_LEAD, REWRITE_KEEP),
    "write": (PASSAGES_HEADER, WRITE_LEAD),
}
_ENDS_A_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*\s*$")
# A scene break ("* * *", "***", "---") on a line of its own after a blank line (not a heading's underline)
_BREAK_LINE = re.compile(r"(?:\A|\n[ \t]*\n)[ \t]*([*-])(?:[ \t]*\1){2,}[ \t]*(?=\n|\Z)")
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


def _answer_tokens(request: ImitateRequest, engine: TextEngine) -> int:
    if request.kind == "rewrite":
        return int(engine.count_tokens(request.text) * 1.6) + 48
    return int((request.words or DEFAULT_WORDS) * 1.6) + 32


def _chat_prompt(engine: TextEngine, request: ImitateRequest, max_new: int) -> list[int]:
    if request.kind == "rewrite":
        extra = f" ({request.instruction.strip()})" if request.instruction.strip() else ""
        task = REWRITE_TASK.format(voice=" in the author's voice", extra=extra) + f"\n\nText:\n{request.text}"
        task_text = request.text
    else:
        length = request.words or DEFAULT_WORDS
        task = WRITE_TASK.format(words=length, instruction=request.instruction.strip())
        task_text = request.instruction

    def messages(passages: list[str]) -> list[dict[str, str]]:
        shown = SEPARATOR.join(passages)
        return [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"{PASSAGES_HEADER}\n\n{shown}\n\n---\n\n{task}"},
        ]

    reserved = len(engine.chat_tokens(messages([]))) + max_new + 16
    if reserved >= engine.n_ctx:
        raise ContextOverflowError(
            "The text is too long for the model with room for the answer: select a shorter passage or "
            "choose a model with a larger context."
        )
    chosen = select_samples(
        request.samples,
        sample_budget(engine.n_ctx, reserved),
        engine.count_tokens,
        task_text,
        request.profile,
    )
    return engine.chat_tokens(messages(chosen))


def check_request(request: ImitateRequest) -> None:
    """One sentence for a request that cannot be written."""
    if request.kind not in KINDS:
        raise UserError(f"Choose how to write in the voice: {', '.join(KINDS)} (not “{request.kind}”).")
    if not any(s.strip() for s in request.samples):
        raise UserError("There are no samples of the voice: choose a style profile or sample files.")
    if request.kind == "write":
        if not request.instruction.strip():
            raise UserError("Say what to write, e.g. “a letter declining an invitation”.")
    elif request.kind == "rewrite":
        check_text(request.text, what="text to rewrite")
    else:  # only the end of the text before the cursor is sent
        check_text(request.text[-MAX_SENT_CHARS:], what="text to continue")
    if request.n_candidates < 1:
        raise UserError("Ask for at least one candidate.")


def _before_a_break(text: str, source: str) -> str:
    """The answer up to a scene-break line ("* * *", "---"): the prompt puts one between the samples and
    before the task, so a model that writes one is starting another passage (seen with the 135M model:
    a rewrite, then two passages of its own). A break that opens the answer is dropped; where the
    source or instruction has such lines itself, the answer is kept whole."""
    if _BREAK_LINE.search(source):
        return text
    body = text.strip()
    while opening := _BREAK_LINE.match(body):
        body = body[opening.end() :].strip()
    found = _BREAK_LINE.search(body)
    return body[: found.start()].strip() if found else body


def _whole_sentences(text: str, source: str) -> str:
    """New text that ran past its budget, cut back to whole sentences — unless it is a rewrite of a
    text that itself does not end a sentence (a heading, a list, verse)."""
    if source and not _ENDS_A_SENTENCE.search(source):
        return text
    return clean_continuation(text, "", "words").strip() or text


def imitate(
    engine: TextEngine,
    request: ImitateRequest,
    *,
    cancel: threading.Event | None = None,
    listener: CandidateListener | None = None,
    load_s: float = 0.0,
    parallel: bool = True,
    read: Reading | None = None,
    partial: Callable[[AssistResult], None] | None = None,
) -> AssistResult:
    """N texts in the voice, each ranked with the style meter among the reward's terms."""
    check_request(request)
    profile = request.profile or build_profile(list(request.samples))
    if request.kind == "continue":  # the samples as earlier text by the same author, then the user's
        continuation = ContinueRequest(
            request.text,
            request.text_after,
            length="words" if request.words else "paragraph",
            words=request.words,
            n_candidates=request.n_candidates,
            seed=request.seed,
            temperature=request.temperature,
            samples=request.samples,
            style=profile,
        )
        return continue_writing(
            engine,
            continuation,
            cancel=cancel,
            listener=listener,
            load_s=load_s,
            parallel=parallel,
            read=read,
            partial=partial,
        )
    request = replace(request, profile=profile)
    max_new = _answer_tokens(request, engine)
    prompt = _chat_prompt(engine, request, max_new)
    source = request.text if request.kind == "rewrite" else ""

    def clean(raw: str) -> str:
        given = source or request.instruction
        cleaned = clean_output(raw, given, same_shape=False, echoes=ECHOES[request.kind])
        cleaned = _before_a_break(cleaned, given)  # after a preamble or a code fence is gone
        return _whole_sentences(cleaned, source)

    if request.kind == "rewrite":
        score = ScoreRequest(
            task="rewrite",
            source=request.text,
            instruction="in the author's voice",
            source_errors=misspellings(request.text),
            style_samples=request.samples,
            style_profile=profile,
        )
    else:
        words = request.words or DEFAULT_WORDS
        score = ScoreRequest(
            task="free", required_words=words, style_samples=request.samples, style_profile=profile
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
        read=read,
        partial=partial,
    )
