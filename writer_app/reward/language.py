"""The language of a text: the script of its letters and, for long enough text, py3langid's guess."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache

# Fewer letters than these and a guess is not reliable enough to mark a candidate.
MIN_SCRIPT_LETTERS = 12
MIN_ID_LETTERS = 40
MIN_ID_PROBABILITY = 0.95
NAMES = {
    "ar": "Arabic",
    "bg": "Bulgarian",
    "ca": "Catalan",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "fa": "Persian",
    "fi": "Finnish",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "hr": "Croatian",
    "hu": "Hungarian",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sr": "Serbian",
    "sv": "Swedish",
    "th": "Thai",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "vi": "Vietnamese",
    "zh": "Chinese",
}
_CODES = {name.lower(): code for code, name in NAMES.items()}
# "Translate to german" names a language in any case; other instructions only with a capital and
# "in"/"into" ("rewrite it in Polish"), so "to polish the wording" asks for no language.
_TRANSLATE = re.compile(r"\btranslat\w*\b[^.]*?\b(?:in|into|to)\s+(?P<name>[A-Za-z]+)", re.IGNORECASE)
_WRITE_IN = re.compile(r"\b(?:[Ii]n|[Ii]nto)\s+(?P<name>[A-Z][a-z]+)\b")
_SCRIPT_NAMES = {"Han": "Chinese", "Kana": "Japanese", "Hangul": "Korean"}
# The scripts a language is written in (Latin when not listed).
_SCRIPTS = {
    "ru": {"Cyrillic"},
    "uk": {"Cyrillic"},
    "bg": {"Cyrillic"},
    "sr": {"Cyrillic", "Latin"},
    "el": {"Greek"},
    "zh": {"Han"},
    "ja": {"Kana", "Han"},
    "ko": {"Hangul"},
    "ar": {"Arabic"},
    "fa": {"Arabic"},
    "he": {"Hebrew"},
    "hi": {"Devanagari"},
    "th": {"Thai"},
}


@dataclass(frozen=True)
class Language:
    """What a text is written in: its script, and a language code when one could be told reliably."""

    script: str  # "Latin", "Cyrillic", "Greek", "Han", "Kana", "Hangul", "Arabic", ...
    code: str | None  # ISO 639-1, or None when the text is too short or the guess is unsure
    letters: int

    @property
    def name(self) -> str:
        if self.code:
            return NAMES.get(self.code, self.code)
        return _SCRIPT_NAMES.get(self.script, f"{self.script} script")


def _script_of(char: str) -> str | None:
    if not char.isalpha():
        return None
    code = ord(char)
    if 0x3040 <= code <= 0x30FF:
        return "Kana"
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF:
        return "Han"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
        return "Hangul"
    try:
        first = unicodedata.name(char).split(" ", 1)[0]
    except ValueError:
        return None
    return (
        first.title()
        if first
        in {"LATIN", "CYRILLIC", "GREEK", "ARABIC", "HEBREW", "DEVANAGARI", "THAI", "ARMENIAN", "GEORGIAN"}
        else "Other"
    )


def dominant_script(text: str) -> tuple[str, int]:
    """The script most of the letters are in and their count. Japanese mixes kana and kanji: where
    those two are the majority and a tenth of them is kana, the text counts as Kana (Japanese)."""
    counts = Counter(script for script in map(_script_of, text) if script)
    if not counts:
        return "", 0
    letters = sum(counts.values())
    kana, han = counts.get("Kana", 0), counts.get("Han", 0)
    if kana + han > letters / 2 and kana >= 0.1 * (kana + han):
        return "Kana", letters
    return counts.most_common(1)[0][0], letters


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=512)
def identify(text: str) -> Language:
    """The text's script, and its language where there is enough text for a confident guess."""
    script, letters = dominant_script(text)
    code = None
    if letters >= MIN_ID_LETTERS:
        guess, probability = _identifier().classify(text)
        if probability >= MIN_ID_PROBABILITY:
            code = str(guess)
    return Language(script, code, letters)


def is_english(text: str) -> bool:
    """Whether a text is (or may be) English: Latin script and not confidently another language."""
    language = identify(text)
    return language.script in ("", "Latin") and language.code in (None, "en")


def translation_targets() -> list[str]:
    """The languages a translation can be asked for by name (and checked), capitalised, sorted."""
    return sorted({name.capitalize() for name in _CODES if name.isalpha()})


def requested_language(instruction: str) -> str | None:
    """The language an instruction asks for ("translate into German" → "de"), else None."""
    for pattern in (_TRANSLATE, _WRITE_IN):
        for match in pattern.finditer(instruction or ""):
            code = _CODES.get(match.group("name").lower())
            if code:
                return code
    return None


def language_mismatch(source: str, candidate: str, instruction: str = "") -> str | None:
    """A note such as "in English, not Russian" when the candidate is in another language than asked.

    Without a requested language the candidate must keep the source's. Only judged where both texts
    are long enough: different scripts from MIN_SCRIPT_LETTERS letters on, different languages of one
    script only when py3langid is confident about both.
    """
    wanted = requested_language(instruction)
    got = identify(candidate)
    if got.letters < MIN_SCRIPT_LETTERS:
        return None
    if wanted is not None:
        wrong_script = got.script not in _SCRIPTS.get(wanted, {"Latin"})
        if wrong_script or (got.code is not None and got.code != wanted):
            return f"in {got.name}, not {NAMES[wanted]} as asked"
        return None
    had = identify(source)
    if had.letters < MIN_SCRIPT_LETTERS:
        return None
    if had.script != got.script and {had.script, got.script} != {"Han", "Kana"}:
        return f"in {got.name}, not {had.name}"
    if had.code and got.code and had.code != got.code:
        return f"in {got.name}, not {had.name}"
    return None
