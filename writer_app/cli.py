"""The command line: starts the GUI, or runs a headless command on the same engine and features."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from writer_app import __version__
from writer_app.assist.text_input import check_text, decode_input
from writer_app.engine.types import EngineConfig, ServerConfig
from writer_app.errors import UserError
from writer_app.model_config import DEFAULT_CONTEXT, engine_config_for, open_engine
from writer_app.paths import AppPaths
from writer_app.reward.quality import Reading

LOGGER = logging.getLogger(__name__)
EPILOG = """commands (run `writer-app COMMAND --help` for their options, which may also come before the
command, as in `writer-app --home DIR style list`):
  rewrite     rewrite the text read from standard input, print the candidates best first
  complete    continue the text read from standard input, print the candidates best first
  plan        plan a long text: sections with their main points and word budgets
  draft       plan and write a long text section by section (--out FILE, --resume after a stop)
  export      export a Markdown file as HTML, PDF or DOCX (export FILE --to html|pdf|docx [--out PATH])
  style       style profiles from your writing (style create NAME FILE... | list | show NAME | delete NAME)
  style-score how close standard input is to a voice (--profile NAME or --samples FILE...)
  imitate     rewrite (--rewrite), continue (--continue) or write (--write "...") in a voice
  score       score candidate texts given as JSON on standard input with the writing reward
  review      score every paragraph of FILE, weakest first, with slop by category (review FILE [--json])
  models      list, download, import, use and remove models (list|download ID|import PATH|use ID|remove ID)
  open FILE   open FILE in the editor, even one named like a command (so does `writer-app -- FILE`)

examples:
  writer-app notes.md                         open a file in the editor
  echo "Me and him goes there." | writer-app rewrite --mode grammar
  writer-app rewrite --instruction "Make it sound like a pirate" -n 2 --json < draft.txt
  writer-app draft --words 1500 --out tea.md "An essay on the history of tea"
  writer-app --self-test                      load the model, generate, print tokens/s
"""


class SentenceParser(argparse.ArgumentParser):
    """A command's parser whose bad arguments are one sentence and exit status 1, like any bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{message[:1].upper()}{message[1:]} (see `{self.prog} --help`).")


def ensure_std_streams() -> None:
    """Give the process real stdout/stderr files (windowed builds start with None)."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def add_engine_options(parser: argparse.ArgumentParser, server: bool = True) -> None:
    parser.add_argument("--model", type=Path, help="a .gguf model file (default: the embedded model)")
    if server:
        parser.add_argument(
            "--server",
            metavar="URL",
            help="generate on a model server with the OpenAI-compatible API (llama.cpp, vLLM, Ollama, "
            "LM Studio), e.g. http://127.0.0.1:8080: the text is sent there",
        )
        parser.add_argument(
            "--server-model", metavar="NAME", help="the server's model (may be left out if it serves one)"
        )
        parser.add_argument(
            "--api-key-env", metavar="VAR", help="the environment variable that holds the server's API key"
        )
        parser.add_argument(
            "--no-anti-slop",
            action="store_true",
            help="let the slop lexicon's phrases through while generating (they are kept out by default)",
        )
        parser.add_argument(
            "--ban", metavar="PHRASES", default="", help="your own phrases to keep out, comma-separated"
        )
    parser.add_argument(
        "--n-ctx", type=int, help="context size in tokens (default 4096, or the Preferences')"
    )
    parser.add_argument("--threads", type=int, help="CPU threads (default: the physical cores)")
    parser.add_argument("--home", type=Path, help="keep settings, data and state under this folder")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to standard error")


def _main_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="writer-app",
        allow_abbrev=False,  # "--mode grammar rewrite" must not be read as --model
        description="A local-first writing assistant: a text editor with a local language model.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", nargs="?", type=Path, help="a text or Markdown file to open")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="load the model, generate a few tokens, print tokens/s and exit (0 when it works)",
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="OUT.png",
        help="render the main window with a document and a candidate list to a PNG and exit",
    )
    parser.add_argument(
        "--exit-when-ready", action="store_true", help=argparse.SUPPRESS
    )  # start-up benchmark
    parser.add_argument("--version", action="version", version=f"writer-app {__version__}")
    add_engine_options(parser)
    return parser


def add_candidate_options(parser: argparse.ArgumentParser) -> None:
    """How many candidates, the first one's seed, and JSON output: the generating commands' options."""
    parser.add_argument("-n", "--candidates", type=int, default=3, help="how many candidates (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first candidate (default 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def check_candidates(count: int) -> None:
    if not 1 <= count <= 16:
        raise UserError("Ask for between 1 and 16 candidates (-n).")


def read_stdin(what: str = "the text") -> str:
    """Standard input as text (empty when there is none); binary or undecodable input is refused. At a
    terminal, a line on standard error says how to end the text, rather than waiting in silence."""
    if sys.stdin is None:
        return ""
    if sys.stdin.isatty():
        end = "Ctrl+Z, then Enter" if sys.platform == "win32" else "Ctrl+D on a line of its own"
        print(f"Type or paste {what}, then press {end}.", file=sys.stderr, flush=True)
    return decode_input(sys.stdin.buffer.read())


def piped_text(what: str, command: str, tail: int = 0) -> str:
    """Standard input as text, checked as the model gets it (only its last `tail` characters, when
    given); empty input gets a sentence that says how to pipe it in."""
    text = read_stdin()
    empty = f"There is no {what} on standard input: pipe it in, as in `writer-app {command} < draft.txt`."
    check_text(text[-tail:] if tail else text, what=what, empty=empty)
    return text


def engine_config(args: argparse.Namespace, paths: AppPaths) -> EngineConfig | ServerConfig:
    """The model file to load, or the server to use (`--server`)."""
    from writer_app.modelhub.default_model import require_default_model

    if getattr(args, "server", None):
        return server_config_from(args)
    if args.model:
        model = args.model.expanduser()
    else:
        from writer_app.modelhub.store import ModelStore

        model = ModelStore(paths).active_path() or require_default_model(paths)
    return engine_config_for(model, args.n_ctx or DEFAULT_CONTEXT, args.threads)


def server_config_from(args: argparse.Namespace) -> ServerConfig:
    """`--server URL [--server-model NAME] [--api-key-env VAR]` as a server configuration."""
    from writer_app.engine.server_api import is_local_server, normalise_base_url

    key = ""
    if args.api_key_env:
        key = os.environ.get(args.api_key_env, "")
        if not key:
            raise UserError(f"The environment variable {args.api_key_env} (--api-key-env) is not set.")
    url = normalise_base_url(args.server)
    if not is_local_server(url):
        LOGGER.warning("the text is sent to %s, a server on another machine", url)
    return ServerConfig(url, args.server_model or "", key, n_ctx=args.n_ctx or DEFAULT_CONTEXT)


def banning_engine(engine, args: argparse.Namespace, request: object):
    """`engine` keeping the slop lexicon's phrases (and `--ban`'s) out of what it writes for
    `request`, unless `--no-anti-slop`; the request's own words stay allowed."""
    from writer_app.assist.anti_slop import all_phrases, banning, user_phrases

    own = user_phrases(args.ban)
    phrases = own if args.no_anti_slop else all_phrases(own)
    return banning(engine, phrases, request)


