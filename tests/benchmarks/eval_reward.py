"""Validates the whole ranker on rewrites whose right answer is known, term by term, and checks that the
reward puts an author's own passage above the default model's imitation of it.

1. The hand-written rewrite cases (tests/benchmarks/rewrite_cases.json: 30 sources, one right and
   three wrong candidates each, never used to set a weight): the share of cases where the right
   candidate comes first, and of right-over-wrong pairs by the kind of wrong; then again with each term
   left out, so every term kept shows what it buys.
2. LAMP's versions of one text that the quality model never saw (lamp_PRE_val.json): the ranker asked
   to rewrite the experts' less-liked version, with the better-liked version and the text unchanged as
   candidates — the better version must come first, also with the unchanged penalty left out.
3. Human writing over imitations (the imitation set shared with `make eval-style`): the author's own
   passage against the default model's rewrite or continuation of it, by the quality model alone and
   by the whole ranker.

Run with `make eval` (after fit_quality). Prints figures; asserts nothing.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.embedding_cache import DEFAULT_MODEL, EmbeddingCache
from tests.benchmarks.imitation_set import load_or_generate
from tests.benchmarks.lamp_sets import load_val, version_pairs
from tests.benchmarks.table import measured, print_table
from writer_app.assist.ranking import score_request_for
from writer_app.assist.types import RewriteRequest
from writer_app.reward import ranker
from writer_app.reward.quality import quality_features
from writer_app.reward.ranker import ScoreRequest, rank_candidates

CASES = Path(__file__).with_name("rewrite_cases.json")
# Each term the ranker keeps, and how to leave it out (a weight set to 0 or a penalty to 0).
TERMS = {
    "quality": ("weight", "quality"),
    "meaning": ("weight", "meaning"),
    "direction": ("weight", "direction"),
    "unchanged": ("constant", "UNCHANGED_PENALTY"),
    "unfinished": ("constant", "UNFINISHED_PENALTY"),
    "added content": ("constant", "ADDED_CONTENT_WEIGHT"),
}


@contextlib.contextmanager
def patched(task_weights: dict[str, dict[str, float]], **constants: float) -> Iterator[None]:
    """The ranker with some task weights (and mode overrides of them) and constants set while the block
    runs; everything is put back after."""
    saved = ({t: dict(w) for t, w in ranker.TASK_WEIGHTS.items()}, dict(ranker.MODE_RULES))
    saved_constants = {name: getattr(ranker, name) for name in constants}
    try:
        for task, changed in task_weights.items():
            ranker.TASK_WEIGHTS[task].update(changed)
        for mode, rules in ranker.MODE_RULES.items():  # a mode's own weight for a term set to 0 is 0
            zeroed = {
                n: 0.0 for w in task_weights.values() for n, v in w.items() if v == 0 and n in rules.weights
            }
            if zeroed:
                ranker.MODE_RULES[mode] = replace(rules, weights={**rules.weights, **zeroed})
        for name, value in constants.items():
            setattr(ranker, name, value)
        yield
    finally:
        for task, weights in saved[0].items():
            ranker.TASK_WEIGHTS[task].update(weights)
        ranker.MODE_RULES.update(saved[1])
        for name, value in saved_constants.items():
            setattr(ranker, name, value)


def without(term: str) -> contextlib.AbstractContextManager[None]:
    """The ranker with one term left out (its weight or penalty 0) while the block runs."""
    kind, name = TERMS[term]
    if kind == "weight":
        return patched({task: {name: 0.0} for task in ranker.TASK_WEIGHTS})
    return patched({}, **{name: 0.0})


def case_request(case: dict) -> ScoreRequest:
    """The ranker's request for a case, as the app builds it for a rewrite of the case's source."""
    mode = case["mode"] or "clarity"
    return score_request_for(RewriteRequest(case["source"], mode=mode, instruction=case["instruction"]))


def weights(combo: dict[str, float]) -> contextlib.AbstractContextManager[None]:
    """The rewrite task's weights and the unchanged penalty set to `combo` while the block runs."""
    rewrite = {k: v for k, v in combo.items() if k != "unchanged"}
    return patched({"rewrite": rewrite}, UNCHANGED_PENALTY=combo["unchanged"])


def weight_search(cases: list[dict], read) -> tuple[dict[str, float], float, float]:
    """The combination of weights with the most right-first cases (ties: most right-over-wrong pairs),
    and its leave-one-case-out figure: each case judged by the combination chosen on the other 29."""
    grid = [
        {"quality": q, "meaning": m, "direction": d, "unchanged": u}
        for q in (1.0, 2.0, 3.0)
        for m in (1.0, 1.5)
        for d in (1.0, 2.0)
        for u in (-1.0, -2.0, -3.0)
    ]
    results = []  # per combination: (right first, right-over-wrong share) per case
    for combo in grid:
        with weights(combo):
            per_case = []
            for case in cases:
                first, pairs, _ = case_figures([case], read)
                per_case.append((first, pairs))
            results.append(per_case)

    def best(excluded: int | None) -> int:
        def total(k: int) -> tuple[float, float]:
            kept = [r for i, r in enumerate(results[k]) if i != excluded]
            return sum(f for f, _ in kept), sum(p for _, p in kept)

        return max(range(len(grid)), key=total)

    held_out = sum(results[best(i)][i][0] for i in range(len(cases))) / len(cases)
    chosen = best(None)
    return grid[chosen], sum(f for f, _ in results[chosen]) / len(cases), held_out


