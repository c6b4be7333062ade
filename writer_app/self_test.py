"""`writer-app --self-test`: one quick pass through the core of every feature, as a bundle must run it."""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from writer_app.engine.types import EngineConfig, Sampling, ServerConfig
from writer_app.errors import UserError
from writer_app.self_test_server import check_server_engine

LOGGER = logging.getLogger(__name__)
RUSSIAN = "Каждый вечер смотритель поднимался по лестнице маяка и зажигал большую лампу для кораблей."


def check_model(config: EngineConfig | ServerConfig, load: Callable[[EngineConfig], object]) -> str:
    """Load the model and generate a few tokens; the line to print."""
    engine = load(config)
    try:
        prompt = engine.chat_tokens([{"role": "user", "content": "Write one sentence about the sea."}])
        generation = engine.stream(prompt, Sampling(temperature=0.0, max_tokens=32), threading.Event())
        text = "".join(generation)
        draft_line = check_draft(engine)
        style_line = check_style(engine)
        tools_line = check_rewrite_tools(engine)
    finally:
        engine.close()
    stats = generation.stats
    local = isinstance(config, EngineConfig)
    where = config.model_path.name if local else f"on the server {config.source}"
    on = f" on {config.n_threads} threads" if local else ""
    if stats.generated_tokens == 0:
        raise UserError("Self-test failed: the model produced no tokens. Check the model file.")
    LOGGER.info("self-test output: %r", text)
    return (
        f"model: {engine.model_name} ({where}) loaded in {engine.load_seconds:.2f} s, "
        f"{stats.generated_tokens} tokens at {stats.tokens_per_s:.1f} tokens/s{on}"
        f"\n  {draft_line}\n  {style_line}\n  {tools_line}"
    )


def check_draft(engine) -> str:
    """Long drafts' core: a plan through the grammar sampler, and a few tokens with DRY sampling."""
    from writer_app.assist.outline import PlanRequest, plan_draft

    result = plan_draft(engine, PlanRequest("A short note about the sea", 400, seed=1))
    prompt = engine.chat_tokens([{"role": "user", "content": "Go on: the sea was calm, the sea was calm"}])
    dry = "".join(engine.stream(prompt, Sampling(temperature=0.0, max_tokens=16, dry_multiplier=0.8)))
    if not result.outline.sections or not dry:
        raise UserError("Self-test failed: planning or DRY sampling produced nothing.")
    grammar = "grammar-constrained" if engine.capabilities.grammar else "parsed"
    return f"drafts: a {grammar} plan of {len(result.outline.sections)} section(s), DRY sampling works"


def check_rewrite_tools(engine) -> str:
    """Rewriting's tools: a banned word kept out as it is sampled, a candidate's changes taken one by
    one, and a user's action exported and imported."""
    import re

    from writer_app.assist.user_actions import ActionStore, UserAction
    from writer_app.documents.word_diff import apply_changes, changes

    prompt = engine.chat_tokens([{"role": "user", "content": "Describe a harbour at dawn."}])
    free = "".join(engine.stream(prompt, Sampling(temperature=0.0, max_tokens=24)))
    word = next((w.lower() for w in re.findall(r"[A-Za-z]{5,}", free)), "")
    bans = "no phrase bans on a server (ranking only)"
    if engine.capabilities.phrase_bans and word:
        kept = "".join(engine.stream(prompt, Sampling(temperature=0.0, max_tokens=24, banned=(word,))))
        if re.search(rf"\b{word}\b", kept, re.IGNORECASE):
            raise UserError(f"Self-test failed: the banned word {word!r} was generated anyway.")
        bans = f"a banned word ({word!r}) kept out as it is sampled"
    found = changes("the quick brown fox", "the fast brown dog")
    with tempfile.TemporaryDirectory(prefix="writer-app-self-test-") as folder:
        store, copy = ActionStore(Path(folder) / "a"), ActionStore(Path(folder) / "b")
        store.save(UserAction("Shout", "Rewrite it in capitals.", "new", "F9"))
        store.export("Shout", Path(folder) / "shout.json")
        imported = copy.import_file(Path(folder) / "shout.json")
    if (
        len(found) != 2
        or apply_changes("the quick brown fox", found[:1]) != "the fast brown fox"
        or imported.output != "new"
    ):
        raise UserError("Self-test failed: change review or the actions' files are broken.")
    return f"rewriting: {bans}; 2 changes taken one by one; an action exported and imported"


KEEPER = (
    "It was late in the evening when the keeper climbed the stairs again. He counted them, as he always "
    "did, and he thought of the letter. The wind had turned; the sea was loud below. "
)


def check_style(engine) -> str:
    """Style imitation's core: the shipped background, a profile, the meter, and writing in a voice."""
    from writer_app.assist.imitate import ImitateRequest, imitate
    from writer_app.reward.style_meter import build_profile, match

    samples = (KEEPER * 10,)
    stats = build_profile(list(samples))
    own, other = match(KEEPER * 2, stats), match("Buy now! Great deals, every day, for everyone! " * 6, stats)
    request = ImitateRequest("continue", samples, text=KEEPER, words=40, n_candidates=1, profile=stats)
    result = imitate(engine, request)
    if not own.distance < other.distance or not result.candidates:
        raise UserError("Self-test failed: the style meter or writing in a voice does not work.")
    return (
        f"style: the meter tells voices apart; a continuation in a voice: {result.candidates[0].explanation}"
    )


