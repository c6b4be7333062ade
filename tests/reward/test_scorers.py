"""Each scorer on hand-written cases, and the ranker's determinism and explanations."""

from __future__ import annotations

import pytest

from writer_app.reward.components import (
    direction_fit,
    length_score,
    meaning_preservation,
    near_duplicate,
)
from writer_app.reward.quality import QualityModel, quality_features
from writer_app.reward.ranker import ScoreRequest, rank_candidates
from writer_app.reward.slop import find_slop

CLICHED = (
    "The bustling market was a testament to the rich tapestry of the town, and it was truly, "
    "deeply beautiful. In that moment, she realized that something had changed forever."
)
PLAIN = "The market filled the square every Tuesday. She bought figs from the same stall as her mother."


def spans_text(text: str, category: str) -> list[str]:
    return [s.text.lower() for s in find_slop(text).spans if s.category == category]


def test_slop_spans_point_at_the_right_words() -> None:
    assert spans_text(CLICHED, "cliche") == ["bustling", "a testament to", "rich tapestry"]
    assert spans_text(CLICHED, "vague_intensifier") == ["truly", "deeply"]
    assert "she realized" in spans_text(CLICHED, "unnecessary_exposition")
    assert "something" in spans_text(CLICHED, "empty_abstraction")
    for span in find_slop(CLICHED).spans:
        assert CLICHED[span.start : span.end] == span.text
    assert find_slop(PLAIN).spans == ()


def test_tense_switches_are_found_outside_quotes() -> None:
    mixed = "She was tired. She walks home. He is late. They were gone. It is cold."
    assert spans_text(mixed, "tense_inconsistency")
    quoted = 'She was tired. "It is late," he said. "Is it?" She was sure.'
    assert spans_text(quoted, "tense_inconsistency") == []


def test_repetition_is_found() -> None:
    text = "The garden was quiet. The garden gate creaked. Nobody tended the garden anymore."
    assert spans_text(text, "repetition").count("garden") == 3


def test_clichéd_paragraph_scores_worse_than_its_plain_rewrite() -> None:
    model = QualityModel.load()
    assert model.logit(quality_features(PLAIN).values) > model.logit(quality_features(CLICHED).values)
    free = rank_candidates(ScoreRequest(task="free"), [CLICHED, PLAIN])
    assert free[1].score > free[0].score and free[1].rank == 1


def test_meaning_preservation() -> None:
    source = "The committee approved the budget for the new library on Monday."
    assert meaning_preservation(source, "On Monday the committee approved the new library's budget.") > 0.8
    assert meaning_preservation(source, "Dogs enjoy long walks in the park.") < 0.2
    assert meaning_preservation("", "anything") == 1.0


def test_length_score_follows_longwriter() -> None:
    assert length_score(1000, 1000) == 100
    assert length_score(1000, 2000) == pytest.approx(100 * (1 - 1 / 3))
    assert length_score(1000, 500) == pytest.approx(50)
    assert length_score(1000, 5000) == 0
    assert length_score(1000, 0) == 0


def test_direction_checks() -> None:
    long = "We would like to take this opportunity to let you know that the office will be closed."
    assert direction_fit("concise", long, "The office will be closed.")[0] > 0.5
    assert direction_fit("concise", long, long + " Thank you so much for all of it.")[0] < 0
    assert direction_fit("expand", "It rained.", "It rained all night, and the river rose.")[0] > 0.5
    assert direction_fit("formal", "We can't come, it's late.", "We cannot attend; it is late.")[0] > 0
    simple = "It rained, so we stayed in."
    assert direction_fit("simplify", "Owing to precipitation, we remained indoors.", simple)[0] > 0


def test_near_duplicates_are_merged_and_ranked_last() -> None:
    source = "The meeting have been moved to thursday because the room was not available."
    a = "The meeting has been moved to Thursday because the room was not available."
    b = "The meeting has been moved to Thursday because the room was not available!"
    c = "The meeting moved to Thursday: the room was taken."
    scored = rank_candidates(ScoreRequest(task="rewrite", source=source, mode="grammar"), [a, b, c])
    merged = [s for s in scored if s.merged_into is not None]
    assert len(merged) == 1 and merged[0].rank == 3
    assert scored[merged[0].merged_into].merged == (merged[0].index,)
    assert near_duplicate(a, b) and not near_duplicate(a, c)


