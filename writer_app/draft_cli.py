"""The `plan` and `draft` commands: plan a long text, then write it section by section into a Markdown
file, checkpointed in a journal so `--resume` goes on after any stop."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from writer_app.assist.candidates import CandidateListener
from writer_app.assist.draft import DraftRequest, DraftResult, write_draft
from writer_app.assist.draft_text import (
    draft_markdown,
    heading_line,
    repeated_ngram_share,
    split_draft,
    word_count,
)
from writer_app.assist.outline import (
    MAX_TARGET_WORDS,
    MIN_TARGET_WORDS,
    Outline,
    PlanRequest,
    check_target,
    plan_draft,
)
from writer_app.assist.types import Candidate
from writer_app.cli import (
    SentenceParser,
    add_engine_options,
    banning_engine,
    configure_logging,
    engine_config,
    load_engine,
)
from writer_app.documents.draft_journal import DraftJournal, JournalEntry, key_for_path
from writer_app.documents.file_io import atomic_write_bytes
from writer_app.errors import UserError
from writer_app.paths import AppPaths
from writer_app.reward.components import length_score


def _plan_parser() -> argparse.ArgumentParser:
    parser = SentenceParser(
        prog="writer-app plan", description="Plan a long text: sections with a main point and a word budget."
    )
    parser.add_argument("instruction", help="what to write, e.g. 'An essay on the history of tea'")
    parser.add_argument(
        "--words", type=int, required=True, help=f"target length ({MIN_TARGET_WORDS:,}–{MAX_TARGET_WORDS:,})"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    parser.add_argument(
        "--json", action="store_true", help="print the plan as JSON (what `draft --plan` reads)"
    )
    add_engine_options(parser)
    return parser


def _draft_parser() -> argparse.ArgumentParser:
    parser = SentenceParser(
        prog="writer-app draft",
        description="Plan and write a long text section by section (Markdown, one heading per section).",
    )
    parser.add_argument(
        "instruction", nargs="?", default="", help="what to write (not needed with --plan or --resume)"
    )
    parser.add_argument(
        "--words", type=int, help=f"target length ({MIN_TARGET_WORDS:,}–{MAX_TARGET_WORDS:,})"
    )
    parser.add_argument("--plan", type=Path, help="a plan as `writer-app plan --json` printed it")
    parser.add_argument("--out", type=Path, help="write the draft to this file, section by section")
    parser.add_argument("--resume", action="store_true", help="go on with the unfinished draft in --out")
    parser.add_argument(
        "--best-of", type=int, default=1, help="candidates per section, the reward picks (default 1)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    parser.add_argument(
        "--json", action="store_true", help="print the plan, per-section words and S_l, timings"
    )
    add_engine_options(parser)
    return parser


def _note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_plan(argv: list[str]) -> int:
    args = _plan_parser().parse_args(argv)
    configure_logging(args.verbose)
    check_target(args.instruction, args.words)
    engine = load_engine(engine_config(args, AppPaths.default(args.home)))
    started = time.perf_counter()
    try:
        result = plan_draft(engine, PlanRequest(args.instruction, args.words, seed=args.seed))
    finally:
        engine.close()
    outline = result.outline
    if args.json:
        report = {
            "model": result.model,
            "attempts": result.attempts,
            "plan_s": round(time.perf_counter() - started, 2),
        }
        print(json.dumps({"plan": asdict(outline), **report}, ensure_ascii=False, indent=2))
        return 0
    for number, section in enumerate(outline.sections, start=1):
        print(f"{number}. {section.title} ({section.words} words): {section.point}")
    print(f"Total: {outline.planned_words:,} of {outline.target_words:,} words.")
    return 0


def _check_out(path: Path) -> None:
    """One sentence for an --out the draft could not be written to, before any model work."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UserError(f"--out {path} is a folder: name a file.")
    if not folder.is_dir():
        raise UserError(f"The folder of --out ({folder}) does not exist.")
    try:  # the draft is saved atomically: a temporary file beside it, then a rename
        with tempfile.TemporaryFile(dir=folder):
            pass
        if path.exists():
            with open(path, "ab"):
                pass
    except OSError as error:
        raise UserError(f"--out {path} cannot be written ({error.strerror}): choose another file.") from error


class _FileListener(CandidateListener):
    """Writes the draft file and the journal at every finished section; notes progress."""

    def __init__(
        self,
        outline: Outline,
        texts: list[str],
        out: Path | None,
        journal: DraftJournal,
        entry: JournalEntry | None,
        prefix: str = "",
        json_only: bool = False,
    ) -> None:
        self.outline, self.texts, self.out, self.journal, self.entry = outline, texts, out, journal, entry
        self.prefix, self.json_only = prefix, json_only
        self.started = time.perf_counter()
        self.words_at_start = sum(word_count(t) for t in texts)

    def finished(self, candidate: Candidate) -> None:
        self.texts.append(candidate.text)
        if self.out is not None:
            markdown = self.prefix + draft_markdown(self.outline, self.texts)
            atomic_write_bytes(self.out, markdown.encode("utf-8"))
            if self.entry is not None:
                self.entry = self.journal.finish_section(self.entry, len(self.texts), candidate.text)
        elif not self.json_only:
            print(draft_markdown(self.outline, [candidate.text]), flush=True)
        words = sum(word_count(t) for t in self.texts) - self.words_at_start
        rate = words / max(1e-6, time.perf_counter() - self.started)
        budget = self.outline.sections[candidate.index].words
        produced = word_count(candidate.text)
        _note(
            f"section {candidate.index + 1}/{len(self.outline.sections)}: {produced} of {budget} words "
            f"(S_l {length_score(budget, produced):.0f}), {rate:.1f} words/s"
        )


