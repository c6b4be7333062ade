"""The style meter on a fixed set of public-domain passages: a held-out passage of the profile's
author comes closer than passages of other authors; the percentile is calibrated on the samples;
the explanation names what differs; the profile round-trips as plain data."""

from __future__ import annotations

import json

from tests.reward.held_out import own_closer_share
from writer_app.reward.ranker import ScoreRequest, rank_candidates
from writer_app.reward.style_meter import StyleBackground, StyleProfileStats, build_profile, chunks, match


def test_a_held_out_passage_of_the_author_comes_closer_than_other_authors(passages) -> None:
    def meter_for(author: str):
        # The background is fitted without the profile's author: a voice the meter never saw.
        background = StyleBackground.fit(
            [t for a, texts in passages.items() if a != author for t in texts[:30]]
        )
        stats = build_profile(passages[author][:8], background)
        return lambda text: match(text, stats, background).distance

    assert own_closer_share(passages, meter_for, own=slice(40, 45), others=slice(40, 42)) > 0.8


def test_the_percentile_is_calibrated_on_the_samples_and_the_explanation_names_differences(passages) -> None:
    background = StyleBackground.fit([t for texts in passages.values() for t in texts[:20]])
    stats = build_profile(passages["austen"][:10], background)
    assert len(stats.calibration) == len(chunks(passages["austen"][:10]))
    own = match(passages["austen"][50], stats, background)
    dialogue = match('"Yes!" he cried. "No!" she said. "Why?" "Because!" ' * 6, stats, background)
    assert own.percentile > dialogue.percentile and own.score > dialogue.score
    assert "dialogue" in dialogue.explanation or "sentences" in dialogue.explanation
    assert StyleProfileStats.from_data(json.loads(json.dumps(stats.to_data()))) == stats


def test_the_shipped_background_loads() -> None:
    background = StyleBackground.load()
    assert len(background.ngrams) > 100 and len(background.means) == len(background.sigmas)


def test_the_ranker_measures_style_with_the_meter(passages) -> None:
    """The ranker's style term is the meter's: the author's own passage stands closer to the samples
    than another author's, the breakdown says so, and a far candidate is told what differs."""
    own, other = passages["austen"][50], passages["burgess"][50]
    request = ScoreRequest(task="free", style_samples=tuple(passages["austen"][:8]))
    scored = rank_candidates(request, [own, other])
    assert scored[0].breakdown["style"] > scored[1].breakdown["style"]
    assert scored[0].breakdown["style_match"] > scored[1].breakdown["style_match"]
    assert "style match" in scored[1].explanation and "(" in scored[1].explanation
    stats = build_profile(passages["austen"][:8])
    same = rank_candidates(ScoreRequest(task="free", style_profile=stats), [own, other])
    assert [s.breakdown["style"] for s in same] == [s.breakdown["style"] for s in scored]


def test_a_profile_of_about_300_words_is_calibrated_too(passages) -> None:
    samples = [" ".join(passages["austen"][0].split()[:160]), " ".join(passages["austen"][1].split()[:160])]
    stats = build_profile(samples)
    assert len(stats.calibration) >= 3  # on smaller pieces
    own = match(passages["austen"][30], stats)
    other = match(passages["burgess"][30], stats)
    assert 0 < own.percentile <= 100 and own.standing < other.standing
    short = build_profile(["Only a sentence or two. Nothing more."])  # too short to calibrate at all
    assert short.calibration == () and 0 <= match(passages["austen"][30], short).percentile <= 100


def test_without_a_voice_nothing_about_style_is_weighed(passages) -> None:
    text = passages["austen"][40]
    plain = rank_candidates(ScoreRequest(task="free"), [text])[0]
    assert not {"style", "style_match", "style_score", "copied"} & set(plain.breakdown)


def test_the_style_term_grows_from_30_words_and_skips_what_it_cannot_measure(passages) -> None:
    voice = tuple(passages["austen"][:8])
    sentence = "She could not think of it without a smile, and she said so to her sister at once. "
    weighed = []  # what the voice adds to the logit
    for count in (29, 31, 100):
        text = " ".join((sentence * 10).split()[:count]) + "."
        with_voice = rank_candidates(ScoreRequest(task="free", style_samples=voice), [text])[0]
        without = rank_candidates(ScoreRequest(task="free"), [text])[0]
        weighed.append(with_voice.breakdown["total_logit"] - without.breakdown["total_logit"])
    assert weighed[0] == 0.0 and abs(weighed[1]) < 0.1  # no jump at 30 words
    assert abs(weighed[2]) > abs(weighed[1])  # in full from 80
    russian = "Она не могла думать об этом без улыбки и сразу сказала об этом сестре. " * 6
    other = rank_candidates(ScoreRequest(task="free", style_samples=voice), [russian])[0]
    assert "style" not in other.breakdown  # the meter's function words are English
    fixed = rank_candidates(
        ScoreRequest(task="rewrite", source=sentence * 4, mode="grammar", style_samples=voice), [sentence * 4]
    )[0]
    assert "style" not in fixed.breakdown  # a grammar fix keeps the writer's own voice as it is


def test_quoting_the_text_being_rewritten_is_not_copying(passages) -> None:
    voice = tuple(passages["austen"][:8])  # a voice made from the very document being edited
    source = passages["austen"][3]
    light_edit = source.replace(",", ";", 1)
    scored = rank_candidates(ScoreRequest(task="rewrite", source=source, style_samples=voice), [light_edit])[
        0
    ]
    assert scored.breakdown["copied"] < 0.05 and "copies the samples" not in scored.explanation
