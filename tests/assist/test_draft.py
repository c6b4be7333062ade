"""Writing a draft: the length score, the section prompt (stable prefix, fits a 20,000-word target),
length control, repetition, cleaning, the Markdown form read back with edits, and the journal."""

from __future__ import annotations

import threading

import pytest

from tests.fakes.draft_engine import prose
from tests.fakes.scripted_engine import ScriptedEngine
from writer_app.assist.candidates import CandidateListener
from writer_app.assist.draft import DraftRequest, section_messages, write_draft
from writer_app.assist.draft_text import (
    clean_section,
    draft_markdown,
    repeated_ngram_share,
    repeated_share,
    split_draft,
    word_count,
)
from writer_app.assist.outline import Outline, Section, repair_budgets
from writer_app.assist.types import Candidate
from writer_app.documents.draft_journal import DraftJournal, JournalEntry, key_for_path
from writer_app.errors import UserError
from writer_app.reward.components import length_score


def outline_of(count: int, words: int = 200, target: int | None = None) -> Outline:
    sections = [Section(f"Part {i + 1}", f"What part {i + 1} says.", words) for i in range(count)]
    target = target or count * words
    return Outline("Write about the sea.", target, tuple(repair_budgets(sections, target)))


@pytest.mark.parametrize(
    ("required", "produced", "expected"),
    [
        (1000, 1000, 100.0),
        (1000, 1300, 90.0),
        (1000, 4000, 0.0),
        (1000, 500, 50.0),
        (1000, 250, 0.0),
        (2000, 1600, 87.5),
    ],
)
def test_length_score_is_longwriters_formula(required: int, produced: int, expected: float) -> None:
    assert length_score(required, produced) == pytest.approx(expected)


class Recorder(CandidateListener):
    def __init__(self) -> None:
        self.finished_sections: list[Candidate] = []
        self.restarts: list[int] = []

    def finished(self, candidate: Candidate) -> None:
        self.finished_sections.append(candidate)

    def restart(self, index: int) -> None:
        self.restarts.append(index)


def test_each_section_is_written_once_near_its_budget() -> None:
    engine = ScriptedEngine(script=prose)
    listener = Recorder()
    outline = outline_of(3, 300)
    result = write_draft(engine, DraftRequest(outline), listener=listener)
    assert [c.index for c in listener.finished_sections] == [0, 1, 2]
    for section in result.sections:
        assert 0.9 * 300 <= section.words <= 1.12 * 300
        assert section.text.endswith(".")
        assert section.length_score > 90
    assert result.length_score > 95
    assert [s.text for s in result.sections] == list(result.texts)


def test_a_section_that_stops_short_is_continued_from_where_it_stopped() -> None:
    # The first pass (seed 0) ends after ~45 words; a continuation (seed 1) goes on.
    engine = ScriptedEngine(
        script=lambda line, seed: prose(line, seed)[:300] if seed == 0 else prose(line, seed)
    )
    result = write_draft(engine, DraftRequest(outline_of(1, 200)))
    section = result.sections[0]
    assert section.passes == 2
    assert section.words >= 0.9 * 200
    answer_start = engine.prompts[-1].rsplit("<assistant>\n", 1)[1]  # what the last pass went on from
    assert len(answer_start.split()) >= 40 and section.text.startswith(answer_start.strip())


def test_a_section_that_repeats_earlier_text_is_written_again() -> None:
    same = prose("", 1)
    engine = ScriptedEngine(script=lambda line, seed: same if seed < 1100 else prose(line, seed))
    listener = Recorder()
    result = write_draft(engine, DraftRequest(outline_of(2, 200)), listener=listener)
    assert listener.restarts == [1]  # section 2 came out as section 1's text: written again
    assert result.sections[1].repeated < 0.3


def test_the_prompt_keeps_the_plan_as_a_stable_prefix_and_the_last_section_whole() -> None:
    engine = ScriptedEngine(n_ctx=100_000)
    outline = outline_of(4, 250)
    texts = [prose("", i)[:900] for i in range(3)]
    first = section_messages(engine, outline, texts[:2], 2)[1]["content"]
    second = section_messages(engine, outline, texts, 3)[1]["content"]
    shared = first[: first.index("Now write section")]
    assert second.startswith(shared)  # the earlier prompt, up to its step, is the later one's prefix
    assert first.index("Part 4") < first.index("The text so far")  # the whole plan comes first
    assert "bring the whole text to a close" in second and "do not conclude" in first


