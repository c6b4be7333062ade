"""The voice as the scoring model reads it: the samples' readings measured against themselves, a
held-out passage of the author standing closer than other authors' on a fixed set, joined with the
meter in the ranker (and for the Style panel's selection, measured as a card is), and left out (the
meter alone) wherever a reading is missing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.reward.held_out import own_closer_share
from writer_app.reward.ranker import ScoreRequest, rank_candidates
from writer_app.reward.style_meter import StyleMatch, build_profile, match
from writer_app.reward.voice_reading import (
    MIN_PASSAGES,
    READING_WORDS,
    ReadingSpace,
    joined,
    reading_spaces,
    voice_match,
    voice_reading,
)


@pytest.fixture
def read(reader):
    return reader.read


FLAT = ReadingSpace((0.0, 0.0, 0.0, 0.0))  # readings of width 4, as they come


def _passage(seed: int) -> str:
    return " ".join(f"word{seed}x{i}." if i % 12 == 11 else f"word{seed}x{i}" for i in range(READING_WORDS))


def test_the_samples_own_spread_is_the_yardstick() -> None:
    """Made-up readings: the centre's own direction stands well inside, the opposite far outside."""
    rng = np.random.default_rng(3)
    direction = rng.normal(size=16)
    vectors = {_passage(i): direction + rng.normal(scale=0.5, size=16) for i in range(5)}
    heard = voice_reading(list(vectors), vectors.get, [ReadingSpace(tuple(np.zeros(16)))])
    assert heard is not None and len(heard.parts) == 1
    part = heard.parts[0]
    assert part.standing(direction) < 0 < part.standing(-direction)
    assert abs(np.mean([part.standing(v) for v in vectors.values()])) < 1.5  # the samples are typical


def test_each_part_of_a_reading_is_measured_in_its_own_space() -> None:
    """A reading of three parts (the last layer's, the middle layers', the later layers'): each space
    reads its own, and a reading without the later parts is measured in those it has."""
    rng = np.random.default_rng(4)
    last, middle, later = rng.normal(size=8), rng.normal(size=8), rng.normal(size=8)
    vectors = {
        _passage(i): np.concatenate([part + rng.normal(scale=0.4, size=8) for part in (last, middle, later)])
        for i in range(5)
    }
    spaces = [ReadingSpace(tuple(np.zeros(8)), offset=offset) for offset in (0, 8, 16)]
    heard = voice_reading(list(vectors), vectors.get, spaces)
    assert heard is not None and [p.space.offset for p in heard.parts] == [0, 8, 16]
    near, far_middle = np.concatenate([last, middle, later]), np.concatenate([last, -middle, later])
    (a, b, c), (d, e, f) = heard.standings(near), heard.standings(far_middle)
    assert a == pytest.approx(d) and c == pytest.approx(f) and b < 0 < e  # only the middle part moved
    assert len(heard.standings(np.concatenate([last, middle]))) == 2  # the parts it has
    assert len(heard.standings(last)) == 1  # the last layer's part only
    narrow = {t: v[:16] for t, v in vectors.items()}
    assert len(voice_reading(list(narrow), narrow.get, spaces).parts) == 2


def test_too_few_passages_an_unread_one_or_another_width_leave_the_meter_alone() -> None:
    few = [_passage(i) for i in range(MIN_PASSAGES - 1)]
    assert voice_reading(few, lambda _t: np.ones(4), [FLAT]) is None
    enough = [_passage(i) for i in range(MIN_PASSAGES)]
    assert voice_reading(enough, lambda t: None if t == enough[1] else np.ones(4), [FLAT]) is None
    assert voice_reading(enough, lambda _t: np.ones(3), [FLAT]) is None
    assert voice_reading(enough, lambda _t: np.ones(20), [FLAT]) is None  # wider: another model's


def test_joined_averages_the_standings_and_scores_follow() -> None:
    meter = StyleMatch(score=4.0, percentile=10.0, distance=0.3, explanation="longer sentences", standing=2.0)
    closer, farther = joined(meter, [-2.0]), joined(meter, [2.0])
    assert closer.standing == 0.0 and farther.standing == 2.0
    assert joined(meter, [-2.0, -5.0]).standing == pytest.approx((2.0 - 2.0 - 4.0) / 3, abs=1e-3)  # clamped
    assert joined(meter, []) == meter
    assert closer.score > meter.score > farther.score and closer.percentile > farther.percentile
    assert closer.explanation == meter.explanation == farther.explanation  # the meter found it far too
    near = StyleMatch(score=7.0, percentile=50.0, distance=0.2, explanation="close in rhythm", standing=0.0)
    assert "read unlike the samples" in joined(near, [3.0]).explanation  # only the reading finds it far


def test_a_held_out_passage_of_the_author_reads_closer_than_other_authors(passages, read) -> None:
    last, middle, later = reading_spaces()
    assert middle.offset == len(last.origin) and later.offset == middle.offset + len(middle.origin)
    assert later.offset + len(later.origin) == len(read("A text."))
    for part in (0, 1, 2):

        def heard_in_part(author: str, part: int = part):
            heard = voice_reading(passages[author][:8], read)
            assert heard is not None and len(heard.parts) == 3
            return lambda text: heard.parts[part].standing(read(text))

        assert own_closer_share(passages, heard_in_part, own=slice(40, 43), others=slice(40, 41)) > 0.8


