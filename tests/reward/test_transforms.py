"""Transforms: a summary, key points and a bulleted list are judged by their form — shorter for a
summary, list lines for the lists — and the ranker puts the one that does what was asked first."""

from __future__ import annotations

from writer_app.assist.modes import MODES
from writer_app.reward.components import direction_fit
from writer_app.reward.ranker import ScoreRequest, rank_candidates

SOURCE = (
    "The council met on Tuesday to discuss the new budget. It had been delayed for weeks because "
    "members disagreed about how much money should go to the library and how much to the roads. In "
    "the end they agreed to split the money evenly and to review the decision next spring."
)
SUMMARY = "The council agreed to split the delayed budget evenly between the library and the roads."
LIST = (
    "- The council met on Tuesday about the new budget.\n"
    "- It was delayed for weeks by a dispute over the library and the roads.\n"
    "- The money is split evenly; the decision is reviewed next spring."
)


def test_the_transforms_are_summary_key_points_and_list() -> None:
    assert [m.key for m in MODES.values() if m.transform] == ["summarize", "key_points", "bullets"]


def test_a_summary_must_be_much_shorter() -> None:
    assert direction_fit("summarize", SOURCE, SUMMARY)[0] > 0.5
    assert direction_fit("summarize", SOURCE, SOURCE)[0] == -1.0


def test_lists_must_be_lists() -> None:
    value, reason = direction_fit("bullets", SOURCE, LIST)
    assert value == 1.0 and reason == "a list of 3 points"
    assert direction_fit("bullets", SOURCE, SOURCE) == (-1.0, "not a list")
    assert direction_fit("key_points", SOURCE, LIST)[0] > direction_fit("key_points", SOURCE, SUMMARY)[0]


def test_the_ranker_puts_the_asked_form_first() -> None:
    for mode, right, wrong in (
        ("summarize", SUMMARY, SOURCE.replace("Tuesday", "Monday")),
        ("bullets", LIST, SUMMARY),
    ):
        scored = rank_candidates(ScoreRequest(task="rewrite", source=SOURCE, mode=mode), [wrong, right])
        assert scored[1].rank == 1, (mode, scored)