def test_ranking_is_deterministic_and_explained() -> None:
    request = ScoreRequest(task="rewrite", source=CLICHED, mode="concise")
    candidates = [PLAIN, "The market was busy. She realized things had changed.", "Cats sleep a lot."]
    first = rank_candidates(request, candidates)
    assert first == rank_candidates(request, candidates)
    best = min(first, key=lambda s: s.rank)
    assert best.index == 1  # keeps more of the meaning than the unrelated or the plain rewrite
    assert "removes" in best.explanation and "clichés" in best.explanation
    assert "loses meaning" in first[2].explanation
    assert first[2].score < first[0].score < best.score


def test_judge_and_fluency_hooks_change_the_ranking() -> None:
    request = ScoreRequest(task="free")
    texts = ["First text here.", "Second text here."]
    plain = rank_candidates(request, texts)
    judged = rank_candidates(request, texts, judge=lambda a, b: 0.9 if a.startswith("Second") else 0.1)
    assert judged[1].breakdown["judge"] > 0 > judged[0].breakdown["judge"]
    assert judged[1].score > plain[1].score
    fluent = rank_candidates(request, texts, fluency=lambda text: -1.0 if text.startswith("First") else -3.0)
    assert fluent[0].breakdown["fluency"] > 0
    # reported, not weighed: on LAMP the model finds the better paragraph the less likely one
    assert [s.score for s in fluent] == [s.score for s in plain]


def test_a_requested_length_outweighs_the_preference_for_short_paragraphs() -> None:
    sentence = "The ferry left at dawn and the gulls followed it out past the breakwater. "
    half, full = sentence * 10, sentence * 20  # 140 and 280 words
    ranked = rank_candidates(ScoreRequest(task="free", required_words=280), [half, full])
    assert [r.rank for r in ranked] == [2, 1]


def test_an_unchanged_text_is_marked_and_only_grammar_accepts_it() -> None:
    source = "The meeting moved to Thursday because the room was busy."
    concise = rank_candidates(
        ScoreRequest(task="rewrite", source=source, mode="concise"),
        [source, "The meeting moved to Thursday: the room was busy."],
    )
    assert concise[0].explanation.startswith("no change") and concise[0].rank == 2
    grammar = rank_candidates(ScoreRequest(task="rewrite", source=source, mode="grammar"), [source])
    assert grammar[0].explanation.startswith("no change") and "unchanged" not in grammar[0].breakdown


def test_a_concise_rewrite_beats_one_that_only_shuffles_words() -> None:
    # Candidates SmolLM2 gave for "Make concise" in the app, plus a real concise rewrite.
    source = (
        "The bustling market was a testament to the rich tapestry of the town, and it was truly, deeply "
        "beautiful. In that moment, she realized that something had changed forever."
    )
    shuffled = (
        "The bustling market was a testament to the rich tapestry of the town, and it had been forever "
        "changed. In that moment, she realized that something had changed everything."
    )
    concise = "The market was busy and beautiful. She felt something had changed."
    ranked = rank_candidates(
        ScoreRequest(task="rewrite", source=source, mode="concise"), [shuffled, source, concise]
    )
    assert [r.rank for r in ranked] == [2, 3, 1]
    assert ranked[0].breakdown["direction"] < 0  # not shorter: the task was not done


def test_without_an_original_the_explanation_says_what_the_text_has() -> None:
    plain, clichéd = rank_candidates(ScoreRequest(task="free"), [PLAIN, CLICHED])
    assert plain.explanation == "no slop found"
    assert clichéd.explanation.startswith("has ") and "clichés" in clichéd.explanation
    assert "adds" not in clichéd.explanation and plain.rank == 1