def test_the_ranker_joins_the_reading_where_the_scoring_model_reads(passages, read) -> None:
    samples = tuple(passages["melville"][:8])
    request = ScoreRequest(task="free", style_samples=samples)
    candidates = [passages["melville"][50], passages["burgess"][50]]
    ranked = sorted(rank_candidates(request, candidates, read=read), key=lambda c: c.index)
    heard = voice_reading(samples, read)
    profile = build_profile(list(samples))
    for candidate, text in zip(ranked, candidates, strict=True):
        expected = joined(match(text, profile), heard.standings(read(text)))
        assert candidate.breakdown["style_score"] == expected.score
        assert candidate.breakdown["style"] == pytest.approx(-max(-2.0, min(4.0, expected.standing)) / 2)
    melville, burgess = ranked
    assert melville.breakdown["style_score"] > burgess.breakdown["style_score"]


def test_a_voice_of_few_passages_is_pooled_with_a_typical_spread() -> None:
    """Three nearly equal readings would make any other text stand dozens of spreads away."""
    rng = np.random.default_rng(5)
    direction = rng.normal(size=16)
    vectors = {_passage(i): direction + rng.normal(scale=0.01, size=16) for i in range(MIN_PASSAGES)}
    heard = voice_reading(list(vectors), vectors.get, [ReadingSpace(tuple(np.zeros(16)))])
    assert heard is not None
    part = heard.parts[0]
    assert part.spread >= part.space.typical[1] / 2  # pooled: 3 typical ones in 6
    assert part.standing(rng.normal(size=16)) < 25


def test_a_rewrite_in_the_active_voice_is_read_against_its_samples(passages, read) -> None:
    from writer_app.assist.ranking import score_request_for
    from writer_app.assist.types import RewriteRequest

    samples = tuple(passages["melville"][:8])
    profile = build_profile(list(samples))
    rewrite = RewriteRequest(text=passages["melville"][52], style=profile, style_samples=samples)
    request = score_request_for(rewrite)
    candidates = [passages["melville"][53], passages["burgess"][53]]
    ranked = sorted(rank_candidates(request, candidates, read=read), key=lambda c: c.index)
    heard = voice_reading(samples, read)
    for candidate, text in zip(ranked, candidates, strict=True):
        expected = joined(match(text, profile), heard.standings(read(text)))
        assert candidate.breakdown["style_score"] == expected.score


def test_the_space_shrinks_the_directions_an_author_varies_in_and_round_trips() -> None:
    topic = (1.0, 0.0, 0.0)
    space = ReadingSpace((0.5, 0.5, 0.5), (topic,), (1.0,), (0.2, 0.05), offset=3)
    assert space.unit((9.0, 9.0, 9.0, 3.5, 0.5, 2.5)) == pytest.approx([0.0, 0.0, 1.0])  # topic gone
    half = ReadingSpace((0.0, 0.0, 0.0), (topic,), (0.5,))
    assert half.unit((2.0, 1.0, 0.0)) == pytest.approx([1 / 2**0.5, 1 / 2**0.5, 0.0])  # shrunk, not gone
    assert ReadingSpace.from_data(json.loads(json.dumps(space.to_data()))) == space
    shipped = reading_spaces()
    assert [part.offset for part in shipped] == [0, 576, 1152]  # the last layer's, the two bands'
    for part in shipped:
        assert len(part.directions) == len(part.shrink) > 0 and all(0.0 <= s < 1.0 for s in part.shrink)


def test_a_damaged_space_file_leaves_the_meter_alone(tmp_path: Path, monkeypatch) -> None:
    from writer_app.reward import voice_reading as module

    damaged = tmp_path / "voice_space.json"
    damaged.write_text('{"origin": [0.1, 0.2]', encoding="utf-8")
    monkeypatch.setattr(module, "SPACE_FILE", damaged)
    module.reading_spaces.cache_clear()
    try:
        assert module.reading_spaces() == ()
        enough = [_passage(i) for i in range(MIN_PASSAGES)]
        assert voice_reading(enough, lambda _t: np.ones(2)) is None  # no space: the meter alone
    finally:
        module.reading_spaces.cache_clear()


def test_a_short_candidate_is_measured_by_the_meter_alone(passages, read) -> None:
    samples = tuple(passages["melville"][:8])
    short = " ".join(passages["melville"][54].split()[:60])
    ranked = rank_candidates(ScoreRequest(task="free", style_samples=samples), [short], read=read)
    assert ranked[0].breakdown["style_score"] == match(short, build_profile(list(samples))).score


def test_a_texts_voice_match_is_measured_as_a_cards(passages, read) -> None:
    """The Style panel's figure for a selection is the figure the same text gets on a card."""
    samples = tuple(passages["melville"][:8])
    profile = build_profile(list(samples))
    short = " ".join(passages["melville"][56].split()[:60])
    texts = [passages["melville"][55], passages["burgess"][55], short]
    request = ScoreRequest(task="free", style_samples=samples, style_profile=profile)
    ranked = sorted(rank_candidates(request, texts, read=read), key=lambda c: c.index)
    for candidate, text in zip(ranked, texts, strict=True):
        assert voice_match(text, profile, samples, read).score == candidate.breakdown["style_score"]
    melville = texts[0]
    assert voice_match(melville, profile, samples, None) == match(melville, profile)  # no scoring model
    heard = voice_reading(samples, read)
    assert voice_match(melville, profile, samples, read) == joined(
        match(melville, profile), heard.standings(read(melville))
    )
    assert voice_match(short, profile, samples, read) == match(short, profile)  # too short to read