def test_a_20000_word_draft_still_fits_the_context() -> None:
    engine = ScriptedEngine(n_ctx=4096 * 4)  # characters here; about 4,096 tokens of prose
    outline = outline_of(50, 400, 20_000)
    texts = [prose("", i)[:2_400] for i in range(49)]
    messages = section_messages(engine, outline, texts, 49)
    prompt = engine.chat_tokens(messages)
    from writer_app.assist.draft import max_tokens_for

    assert len(prompt) + max_tokens_for(outline.sections[49].words) <= engine.n_ctx
    content = messages[1]["content"]
    assert content.startswith("Instruction: Write about the sea.")
    assert "Part 50" in content  # the plan is whole
    assert texts[-1].strip() in content  # the most recent section is whole
    assert texts[0].strip() not in content  # the oldest is summarised or left out


def test_cancel_returns_the_finished_sections_only() -> None:
    cancel = threading.Event()

    class CancelAfterFirst(Recorder):
        def finished(self, candidate: Candidate) -> None:
            super().finished(candidate)
            cancel.set()

    listener = CancelAfterFirst()
    result = write_draft(
        ScriptedEngine(script=prose), DraftRequest(outline_of(3)), cancel=cancel, listener=listener
    )
    assert result.cancelled and len(result.sections) == 1 and len(result.texts) == 1


def test_resume_writes_only_the_sections_after_the_written_ones() -> None:
    engine = ScriptedEngine(script=prose)
    result = write_draft(engine, DraftRequest(outline_of(3), written=("An edited first part.",)))
    assert [s.index for s in result.sections] == [1, 2]
    assert result.texts[0] == "An edited first part."
    assert not any("Now write section 1 of" in prompt for prompt in engine.prompts)
    assert "An edited first part." in engine.prompts[0]


@pytest.mark.parametrize(
    "raw",
    [
        "## Part 2\n\nThe sea was calm.",
        "Part 2\n\nThe sea was calm.",
        "**Section 2: Part 2**\nThe sea was calm.",
        "Sure, here is section 2:\n\nThe sea was calm.",
        "<<Part 2: the long version>>\n\nThe sea was calm.",
    ],
)
def test_a_section_loses_the_heading_the_model_gave_it(raw: str) -> None:
    assert clean_section(raw, "Part 2") == "The sea was calm."


def test_a_section_ends_where_it_writes_the_prompt_out_again() -> None:
    raw = "The sea was calm.\n\nThe text so far:\n\n## Part 1\n\nThe sea was calm."
    assert clean_section(raw, "Part 2") == "The sea was calm."
    told = "The sea was calm. The text so far: a storm, a wreck."  # not the label alone: the story's
    assert clean_section(told, "Part 2") == told


def test_repetition_figures() -> None:
    assert repeated_ngram_share("one two three four five six") == 0.0
    assert repeated_ngram_share("one two three four one two three four") == pytest.approx(1 / 5)
    assert repeated_share("one two three four", "one two three four five") == pytest.approx(1 / 2)
    assert word_count("The sea, 海が見える.") == 2 + 5  # CJK and kana count per character


def test_the_markdown_draft_reads_back_with_the_users_edits() -> None:
    outline = outline_of(3)
    markdown = draft_markdown(outline, ["First text.", "Second text."])
    edited = markdown.replace("Second text.", "Second text, edited by hand.\n\nWith a new paragraph.")
    assert split_draft(edited, outline, 2) == [
        "First text.",
        "Second text, edited by hand.\n\nWith a new paragraph.",
    ]
    skeleton = edited + "\n## Part 3\n\n"  # the next heading ends the last written section
    assert split_draft(skeleton + "Text the user wrote below.", outline, 2)[1].endswith("new paragraph.")
    with pytest.raises(UserError, match="heading of section 2"):
        split_draft(markdown.replace("## Part 2", "## Renamed"), outline, 2)


def test_the_journal_round_trips_and_a_damaged_one_is_a_sentence(tmp_path) -> None:
    journal = DraftJournal(tmp_path / "drafts")
    key = key_for_path(tmp_path / "out.md")
    assert journal.load(key) is None
    entry = journal.save(JournalEntry(key, {"instruction": "x", "target_words": 400, "sections": [{}, {}]}))
    entry = journal.finish_section(entry, 1)
    loaded = journal.load(key)
    assert loaded is not None and loaded.done == 1 and not loaded.finished
    assert journal.finish_section(loaded, 2).finished
    assert oct(next((tmp_path / "drafts").iterdir()).stat().st_mode & 0o777) == "0o600"
    next((tmp_path / "drafts").iterdir()).write_text("{not json")
    with pytest.raises(UserError, match="cannot be read"):
        journal.load(key)
