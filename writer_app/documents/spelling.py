"""Spell checking with pyspellchecker's word lists (shipped in its wheel, twelve languages): the words
of a line to underline — Markdown code, URLs, e-mail addresses, numbers and acronyms skipped — their
suggestions, and a personal word list in the data folder."""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path

from writer_app.documents.file_io import atomic_write_bytes
from writer_app.errors import UserError

LANGUAGES = {
    "en": "English",
    "de": "German",
    "es": "Spanish",
    "fr": "French",
    "it": "Italian",
    "nl": "Dutch",
    "pt": "Portuguese",
    "ru": "Russian",
    "ar": "Arabic",
    "eu": "Basque",
    "fa": "Persian",
    "lv": "Latvian",
}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SKIP = re.compile(
    r"`[^`\n]*`"  # a Markdown code span
    r"|\b(?:https?|ftp)://\S+|\bwww\.\S+"  # a URL
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # an e-mail address
    r"|\S*\d\S*"  # anything with a digit: versions, dates, code
    r"|\]\([^)\s]*\)"  # a Markdown link's target
    r"|<[^>\n]+>"  # an HTML tag
)


SECOND_EDIT_MAX_LETTERS = 7  # two-edit suggestions: at most 0.2 s
_MAY_SKIP = re.compile(r"[`@\d<]|://|www\.|\]\(")  # a cheap test before the full one


class PersonalWords:
    """The user's own words, one file shared by every window (and every app instance): each addition
    re-reads the file and merges under a lock, so no window's word is lost."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.words: set[str] = set()
        self.unreadable = False
        self.reload()

    def reload(self) -> None:
        """The file's words (a word removed from the file by hand stays removed)."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError):
            self.unreadable = True  # never overwritten: adding a word says so instead
            return
        self.unreadable = False
        self.words = {line.strip() for line in lines if line.strip()}

    def add(self, word: str) -> None:
        from filelock import FileLock

        unreadable = UserError(f"The personal word list {self.path} cannot be read, so it is not changed.")
        if self.unreadable:
            raise unreadable
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(str(self.path) + ".lock", timeout=5):
                self.reload()
                if self.unreadable:
                    raise unreadable
                self.words.add(word)
                atomic_write_bytes(self.path, "".join(f"{w}\n" for w in sorted(self.words)).encode("utf-8"))
        except OSError as error:  # a lock that times out is one too
            raise UserError(f"The personal word list {self.path} could not be written ({error}).") from error


class Spelling:
    """One checker per window: its language's word list; the personal list is shared."""

    def __init__(self, personal: PersonalWords | Path, language: str = "en") -> None:
        self.personal_words = personal if isinstance(personal, PersonalWords) else PersonalWords(personal)
        self._lock = threading.Lock()
        self._lists: dict[str, object] = {}
        self.language = language if language in LANGUAGES else "en"
        self.ignored: set[str] = set()
        self._known = self._words(self.language)

    @property
    def personal(self) -> set[str]:
        return self.personal_words.words

    @property
    def personal_file(self) -> Path:
        return self.personal_words.path

    def _checker(self, language: str):
        from spellchecker import SpellChecker

        with self._lock:
            if language not in self._lists:
                self._lists[language] = SpellChecker(language=language, distance=2)
            return self._lists[language]

    def _words(self, language: str) -> dict[str, int]:
        return self._checker(language).word_frequency.dictionary  # type: ignore[attr-defined]

    def set_language(self, language: str) -> None:
        if language not in LANGUAGES:
            raise UserError(f"There is no word list for {language!r}: choose one of {', '.join(LANGUAGES)}.")
        self.language = language
        self._known = self._words(language)

    def is_known(self, word: str) -> bool:
        if word in self.personal or word in self.ignored:
            return True
        lower = word.lower()
        if lower in self._known or lower.replace("’", "'") in self._known:
            return True
        if len(word) > 1 and word.isupper():
            return True  # an acronym
        for suffix in ("'s", "’s", "s'", "s’"):
            if lower.endswith(suffix) and lower[: -len(suffix)] in self._known:
                return True
        return False

    def misspelled(self, text: str) -> list[tuple[int, int]]:
        """Spans of `text` (one line) to underline."""
        skipped = [(m.start(), m.end()) for m in _SKIP.finditer(text)] if _MAY_SKIP.search(text) else []
        spans = []
        for match in _WORD.finditer(text):
            start, end = match.span()
            if skipped and any(a <= start < b for a, b in skipped):
                continue
            if not self.is_known(match.group()):
                spans.append((start, end))
        return spans

    def suggestions(self, word: str, limit: int = 6) -> list[str]:
        """Likely corrections, the most frequent first, in the word's own case."""
        checker = self._checker(self.language)
        # Words one edit away come at once; two edits try every string two edits away (1.3 s for a
        # 14-letter word with no near match), so only short words get that second try.
        checker.distance = 1  # type: ignore[attr-defined]
        found = checker.candidates(word.lower()) or set()  # type: ignore[attr-defined]
        if not found and len(word) <= SECOND_EDIT_MAX_LETTERS:
            checker.distance = 2  # type: ignore[attr-defined]
            found = checker.candidates(word.lower()) or set()  # type: ignore[attr-defined]
        found.discard(word.lower())
        ranked = sorted(found, key=lambda w: -self._known.get(w, 0))[:limit]
        if word[:1].isupper():
            ranked = [w[:1].upper() + w[1:] for w in ranked]
        return ranked

    def add_to_dictionary(self, word: str) -> None:
        """Remember `word` in the personal list (merged and written atomically; survives a restart)."""
        self.personal_words.add(word)

    def ignore(self, word: str) -> None:
        """Accept `word` until the app quits."""
        self.ignored.add(word)


@functools.cache
def word_frequencies(language: str) -> tuple[dict[str, int], int]:
    """How often each word occurs in the language's reference list (the spelling lists' own counts),
    and their total: what a writer's word use is compared with."""
    from spellchecker import SpellChecker

    counts = SpellChecker(language=language, distance=1).word_frequency.dictionary
    return counts, sum(counts.values())
