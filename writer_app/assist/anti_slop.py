"""Slop kept out while generating: the slop lexicon's phrases and the user's own banned phrases —
minus those the user's own text uses — go with every sampling of a job, and the engine backs up
and samples again where one appears (engines without the `phrase_bans` capability, a model server,
ignore them: the ranker still ranks the candidates)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cache

from writer_app.assist.modes import MODES
from writer_app.assist.types import RewriteRequest
from writer_app.engine.interface import TextEngine
from writer_app.engine.phrase_guard import phrase_regex
from writer_app.engine.types import Sampling
from writer_app.reward.lexicon import CATEGORIES

BANNING_KINDS = frozenset({"rewrite", "continue", "imitate", "draft"})  # ghost text stays instant
MAX_USER_PHRASES = 200


def user_phrases(text: str) -> tuple[str, ...]:
    """A user's banned phrases from Preferences or a file: one per line or comma-separated."""
    found = (" ".join(part.split()).lower() for part in re.split(r"[,\n]", text))
    return tuple(dict.fromkeys(p for p in found if p))[:MAX_USER_PHRASES]


def all_phrases(own: Iterable[str] = ()) -> tuple[str, ...]:
    """The slop lexicon's phrases and the user's own."""
    lexicon = (phrase for phrases in CATEGORIES.values() for phrase in phrases)
    return tuple(dict.fromkeys([*lexicon, *own]))


@cache
def _pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"\b" + phrase_regex(phrase), re.IGNORECASE)


def keep_out(phrases: Sequence[str], own_text: str) -> tuple[str, ...]:
    """The phrases to ban: all but those the user's own text uses (a rewrite may keep their words)."""
    return tuple(p for p in phrases if not _pattern(p).search(own_text))


def improves(mode: str) -> bool:
    """Whether a preset rewrite is to improve the text (so its slop may go): not a grammar fix, and
    not a transform, which keeps the text's information in another form."""
    return mode in MODES and mode != "grammar" and not MODES[mode].transform


def request_text(request: object) -> str:
    """The user's own words in a request, which stay allowed: the text, its samples, the instruction,
    a plan's lines. A preset rewrite that is to improve the text may lose the slop of the text it
    rewrites, so nothing of it counts there (a grammar fix, a transform, a free instruction or a
    user's action keeps the text's own words)."""
    names = ("text", "text_before", "instruction")
    if isinstance(request, RewriteRequest) and not request.instruction and improves(request.mode):
        names = ("instruction",)
    parts = [str(getattr(request, name, "") or "") for name in names]
    parts += list(getattr(request, "samples", ()) or ())
    outline = getattr(request, "outline", None)
    if outline is not None:
        parts.append(outline.instruction)
        parts += [f"{s.title} {s.point}" for s in outline.sections]
    parts += list(getattr(request, "written", ()) or ())
    return "\n".join(parts)


class PhraseBanningEngine:
    """An engine whose samplings all carry `banned` (everything else is the wrapped engine's)."""

    def __init__(self, engine: TextEngine, banned: tuple[str, ...]) -> None:
        self._engine, self.banned = engine, banned

    def __getattr__(self, name: str) -> object:
        return getattr(self._engine, name)

    def stream(self, prompt_tokens: Sequence[int], sampling: Sampling, cancel: threading.Event | None = None):
        return self._engine.stream(prompt_tokens, replace(sampling, banned=self.banned), cancel)

    def stream_parallel(
        self,
        prompt_tokens: Sequence[int],
        samplings: Sequence[Sampling],
        cancel: threading.Event | None = None,
    ):
        banned = [replace(sampling, banned=self.banned) for sampling in samplings]
        return self._engine.stream_parallel(prompt_tokens, banned, cancel)


def banning(engine: TextEngine, phrases: Sequence[str], request: object) -> TextEngine:
    """`engine` with `phrases` banned for `request` (those its own text uses left out); `engine`
    itself when there is nothing to ban."""
    banned = keep_out(phrases, request_text(request)) if phrases else ()
    return PhraseBanningEngine(engine, banned) if banned else engine  # type: ignore[return-value]
