"""Fits the quality model on LAMP's 1,996 expert-scored training paragraphs and checks it on
lamp_PRE_val.json, which it never sees while fitting; prints today's model beside it.

    python tests/benchmarks/fit_quality.py [--write]

Features: the 13 text features of `reward.quality` and the default model's mean-pooled embedding
(576 numbers, cached on disk by `embedding_cache`). The head is a ridge regression on the experts'
scores and on the score differences of versions of one paragraph, with one penalty for the text
features, one for the embedding and a weight for the differences, all chosen by 5-fold
cross-validation grouped by paragraph (versions of one paragraph share a fold). Slop features may only
lower the score. One factor then turns score differences into calibrated log-odds, fitted on the
cross-validated predictions for random pairs of differently scored paragraphs.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.embedding_cache import ROOT, EmbeddingCache
from tests.benchmarks.lamp_sets import group_pairs, load_train, load_val, version_pairs
from writer_app.reward.quality import FEATURES, SLOP_FEATURES, WEIGHTS_FILE, quality_features

TODAY = Path(__file__).with_name("baseline_quality_weights.json")  # the model fitted on PRE_val
TEXT_PENALTIES = (1.0, 10.0, 100.0)
READING_PENALTIES = (300.0, 1000.0, 3000.0, 10000.0)
PAIR_WEIGHTS = (0.0, 1.0, 4.0, 16.0)
FOLDS = 5


def text_matrix(texts: list[str]) -> np.ndarray:
    return np.array([[quality_features(t).values[n] for n in FEATURES] for t in texts], dtype=np.float64)


def spearman(xs, ys) -> float:
    rx = np.argsort(np.argsort(xs, kind="stable"), kind="stable").astype(float)
    ry = np.argsort(np.argsort(ys, kind="stable"), kind="stable").astype(float)
    return float(np.corrcoef(rx, ry)[0, 1])


class Ridge:
    """Standardised ridge regression on the scores, plus `pair_weight` × the squared error on the score
    differences of versions of one paragraph (what ranking a rewrite turns on); columns in
    `fixed_zero` are left out (weight 0)."""

    def __init__(self, x, y, penalties: np.ndarray, pairs=(), pair_weight=0.0, fixed_zero=()) -> None:
        self.mean, self.scale = x.mean(0), x.std(0) + 1e-9
        keep = np.array([i not in fixed_zero for i in range(x.shape[1])])
        z = ((x - self.mean) / self.scale)[:, keep]
        rows, targets = [z], [y - y.mean()]
        if pairs and pair_weight:
            first, second = [a for a, _ in pairs], [b for _, b in pairs]
            rows.append(np.sqrt(pair_weight) * (z[first] - z[second]))
            targets.append(np.sqrt(pair_weight) * (y[first] - y[second]))
        a, b = np.vstack(rows), np.concatenate(targets)
        self.weights = np.zeros(x.shape[1])
        self.weights[keep] = np.linalg.solve(a.T @ a + np.diag(penalties[keep]), a.T @ b)
        self.intercept = float(y.mean())

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.intercept + ((x - self.mean) / self.scale) @ self.weights


def fit_ridge(x, y, penalties: np.ndarray, pairs=(), pair_weight=0.0) -> Ridge:
    """The fit with slop weights that come out positive fixed at zero (they may only lower a score)."""
    fixed: set[int] = set()
    while True:
        model = Ridge(x, y, penalties, pairs, pair_weight, fixed)
        wrong = {i for i, n in enumerate(FEATURES) if n in SLOP_FEATURES and model.weights[i] > 0}
        if not wrong - fixed:
            return model
        fixed |= wrong


def folds_of(groups: list[str], seed: int = 0) -> np.ndarray:
    distinct = sorted(set(groups))
    random.Random(seed).shuffle(distinct)
    fold = {g: i % FOLDS for i, g in enumerate(distinct)}
    return np.array([fold[g] for g in groups])


def cv_predictions(x, y, folds: np.ndarray, penalties: np.ndarray, pairs, pair_weight: float) -> np.ndarray:
    """Each paragraph scored by a model fitted without its fold (every version of it is in that fold)."""
    out = np.zeros(len(y))
    for k in range(FOLDS):
        train = np.flatnonzero(folds != k)
        position = {int(index): i for i, index in enumerate(train)}
        kept = [(position[a], position[b]) for a, b in pairs if a in position and b in position]
        out[folds == k] = fit_ridge(x[train], y[train], penalties, kept, pair_weight).predict(x[folds == k])
    return out


def penalties_for(text: float, reading: float, n_reading: int) -> np.ndarray:
    return np.array([text] * len(FEATURES) + [reading] * n_reading)


def choose(x, y, folds: np.ndarray, n_reading: int, pairs) -> tuple[np.ndarray, float, float]:
    """The penalties and pair weight with the best cross-validated Spearman, and that figure."""
    readings = READING_PENALTIES if n_reading else (0.0,)
    scored = []
    for t in TEXT_PENALTIES:
        for r in readings:
            for w in PAIR_WEIGHTS:
                predictions = cv_predictions(x, y, folds, penalties_for(t, r, n_reading), pairs, w)
                scored.append((spearman(predictions, y), t, r, w))
    rho, t, r, w = max(scored)
    return penalties_for(t, r, n_reading), w, rho


def logit_per_point(predictions: np.ndarray, pairs: list[tuple[int, int]]) -> float:
    """k maximising Σ log σ(k·(ŝ_better − ŝ_worse)) (Newton's method in one variable)."""
    d = np.array([predictions[a] - predictions[b] for a, b in pairs])
    k = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-k * d))
        gradient, curvature = float(((1 - p) * d).sum()), float((p * (1 - p) * d * d).sum()) + 1e-9
        k += gradient / curvature
        if abs(gradient / curvature) < 1e-8:
            break
    return max(k, 0.0)


