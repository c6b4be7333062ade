"""Prints a benchmark's rows (measure, value, goal, met, detail) as an aligned table."""

from __future__ import annotations

import operator
from collections.abc import Sequence

Row = tuple[str, float, str, bool, str]


def print_table(rows: Sequence[Row]) -> None:
    name_width = max(len(row[0]) for row in rows) + 2
    goal_width = max(len(row[2]) for row in rows) + 1
    print(f"{'measure':{name_width}} {'value':>8}  {'goal':{goal_width}} {'ok':4} detail")
    for name, value, goal, ok, detail in rows:
        print(f"{name:{name_width}} {value:8.3f}  {goal:{goal_width}} {'yes' if ok else 'NO':4} {detail}")


_COMPARE = {
    "<": operator.lt,
    "<=": operator.le,
    "≤": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "≥": operator.ge,
}


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measured(name: str, value: float, goal: str = "-", detail: str = "") -> Row:
    """A row whose "met" is read off its goal ("< 16", "≤ 0.15", ">= 0.95"; "-" for no goal)."""
    if goal == "-":
        return name, value, goal, True, detail
    sign, limit = goal.split()
    return name, value, goal, _COMPARE[sign](value, float(limit)), detail