def test_a_grammar_fix_is_judged_by_what_it_keeps_and_a_cut_off_one_ranks_low() -> None:
    # Candidates SmolLM2 gave for "Fix grammar" from the command line, plus the ideal fix.
    source = (
        "The meeting have been moved to thursday because the room was not available, so everyone "
        "need to update there calendars."
    )
    cut_off = (
        "The meeting has been moved to Thursday, as the room is not available. To ensure everyone's "
        "calendars are updated, it's recommended to update"
    )
    loose = (
        "The meeting was moved to Thursday because of the room's availability, so everyone needs to "
        "update their calendars tomorrow."
    )
    dropped = "The meeting has been moved to Thursday because the room is not available."
    ideal = (
        "The meeting has been moved to Thursday because the room was not available, so everyone needs "
        "to update their calendars."
    )
    ranked = rank_candidates(
        ScoreRequest(task="rewrite", source=source, mode="grammar"), [cut_off, loose, dropped, ideal]
    )
    # The full fix first, then the loose one; the cut-off one that invents content and the fix that
    # lost a clause both well behind (each fails the task: which is worse is a close call).
    assert [r.rank for r in ranked][1::2] == [2, 1]
    assert max(ranked[0].score, ranked[2].score) < ranked[1].score / 2
    assert (
        ranked[0].explanation.startswith("ends mid-sentence") and "adds new content" in ranked[0].explanation
    )


def test_ends_mid_sentence() -> None:
    from writer_app.reward.components import ends_mid_sentence

    assert ends_mid_sentence("It rained.", "It rained all night and the")
    assert not ends_mid_sentence("It rained.", "It rained all night.")
    assert not ends_mid_sentence("a list item", "a list entry")  # the source has no full stop either
    assert not ends_mid_sentence("", "One line without a stop")
    assert ends_mid_sentence("", "The first sentence ends. The second one trails")


def test_added_content_and_the_grammar_length_check() -> None:
    from writer_app.reward.components import added_content

    source = "The meeting moved to Thursday."
    assert added_content(source, "The meeting has moved to Thursday.") == 0.0
    assert added_content(source, "The meeting moved to Thursday, so bring snacks and umbrellas.") > 0.4
    assert direction_fit("grammar", source, "The meeting has moved to Thursday.") == (0.0, "")
    value, reason = direction_fit("grammar", source, source + " Bring snacks, umbrellas and a map.")
    assert value == -1.0 and "longer" in reason


def test_a_grammar_fix_of_misspelled_words_beats_the_text_unchanged() -> None:
    from writer_app.assist.ranking import misspellings

    source = "We will recieve the parcel untill friday, and then the tenants can colect it from the office."
    fixed = "We will receive the parcel until Friday, and then the tenants can collect it from the office."
    errors = misspellings(source)
    assert [source[a:b] for a, b in errors] == ["recieve", "untill", "colect"]
    request = ScoreRequest(task="rewrite", source=source, mode="grammar", source_errors=errors)
    ranked = rank_candidates(request, [source, fixed])
    assert [r.rank for r in ranked] == [2, 1]
    assert ranked[1].breakdown["meaning_kept"] == 1.0  # the corrected words are not lost content
    clean = "We will receive the parcel until Friday."
    assert rank_candidates(ScoreRequest(task="rewrite", source=clean, mode="grammar"), [clean])[0].score > 5
    assert misspellings("Nous recevrons le colis vendredi, et les locataires pourront le récupérer.") == ()
    # names and British spellings are not errors: a grammar fix may leave them as they are
    british = "Priya organised the colour samples before the meeting, and Okafor criticised the plan."
    assert misspellings(british) == ()
    ranked = rank_candidates(ScoreRequest(task="rewrite", source=british, mode="grammar"), [british])
    assert "unchanged" not in ranked[0].breakdown


def test_a_comma_moved_is_no_rewrite_but_is_a_grammar_fix() -> None:
    source = "The harbour, is a place where dreams and hopes intertwine and the gulls cry all day."
    commas = "The harbour is a place where dreams and hopes intertwine, and the gulls cry all day."
    clarity = rank_candidates(ScoreRequest(task="rewrite", source=source, mode="clarity"), [commas])
    assert clarity[0].breakdown.get("unchanged") == -1.0 and "no change" in clarity[0].explanation
    grammar = rank_candidates(ScoreRequest(task="rewrite", source=source, mode="grammar"), [commas])
    assert "unchanged" not in grammar[0].breakdown and "no change" not in grammar[0].explanation
