"""Banned phrases kept out of a generation as it is sampled (the antislop sampler's idea): text that
may be the start of a banned phrase is held back; when a phrase completes, the generation backs up to
the token where it began and samples again with that token blocked there, a few times at most.

Phrases are lower-case words; a trailing "*" matches any word ending ("shimmer*"); they match at word
boundaries, ignoring case and the kind of whitespace and apostrophe, as the slop lexicon does.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

MAX_TRIES_PER_PLACE = 4  # blocked tokens at one place before the phrase is let through
MAX_BACKTRACKS = 48  # per generation: past this, phrases are let through (and counted)
_WORD = re.compile(r"\w")
_WORD_END = re.compile(r"\w*")


def phrase_regex(entry: str, word_end: bool = True) -> str:
    """The regular expression of one lexicon entry (lower-case words; a trailing "*" is any word
    ending): any whitespace between its words, either apostrophe, and with `word_end` a word
    boundary after it. The slop finder, the banned phrases and the user's own words share it."""
    stem = re.escape(entry.rstrip("*")).replace(r"\ ", r"\s+").replace("'", "['’]")
    return stem + (r"\w*" if entry.endswith("*") else r"\b" if word_end else "")


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("’", "'"))


class BannedPhrases:
    """A set of phrases: where a match may be forming, and where one is complete."""

    def __init__(self, phrases: tuple[str, ...]) -> None:
        entries = sorted({_normal(p).strip() for p in phrases if p.strip()}, key=len, reverse=True)
        self.stems = [(e.rstrip("*"), e.endswith("*")) for e in entries]
        # The end of a match is settled by `match` (the next character), so no boundary after it.
        alternatives = [phrase_regex(entry, word_end=False) for entry in entries]
        self._pattern = (
            re.compile(r"\b(?:" + "|".join(alternatives) + ")", re.IGNORECASE) if entries else None
        )
        self.longest = max((len(stem) for stem, _ in self.stems), default=0)
        # Every beginning of every phrase: whether a word may start one is a set lookup per token.
        self._beginnings = {stem[:i] for stem, _ in self.stems for i in range(1, len(stem) + 1)}
        self._open_stems = [stem for stem, open_end in self.stems if open_end]

    def __bool__(self) -> bool:
        return self._pattern is not None

    def _may_start(self, tail: str) -> bool:
        """Whether `tail` (from a word start to the end of the text) may still become a phrase."""
        tail = _normal(tail)
        if tail in self._beginnings:
            return True  # complete or not, the next character decides whether the word goes on
        return any(  # "shimmer" + "ing…": any ending of the word
            tail.startswith(stem) and _WORD_END.fullmatch(tail[len(stem) :]) for stem in self._open_stems
        )

    def hold_from(self, text: str, start: int) -> int:
        """The first index ≥ `start` from which `text` must be held back (a phrase may be forming)."""
        word_start = len(text)  # the last word's start: an open ending may make it long
        while word_start > start and _WORD.match(text[word_start - 1]):
            word_start -= 1
        first = max(start, min(len(text) - self.longest - 2, word_start))
        for i in range(first, len(text)):
            at_word_start = _WORD.match(text[i]) and (i == 0 or not _WORD.match(text[i - 1]))
            if at_word_start and self._may_start(text[i:]):
                return i
        return len(text)

    def match(self, text: str, start: int, end_after: int, final: bool) -> tuple[int, int] | None:
        """The first complete phrase starting at or after `start` and ending after `end_after` whose
        end is settled: a character that is not part of a word follows it, or the text is `final`."""
        if self._pattern is None:
            return None
        for found in self._pattern.finditer(text, start):
            if found.end() <= end_after:
                continue
            if found.end() < len(text) and _WORD.match(text[found.end()]):
                continue  # "symphony" in "symphonyx": not the word
            if found.end() == len(text) and not final:
                return None  # the word may go on
            return found.start(), found.end()
        return None


@lru_cache(maxsize=8)
def banned_phrases(phrases: tuple[str, ...]) -> BannedPhrases:
    return BannedPhrases(phrases)


