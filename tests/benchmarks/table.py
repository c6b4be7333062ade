"""Prints a benchmark's rows (measure, value, goal, met, detail) as an aligned table."""

from __future__ import annotations

from collections.abc import Sequence

Row = tuple[str, float, str, bool, str]


def print_table(rows: Sequence[Row]) -> None:
    name_width = max(len(row[0]) for row in rows) + 2
    goal_width = max(len(row[2]) for row in rows) + 1
    print(f"{'measure':{name_width}} {'value':>8}  {'goal':{goal_width}} {'ok':4} detail")
    for name, value, goal, ok, detail in rows:
        print(f"{name:{name_width}} {value:8.3f}  {goal:{goal_width}} {'yes' if ok else 'NO':4} {detail}")
