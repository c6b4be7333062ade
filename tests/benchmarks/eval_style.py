"""Offline evaluation of the style meter on ../shared/data/authors.jsonl (seven public-domain authors):
authorship accuracy — samples are passages of one author; another passage of that author must come
closer than a passage of another author — also when samples and test passage come from different
works (Austen, Chesterton: topic cannot help). The background the meter measures against is fitted
without the two authors of each comparison, so the figures are for voices the meter never saw;
--fit writes the shipped background (fitted on every passage) first.

Run with `make eval-style`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.plain_style import style_similarity
from tests.benchmarks.table import measured, print_table
from writer_app.reward.style_meter import BACKGROUND_FILE, StyleBackground, build_profile, match

AUTHORS = Path(__file__).resolve().parents[3] / "shared" / "data" / "authors.jsonl"
SAMPLES = 8  # passages per profile (about 1,400 words)


def pairs_accuracy(rows, rng, cross_work: bool, trials: int) -> tuple[float, float]:
    """(meter accuracy, plain character n-gram TF-IDF accuracy) over `trials` sampled comparisons."""
    by_author = defaultdict(list)
    for row in rows:
        by_author[row["author"]].append(row)
    authors = sorted(by_author)
    if cross_work:
        authors = [a for a in authors if len({r["work"] for r in by_author[a]}) > 1]
    right = plain_right = total = 0
    backgrounds: dict[tuple[str, str], StyleBackground] = {}
    for _ in range(trials):
        author = rng.choice(authors)
        passages = by_author[author]
        if cross_work:
            works = sorted({r["work"] for r in passages})
            sample_work = rng.choice(works)
            pool = [r for r in passages if r["work"] == sample_work]
            tests = [r for r in passages if r["work"] != sample_work]
            if len(pool) < SAMPLES:
                continue
            samples = rng.sample(pool, SAMPLES)
            same = rng.choice(tests)
        else:
            chosen = rng.sample(passages, SAMPLES + 1)
            samples, same = chosen[:SAMPLES], chosen[SAMPLES]
        other_author = rng.choice([a for a in sorted(by_author) if a != author])
        other = rng.choice(by_author[other_author])
        # Honest: the background is fitted without both authors, as it would be for a user's own voice.
        pair = tuple(sorted((author, other_author)))
        if pair not in backgrounds:
            backgrounds[pair] = StyleBackground.fit([r["text"] for r in rows if r["author"] not in pair])
        background = backgrounds[pair]
        stats = build_profile([s["text"] for s in samples], background)
        right += (
            match(same["text"], stats, background).distance < match(other["text"], stats, background).distance
        )
        texts = [s["text"] for s in samples]
        plain_right += style_similarity(texts, same["text"]) > style_similarity(texts, other["text"])
        total += 1
    return right / max(1, total), plain_right / max(1, total)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=600)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--fit", action="store_true", help="fit the shipped background on every passage first"
    )
    args = parser.parse_args()
    rows = [json.loads(line) for line in AUTHORS.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.fit:
        background = StyleBackground.fit([r["text"] for r in rows])
        BACKGROUND_FILE.write_text(json.dumps(background.to_data(), indent=0) + "\n", encoding="utf-8")
        print(f"wrote {BACKGROUND_FILE} ({len(background.means)} features)")
    rng = random.Random(args.seed)
    same, same_plain = pairs_accuracy(rows, rng, False, args.trials)
    cross, cross_plain = pairs_accuracy(rows, rng, True, args.trials)
    print(f"Style meter on {AUTHORS.name}: {len(rows)} passages, profiles of {SAMPLES} passages")
    print_table(
        [
            measured("authorship accuracy", same, "≥ 0.95", f"char n-gram TF-IDF {same_plain:.3f}"),
            measured(
                "across works (Austen, Chesterton)", cross, "≥ 0.85", f"char n-gram TF-IDF {cross_plain:.3f}"
            ),
        ]
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