def check_reward() -> str:
    """The ranker's data and the language model are in place and judge as they should."""
    from writer_app.reward.language import identify
    from writer_app.reward.ranker import ScoreRequest, rank_candidates

    source = "The old lighthouse stood at the edge of the cliff, and honestly it was really very old."
    kept, unrelated = rank_candidates(
        ScoreRequest(task="rewrite", source=source, mode="concise"),
        ["The old lighthouse stood at the edge of the cliff.", "Cats sleep a lot."],
    )
    if not (kept.rank == 1 and "loses meaning" in unrelated.explanation):
        raise UserError("Self-test failed: the reward ranked a faithful rewrite below an unrelated one.")
    if identify(RUSSIAN).code != "ru":
        raise UserError("Self-test failed: the language identifier's model is missing or broken.")
    return f"reward: ranks and explains ({kept.explanation}); language identification works"


CLICHED = (
    "In today's fast-paced world, the harbour is a testament to the rich tapestry of human endeavour, "
    "a beacon of hope where dreams and possibilities intertwine, truly and deeply special in every way."
)
PLAIN = (
    "The boats came in at dawn, low with the night's catch. Old Tomas counted the crates twice before "
    "he let the boys carry them up the ramp, and by seven the market was loud with prices."
)


def check_quality(home: Path | None) -> str:
    """The learned quality model reads with the scoring model, and the document review marks the
    clichéd paragraph as the weakest."""
    from writer_app.assist.review import ReviewRequest, review_document
    from writer_app.engine.reading_copy import SUFFIX as READING_SUFFIX
    from writer_app.model_config import scoring_reader
    from writer_app.paths import AppPaths

    reader = scoring_reader(AppPaths.default(home), keep=False)  # every text read by the model itself
    if reader is None:
        return "quality: the default model is not installed, so scores use the text's features only"
    from writer_app.reward.voice_reading import reading_spaces, voice_reading

    try:
        review = review_document(ReviewRequest(f"{PLAIN}\n\n{CLICHED}"), read=reader.embed)
        voice = voice_reading((KEEPER * 20,), reader.embed)  # a voice as the scoring model hears it
        near = (
            voice
            and len(voice.parts) == len(reading_spaces())  # the last layer's and the two bands'
            and all(
                own < other
                for own, other in zip(
                    voice.standings(reader.embed(KEEPER * 3)),
                    voice.standings(reader.embed(CLICHED)),
                    strict=True,
                )
            )
        )
    finally:
        reader.close()
    if [p.weak for p in review.paragraphs] != [False, True] or not all(p.read for p in review.paragraphs):
        raise UserError("Self-test failed: the quality model or the document review does not work.")
    if not near:
        raise UserError("Self-test failed: the scoring model's reading of a voice does not work.")
    plain, cliched = review.paragraphs
    scores = f"{plain.score:.1f}, and {cliched.score:.1f} for the clichéd one"
    copy = "its fast reading copy" if reader.path.name.endswith(READING_SUFFIX) else "the model itself"
    return (
        f"quality: the review reads each paragraph (with {copy}) and marks the weakest ({scores}); "
        "a voice's reading (last, middle and later layers) tells its own text from another"
    )


def check_files() -> str:
    """Atomic save with the user's mode, and the autosave instance lock."""
    from writer_app.documents.autosave import AutosaveStore
    from writer_app.documents.file_io import read_document, save_document

    with tempfile.TemporaryDirectory(prefix="writer-app-self-test-") as folder:
        path = Path(folder) / "note.md"
        save_document(path, "Saved by the self-test.\n")
        if read_document(path).text != "Saved by the self-test.\n":
            raise UserError("Self-test failed: a saved document did not read back the same.")
        store = AutosaveStore(Path(folder) / "autosave")
        store.claim()
        store.save_in_background("doc", None, "Untitled", "unsaved")
        store.close()
        if [s.text for s in store.snapshots()] != ["unsaved"]:
            raise UserError("Self-test failed: autosave did not write its snapshot.")
    return "files: atomic save and autosave work"


def check_documents() -> str:
    """Spell checking's word lists and the HTML and DOCX exports are in the bundle and work."""
    from writer_app.documents.export import markdown_to_docx, markdown_to_html
    from writer_app.documents.spelling import Spelling

    with tempfile.TemporaryDirectory(prefix="writer-app-self-test-") as folder:
        spelling = Spelling(Path(folder) / "dictionary.txt")
        found = spelling.misspelled("The keeper climbd the stairs.")
        spelling.set_language("de")
        german = spelling.misspelled("Der Hund läuft über die Strase.")
    page = markdown_to_html("# Title\n\nSome *emphasis*.")
    document = markdown_to_docx("# Title\n\nSome *emphasis*.")
    if (
        found != [(11, 17)]
        or german != [(24, 30)]
        or "<em>emphasis</em>" not in page
        or not document.startswith(b"PK")
    ):
        raise UserError("Self-test failed: spell checking or the export is missing a part.")
    return "documents: spell check (English, German), HTML and DOCX export work"


def check_window(home: Path) -> str:
    """Build the main window offscreen and render it: Qt, its plugins and the editor are all there."""
    if not os.environ.get("QT_QPA_PLATFORM"):  # no window appears, with or without a display
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from writer_app.ui.window_check import render_main_window

    return render_main_window(home)


def run(
    args: argparse.Namespace, config: EngineConfig | ServerConfig, load: Callable[[EngineConfig], object]
) -> int:
    lines = [
        check_model(config, load),
        check_reward(),
        check_quality(args.home),
        check_files(),
        check_documents(),
        check_server_engine(),
    ]
    with tempfile.TemporaryDirectory(prefix="writer-app-self-test-") as home:
        lines.append(check_window(Path(home)))
    print("Self-test passed:\n  " + "\n  ".join(lines))
    return 0