def case_figures(cases: list[dict], read) -> tuple[float, float, dict[str, float]]:
    """Right first (share of cases), right over each wrong (share of pairs), and that by kind."""
    first, pairs, by_kind = 0, [], defaultdict(list)
    for case in cases:
        texts = [case["right"]] + [w["text"] for w in case["wrong"]]
        request = case_request(case)
        scores = [s.score for s in rank_candidates(request, texts, read=read)]
        first += scores[0] > max(scores[1:])
        for wrong, score in zip(case["wrong"], scores[1:], strict=True):
            pairs.append(scores[0] > score)
            by_kind[wrong["why"]].append(scores[0] > score)
    share = {kind: sum(v) / len(v) for kind, v in sorted(by_kind.items())}
    return first / len(cases), sum(pairs) / len(pairs), share


def lamp_version_figures(read) -> tuple[float, float, int]:
    """Better version over the unchanged worse one, with and without the unchanged penalty."""
    val = load_val()
    texts = [t for t, _ in val.scored]
    scores = [z for _, z in val.scored]
    found = version_pairs(texts, scores)
    right, right_without = 0, 0
    for a, b in found:
        better, worse = (a, b) if scores[a] > scores[b] else (b, a)
        request = score_request_for(RewriteRequest(texts[worse], instruction="Improve this paragraph"))
        candidates = [texts[better], texts[worse]]
        ranked = rank_candidates(request, candidates, read=read)
        right += ranked[0].rank == 1
        with without("unchanged"):
            ranked = rank_candidates(request, candidates, read=read)
        right_without += ranked[0].rank == 1
    return right / len(found), right_without / len(found), len(found)


def imitation_figures(read, cache: EmbeddingCache) -> list:
    items = load_or_generate(DEFAULT_MODEL, 2, generate=False)
    if not items:
        return [measured("human over imitation: no imitation set (run `make eval-style` first)", 0.0)]
    rows = []
    model = ranker.quality_model()
    for kind in ("rewrite", "continue"):
        chosen = [i for i in items if i.kind == kind and i.text.strip()]
        by_model = sum(
            model.score(quality_features(i.real).values, read(i.real))
            > model.score(quality_features(i.text).values, read(i.text))
            for i in chosen
        )
        by_text = sum(
            model.score(quality_features(i.real).values) > model.score(quality_features(i.text).values)
            for i in chosen
        )
        by_ranker = 0
        for i in chosen:
            ranked = rank_candidates(ScoreRequest(task="free"), [i.real, i.text], read=read)
            by_ranker += ranked[0].rank == 1
        n = len(chosen)
        rows += [
            measured(f"author over imitation ({kind}, n={n}): quality model", by_model / n, "-", "read"),
            measured(f"author over imitation ({kind}): text features only", by_text / n, "-", ""),
            measured(f"author over imitation ({kind}): whole ranker", by_ranker / n, "-", "free task"),
        ]
    return rows


def main() -> int:
    cache = EmbeddingCache()
    read = cache.get
    cases = json.loads(CASES.read_text(encoding="utf-8"))["cases"]
    table = []
    first, pairs, kinds = case_figures(cases, read)
    table.append(measured(f"rewrite cases (n={len(cases)}): right candidate first", first, "-", "all terms"))
    table.append(measured("rewrite cases: right over wrong", pairs, "-", "all terms"))
    for kind, share in kinds.items():
        table.append(measured(f"  right over {kind}", share, "-", "all terms"))
    for term in TERMS:
        with without(term):
            first_without, pairs_without, _ = case_figures(cases, read)
        detail = f"right over wrong {pairs_without:.3f}; the term buys {first - first_without:+.3f} first"
        table.append(measured(f"  without {term}: right first", first_without, "-", detail))
    combo, fitted, held_out = weight_search(cases, read)
    shipped = {**{k: ranker.TASK_WEIGHTS["rewrite"][k] for k in ("quality", "meaning", "direction")}}
    shipped["unchanged"] = ranker.UNCHANGED_PENALTY
    detail = f"best {combo} (shipped {shipped})"
    table.append(
        measured("  weights chosen on the other 29: right first", held_out, "-", "leave one case out")
    )
    table.append(measured("  weights chosen on all 30: right first", fitted, "-", detail))
    text_first, text_pairs, _ = case_figures(cases, None)
    table.append(
        measured("  quality from text features only: right first", text_first, "-", f"pairs {text_pairs:.3f}")
    )
    with_penalty, without_penalty, n = lamp_version_figures(read)
    table.append(measured(f"LAMP versions held out (n={n}): better edit first", with_penalty, "≥ 0.85", ""))
    table.append(measured("  without the unchanged penalty", without_penalty, "-", "quality + meaning alone"))
    table += imitation_figures(read, cache)
    print_table(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
