"""`writer-app rewrite` and `writer-app complete`: candidates for the text on standard input, printed
best first or as one JSON object (also `imitate`'s printing)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from writer_app.assist.modes import DEFAULT_MODE, MODES
from writer_app.assist.rewrite import rewrite
from writer_app.assist.types import AssistResult, Candidate, RewriteRequest
from writer_app.cli import (
    add_candidate_options,
    add_engine_options,
    banning_engine,
    check_candidates,
    configure_logging,
    engine_config,
    load_engine,
    piped_text,
    quality_reader,
)
from writer_app.errors import UserError
from writer_app.paths import AppPaths
from writer_app.reward.style_meter import StyleProfileStats, match


def rewrite_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="writer-app rewrite",
        description="Rewrite the text read from standard input and print the candidates.",
    )
    how = parser.add_mutually_exclusive_group()
    how.add_argument(
        "--mode", choices=list(MODES), default=DEFAULT_MODE, help=f"a preset rewrite (default {DEFAULT_MODE})"
    )
    how.add_argument("--instruction", help="a free instruction, e.g. 'make it sound more confident'")
    how.add_argument("--action", metavar="NAME", help="one of your actions (Assist → My Actions), by name")
    add_candidate_options(parser)
    add_engine_options(parser)
    return parser


def run_rewrite(argv: list[str]) -> int:
    args = rewrite_parser().parse_args(argv)
    configure_logging(args.verbose)
    check_candidates(args.candidates)
    text = piped_text("text to rewrite", "rewrite")
    paths = AppPaths.default(args.home)
    instruction = args.instruction or ""
    if args.action:
        from writer_app.assist.user_actions import ActionStore

        instruction = ActionStore(paths.data_dir / "actions").get(args.action).prompt
    request = RewriteRequest(
        text=text, mode=args.mode, instruction=instruction, n_candidates=args.candidates, seed=args.seed
    )
    return generate_and_print(args, paths, request, rewrite)


def generate_and_print(
    args: argparse.Namespace,
    paths: AppPaths,
    request: object,
    assist: Callable[..., AssistResult],
    style: StyleProfileStats | None = None,
) -> int:
    """Load the model, run `assist` on `request` with the scoring model reading the candidates, and
    print them best first (or as JSON; with `style`, each one's match to that voice)."""
    engine = load_engine(engine_config(args, paths))
    try:
        with quality_reader(args) as read:
            writer = banning_engine(engine, args, request)
            result = assist(writer, request, load_s=engine.load_seconds, read=read)
    finally:
        engine.close()
    print_result(result, args.json, style)
    return 0


def complete_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="writer-app complete", description="Continue the text read from standard input."
    )
    parser.add_argument("--max-words", type=int, help="about this many words (default: one paragraph)")
    add_candidate_options(parser)
    add_engine_options(parser)
    return parser


def run_complete(argv: list[str]) -> int:
    from writer_app.assist.complete import ContinueRequest, continue_writing

    args = complete_parser().parse_args(argv)
    configure_logging(args.verbose)
    check_candidates(args.candidates)
    if args.max_words is not None and not 1 <= args.max_words <= 2_000:
        raise UserError("--max-words must be between 1 and 2,000.")
    text = piped_text("text to continue", "complete")
    length = "words" if args.max_words else "paragraph"
    request = ContinueRequest(
        text, length=length, words=args.max_words or 0, n_candidates=args.candidates, seed=args.seed
    )
    return generate_and_print(args, AppPaths.default(args.home), request, continue_writing)


def result_json(result: AssistResult, style: StyleProfileStats | None = None) -> dict[str, object]:
    """The candidates in generation order with their scores; with a voice, each one's style match."""
    return {
        "model": result.model,
        "candidates": [
            {
                "text": c.text,
                "index": c.index,
                "score": c.score,
                "rank": c.rank,
                "breakdown": c.breakdown,
                "explanation": c.explanation,
                "merged_into": c.merged_into,
                **({"style": style_json(c, style)} if style is not None else {}),
            }
            for c in result.candidates
        ],
        "timings": {
            "load_s": round(result.timings.load_s, 4),
            "first_token_s": round(result.timings.first_token_s, 4),
            "tokens_per_s": round(result.timings.tokens_per_s, 2),
        },
    }


def style_json(candidate: Candidate, style: StyleProfileStats) -> dict[str, object]:
    """The voice match as the ranker measured it (with the scoring model's reading), else the meter's."""
    voice, parts = match(candidate.text, style), candidate.breakdown
    if "style_score" in parts:
        return {
            "score": parts["style_score"],
            "percentile": round(100 * parts["style_match"], 1),
            "explanation": voice.explanation,
        }
    return {"score": voice.score, "percentile": voice.percentile, "explanation": voice.explanation}


def print_result(result: AssistResult, as_json: bool, style: StyleProfileStats | None = None) -> None:
    if as_json:
        print(json.dumps(result_json(result, style), ensure_ascii=False))
        return
    for position, candidate in enumerate(result.ranked()):
        if position:
            print("\n---\n")
        print(f"[{candidate.rank}] score {candidate.score:.1f}: {candidate.explanation}")
        print(candidate.text)
