"""Fits the quality weights on LAMP's expert-judged pairs and reports honest held-out figures.

    python -m writer_app.reward.fit [--data ../shared/data/lamp_PRE_val.json] [--write]

The model is an L2-penalised logistic regression on feature differences; the penalty is chosen by
cross-validation over distinct pairs (the file holds every pair twice, once in each order), and a
single scale factor is then refitted so the logit stays calibrated. Reported: pairwise accuracy
cross-validated by distinct pair with the penalty chosen inside each fold; the accuracy on pairs of
scored paragraphs that are versions of one text, each refitted without its texts; and the Spearman
correlation with the experts' scores over all 134 scored paragraphs.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
from collections.abc import Sequence
from pathlib import Path

from writer_app.reward.lamp_data import DEFAULT_DATA, LampData, Pair, load_lamp, version_pairs
from writer_app.reward.quality import FEATURES, WEIGHTS_FILE, QualityModel

L2_GRID = (1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0)
# Slop can only lower the score: a fitted positive weight for one of these is set to zero.
NON_POSITIVE = frozenset(
    {"cliche", "purple_prose", "exposition", "wordy", "vague", "abstraction", "tense", "repetition"}
)


def normaliser(data: LampData) -> tuple[dict[str, float], dict[str, float]]:
    """Means and spreads of every feature over all paragraphs (no labels involved)."""
    rows = [f for a, b, _ in data.pairs for f in (a, b)] + [f for f, _ in data.scored]
    means = {n: statistics.fmean(r[n] for r in rows) for n in FEATURES}
    scales = {n: statistics.pstdev([r[n] for r in rows]) or 1.0 for n in FEATURES}
    return means, scales


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the systems here are 13 × 13)."""
    n = len(vector)
    rows = [[*row, value] for row, value in zip(matrix, vector, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(n):
            if r != col and rows[col][col]:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[i][n] / rows[i][i] if rows[i][i] else 0.0 for i in range(n)]


def _newton(rows: list[tuple[list[float], int]], size: int, l2: float) -> list[float]:
    """Weights minimising l2/2·|w|² + the log-loss of every row counted in both orders (x, y) and
    (−x, 1−y); the mirrored row adds exactly the same gradient and curvature, hence the factor 2."""
    weights = [0.0] * size
    for _ in range(25):
        gradient = [l2 * w for w in weights]
        hessian = [[l2 if i == j else 0.0 for j in range(size)] for i in range(size)]
        for x, label in rows:
            p = 1 / (1 + math.exp(-max(min(sum(w * v for w, v in zip(weights, x, strict=True)), 30), -30)))
            g, h = 2 * (p - label), 2 * p * (1 - p)
            for i in range(size):
                gradient[i] += g * x[i]
                hx = h * x[i]
                row = hessian[i]
                for j in range(i, size):
                    row[j] += hx * x[j]
        for i in range(size):
            for j in range(i):
                hessian[i][j] = hessian[j][i]
        step = _solve(hessian, gradient)
        weights = [w - s for w, s in zip(weights, step, strict=True)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return weights


def _differences(pairs: Sequence[Pair], means, scales) -> list[tuple[dict[str, float], int]]:
    model = QualityModel({n: 0.0 for n in FEATURES}, means, scales)
    out = []
    for first, second, label in pairs:
        za, zb = model.standardised(first), model.standardised(second)
        out.append(({n: za[n] - zb[n] for n in FEATURES}, label))
    return out


def fit_direction(pairs: Sequence[Pair], means, scales, l2: float) -> dict[str, float]:
    """The penalised fit; slop weights that come out positive are fixed at zero and the rest refitted."""
    differences = _differences(pairs, means, scales)
    active = list(FEATURES)
    while True:
        rows = [([diff[n] for n in active], label) for diff, label in differences]
        fitted = dict(zip(active, _newton(rows, len(active), l2), strict=True))
        wrong = [n for n in active if n in NON_POSITIVE and fitted[n] > 0]
        if not wrong:
            return {n: fitted.get(n, 0.0) for n in FEATURES}
        active = [n for n in active if n not in wrong]


def calibrate(weights: dict[str, float], pairs: Sequence[Pair], means, scales) -> float:
    """The factor that makes the shrunken logit a calibrated log-odds again (a one-feature fit)."""
    rows = [
        ([sum(weights[n] * diff[n] for n in FEATURES)], label)
        for diff, label in _differences(pairs, means, scales)
    ]
    return max(_newton(rows, 1, 1e-3)[0], 0.0)


def fit_weights(pairs: Sequence[Pair], means, scales, l2: float) -> dict[str, float]:
    direction = fit_direction(pairs, means, scales, l2)
    factor = calibrate(direction, pairs, means, scales)
    return {n: w * factor for n, w in direction.items()}


def pairwise_accuracy(model: QualityModel, pairs: Sequence[Pair]) -> float:
    right = sum(1 for a, b, label in pairs if (model.logit(a) > model.logit(b)) == (label == 1))
    return right / max(len(pairs), 1)


def shorter_wins(pairs: Sequence[Pair]) -> float:
    """The baseline: the share of pairs where the shorter paragraph is the better one."""
    right = sum(1 for a, b, label in pairs if (a["log_words"] < b["log_words"]) == (label == 1))
    return right / max(len(pairs), 1)


def _grouped_folds(groups: Sequence[int], folds: int, seed: int) -> list[set[int]]:
    """The groups tested in each fold: distinct pairs shuffled, then dealt round."""
    distinct = sorted(set(groups))
    random.Random(seed).shuffle(distinct)
    return [set(distinct[fold::folds]) for fold in range(folds)]


def _split(pairs: Sequence[Pair], groups: Sequence[int], test_groups: set[int]):
    train = [(p, g) for p, g in zip(pairs, groups, strict=True) if g not in test_groups]
    test = [p for p, g in zip(pairs, groups, strict=True) if g in test_groups]
    return [p for p, _ in train], [g for _, g in train], test


def choose_l2(pairs: Sequence[Pair], groups: Sequence[int], means, scales, folds: int = 5) -> float:
    """The penalty with the best accuracy over distinct-pair folds; ties go to the stronger one."""
    best, best_accuracy = L2_GRID[0], -1.0
    fold_sets = _grouped_folds(groups, folds, seed=0)
    for l2 in L2_GRID:
        right = 0.0
        for test_groups in fold_sets:
            train, _, test = _split(pairs, groups, test_groups)
            model = QualityModel(fit_direction(train, means, scales, l2), means, scales)
            right += pairwise_accuracy(model, test) * len(test)
        if right / len(pairs) >= best_accuracy:
            best, best_accuracy = l2, right / len(pairs)
    return best


def fit_model(pairs: Sequence[Pair], groups: Sequence[int], means, scales) -> tuple[QualityModel, float]:
    """The shipped recipe: choose the penalty by cross-validation, fit, calibrate."""
    l2 = choose_l2(pairs, groups, means, scales)
    return QualityModel(fit_weights(pairs, means, scales, l2), means, scales), l2


def cross_validated_accuracy(data: LampData, folds: int = 10, repeats: int = 2, seed: int = 7) -> float:
    """Pairwise accuracy on distinct pairs never seen in fitting, the penalty chosen inside each fold."""
    means, scales = normaliser(data)
    right = 0.0
    for repeat in range(repeats):
        for test_groups in _grouped_folds(data.pair_groups, folds, seed + repeat):
            train, train_groups, test = _split(data.pairs, data.pair_groups, test_groups)
            model, _ = fit_model(train, train_groups, means, scales)
            right += pairwise_accuracy(model, test) * len(test)
    return right / (len(data.pairs) * repeats)


def version_pair_accuracy(data: LampData, l2: float) -> tuple[float, float, int]:
    """Accuracy (and the shorter-wins baseline) on versions of one text among the scored paragraphs,
    each pair judged by a model refitted without any expert pair that contains either text."""
    means, scales = normaliser(data)
    found = version_pairs(data)
    right = 0
    judged: list[Pair] = []
    for a, b in found:
        texts = {data.scored_texts[a], data.scored_texts[b]}
        train = [p for p, t in zip(data.pairs, data.pair_texts, strict=True) if not texts & t]
        model = QualityModel(fit_weights(train, means, scales, l2), means, scales)
        (first, score_a), (second, score_b) = data.scored[a], data.scored[b]
        pair = (first, second, 1 if score_a > score_b else 0)
        right += pairwise_accuracy(model, [pair]) == 1.0
        judged.append(pair)
    return right / max(len(found), 1), shorter_wins(judged), len(found)


def spearman(xs: list[float], ys: list[float]) -> float:
    def ranks(values: list[float]) -> list[float]:
        order = sorted(range(len(values)), key=values.__getitem__)
        result = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for k in range(i, j + 1):
                result[order[k]] = (i + j) / 2
            i = j + 1
        return result

    rx, ry = ranks(xs), ranks(ys)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    var = math.sqrt(sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry))
    return cov / var if var else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--write", action="store_true", help=f"write the weights to {WEIGHTS_FILE.name}")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"error: {args.data} not found: pass --data with the path of lamp_PRE_val.json")
        return 1
    data = load_lamp(args.data)
    means, scales = normaliser(data)
    model, l2 = fit_model(data.pairs, data.pair_groups, means, scales)
    cv = cross_validated_accuracy(data)
    train = pairwise_accuracy(model, data.pairs)
    versions, versions_shorter, n_versions = version_pair_accuracy(data, l2)
    rho = spearman([model.logit(f) for f, _ in data.scored], [z for _, z in data.scored])
    print(
        f"expert pairs: {len(data.pairs)} items = {data.n_distinct_pairs} distinct pairs, each in both "
        f"orders; scored paragraphs: {len(data.scored)}"
    )
    print(f"pairwise accuracy, 10-fold by distinct pair, L2 chosen inside each fold: {cv:.3f}")
    print(f"pairwise accuracy on the pairs it was fitted on:                      {train:.3f}")
    baseline = shorter_wins(data.pairs)
    print(f"baseline 'the shorter paragraph wins':                                 {baseline:.3f}")
    print(
        f"versions of one text among the scored paragraphs ({n_versions} pairs), each judged by a "
        f"model fitted without its texts: {versions:.3f} (the shorter wins: {versions_shorter:.3f})"
    )
    print(f"Spearman with the experts' scores over all {len(data.scored)} scored paragraphs: {rho:.3f}")
    ordered = sorted(model.weights.items(), key=lambda item: -abs(item[1]))
    print(f"L2 {l2:g};", "weights:", ", ".join(f"{name} {weight:+.2f}" for name, weight in ordered))
    if args.write:
        WEIGHTS_FILE.write_text(
            json.dumps(
                {
                    "fitted_on": f"lamp_PRE_val.json expert pairs ({data.n_distinct_pairs} distinct), "
                    f"logistic regression (Newton), L2 {l2:g} chosen by 5-fold CV over distinct pairs, "
                    "then one calibration factor; slop weights kept <= 0",
                    "cross_validated_pairwise_accuracy": round(cv, 4),
                    "held_out_version_pair_accuracy": round(versions, 4),
                    "spearman_with_expert_scores": round(rho, 4),
                    "weights": {n: round(w, 5) for n, w in model.weights.items()},
                    "means": {n: round(v, 5) for n, v in means.items()},
                    "scales": {n: round(v, 5) for n, v in scales.items()},
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        print(f"wrote {WEIGHTS_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
