"""Fitting document context around a selection into a token budget."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from writer_app.engine.context_fit import fit_context


def words(text: str) -> int:
    return len(text.split())


def test_everything_is_kept_when_it_fits() -> None:
    assert fit_context("one two", "three", 10, words) == ("one two", "three")


def test_keeps_the_words_nearest_the_selection() -> None:
    before = " ".join(f"b{i}" for i in range(100)) + " "
    after = " " + " ".join(f"a{i}" for i in range(100))
    kept_before, kept_after = fit_context(before, after, 30, words)
    assert kept_before.split()[-1] == "b99"
    assert kept_after.split()[0] == "a0"
    assert words(kept_before) + words(kept_after) <= 30
    assert words(kept_before) >= 15  # most of the budget goes before the selection


def test_a_short_side_gives_its_budget_to_the_other() -> None:
    before = " ".join(f"b{i}" for i in range(100))
    kept_before, kept_after = fit_context(before, " end", 20, words)
    assert kept_after == " end"
    assert words(kept_before) == 19


def test_zero_budget_keeps_nothing() -> None:
    assert fit_context("a b", "c d", 0, words) == ("", "")


@given(
    st.lists(st.text(alphabet="abc ", min_size=1, max_size=6), max_size=40).map(" ".join),
    st.lists(st.text(alphabet="xyz \n", min_size=1, max_size=6), max_size=40).map(" ".join),
    st.integers(min_value=0, max_value=60),
)
def test_result_fits_and_is_the_near_end_of_each_side(before: str, after: str, budget: int) -> None:
    kept_before, kept_after = fit_context(before, after, budget, len)
    assert len(kept_before) + len(kept_after) <= max(budget, 0)
    assert before.endswith(kept_before)
    assert after.startswith(kept_after)