@dataclass
class PhraseGuard:
    """One sequence's watch: its tokens, where each one's text begins, what has been shown, and the
    tokens blocked at each place it backed up to."""

    phrases: BannedPhrases
    tokens: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # text offset where each token's text begins
    states: list[object] = field(default_factory=list)  # the UTF-8 decoder's state before each token
    text: str = ""
    shown: int = 0
    let_through: int = 0  # text before this offset is never checked again (a phrase let through)
    blocked: dict[int, set[int]] = field(default_factory=dict)
    tries: dict[int, int] = field(default_factory=dict)  # backups to each place
    backtracks: int = 0
    cap_hits: int = 0

    def add(self, token: int, piece: str, decoder_state: object) -> None:
        self.starts.append(len(self.text))
        self.states.append(decoder_state)
        self.tokens.append(token)
        self.text += piece

    def _token_at(self, offset: int) -> int:
        """The token whose text holds `offset`: the first of those starting at the same place (a
        token with no text of its own, half a character, belongs to the one that completes it)."""
        index = bisect.bisect_right(self.starts, offset) - 1
        return bisect.bisect_left(self.starts, self.starts[index])

    def _look_from(self) -> int:
        """Where a phrase that reaches into the unshown text may begin."""
        return max(self.let_through, self.shown - self.phrases.longest - 2, 0)

    def blocked_next(self) -> set[int]:
        """Tokens blocked at the place the next token goes."""
        return self.blocked.get(len(self.tokens), set())

    def back_to(self, final: bool = False) -> int | None:
        """The token index to back up to when a banned phrase has completed, else None (a phrase
        past the caps is let through and counted). A phrase that begins in text already shown (its
        continuation changed after a backup) is cut at its first token not yet shown."""
        found = self.phrases.match(self.text, self._look_from(), max(self.shown, self.let_through), final)
        if found is None:
            return None
        index = self._token_at(max(found[0], self.shown))
        if self.tries.get(index, 0) >= MAX_TRIES_PER_PLACE or self.backtracks >= MAX_BACKTRACKS:
            self.cap_hits += 1
            self.let_through = found[1]
            return self.back_to(final)
        self.blocked.setdefault(index, set()).add(self.tokens[index])
        self.tries[index] = self.tries.get(index, 0) + 1
        self.backtracks += 1
        return index

    def rewind(self, index: int) -> object:
        """Forget the tokens from `index` on; return the decoder state to go on from."""
        state = self.states[index]
        self.text = self.text[: self.starts[index]]
        self.let_through = min(self.let_through, len(self.text))  # what grows back is checked again
        del self.tokens[index:], self.starts[index:], self.states[index:]
        for place in [p for p in self.blocked if p > index]:
            del self.blocked[place]  # blocks further on belonged to the text just dropped
            self.tries.pop(place, None)
        return state

    def ready(self, final: bool = False) -> str:
        """The text that can be shown now: none of it can start a banned phrase any more, and no
        token is shown in part (a token a phrase begins in is where a backup goes)."""
        end = len(self.text)
        if not final:  # a phrase may also be forming from shown text (after a backup changed its end)
            hold = max(self.phrases.hold_from(self.text, self._look_from()), self.shown)
            if hold < end:
                end = self.starts[self._token_at(hold)]
        end = max(end, self.shown)
        piece, self.shown = self.text[self.shown : end], end
        return piece

    def step(
        self, token: int, piece: str, decoder_state: object, final: bool = False
    ) -> tuple[str, int | None]:
        """Take the next token: (text to show now, None), or ("", index to back up to)."""
        self.add(token, piece, decoder_state)
        back = self.back_to(final)
        return ("", back) if back is not None else (self.ready(final), None)

    def finish(self) -> tuple[str, int | None]:
        """At the end of the generation: the rest to show, or where to back up to."""
        back = self.back_to(final=True)
        return ("", back) if back is not None else (self.ready(final=True), None)


def block_tokens(logits: object, tokens: set[int]) -> None:
    """Make `tokens` impossible in a row of logits (a llama.cpp float pointer)."""
    for token in tokens:
        logits[token] = float("-inf")  # type: ignore[index]
