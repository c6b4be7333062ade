"""The reward tests' shared data: public-domain passages by seven authors, from ../shared/data."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

AUTHORS = Path(__file__).resolve().parents[3] / "shared" / "data" / "authors.jsonl"


@pytest.fixture(scope="session")
def passages() -> dict[str, list[str]]:
    """Each author's passages, in the file's order."""
    if not AUTHORS.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{AUTHORS} is missing: CI runs with shared/ beside the project")
        pytest.skip("shared/data is not beside the project")
    by_author: dict[str, list[str]] = {}
    for line in AUTHORS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        by_author.setdefault(row["author"], []).append(row["text"])
    return by_author
