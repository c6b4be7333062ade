"""Jobs: what the worker runs (a kind, an owner, a lane, a plain-data request) and the registry that
turns each kind into its assist function, so the worker has no per-feature branches."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from writer_app.assist.anti_slop import BANNING_KINDS, banning
from writer_app.assist.candidates import CandidateListener
from writer_app.assist.complete import CompletionRequest, ContinueRequest, complete_ghost, continue_writing
from writer_app.assist.draft import DraftRequest, write_draft
from writer_app.assist.imitate import ImitateRequest, imitate
from writer_app.assist.outline import PlanRequest, plan_draft
from writer_app.assist.ranking import rank_again
from writer_app.assist.review import DocumentReview, ReviewRequest, review_document
from writer_app.assist.rewrite import rewrite
from writer_app.assist.types import AssistResult, RescoreRequest, RewriteRequest, VoiceMatchRequest
from writer_app.engine.interface import TextEngine
from writer_app.reward.quality import Reading
from writer_app.reward.style_meter import StyleMatch
from writer_app.reward.voice_reading import voice_match


class Lane(Enum):
    """How a job shares the one engine (see `assist.lanes.Scheduler`)."""

    # ghost text and the Style panel's voice match: short, latest wins (any window's), skipped while a
    # user job runs
    INTERACTIVE = "interactive"
    USER = "user"  # rewrite, continue, imitate, plan: one at a time, other windows wait their turn
    BACKGROUND = "background"  # long drafts, reviews: yield to the other lanes at every token


@dataclass(frozen=True)
class Job:
    """Plain data: the kind picks the assist function, the request is that kind's frozen request."""

    kind: str
    request: object
    owner: int = 0  # the client (window) that asked
    lane: Lane = Lane.USER
    revision: int = 0  # the document's revision when the request's text was taken
    title: str = ""


@dataclass
class JobContext:
    """What a running job may use besides the engine: cancel, streaming, progress, yield points."""

    cancel: threading.Event
    listener: CandidateListener = field(default_factory=CandidateListener)
    load_s: float = 0.0
    progress: Callable[[int, int, str], None] = lambda done, total, unit: None  # e.g. words, sections
    # Candidates decoded together in the shared context; off for jobs that yield mid-generation (the
    # job that runs meanwhile may use that context).
    parallel: bool = True
    read: Reading | None = None  # the scoring model's reading of a text, for the quality model
    peek: Reading = lambda text: None  # the reading of a text read before, without reading
    partial: Callable[[object], None] = lambda result: None  # a result so far (a review's paragraphs)
    pause: Callable[[], None] = lambda: None  # a background job's yield point between steps
    banned: tuple[str, ...] = ()  # phrases kept out while generating (anti-slop; () when it is off)


AssistFunction = Callable[[TextEngine, object, JobContext], object]  # an AssistResult, a plan, a draft


RUN_PARTS = (
    "cancel",
    "listener",
    "load_s",
    "parallel",
    "read",
    "partial",
)  # what rewrite and continue writing take


def _with_context(feature: Callable[..., object], parts: tuple[str, ...] = RUN_PARTS) -> AssistFunction:
    """A feature that takes some of the context's parts as keywords, as a job."""

    def run(engine: TextEngine, request: object, context: JobContext) -> object:
        return feature(engine, request, **{part: getattr(context, part) for part in parts})

    return run


def _review(engine: TextEngine, request: object, context: JobContext) -> DocumentReview:
    return review_document(
        request,  # type: ignore[arg-type]
        read=context.read,
        peek=context.peek,
        cancel=context.cancel,
        partial=context.partial,
        pause=context.pause,
    )


def _voice_match(engine: TextEngine, request: object, context: JobContext) -> StyleMatch:
    """The voice match of a text; once replaced by a newer request, it reads nothing more (the meter's
    figure is returned, and dropped)."""
    read = context.read
    hearing = (lambda text: None if context.cancel.is_set() else read(text)) if read is not None else None
    voice: VoiceMatchRequest = request  # type: ignore[assignment]
    return voice_match(voice.text, voice.profile, voice.samples, hearing)


def _complete(engine: TextEngine, request: object, context: JobContext) -> AssistResult:
    return complete_ghost(engine, request, context.cancel, context.listener)  # type: ignore[arg-type]


# Each kind's request type is fixed by KINDS, so each function gets the request it expects.
ASSISTS: dict[str, AssistFunction] = {
    "rewrite": _with_context(rewrite),
    "complete": _complete,
    "continue": _with_context(continue_writing),
    "imitate": _with_context(imitate),
    "plan": _with_context(plan_draft, ("cancel", "listener")),
    "draft": _with_context(write_draft, ("cancel", "listener", "progress")),
    "review": _review,
    "rescore": lambda engine, request, context: rank_again(request, context.read),  # type: ignore[arg-type]
    "voice": _voice_match,
}
MODEL_FREE = frozenset(
    {"review", "rescore", "voice"}
)  # kinds that run without a writing model (the reader is their own)
KINDS: dict[type, str] = {
    RewriteRequest: "rewrite",
    CompletionRequest: "complete",
    ContinueRequest: "continue",
    ImitateRequest: "imitate",
    PlanRequest: "plan",
    DraftRequest: "draft",
    ReviewRequest: "review",
    RescoreRequest: "rescore",
    VoiceMatchRequest: "voice",
}


def kind_of(request: object) -> str:
    """The job kind of a request, by its type."""
    try:
        return KINDS[type(request)]
    except KeyError:
        raise TypeError(f"no assist function for {type(request).__name__}") from None


def run_job(engine: TextEngine, job: Job, context: JobContext) -> object:
    """Run `job` with its kind's assist function (with the context's banned phrases, where the
    kind writes prose)."""
    if context.banned and job.kind in BANNING_KINDS:
        engine = banning(engine, context.banned, job.request)
    return ASSISTS[job.kind](engine, job.request, context)
