"""Fits the quality weights on LAMP pairwise data and reports cross-validated accuracy and Spearman.

    python -m writer_app.reward.fit [--data ../shared/data/lamp_PRE_val.json] [--write]

Pairwise items train a logistic model on feature differences (which paragraph the experts
preferred); accuracy is reported by k-fold cross-validation, and the 134 scored paragraphs, never
used for fitting, give a held-out Spearman correlation with the experts' scores.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
from dataclasses import dataclass
from pathlib import Path

from writer_app.reward.quality import FEATURES, WEIGHTS_FILE, QualityModel, quality_features

DEFAULT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "lamp_PRE_val.json"


@dataclass(frozen=True)
class LampData:
    pairs: list[tuple[dict[str, float], dict[str, float], int]]  # features 1, features 2, 1 if first wins
    scored: list[tuple[dict[str, float], float]]


def load_lamp(path: Path) -> LampData:
    items = json.loads(Path(path).read_text(encoding="utf-8"))
    pairs, scored = [], []
    for item in items:
        if item["sample_type"] == "pairwise":
            first = quality_features(item["paragraph1"]).values
            second = quality_features(item["paragraph2"]).values
            pairs.append((first, second, 1 if str(item["reference_preference"]) == "1" else 0))
        elif item["sample_type"] == "reward":
            scored.append((quality_features(item["paragraph"]).values, float(item["zscore"])))
    return LampData(pairs, scored)


def normaliser(data: LampData) -> tuple[dict[str, float], dict[str, float]]:
    rows = [f for a, b, _ in data.pairs for f in (a, b)] + [f for f, _ in data.scored]
    means = {n: statistics.fmean(r[n] for r in rows) for n in FEATURES}
    scales = {n: statistics.pstdev([r[n] for r in rows]) or 1.0 for n in FEATURES}
    return means, scales


# Slop can only lower the score: a fitted positive weight for one of these is set to zero.
NON_POSITIVE = frozenset(
    {"cliche", "purple_prose", "exposition", "wordy", "vague", "abstraction", "tense", "repetition"}
)


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
    weights = [0.0] * size
    for _ in range(25):
        gradient = [l2 * w for w in weights]
        hessian = [[l2 if i == j else 0.0 for j in range(size)] for i in range(size)]
        for x, label in rows:
            p = 1 / (1 + math.exp(-max(min(sum(w * v for w, v in zip(weights, x, strict=True)), 30), -30)))
            for i in range(size):
                gradient[i] += (p - label) * x[i]
                for j in range(i, size):
                    hessian[i][j] += p * (1 - p) * x[i] * x[j]
        for i in range(size):
            for j in range(i):
                hessian[i][j] = hessian[j][i]
        step = _solve(hessian, gradient)
        weights = [w - s for w, s in zip(weights, step, strict=True)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return weights


def fit_weights(pairs, means, scales, l2: float = 2.0) -> dict[str, float]:
    """L2-penalised logistic regression on standardised differences (both orders, no intercept);
    slop weights that come out positive are fixed at zero and the rest refitted."""
    model = QualityModel({n: 0.0 for n in FEATURES}, means, scales)
    differences = []
    for first, second, label in pairs:
        za, zb = model.standardised(first), model.standardised(second)
        differences.append(({n: za[n] - zb[n] for n in FEATURES}, label))
    active = list(FEATURES)
    while True:
        rows = []
        for diff, label in differences:
            x = [diff[n] for n in active]
            rows += [(x, label), ([-v for v in x], 1 - label)]
        fitted = dict(zip(active, _newton(rows, len(active), l2), strict=True))
        wrong = [n for n in active if n in NON_POSITIVE and fitted[n] > 0]
        if not wrong:
            return {n: fitted.get(n, 0.0) for n in FEATURES}
        active = [n for n in active if n not in wrong]


def pairwise_accuracy(model: QualityModel, pairs) -> float:
    right = sum(1 for a, b, label in pairs if (model.logit(a) > model.logit(b)) == (label == 1))
    return right / max(len(pairs), 1)


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


def cross_validated_accuracy(data: LampData, folds: int = 10, repeats: int = 5, seed: int = 7) -> float:
    means, scales = normaliser(data)
    accuracies = []
    for repeat in range(repeats):
        order = list(range(len(data.pairs)))
        random.Random(seed + repeat).shuffle(order)
        for fold in range(folds):
            test = [data.pairs[i] for i in order[fold::folds]]
            train = [data.pairs[i] for k, i in enumerate(order) if k % folds != fold]
            model = QualityModel(fit_weights(train, means, scales), means, scales)
            accuracies.append(pairwise_accuracy(model, test) * len(test))
    return sum(accuracies) / (len(data.pairs) * repeats)


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
    weights = fit_weights(data.pairs, means, scales)
    model = QualityModel(weights, means, scales)
    cv = cross_validated_accuracy(data)
    train = pairwise_accuracy(model, data.pairs)
    rho = spearman([model.logit(f) for f, _ in data.scored], [z for _, z in data.scored])
    shorter = sum(1 for a, b, label in data.pairs if (a["log_words"] < b["log_words"]) == (label == 1))
    print(f"pairs: {len(data.pairs)}, scored paragraphs: {len(data.scored)}")
    print(f"pairwise accuracy, 10-fold cross-validated (5 repeats): {cv:.3f}")
    print(f"pairwise accuracy on the training pairs:               {train:.3f}")
    print(f"baseline 'the shorter paragraph wins':                  {shorter / len(data.pairs):.3f}")
    print(f"Spearman with expert scores (held out, 134 paragraphs):  {rho:.3f}")
    ordered = sorted(weights.items(), key=lambda item: -abs(item[1]))
    print("weights:", ", ".join(f"{name} {weight:+.2f}" for name, weight in ordered))
    if args.write:
        WEIGHTS_FILE.write_text(
            json.dumps(
                {
                    "fitted_on": "lamp_PRE_val.json pairwise items (102), logistic regression (Newton), "
                    "L2 2.0, slop weights kept <= 0",
                    "cross_validated_pairwise_accuracy": round(cv, 4),
                    "held_out_spearman": round(rho, 4),
                    "weights": {n: round(w, 5) for n, w in weights.items()},
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