def _outline_for(args: argparse.Namespace, engine: object) -> tuple[Outline, float]:
    """The plan from --plan, or planned now; and how long planning took."""
    if args.plan is not None:
        try:
            data = json.loads(args.plan.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise UserError(f"The plan {args.plan} cannot be read ({error}).") from error
        return Outline.from_data(data), 0.0
    started = time.perf_counter()
    result = plan_draft(engine, PlanRequest(args.instruction, args.words, seed=args.seed))
    _note(f"plan: {len(result.outline.sections)} sections, {result.outline.planned_words:,} words")
    return result.outline, time.perf_counter() - started


def run_draft(argv: list[str]) -> int:
    args = _draft_parser().parse_args(argv)
    configure_logging(args.verbose)
    if args.resume and args.out is None:
        raise UserError("--resume needs --out: the file whose draft should go on.")
    if not 1 <= args.best_of <= 8:
        raise UserError("--best-of takes 1 to 8 candidates per section.")
    if args.out is not None:
        args.out = args.out.expanduser()
        _check_out(args.out)
    paths = AppPaths.default(args.home)
    journal = DraftJournal(paths.state_dir / "drafts")
    key = key_for_path(args.out) if args.out is not None else ""
    entry = journal.load(key) if key else None
    written: list[str] = []
    prefix = ""  # text the user put before the first heading stays there
    if args.resume:
        if entry is None:
            raise UserError(
                f"There is no unfinished draft for {args.out}: run without --resume to start one."
            )
        outline = Outline.from_data(entry.plan)
        if entry.finished:
            _note(f"The draft in {args.out} is finished: nothing to resume.")
            return 0
        if entry.done:
            try:
                markdown = args.out.read_text(encoding="utf-8")
            except OSError as error:
                raise UserError(
                    f"The draft {args.out} cannot be read ({error}): start again without --resume."
                ) from error
            written = split_draft(markdown, outline, entry.done)
            first = markdown.find(heading_line(outline.sections[0].title))
            prefix = markdown[:first] if first > 0 else ""
        _note(f"resuming at section {entry.done + 1} of {len(outline.sections)}")
    elif args.plan is None:
        if args.words is None:
            raise UserError(
                "Give the draft's length with --words N (200 to 20,000), or a plan with --plan FILE."
            )
        check_target(args.instruction, args.words)
    if not args.resume and args.out is not None:
        if entry is not None and not entry.finished:
            raise UserError(
                f"{args.out} holds an unfinished draft: add --resume to go on, or choose another --out."
            )
        if args.out.exists() and args.out.stat().st_size:
            raise UserError(f"{args.out} already has text: choose a new file for the draft.")
    engine = load_engine(engine_config(args, paths))
    plan_s = 0.0
    try:
        if not args.resume:
            outline, plan_s = _outline_for(args, engine)
            if key:
                entry = journal.save(JournalEntry(key, asdict(outline), 0, args.seed, args.best_of))
                atomic_write_bytes(args.out, b"")
        texts = list(written)
        listener = _FileListener(outline, texts, args.out, journal, entry, prefix, args.json)
        request = DraftRequest(
            outline,
            tuple(written),
            seed=entry.seed if entry else args.seed,
            candidates_per_section=entry.candidates_per_section if entry else args.best_of,
        )
        result = write_draft(banning_engine(engine, args, request), request, listener=listener)
    except KeyboardInterrupt:
        if args.out is not None:
            _note(f"Stopped: the finished sections are in {args.out}; run again with --resume to go on.")
        raise
    finally:
        engine.close()
    if args.json:
        print(
            json.dumps(_report(result, plan_s, engine.load_seconds, args.out), ensure_ascii=False, indent=2)
        )
    _note(
        f"{result.words:,} words of {outline.target_words:,} "
        f"(S_l {result.length_score:.0f}) in {result.seconds:.0f} s"
    )
    return 0


def _report(result: DraftResult, plan_s: float, load_s: float, out: Path | None) -> dict[str, object]:
    markdown = draft_markdown(result.outline, result.texts)
    written = sum(s.words for s in result.sections)
    report: dict[str, object] = {
        "model": result.model,
        "plan": asdict(result.outline),
        "sections": [
            {
                "index": s.index,
                "title": result.outline.sections[s.index].title,
                "budget": result.outline.sections[s.index].words,
                "words": s.words,
                "length_score": round(s.length_score, 1),
                "passes": s.passes,
                "repeated": round(s.repeated, 3),
                "seconds": round(s.seconds, 2),
            }
            for s in result.sections
        ],
        "words": result.words,
        "length_score": round(result.length_score, 1),
        "repeated_4gram_share": round(repeated_ngram_share(markdown), 4),
        "timings": {
            "load_s": round(load_s, 2),
            "plan_s": round(plan_s, 2),
            "write_s": round(result.seconds, 2),
            "words_per_s": round(written / result.seconds, 2) if result.seconds else 0.0,
        },
    }
    if out is None:
        report["text"] = markdown
    else:
        report["out"] = str(out)
    return report
