"""`writer-app score`: candidate texts given as JSON on standard input, scored and explained by the
writing reward (its style term measured against "style_samples" with the style meter, joined by the
scoring model's reading of them where it reads)."""

from __future__ import annotations

import argparse
import json

from writer_app.assist.ranking import misspellings
from writer_app.cli import add_engine_options, configure_logging, engine_config, quality_reader, read_stdin
from writer_app.errors import UserError
from writer_app.paths import AppPaths
from writer_app.reward.ranker import ScoreRequest, rank_candidates


def _score_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="writer-app score",
        description='Score candidates read as JSON from standard input: {"task": "rewrite"|"free", '
        '"source": optional text, "instruction": optional, "mode": optional preset, "style_samples": '
        'optional list, "required_words": optional, "candidates": [texts]}.',
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object (the default is a table)")
    parser.add_argument(
        "--fluency",
        action="store_true",
        help="report the model's log-probability per token (loads a model; shown, not weighed)",
    )
    parser.add_argument(
        "--judge", action="store_true", help="add the model as a pairwise judge (loads a model)"
    )
    add_engine_options(parser, server=False)
    return parser


def _score_request(payload: object) -> tuple[ScoreRequest, list[str]]:
    if not isinstance(payload, dict):
        raise UserError('The input must be a JSON object such as {"task": "free", "candidates": ["…"]}.')
    candidates = payload.get("candidates")
    if not isinstance(candidates, list) or not candidates or not all(isinstance(c, str) for c in candidates):
        raise UserError('"candidates" must be a non-empty list of texts.')
    task = payload.get("task", "free")
    if task not in ("rewrite", "free"):
        raise UserError('"task" must be "rewrite" or "free".')
    samples = payload.get("style_samples") or []
    if not isinstance(samples, list) or not all(isinstance(s, str) for s in samples):
        raise UserError('"style_samples" must be a list of texts.')
    fields = {key: payload.get(key) or "" for key in ("source", "instruction", "mode")}
    if not all(isinstance(value, str) for value in fields.values()):
        raise UserError('"source", "instruction" and "mode" must be texts.')
    required = payload.get("required_words") or 0
    if not isinstance(required, int) or required < 0:
        raise UserError('"required_words" must be a whole number.')
    if task == "rewrite" and not fields["source"].strip():
        raise UserError('A "rewrite" task needs the "source" text.')
    errors = misspellings(fields["source"]) if fields["source"] else ()  # as the app asks for a rewrite
    request = ScoreRequest(
        task=task, style_samples=tuple(samples), required_words=required, source_errors=errors, **fields
    )
    return request, candidates


def run_score(argv: list[str]) -> int:
    args = _score_parser().parse_args(argv)
    configure_logging(args.verbose)
    raw = read_stdin("the JSON")
    try:
        payload = json.loads(raw)
    except json.JSONDecodeError as error:
        raise UserError(
            f"The input is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})."
        ) from error
    request, candidates = _score_request(payload)
    scorer = None
    if args.fluency or args.judge:
        from writer_app.engine.scoring import TokenScorer

        config = engine_config(args, AppPaths.default(args.home))
        scorer = TokenScorer(config.model_path, config.n_threads)
    try:
        with quality_reader(args) as read:
            scored = rank_candidates(
                request,
                candidates,
                fluency=scorer.mean_logprob if scorer and args.fluency else None,
                judge=scorer.prefer_first if scorer and args.judge else None,
                read=read,
            )
    finally:
        if scorer is not None:
            scorer.close()
    rows = [
        {
            "score": s.score,
            "rank": s.rank,
            "breakdown": s.breakdown,
            "explanation": s.explanation,
            "merged_into": s.merged_into,
            "spans": [
                {"category": p.category, "start": p.start, "end": p.end, "text": p.text} for p in s.spans
            ],
        }
        for s in scored
    ]
    if args.json:
        print(json.dumps({"scores": rows}, ensure_ascii=False))
    else:
        for index, row in enumerate(rows):
            print(f"{index}: score {row['score']:.1f}, rank {row['rank']}: {row['explanation']}")
    return 0
