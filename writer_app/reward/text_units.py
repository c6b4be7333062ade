"""Shared text units for the scorers: words, sentences, stop words, a light stemmer."""

from __future__ import annotations

import re
from dataclasses import dataclass

# CJK ideographs and kana are words of one character (those scripts put no spaces between words);
# other letters of any script form words, with an inner apostrophe ("don't", "l'homme").
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_LETTER = rf"(?:(?![{_CJK}])[^\W\d_])"
WORD = re.compile(rf"{_LETTER}+(?:['’]{_LETTER}+)?|[{_CJK}]|\d+")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
# A sentence ends at . ! ? … (and the CJK full stops), then closing quotes; a Latin-script end needs
# white space and a next sentence that does not start with a lower-case letter.
_SENTENCE_STOP = re.compile(r"[.!?…]+[\"'”’»)]*\s+|[。！？]+[”’」』）]*\s*")
_OPENERS = "\"'“‘(«„¿¡"
# English first; the other languages' lists leave out words that are English content words too
# ("die", "war", "hat", "den", "son").
_STOP_TEXT = """
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most my
myself no nor not now of off on once only or other our ours ourselves out over own same she should so
some such than that the their theirs them themselves then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your
yours yourself yourselves s t don shouldn wasn weren won isn aren didn doesn hadn hasn haven couldn
wouldn mightn mustn needn
und der das ein eine einen einem einer ist sind nicht mit auf für von zu dem des sich auch
als wie aber oder noch nur sehr wird werden haben ich du er sie es wir ihr
и в во не на что он она оно они мы вы я с со как а но по к у же бы за из от до для это был была было
были его её их то так все всё уже ещё или ли очень
και το τα η ο οι του της των με σε για από που να δεν θα είναι ήταν ένα μια πολύ στο στη στην
le la les un une des du de et est sont pas que qui dans pour sur avec au aux ce cette il elle nous vous
el los las y en por con para una es lo se del al como más muy pero
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
# Common CJK function characters: not content on their own.
_CJK_STOP = frozenset("的了是在和也就都而及与着或一个这那你我他她它们之于以")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


def words(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in WORD.finditer(text)]


def sentences(text: str) -> list[tuple[int, int]]:
    """Character ranges of the sentences of `text` (any script; CJK full stops need no space)."""
    ranges: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_STOP.finditer(text):
        following = text[match.end() : match.end() + 2].lstrip(_OPENERS)[:1]
        latin_stop = match.group()[0] in ".!?…"
        if latin_stop and following and following.islower():
            continue  # "e.g. the" or "…and then": not a sentence end
        end = match.start() + len(match.group().rstrip())
        if text[start:end].strip():
            ranges.append((start, end))
        start = match.end()
    if text[start:].strip():
        ranges.append((start, len(text.rstrip())))
    return ranges


def stem(word: str) -> str:
    """A crude stemmer: English suffixes ("walked", "walks" → "walk"); for Cyrillic and Greek words,
    whose endings inflect heavily, the first five letters."""
    word = word.lower().replace("’", "'")
    if word[:1] and not word[0].isascii() and _is_inflecting_script(word[0]):
        return word[:5]
    for suffix in ("ingly", "edly", "ings", "ing", "ied", "ies", "ed", "es", "ly", "s", "'s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _is_inflecting_script(char: str) -> bool:
    return "\u0370" <= char <= "\u052f"  # Greek and Cyrillic


def content_stems(text: str) -> list[str]:
    """The stems of a text's content words: no stop words, no short words (CJK characters count)."""
    stems = []
    for token in words(text):
        if _CJK_CHAR.match(token.text):
            if token.text not in _CJK_STOP:
                stems.append(token.text)
        elif token.lower not in STOP_WORDS and len(token.text) > 2:
            stems.append(stem(token.text))
    return stems
