"""The plan and draft commands on a scripted engine: output, the journal, resume after a crash in the
middle of a section (each section written exactly once, the user's edits kept), and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fakes.draft_engine import Crash, DraftEngine
from writer_app import cli, draft_cli
from writer_app.engine.types import EngineConfig


class Engines(list):
    """The engines the commands loaded, in order; `queue` holds the next ones to hand out."""

    def __init__(self) -> None:
        super().__init__()
        self.queue: list[DraftEngine] = []


@pytest.fixture
def engines(monkeypatch: pytest.MonkeyPatch) -> Engines:
    made = Engines()

    def load(config):
        engine = made.queue.pop(0) if made.queue else DraftEngine()
        made.append(engine)
        return engine

    monkeypatch.setattr(draft_cli, "load_engine", load)
    monkeypatch.setattr(draft_cli, "engine_config", lambda args, paths: EngineConfig(Path("scripted.gguf")))
    return made


def test_plan_json_feeds_draft_plan(engines, tmp_path: Path, capsys) -> None:
    assert cli.main(["plan", "--words", "1200", "--json", "A story of the sea"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert [s["title"] for s in plan["plan"]["sections"]] == ["Part 1", "Part 2", "Part 3", "Part 4"]
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan))
    assert cli.main(["draft", "--plan", str(plan_file), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [s["index"] for s in report["sections"]] == [0, 1, 2, 3]
    assert report["text"].count("## Part") == 4
    assert report["length_score"] > 90 and 0 <= report["repeated_4gram_share"] < 0.3
    assert not any("Plan the text" in p for p in engines[-1].prompts)  # --plan: no planning


def test_resume_after_a_crash_mid_section_writes_each_section_once(engines, tmp_path: Path, capsys) -> None:
    out = tmp_path / "draft.md"
    engines.queue.append(DraftEngine(crash_in_section=3))
    with pytest.raises(Crash):
        cli.main(["draft", "--words", "1200", "--out", str(out), "A story of the sea"])
    first = engines[-1].sections_started
    assert first == [1, 2, 3]
    written = out.read_text()
    assert written.count("## Part") == 2  # the file holds the finished sections only
    edited = written.replace("## Part 2\n\n", "## Part 2\n\nA sentence the writer added by hand. ")
    out.write_text(edited)

    assert cli.main(["draft", "--out", str(out), "--resume", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert engines[-1].sections_started == [3, 4]  # 1 and 2 are not written again
    final = out.read_text()
    assert [line for line in final.splitlines() if line.startswith("## ")] == [
        f"## Part {i}" for i in (1, 2, 3, 4)
    ]
    assert "A sentence the writer added by hand." in final
    assert (
        "A sentence the writer added by hand." in engines[-1].prompts[0]
    )  # the edit is what comes next from
    assert [s["index"] for s in report["sections"]] == [2, 3]

    loaded = len(engines)
    assert cli.main(["draft", "--out", str(out), "--resume"]) == 0  # finished: nothing more to write
    assert len(engines) == loaded  # not even a model was loaded


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (["draft", "--words", "150", "Tea"], "200 to 20,000 words"),
        (["draft", "--words", "30000", "Tea"], "200 to 20,000 words"),
        (["draft", "--words", "1000", "   "], "Write an instruction"),
        (["draft", "--resume", "Tea"], "--resume needs --out"),
        (["draft", "--words", "1000", "--out", "/nonexistent-folder/x.md", "Tea"], "does not exist"),
        (["draft", "--words", "1000", "--out", "/proc/version", "Tea"], "cannot be written"),
        (["plan", "--words", "10", "Tea"], "200 to 20,000 words"),
        (["plan", "Tea"], "The following arguments are required: --words"),
        (["draft", "--words", "many", "Tea"], "Argument --words: invalid int value"),
        (["draft", "Tea"], "Give the draft's length with --words"),
    ],
)
def test_bad_input_gets_one_sentence_and_exit_1(engines, argv: list[str], sentence: str, capsys) -> None:
    assert cli.main(argv) == 1
    error = capsys.readouterr().err
    assert sentence in error and error.startswith("error: ") and "Traceback" not in error
    assert engines == []  # refused before any model was loaded


def test_resume_without_a_journal_is_a_sentence(engines, tmp_path: Path, capsys) -> None:
    assert cli.main(["draft", "--out", str(tmp_path / "none.md"), "--resume"]) == 1
    assert "no unfinished draft" in capsys.readouterr().err


def test_an_out_file_with_text_or_an_unfinished_draft_is_not_overwritten(
    engines, tmp_path: Path, capsys
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("My notes.")
    assert cli.main(["draft", "--words", "1200", "--out", str(notes), "A story"]) == 1
    assert "already has text" in capsys.readouterr().err and notes.read_text() == "My notes."

    out = tmp_path / "draft.md"
    engines.queue.append(DraftEngine(crash_in_section=2))
    with pytest.raises(Crash):
        cli.main(["draft", "--words", "1200", "--out", str(out), "A story"])
    assert cli.main(["draft", "--words", "1200", "--out", str(out), "A story"]) == 1
    assert "unfinished draft: add --resume" in capsys.readouterr().err

    out.write_text("A line the writer put above the draft.\n\n" + out.read_text())
    assert cli.main(["draft", "--out", str(out), "--resume"]) == 0
    final = out.read_text()
    assert final.startswith("A line the writer put above the draft.\n\n## Part 1")
    assert final.count("## Part") == 4
    assert cli.main(["draft", "--out", str(out), "--resume"]) == 0
    assert "is finished: nothing to resume" in capsys.readouterr().err
