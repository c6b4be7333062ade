"""The learned quality model: shipped weights, both heads, its reasons, and held-out LAMP pairs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from writer_app.reward.quality import FEATURES, WEIGHTS_FILE, QualityModel, quality_features, reasons
from writer_app.reward.ranker import ScoreRequest, rank_candidates

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
CLICHED = (
    "In today's fast-paced world, the bustling harbour was a testament to the rich tapestry of the town. "
    "It was truly, deeply beautiful, a beacon of hope where dreams intertwine, and in that moment she "
    "realized that something had changed forever in a way that words could never fully capture."
)
PLAIN = (
    "The harbour was busy by six. Fishermen swung crates of herring onto the quay while their wives "
    "haggled over ice, and she stood by the bollards and watched her father's boat come in low in "
    "the water, its nets still dripping."
)


def test_the_model_loads_from_the_shipped_file_with_both_heads() -> None:
    raw = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert "lamp_R_train" in raw["about"]["fitted_on"]
    model = QualityModel.load()
    assert set(model.text.weights) == set(FEATURES) and model.text.reading is None
    assert model.full.reading is not None and len(model.full.reading) == 576
    assert model.full.logit_per_point > 0 and model.text.logit_per_point > 0
    # the head is chosen by whether the scoring model read the text
    assert model.head(None) is model.text and model.head(np.zeros(576)) is model.full
    assert model.head(np.zeros(64)) is model.text  # another model's reading cannot be used
    assert model.head(np.zeros(1152)) is model.full  # the middle layers' part after it is not read
    assert model.head(np.zeros(1728)) is model.full  # nor the later layers' after that
    assert model.head(np.zeros(2304)) is model.text  # four parts: no reading of ours
    assert model.head(np.zeros(1000)) is model.text  # no model's reading of ours
    parts = model.full.contributions(dict.fromkeys(FEATURES, 0.0), np.r_[np.ones(576), np.full(576, 9.0)])
    assert parts["reading"] == pytest.approx(
        model.full.contributions(dict.fromkeys(FEATURES, 0.0), np.ones(576))["reading"]
    )


def test_slop_may_only_lower_a_score() -> None:
    model = QualityModel.load()
    for head in (model.text, model.full):
        for name in ("cliche", "purple_prose", "exposition", "vague", "abstraction"):
            assert head.weights[name] <= 0, (name, head.weights[name])


def test_a_clichéd_paragraph_and_its_plain_rewrite_are_ordered_right_with_text_features() -> None:
    model = QualityModel.load()
    assert model.score(quality_features(PLAIN).values) > model.score(quality_features(CLICHED).values)


def test_a_clichéd_paragraph_and_its_plain_rewrite_are_ordered_right_when_read(reader) -> None:
    model = QualityModel.load()
    plain, cliched = reader.embed(PLAIN), reader.embed(CLICHED)
    assert len(plain) == 3 * 576 and not np.allclose(plain, cliched)  # the last layer's, two bands'
    assert model.score(quality_features(PLAIN).values, plain) > model.score(
        quality_features(CLICHED).values, cliched
    )
    ranked = rank_candidates(ScoreRequest(task="free"), [CLICHED, PLAIN], read=reader.embed)
    assert [r.rank for r in ranked] == [2, 1]
    assert "cliché" in ranked[0].explanation
    for span in ranked[0].spans:  # the explanation's spans are the text's own words
        assert CLICHED[span.start : span.end] == span.text


def test_reasons_name_the_largest_shares_with_their_sign() -> None:
    weights = {"cliche": -0.2, "type_token_ratio": -0.1, "vague": -0.1}
    found = reasons({"cliche": -0.8, "reading": 0.5, "vague": -0.05, "type_token_ratio": 0.3}, weights)
    # the phrase follows the feature (less varied vocabulary raised this score), the number the effect
    assert found == [
        "clichés (−0.8)",
        "reads like the writing experts scored high (+0.5)",
        "repeated vocabulary (+0.3)",
    ]
    assert reasons({"type_token_ratio": -0.3}, weights) == ["varied vocabulary (−0.3)"]


def _val_pairs() -> list[tuple[str, str, bool]]:
    path = DATA / "lamp_PRE_val.json"
    if not path.is_file():
        pytest.skip(f"the LAMP data is not beside this checkout ({path})")
    pairs, seen = [], set()
    for item in json.loads(path.read_text(encoding="utf-8")):
        if item["sample_type"] == "pairwise":
            key = frozenset((item["paragraph1"], item["paragraph2"]))
            if key not in seen:
                seen.add(key)
                pairs.append(
                    (item["paragraph1"], item["paragraph2"], str(item["reference_preference"]) == "1")
                )
    return pairs


def test_shipped_text_head_agrees_with_experts_on_pairs_it_never_saw() -> None:
    model = QualityModel.load()
    pairs = _val_pairs()
    right = sum(
        (model.score(quality_features(a).values) > model.score(quality_features(b).values)) == first
        for a, b, first in pairs
    )
    assert right / len(pairs) >= 0.75


def test_shipped_full_head_agrees_with_experts_on_a_sample_of_pairs_it_never_saw(reader) -> None:
    model = QualityModel.load()
    pairs = _val_pairs()[:20]  # a sample: reading all of them takes a minute and a half

    def score(text: str) -> float:
        return model.score(quality_features(text).values, reader.embed(text))

    right = sum((score(a) > score(b)) == first for a, b, first in pairs)
    assert right / len(pairs) >= 0.75


def test_non_english_candidates_are_scored_and_say_quality_is_estimated_for_english_only() -> None:
    french = [
        "Le port était animé dès six heures. Les pêcheurs déchargeaient les caisses de harengs sur le quai.",
        "Le port, véritable témoignage de la riche tapisserie de la ville, était vraiment très beau.",
    ]
    ranked = rank_candidates(ScoreRequest(task="free"), french)
    assert all(0 <= r.score <= 10 for r in ranked)
    assert all("quality is only estimated for English" in r.explanation for r in ranked)
