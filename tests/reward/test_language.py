"""Scorers on any script: words, sentences and meaning in Russian, German, Greek and Chinese, and the
check that marks a candidate written in another language than its source."""

from __future__ import annotations

import pytest

from writer_app.reward.components import meaning_preservation
from writer_app.reward.language import identify, language_mismatch, requested_language
from writer_app.reward.ranker import ScoreRequest, rank_candidates
from writer_app.reward.text_units import content_stems, sentences, words

RUSSIAN = (
    "Старый маяк стоял на краю обрыва, и, честно говоря, он был очень-очень старым и разваливался во "
    "многих отношениях. Каждый вечер смотритель поднимался по лестнице и зажигал лампу."
)
RUSSIAN_FAITHFUL = (
    "Старый маяк стоял на краю обрыва и разваливался. Каждый вечер смотритель поднимался по лестнице "
    "и зажигал лампу."
)
RUSSIAN_UNRELATED = "Вчера в магазине продавали свежий хлеб, и мы купили два батона к ужину для всей семьи."
ENGLISH_ANSWER = (
    "The old lighthouse stood at the edge of the cliff and was falling apart. Every evening the keeper "
    "climbed the stairs and lit the lamp."
)
GERMAN = "Der alte Leuchtturm stand am Rand der Klippe. Jeden Abend stieg der Wärter die Treppe hinauf."
GREEK = "Ο παλιός φάρος στεκόταν στην άκρη του γκρεμού. Κάθε βράδυ ο φύλακας ανέβαινε τις σκάλες."
CHINESE = "古老的灯塔矗立在悬崖边上。每天晚上，看守人都会爬上楼梯点亮灯。"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Старый маяк стоял", ["Старый", "маяк", "стоял"]),
        ("Der Wärter stieg hinauf", ["Der", "Wärter", "stieg", "hinauf"]),
        ("Ο παλιός φάρος", ["Ο", "παλιός", "φάρος"]),
        ("古老的灯塔", ["古", "老", "的", "灯", "塔"]),
        ("l'homme don't café", ["l'homme", "don't", "café"]),
    ],
)
def test_words_of_every_script(text: str, expected: list[str]) -> None:
    assert [token.text for token in words(text)] == expected


@pytest.mark.parametrize("text", [RUSSIAN, GERMAN, GREEK, CHINESE])
def test_sentences_of_every_script(text: str) -> None:
    assert len(sentences(text)) == 2


def test_meaning_is_measured_in_every_language() -> None:
    assert meaning_preservation(RUSSIAN, RUSSIAN_FAITHFUL) > 0.6
    assert meaning_preservation(RUSSIAN, RUSSIAN_UNRELATED) < 0.1
    german = "Der alte Leuchtturm stand an der Klippe, und jeden Abend stieg der Wärter die Treppe hinauf."
    assert meaning_preservation(GERMAN, german) > 0.7
    assert meaning_preservation(GERMAN, "Wir kaufen morgen frisches Brot beim Bäcker.") < 0.1
    greek = "Ο παλιός φάρος στεκόταν στον γκρεμό, και κάθε βράδυ ο φύλακας ανέβαινε τις σκάλες."
    assert meaning_preservation(GREEK, greek) > 0.6
    assert meaning_preservation(CHINESE, "古老的灯塔立在悬崖边，看守人每晚爬上楼梯点灯。") > 0.6
    assert meaning_preservation(CHINESE, "今天我们去市场买了新鲜的水果。") < 0.2
    assert content_stems("我们的学校") == ["学", "校"]  # function characters are not content


@pytest.mark.parametrize(
    ("text", "code"), [(RUSSIAN, "ru"), (GERMAN, "de"), (GREEK, "el"), (ENGLISH_ANSWER, "en")]
)
def test_languages_are_identified(text: str, code: str) -> None:
    assert identify(text).code == code


def test_a_candidate_in_another_language_is_marked_unless_asked_for() -> None:
    assert language_mismatch(RUSSIAN, ENGLISH_ANSWER) == "in English, not Russian"
    assert language_mismatch(CHINESE, ENGLISH_ANSWER) == "in English, not Chinese"
    assert language_mismatch(GERMAN, ENGLISH_ANSWER) == "in English, not German"  # same script
    assert language_mismatch(RUSSIAN, RUSSIAN_FAITHFUL) is None
    assert language_mismatch(GREEK, "Ο φάρος στεκόταν στην άκρη του γκρεμού κάθε βράδυ.") is None
    assert language_mismatch(RUSSIAN, ENGLISH_ANSWER, "Translate this into English") is None
    assert language_mismatch(ENGLISH_ANSWER, GERMAN, "translate into German") is None
    assert language_mismatch(ENGLISH_ANSWER, RUSSIAN, "translate into German") is not None
    assert requested_language("Make it more formal") is None


def test_short_texts_are_not_judged() -> None:
    assert language_mismatch("Привет", "Hello") is None  # too few letters to be sure
    assert identify("Hallo Welt").code is None


def test_score_ranks_a_faithful_russian_rewrite_above_an_unrelated_one_and_an_english_answer() -> None:
    request = ScoreRequest(task="rewrite", source=RUSSIAN, mode="concise")
    faithful, unrelated, english = rank_candidates(
        request, [RUSSIAN_FAITHFUL, RUSSIAN_UNRELATED, ENGLISH_ANSWER]
    )
    assert faithful.rank == 1
    assert faithful.score > unrelated.score and faithful.score > english.score
    assert "keeps" in faithful.explanation
    assert "keeps the meaning" not in unrelated.explanation
    assert english.explanation.startswith("in English, not Russian")
    assert english.breakdown["language"] == -1.0


def test_a_requested_translation_is_not_judged_on_shared_words() -> None:
    request = ScoreRequest(task="rewrite", source=RUSSIAN, instruction="Translate into English")
    english, russian = rank_candidates(request, [ENGLISH_ANSWER, RUSSIAN_FAITHFUL])
    assert english.rank == 1
    assert "meaning" not in english.breakdown
    assert "not English as asked" in russian.explanation


def test_words_that_are_also_language_names_do_not_ask_for_a_language() -> None:
    assert requested_language("Rewrite it to polish the wording") is None
    assert requested_language("Set the scene in Paris") is None
    assert requested_language("Rewrite it in Polish") == "pl"
    assert requested_language("translate to german, please") == "de"


def test_a_quoted_japanese_word_does_not_make_english_text_japanese() -> None:
    source = "The dappled light, komorebi, fell through the trees onto the path every morning."
    candidate = "The light 木漏れ日 (こもれび) fell through the trees onto the path each morning."
    assert language_mismatch(source, candidate) is None
    kanji_only = "古灯台立於崖端每夜守者點燈照海上船隻"
    assert language_mismatch(ENGLISH_ANSWER, kanji_only, "translate into Japanese") is None


def test_outside_english_meaning_outweighs_the_english_quality_model() -> None:
    """From a real `rewrite --mode concise` of RUSSIAN with the default model: word salad with long
    made-up words ranked above a faithful (if timid) cut while the English-fitted quality model
    weighed in full."""
    salad = "Старый маяк стоял на крау, и говоря честь не знаком предпособла обрышательной ходитения вносны."
    timid = (
        "Старый маяк стоял на краю обрыва, и, честно говоря, он был очень-очень старым и разваливался "
        "во многих отношениях."
    )
    scored = rank_candidates(ScoreRequest(task="rewrite", source=RUSSIAN, mode="concise"), [salad, timid])
    assert scored[1].rank == 1