def load_engine(config: EngineConfig | ServerConfig):
    """The engine for `config`: a model file in this process, or a model server."""
    return open_engine(config)


@contextmanager
def quality_reader(args: argparse.Namespace) -> Iterator[Reading | None]:
    """The scoring model's reading for the quality model while the block runs (closed after it); None,
    with a line in the log, where the default model is not installed or cannot be loaded."""
    from writer_app.model_config import scoring_reader

    try:
        reader = scoring_reader(AppPaths.default(args.home), args.threads)
    except UserError as error:
        LOGGER.warning("without the scoring model's reading (the text's features only): %s", error)
        reader = None

    try:
        yield reader.read if reader is not None else None
    finally:
        if reader is not None:
            reader.close()


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not verbose:
        logging.getLogger("writer_app.llama").setLevel(logging.ERROR)


def run_self_test(args: argparse.Namespace) -> int:
    from writer_app import self_test

    return self_test.run(args, engine_config(args, AppPaths.default(args.home)), load_engine)


COMMANDS = (
    "rewrite", "complete", "score", "style", "style-score", "imitate", "review", "export", "plan", "draft",
    "models", "open",
)  # fmt: skip


WINDOW_ONLY = ("--self-test", "--screenshot", "--exit-when-ready", "--version")


def command_first(argv: list[str]) -> list[str]:
    """`argv` with its command first when options came before it (`--home DIR style list`), as every
    command takes them after it; a file to open (after `--`, or not named like a command) stays put."""
    if not argv or not argv[0].startswith("-") or argv[0] == "--":
        return argv  # nothing before a command (the window's parser is not built for it)
    taking_values = {
        option
        for action in _main_parser()._actions
        if action.option_strings and action.nargs != 0
        for option in action.option_strings
    }
    position = 0
    while position < len(argv) and argv[position].startswith("-") and argv[position] != "--":
        position += 2 if argv[position] in taking_values else 1
    if not (0 < position < len(argv) and argv[position] in COMMANDS):
        return argv
    command = argv[position]
    for option in argv[:position] if command != "open" else ():  # `open` is the window
        if option.split("=")[0] in WINDOW_ONLY:
            raise UserError(f"{option.split('=')[0]} is the window's, not `writer-app {command}`'s.")
    return [command, *argv[:position], *argv[position + 1 :]]


def main(argv: list[str] | None = None) -> int:
    ensure_std_streams()
    argv = list(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    try:
        argv = command_first(argv)
        command = argv[0] if argv else ""
        if command in ("rewrite", "complete"):
            from writer_app.assist_cli import run_complete, run_rewrite

            return (run_rewrite if command == "rewrite" else run_complete)(argv[1:])
        if command == "score":
            from writer_app.score_cli import run_score

            return run_score(argv[1:])
        if command in ("style", "style-score", "imitate"):
            from writer_app.style_cli import COMMANDS as STYLE_COMMANDS

            return STYLE_COMMANDS[command](argv[1:])
        if command == "review":
            from writer_app.review_cli import run as run_review

            return run_review(argv[1:])
        if command == "export":
            from writer_app.export_cli import run as run_export

            return run_export(argv[1:])
        if command in ("plan", "draft"):
            from writer_app.draft_cli import run_draft, run_plan

            return (run_plan if command == "plan" else run_draft)(argv[1:])
        if command == "models":
            from writer_app.modelhub.commands import run as run_models

            return run_models(argv[1:])
        parser = _main_parser()
        if command == "open":  # `writer-app open rewrite` opens a file called "rewrite"
            args = parser.parse_args(argv[1:])
            if args.file is None:
                raise UserError("Name the file to open: writer-app open FILE.")
        else:
            args = parser.parse_args(argv)
        configure_logging(args.verbose)
        if args.self_test:
            return run_self_test(args)
        from writer_app.app import run_gui

        return run_gui(args)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Cancelled.", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: one sentence, the traceback only with --verbose
        LOGGER.debug("unexpected failure", exc_info=True)
        print(
            f"error: unexpected {type(error).__name__}: {error}. Please report it; run with --verbose "
            "for the details.",
            file=sys.stderr,
        )
        return 2
    finally:
        LOGGER.debug("command took %.2f s", time.perf_counter() - started)
