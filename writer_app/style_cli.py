"""`writer-app style create NAME FILE... | list | show NAME | delete NAME`, `writer-app style-score` and
`writer-app imitate`: style profiles from the user's own writing, how close a text on standard input is
to one, and new text written in that voice."""

from __future__ import annotations

import argparse
import json
from contextlib import nullcontext
from pathlib import Path

from writer_app.assist.style_profiles import ProfileStore, check_samples, read_sample_files
from writer_app.assist_cli import generate_and_print
from writer_app.cli import (
    SentenceParser,
    add_candidate_options,
    add_engine_options,
    check_candidates,
    configure_logging,
    piped_text,
    quality_reader,
)
from writer_app.errors import UserError
from writer_app.paths import AppPaths
from writer_app.reward.style_meter import StyleProfileStats, build_profile
from writer_app.reward.text_units import words
from writer_app.reward.voice_reading import MIN_READING_WORDS, voice_match

MIN_SCORED_WORDS = 30


def _store(home: Path | None) -> ProfileStore:
    return ProfileStore(AppPaths.default(home).data_dir / "styles")


def _add_voice_options(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--samples", nargs="+", type=Path, help="files of the voice (.txt, .md)")
    source.add_argument("--profile", help="a style profile's name")


def _voice(args: argparse.Namespace) -> tuple[list[str], StyleProfileStats]:
    """The samples and their figures, from the named profile or the sample files."""
    if args.profile:
        profile = _store(args.home).get(args.profile)
        return list(profile.samples), profile.stats
    samples = read_sample_files(args.samples)
    check_samples(samples)
    return samples, build_profile(samples)


def run_style(argv: list[str]) -> int:
    common = SentenceParser(add_help=False)
    common.add_argument("--home", type=Path, default=argparse.SUPPRESS, help="keep settings and data here")
    parser = SentenceParser(
        prog="writer-app style",
        description="Manage style profiles made from your own writing.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="action", required=True, parser_class=SentenceParser)
    create = sub.add_parser(
        "create", help="a profile from .txt/.md files of your writing (300 words or more)", parents=[common]
    )
    create.add_argument("name")
    create.add_argument("files", nargs="+", type=Path)
    sub.add_parser("list", help="the profiles", parents=[common])
    show = sub.add_parser("show", help="a profile's samples and figures", parents=[common])
    show.add_argument("name")
    delete = sub.add_parser("delete", help="delete a profile", parents=[common])
    delete.add_argument("name")
    args = parser.parse_args(argv)
    store = _store(getattr(args, "home", None))
    if args.action == "create":
        profile = store.create(args.name, read_sample_files(args.files))
        print(f"Created “{profile.name}” from {len(profile.samples)} sample(s), {profile.words:,} words.")
    elif args.action == "list":
        profiles = store.list()
        for profile in profiles:
            print(f"{profile.name}: {len(profile.samples)} sample(s), {profile.words:,} words")
        if not profiles:
            print("No style profiles yet: `writer-app style create NAME FILE...`.")
    elif args.action == "show":
        profile = store.get(args.name)
        means = profile.stats.means
        print(f"{profile.name}: {len(profile.samples)} sample(s), {profile.words:,} words")
        print(
            f"  sentences {means['sentence length']:.1f} words on average, words {means['word length']:.1f} "
            f"letters, dialogue {means['dialogue']:.0%} of the text"
        )
        if profile.distinctive:
            print(f"  distinctive words: {', '.join(profile.distinctive)}")
        for number, sample in enumerate(profile.samples, start=1):
            print(f"  {number}. {' '.join(sample.split())[:70]}…")
    else:
        store.delete(args.name)
        print(f"Deleted “{args.name}”.")
    return 0


def run_style_score(argv: list[str]) -> int:
    parser = SentenceParser(
        prog="writer-app style-score",
        description="How close the text on standard input is to a voice (higher is closer).",
    )
    _add_voice_options(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--home", type=Path, help="keep settings, data and state under this folder")
    parser.add_argument("--threads", type=int, help="CPU threads (default: the physical cores)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to standard error")
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    text = piped_text("text to score", "style-score --profile NAME")
    if len(text.split()) < MIN_SCORED_WORDS:
        raise UserError(f"Give at least {MIN_SCORED_WORDS} words: a voice shows over a few sentences.")
    samples, stats = _voice(args)
    with quality_reader(args) if len(words(text)) >= MIN_READING_WORDS else nullcontext() as read:
        result = voice_match(text, stats, samples, read)  # as imitate's candidates are measured
    if args.json:
        print(
            json.dumps(
                {"score": result.score, "percentile": result.percentile, "explanation": result.explanation}
            )
        )
    else:
        print(f"voice match {result.score:.1f}/10 (percentile {result.percentile:.0f}): {result.explanation}")
    return 0


def run_imitate(argv: list[str]) -> int:
    from writer_app.assist.complete import MAX_SENT_CHARS
    from writer_app.assist.imitate import ImitateRequest, imitate

    parser = SentenceParser(
        prog="writer-app imitate",
        description="Write in a voice: rewrite or continue the text on standard input, or write new "
        "text from an instruction; candidates best first, each with its style match.",
    )
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--rewrite", action="store_true", help="rewrite standard input in the voice")
    how.add_argument("--continue", dest="go_on", action="store_true", help="continue standard input")
    how.add_argument("--write", metavar="INSTRUCTION", help="write new text (standard input not needed)")
    _add_voice_options(parser)
    parser.add_argument("--words", type=int, default=0, help="about this many words (--write, --continue)")
    add_candidate_options(parser)
    add_engine_options(parser)
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    check_candidates(args.candidates)
    if not 0 <= args.words <= 2_000:
        raise UserError("--words must be between 1 and 2,000 (or left out).")
    if args.words and args.rewrite:
        raise UserError("--words goes with --write or --continue: a rewrite keeps about the text's length.")
    text = ""
    if args.write is None:
        if args.rewrite:
            text = piped_text("text to rewrite", "imitate --rewrite --profile NAME")
        else:  # only the end of a long text is sent
            text = piped_text("text to continue", "imitate --continue --profile NAME", tail=MAX_SENT_CHARS)
    samples, stats = _voice(args)
    request = ImitateRequest(
        kind="rewrite" if args.rewrite else "continue" if args.go_on else "write",
        samples=tuple(samples),
        text=text,
        instruction=args.write or "",
        words=args.words,
        n_candidates=args.candidates,
        seed=args.seed,
        profile=stats,
    )
    return generate_and_print(args, AppPaths.default(args.home), request, imitate, stats)


COMMANDS = {"style": run_style, "style-score": run_style_score, "imitate": run_imitate}
