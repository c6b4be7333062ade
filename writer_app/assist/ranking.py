"""Scores and ranks finished candidates with the reward, keeping generation order in the result."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path

from writer_app.assist.candidates import CandidateListener, generate_candidates
from writer_app.assist.types import AssistResult, Candidate, RescoreRequest, RewriteRequest, SlopSpan
from writer_app.documents.spelling import PersonalWords, Spelling
from writer_app.engine.interface import TextEngine
from writer_app.engine.types import Sampling
from writer_app.errors import UserError
from writer_app.reward.language import identify
from writer_app.reward.quality import Reading
from writer_app.reward.ranker import Fluency, Judge, ScoreRequest, rank_candidates
from writer_app.reward.slop import find_slop

# British spellings the (American) word list lacks: a word is known when its American form is.
_BRITISH = (
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ise", "ize"),
    ("yse", "yze"),
    ("our", "or"),
    ("ours", "ors"),
    ("tre", "ter"),
    ("ogue", "og"),
    ("lled", "led"),
    ("lling", "ling"),
)


@cache
def _spelling() -> Spelling:
    # No personal list: a path in a private folder that is never created.
    return Spelling(PersonalWords(Path(tempfile.mkdtemp(prefix="writer-app-")) / "none.txt"))


def _is_error(spelling: Spelling, word: str) -> bool:
    if word[:1].isupper():  # names, and words that start a sentence: not judged
        return False
    lower = word.lower()
    return not any(lower.endswith(uk) and spelling.is_known(lower[: -len(uk)] + us) for uk, us in _BRITISH)


def misspellings(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of the lower-case words of an English text that the spelling list knows in neither American
    nor British spelling (none for text not identified as English: no errors to credit a fix with)."""
    language = identify(text)
    if language.script != "Latin" or language.code != "en":
        return ()
    spelling, found, offset = _spelling(), [], 0
    for line in text.split("\n"):
        for start, end in spelling.misspelled(line):
            if _is_error(spelling, line[start:end]):
                found.append((offset + start, offset + end))
        offset += len(line) + 1
    return tuple(found)


def score_request_for(request: RewriteRequest) -> ScoreRequest:
    mode = "" if request.instruction.strip() else request.mode
    return ScoreRequest(
        task="rewrite",
        source=request.text,
        mode=mode,
        instruction=request.instruction,
        style_profile=request.style,
        style_samples=request.style_samples,
        source_errors=misspellings(request.text),
    )


def rank_result(
    result: AssistResult,
    request: ScoreRequest,
    *,
    fluency: Fluency | None = None,
    judge: Judge | None = None,
    read: Reading | None = None,
) -> AssistResult:
    """The same result with score, rank, breakdown, explanation and slop spans on every candidate."""
    if not result.candidates:
        return result
    texts = [c.text for c in result.candidates]
    scored = rank_candidates(request, texts, fluency=fluency, judge=judge, read=read)
    candidates: list[Candidate] = []
    for candidate, score in zip(result.candidates, scored, strict=True):
        spans = tuple(SlopSpan(s.category, s.start, s.end) for s in score.spans)
        merged = None if score.merged_into is None else result.candidates[score.merged_into].index
        candidates.append(
            replace(
                candidate,
                score=score.score,
                rank=score.rank,
                breakdown=score.breakdown,
                explanation=score.explanation,
                spans=spans,
                merged_into=merged,
            )
        )
    source_spans = tuple(SlopSpan(s.category, s.start, s.end) for s in find_slop(request.source).spans)
    return replace(result, candidates=tuple(candidates), source_spans=source_spans)


def rank_again(request: RescoreRequest, read: Reading | None = None) -> AssistResult:
    """The result with its candidates' texts replaced by `request.texts`, ranked again."""
    result = request.result
    edited = tuple(replace(c, text=text) for c, text in zip(result.candidates, request.texts, strict=True))
    return rank_result(replace(result, candidates=edited), result.score_request, read=read)  # type: ignore[arg-type]


def generate_ranked(
    engine: TextEngine,
    prompt: Sequence[int],
    sampling: Sampling,
    n: int,
    clean: Callable[[str], str],
    score: ScoreRequest,
    *,
    nothing_usable: str,
    cancel: threading.Event | None = None,
    listener: CandidateListener | None = None,
    load_s: float = 0.0,
    parallel: bool = True,
    context_trimmed: bool = False,
    read: Reading | None = None,
    partial: Callable[[AssistResult], None] | None = None,
) -> AssistResult:
    """N cleaned candidates from one prompt, ranked by `score`; `nothing_usable` is the sentence for
    a run that produced no usable text (a cancelled run returns what it has)."""
    run = generate_candidates(
        engine, prompt, sampling, n, clean, cancel=cancel, listener=listener, parallel=parallel
    )
    if not run.candidates and not run.cancelled:
        raise UserError(run.interrupted or nothing_usable)
    result = AssistResult(
        engine.model_name,
        tuple(run.candidates),
        run.timings(load_s),
        run.cancelled,
        context_trimmed,
        interrupted=run.interrupted,
        score_request=score,
    )
    if read is not None and partial is not None and result.candidates:
        partial(rank_result(result, score))  # at once on the text's features; the reading refines it
    return rank_result(result, score, read=read)
