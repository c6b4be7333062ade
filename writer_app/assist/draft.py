"""Writing a planned draft section by section (AgentWrite): each prompt holds the instruction and the
plan as a stable prefix, then the text so far (older sections summarised when it must fit), then the
step; a section stops near its budget at a sentence end, is continued when short, cut when over, and
written again when it repeats earlier text."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from writer_app.assist.candidates import CandidateListener
from writer_app.assist.draft_text import clean_section, repeated_share, summary_of, word_count
from writer_app.assist.outline import Outline, check_outline
from writer_app.assist.types import Candidate
from writer_app.engine.interface import TextEngine
from writer_app.engine.types import Sampling
from writer_app.errors import UserError
from writer_app.reward.components import length_score
from writer_app.reward.ranker import ScoreRequest, rank_candidates
from writer_app.reward.text_units import sentences

TOKENS_PER_WORD = 1.5  # English prose runs 1.2–1.4 tokens a word with these tokenizers; a margin
STOP_AT = 0.97  # a section may stop at a sentence end from this share of its budget
CUT_AT = 1.12  # beyond this share it is cut back to its last sentence end
SHORT_AT = 0.9  # below this share a section is continued
MAX_CONTINUATIONS = 2
MAX_REWRITES = 2  # a section repeating the text so far is written again at most this often
DRY_MULTIPLIER = 0.8  # llama.cpp's usual strength: repeating the text so far costs more the longer it runs
REPEATED_LIMIT = 0.3  # share of a section's 4-word sequences already in the draft
SYSTEM = (
    "You are a skilled writer. You write one section of a longer text at a time, going on from the "
    "text so far, in plain prose without headings or lists, and you never repeat what was written."
)


@dataclass(frozen=True)
class DraftRequest:
    """Write `outline`'s sections from `start` on; `written` are the texts of the sections before
    it (as the user may have edited them)."""

    outline: Outline
    written: tuple[str, ...] = ()
    seed: int = 0
    temperature: float = 0.8
    candidates_per_section: int = 1

    @property
    def start(self) -> int:
        return len(self.written)


@dataclass(frozen=True)
class SectionResult:
    index: int
    text: str
    words: int
    length_score: float
    passes: int  # generations that went into it: first pass, continuations, rewrites
    repeated: float  # share of its 4-word sequences already in the text before it
    seconds: float


@dataclass(frozen=True)
class DraftResult:
    model: str
    outline: Outline
    sections: tuple[SectionResult, ...]  # the sections written by this run
    texts: tuple[str, ...]  # every section's text so far, written earlier or now
    cancelled: bool = False
    seconds: float = 0.0

    @property
    def words(self) -> int:
        return sum(word_count(text) for text in self.texts)

    @property
    def length_score(self) -> float:
        return length_score(self.outline.target_words, self.words)


def _plan_block(outline: Outline) -> str:
    lines = [
        f"{number}. {section.title}: {section.point} ({section.words} words)"
        for number, section in enumerate(outline.sections, start=1)
    ]
    return "\n".join(lines)


def _step(outline: Outline, index: int) -> str:
    section = outline.sections[index]
    last = index == len(outline.sections) - 1
    ending = (
        "This is the last section: bring the whole text to a close."
        if last
        else "More sections follow: do not conclude or sum up the text."
    )
    return (
        f'Now write section {index + 1} of {len(outline.sections)}, "{section.title}": {section.point} '
        f"Write about {section.words} words. {ending} Write only the section's text, without its title."
    )


def section_messages(
    engine: TextEngine, outline: Outline, texts: list[str], index: int
) -> list[dict[str, str]]:
    """The chat for section `index`: instruction and plan first (a stable prefix the KV cache keeps),
    then the text so far — whole while it fits, else oldest sections as summaries, most recent
    whole — then the step."""
    plan = _plan_block(outline)
    head = f"Instruction: {outline.instruction}\n\nThe plan ({outline.target_words:,} words):\n{plan}\n\n"
    step = _step(outline, index)
    max_new = max_tokens_for(outline.sections[index].words)
    fixed = engine.count_tokens(SYSTEM) + engine.count_tokens(head) + engine.count_tokens(step) + 64
    budget = engine.n_ctx - max_new - fixed
    parts = [f"## {outline.sections[i].title}\n\n{texts[i].strip()}" for i in range(index)]
    summarised = 0
    while True:
        body = "\n\n".join(parts)
        if not body or engine.count_tokens(body) <= budget:
            break
        if summarised < index - 1:  # the most recent section stays whole
            title = outline.sections[summarised].title
            parts[summarised] = f"## {title}\n\n(In short) {summary_of(texts[summarised])}"
            summarised += 1
        elif len(parts) > 1:
            parts.pop(0)  # even the summaries do not fit: the oldest go
        elif len(parts[0]) > 200:
            parts[0] = "…" + parts[0][len(parts[0]) // 4 :]  # only the end of the latest section
        else:
            raise UserError(
                "The plan does not fit the model's context: use a larger context or fewer sections."
            )
    so_far = f"The text so far:\n\n{body}\n\n" if body else "Nothing has been written yet.\n\n"
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": head + so_far + step}]


def max_tokens_for(words: int) -> int:
    return int(words * CUT_AT * TOKENS_PER_WORD) + 32


def _ends_a_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", "!", "?", "…", '."', '!"', '?"', ".”", "!”", "?”"))


def _cut_to_sentence(text: str, words: int) -> str:
    """The longest run of whole sentences within `words` × CUT_AT (all of it when none ends)."""
    limit = words * CUT_AT
    kept = ""
    for _start, end in sentences(text):
        if word_count(text[:end]) > limit and kept:
            break
        kept = text[:end]
    return kept.rstrip() or text.rstrip()


class _SectionWriter:
    """Generates one section with length control, streaming its pieces as candidate `index`."""

    def __init__(
        self,
        engine: TextEngine,
        outline: Outline,
        texts: list[str],
        index: int,
        cancel: threading.Event | None,
        listener: CandidateListener,
        on_words: Callable[[int], None],
    ) -> None:
        self.engine, self.outline, self.texts, self.index = engine, outline, texts, index
        self.cancel, self.listener, self.on_words = cancel, listener, on_words
        self.budget = outline.sections[index].words
        self.passes = 0

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def write(self, seed: int, temperature: float) -> str:
        messages = section_messages(self.engine, self.outline, self.texts, self.index)
        text = ""
        for attempt in range(1 + MAX_CONTINUATIONS):
            prompt = self.engine.chat_tokens(messages, answer_start=text)
            wanted = self.budget - word_count(text)
            sampling = Sampling(
                temperature=temperature,
                max_tokens=max_tokens_for(max(wanted, 40)),
                seed=seed + attempt,
                stop_at_end=attempt == 0,  # a continuation goes on until the budget is met
                dry_multiplier=DRY_MULTIPLIER,
            )
            text = self._stream(prompt, sampling, text)
            self.passes += 1
            if self.cancelled() or word_count(text) >= SHORT_AT * self.budget:
                break
        return text

    def _stream(self, prompt: list[int], sampling: Sampling, text: str) -> str:
        pieces = [text]
        # Words are counted as they complete (up to the last space), so the token loop never
        # re-counts the whole section.
        done, tail = _split_at_last_space(text)
        counted = word_count(done)
        for piece in self.engine.stream(prompt, sampling, self.cancel):
            pieces.append(piece)
            self.listener.chunk(self.index, piece)
            if any(c.isspace() for c in piece) or piece.endswith((".", "!", "?")):
                done, tail = _split_at_last_space(tail + piece)
                counted += word_count(done)
                words_now = counted + word_count(tail)
                self.on_words(words_now)
                if words_now >= STOP_AT * self.budget and _ends_a_sentence(tail or done):
                    break  # near the budget, at a sentence end: the section is done
                if words_now > CUT_AT * self.budget:
                    break
            else:
                tail += piece
        return "".join(pieces)


def _split_at_last_space(text: str) -> tuple[str, str]:
    """(the text up to its last whitespace, the rest): complete words, and a word still growing."""
    cut = max(text.rfind(" "), text.rfind("\n"), text.rfind("\t")) + 1
    return text[:cut], text[cut:]


def write_draft(
    engine: TextEngine,
    request: DraftRequest,
    *,
    cancel: threading.Event | None = None,
    listener: CandidateListener | None = None,
    progress: Callable[[int, int, str], None] = lambda done, total, unit: None,
) -> DraftResult:
    """Write the sections from `request.start` on; each is reported by `listener.finished` as a
    Candidate (index = section, text = its final text), pieces streamed as `chunk`s and a rewrite
    announced by `restart`. A cancelled run returns the sections it finished."""
    outline = request.outline
    check_outline(outline)
    if request.start > len(outline.sections):
        raise UserError("The draft has more written sections than its plan: start it again.")
    listener = listener or CandidateListener()
    texts = list(request.written)
    done: list[SectionResult] = []
    started = time.perf_counter()
    before = sum(word_count(text) for text in texts)
    for index in range(request.start, len(outline.sections)):
        section_started = time.perf_counter()
        progress(before, outline.target_words, "words")
        text, passes, repeated = _best_section(
            engine, request, texts, index, cancel, listener, before, progress
        )
        if cancel is not None and cancel.is_set():
            break
        words = word_count(text)
        budget = outline.sections[index].words
        result = SectionResult(
            index,
            text,
            words,
            length_score(budget, words),
            passes,
            repeated,
            time.perf_counter() - section_started,
        )
        texts.append(text)
        done.append(result)
        before += words
        listener.finished(
            Candidate(index, text, request.seed, "stop", passes, explanation=f"{words} of {budget} words")
        )
        progress(before, outline.target_words, "words")
    cancelled = cancel is not None and cancel.is_set()
    elapsed = time.perf_counter() - started
    return DraftResult(engine.model_name, outline, tuple(done), tuple(texts), cancelled, elapsed)


def _best_section(
    engine: TextEngine,
    request: DraftRequest,
    texts: list[str],
    index: int,
    cancel: threading.Event | None,
    listener: CandidateListener,
    before: int,
    progress: Callable[[int, int, str], None],
) -> tuple[str, int, float]:
    """The section's text: the least repetitive of up to MAX_REWRITES + 1 tries, or with best-of-N
    the reward's pick among N; its passes and repeated share."""
    outline = request.outline
    budget = outline.sections[index].words
    earlier = "\n\n".join(texts)
    writer = _SectionWriter(
        engine,
        outline,
        texts,
        index,
        cancel,
        listener,
        lambda words: progress(before + words, outline.target_words, "words"),
    )
    tries: list[tuple[float, str]] = []
    wanted = max(1, request.candidates_per_section)
    for attempt in range(wanted + MAX_REWRITES):
        if attempt:
            listener.restart(index)
        seed = request.seed + 1000 * index + 100 * attempt
        raw = writer.write(seed, request.temperature)
        if writer.cancelled():
            return "", writer.passes, 0.0
        text = _cut_to_sentence(clean_section(raw, outline.sections[index].title), budget)
        if not text.strip():
            continue
        share = repeated_share(earlier, text)
        tries.append((share, text))
        if len(tries) >= wanted and min(s for s, _ in tries) <= REPEATED_LIMIT:
            break
    if not tries:
        raise UserError(
            f"The model wrote nothing usable for section {index + 1}: try again, or a larger model."
        )
    fresh = [t for t in tries if t[0] <= REPEATED_LIMIT] or [min(tries)]
    if len(fresh) == 1:
        share, text = fresh[0]
        return text, writer.passes, share
    score = ScoreRequest(task="free", required_words=budget, context_before=earlier[-2_000:])
    ranked = rank_candidates(score, [text for _, text in fresh])
    best = min(ranked, key=lambda s: s.rank)
    share, text = fresh[best.index]
    return text, writer.passes, share