def sampled_pairs(scores: list[float], n: int = 20_000, seed: int = 0) -> list[tuple[int, int]]:
    """(better, worse) pairs of paragraphs drawn at random: what the calibration of a score difference
    into log-odds is fitted on (candidates differ more than an expert's small edits do)."""
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        a, b = rng.randrange(len(scores)), rng.randrange(len(scores))
        if scores[a] != scores[b]:
            out.append((a, b) if scores[a] > scores[b] else (b, a))
    return out


def pair_accuracy(predictions: np.ndarray, pairs: list[tuple[int, int]]) -> float:
    return float(np.mean([predictions[a] > predictions[b] for a, b in pairs])) if pairs else float("nan")


def today_scores(texts: list[str]) -> np.ndarray:
    raw = json.loads(TODAY.read_text(encoding="utf-8"))
    x = text_matrix(texts)
    w = np.array([raw["weights"][n] for n in FEATURES])
    mean, scale = (
        np.array([raw["means"][n] for n in FEATURES]),
        np.array([raw["scales"][n] for n in FEATURES]),
    )
    return ((x - mean) / scale) @ w


def head_json(model: Ridge, k: float, n_text: int) -> dict:
    head = {
        "weights": {n: round(float(w), 6) for n, w in zip(FEATURES, model.weights[:n_text], strict=True)},
        "means": {n: round(float(m), 6) for n, m in zip(FEATURES, model.mean[:n_text], strict=True)},
        "scales": {n: round(float(s), 6) for n, s in zip(FEATURES, model.scale[:n_text], strict=True)},
        "intercept": round(model.intercept, 6),
        "logit_per_point": round(k, 6),
    }
    if len(model.weights) > n_text:
        reading = model.weights[n_text:] / model.scale[n_text:]
        head["reading"] = [float(f"{v:.6g}") for v in reading]
        head["reading_offset"] = round(float(-(reading @ model.mean[n_text:])), 6)
        # the average reading of LAMP's paragraphs: the origin the voice's readings are measured from
        head["reading_mean"] = [float(f"{v:.6g}") for v in model.mean[n_text:]]
    return head


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--write", action="store_true", help=f"write the fitted model to {WEIGHTS_FILE.name}")
    args = parser.parse_args(argv)
    train, val = load_train(), load_val()
    cache = EmbeddingCache()
    val_texts = [t for t, _ in val.scored] + [p for a, b, _ in val.pairs for p in (a, b)]
    cache.fill(val_texts, "PRE_val")
    cache.fill(train.texts, "R_train")
    y = np.array(train.scores)
    folds = folds_of(train.groups)
    train_pairs = group_pairs(train.groups, train.scores)
    calibration_pairs = sampled_pairs(train.scores)
    x_text = text_matrix(train.texts)
    x_full = np.hstack([x_text, np.array([cache.get(t) for t in train.texts], dtype=np.float64)])
    n_reading = x_full.shape[1] - len(FEATURES)

    val_scored_texts = [t for t, _ in val.scored]
    val_z = np.array([z for _, z in val.scored])
    val_versions = version_pairs(val_scored_texts, list(val_z))
    val_versions = [(a, b) if val_z[a] > val_z[b] else (b, a) for a, b in val_versions]

    def report(name: str, score, cv: np.ndarray | None) -> dict:
        s_scored = score(val_scored_texts)
        firsts, seconds = score([a for a, _, _ in val.pairs]), score([b for _, b, _ in val.pairs])
        better = [b for _, _, b in val.pairs]
        pairwise = float(np.mean([(f > s) == b for f, s, b in zip(firsts, seconds, better, strict=True)]))
        row = {
            "PRE_val pairwise": pairwise,
            "PRE_val Spearman": spearman(s_scored, val_z),
            "PRE_val versions": pair_accuracy(s_scored, val_versions),
            # today's model never saw R_train: its own scores are held out there
            "R_train versions (CV)": pair_accuracy(score(train.texts) if cv is None else cv, train_pairs),
        }
        print(f"{name:<34}" + "".join(f"{v:>24.3f}" for v in row.values()), flush=True)
        return row

    heads, figures = {}, {}
    for name, x, n in (("text", x_text, 0), ("full", x_full, n_reading)):
        penalties, pair_weight, rho = choose(x, y, folds, n, train_pairs)
        cv = cv_predictions(x, y, folds, penalties, train_pairs, pair_weight)
        k = logit_per_point(cv, calibration_pairs)
        model = fit_ridge(x, y, penalties, train_pairs, pair_weight)
        heads[name] = (model, k, cv, rho, penalties, pair_weight)
    print(
        f"PRE_val: {len(val.pairs)} distinct expert pairs, {len(val.scored)} scored paragraphs, "
        f"{len(val_versions)} version pairs; R_train: {len(train.texts)} paragraphs, {len(train_pairs)} "
        f"version pairs in {len(set(train.groups))} groups"
    )
    print(
        f"{'model':<34}"
        + "".join(
            f"{c:>24}"
            for c in ("PRE_val pairwise", "PRE_val Spearman", "PRE_val versions", "R_train versions (CV)")
        )
    )
    shorter = lambda texts: -np.array([len(t.split()) for t in texts], dtype=float)  # noqa: E731
    figures["shorter"] = report("baseline: the shorter wins", shorter, None)
    figures["today"] = report("today: 13 features fitted on PRE_val", today_scores, None)
    model_t, k_t, cv_t, *_ = heads["text"]
    figures["text"] = report("learned: text features", lambda ts: model_t.predict(text_matrix(ts)), cv_t)
    model_f, k_f, cv_f, *_ = heads["full"]

    def full(ts: list[str]) -> np.ndarray:
        return model_f.predict(
            np.hstack([text_matrix(ts), np.array([cache.get(t) for t in ts], dtype=np.float64)])
        )

    figures["full"] = report("learned: text features + reading", full, cv_f)
    for name, (model, k, _, rho, penalties, pair_weight) in heads.items():
        print(
            f"{name}: CV Spearman on R_train {rho:.3f}, penalties text {penalties[0]:g}"
            + (f", reading {penalties[-1]:g}" if len(penalties) > len(FEATURES) else "")
            + f", pair weight {pair_weight:g}, logit per score point {k:.3f}"
        )
        print(
            "  text weights:",
            ", ".join(
                f"{n} {w:+.2f}"
                for n, w in sorted(
                    zip(FEATURES, model.weights[: len(FEATURES)], strict=True), key=lambda item: -abs(item[1])
                )
            ),
        )
    if args.write:
        about = {
            "fitted_on": "lamp_R_train.jsonl (1,996 expert-scored paragraphs), ridge regression on scores "
            "and on score differences of versions of one paragraph, penalties and pair weight "
            "by 5-fold CV grouped by paragraph opening; reading = mean-pooled embedding of "
            f"{cache.source_path.name} (its Q8_0 reading copy)",
            "scoring_model": cache.source_path.name,
            **{
                f"{head} {key}": round(value, 4)
                for head in ("text", "full")
                for key, value in figures[head].items()
                if not math.isnan(value)
            },
        }
        payload = {
            "about": about,
            "full": head_json(model_f, k_f, len(FEATURES)),
            "text": head_json(model_t, k_t, len(FEATURES)),
        }
        WEIGHTS_FILE.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
