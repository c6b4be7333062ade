"""The command line as a user runs it: rewrite, JSON output, self-test, help and bad input."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.voice_texts import KEEPER, REPORT


def run_cli(*args: str, stdin: bytes = b"", home: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if home is not None:
        env["WRITER_APP_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "writer_app", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_help_lists_every_command_and_option() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    out = result.stdout.decode()
    for word in ("rewrite", "--self-test", "--model", "FILE".lower()):
        assert word in out
    rewrite_help = run_cli("rewrite", "--help").stdout.decode()
    for word in ("--mode", "--instruction", "-n", "--json", "--model", "grammar", "paraphrase"):
        assert word in rewrite_help


def test_rewrite_json_on_the_tiny_model(tiny_model_path: Path) -> None:
    result = run_cli(
        "rewrite",
        "--mode",
        "concise",
        "-n",
        "2",
        "--json",
        "--model",
        str(tiny_model_path),
        stdin=b"the day is good and the night is short",
    )
    assert result.returncode == 0, result.stderr.decode()
    payload = json.loads(result.stdout)
    assert payload["model"] == "tiny-random-llama"
    assert [c["index"] for c in payload["candidates"]] == [0, 1]
    assert all(c["text"] for c in payload["candidates"])
    assert set(payload["timings"]) == {"load_s", "first_token_s", "tokens_per_s"}
    assert payload["timings"]["tokens_per_s"] > 0


def test_rewrite_plain_output_separates_candidates(tiny_model_path: Path) -> None:
    result = run_cli(
        "rewrite",
        "--instruction",
        "Shorter.",
        "-n",
        "2",
        "--model",
        str(tiny_model_path),
        stdin=b"a plain text",
    )
    assert result.returncode == 0
    assert b"\n---\n" in result.stdout


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"", "no text to rewrite on standard input"),
        (b"   \n\t ", "no text to rewrite on standard input"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"caf\xe9 au lait", "not valid UTF-8"),
    ],
)
def test_bad_input_gets_one_sentence_and_a_non_zero_exit(
    tiny_model_path: Path, stdin: bytes, message: str
) -> None:
    result = run_cli("rewrite", "--model", str(tiny_model_path), stdin=stdin)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert message in err
    assert "Traceback" not in err
    assert err.count("\n") == 1


def test_missing_and_broken_models_are_explained(tmp_path: Path, tiny_model_path: Path) -> None:
    missing = run_cli("rewrite", "--model", str(tmp_path / "none.gguf"), stdin=b"hello")
    assert missing.returncode == 1 and b"does not exist" in missing.stderr
    not_gguf = tmp_path / "notes.gguf"
    not_gguf.write_text("just some notes")
    wrong = run_cli("rewrite", "--model", str(not_gguf), stdin=b"hello")
    assert wrong.returncode == 1 and b"not a GGUF model file" in wrong.stderr
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(tiny_model_path.read_bytes()[:300_000])
    truncated = run_cli("rewrite", "--model", str(cut), stdin=b"hello")
    assert truncated.returncode == 1 and b"incomplete" in truncated.stderr
    for result in (missing, wrong, truncated):
        assert b"Traceback" not in result.stderr


def test_text_beyond_the_context_is_refused(tiny_model_path: Path) -> None:
    result = run_cli("rewrite", "--n-ctx", "256", "--model", str(tiny_model_path), stdin=b"the night " * 100)
    assert result.returncode == 1
    assert b"too long for the model" in result.stderr


def test_self_test_on_the_tiny_model(tiny_model_path: Path) -> None:
    result = run_cli("--self-test", "--model", str(tiny_model_path))
    assert result.returncode == 0, result.stderr.decode()
    assert b"Self-test passed" in result.stdout and b"tokens/s" in result.stdout


def test_unknown_mode_is_a_usage_error(tiny_model_path: Path) -> None:
    result = run_cli("rewrite", "--mode", "shout", stdin=b"hello")
    assert result.returncode == 2
    assert b"invalid choice" in result.stderr


def test_score_round_trips_in_input_order() -> None:
    payload = {
        "task": "rewrite",
        "source": "It was very, very good and truly a testament to the team.",
        "mode": "concise",
        "candidates": [
            "It was good work by the team.",
            "Bananas are yellow.",
            "It was good work by the team!",
        ],
    }
    result = run_cli("score", "--json", stdin=json.dumps(payload).encode())
    assert result.returncode == 0, result.stderr.decode()
    scores = json.loads(result.stdout)["scores"]
    assert len(scores) == 3
    # the two near-duplicates: one is merged into the other and ranked last, the off-topic one between
    kept, merged = sorted((0, 2), key=lambda i: scores[i]["rank"])
    assert scores[kept]["rank"] == 1 and scores[1]["rank"] == 2 and scores[merged]["rank"] == 3
    assert scores[merged]["merged_into"] == kept and scores[kept]["merged_into"] is None
    assert scores[kept]["score"] > scores[1]["score"]
    assert {"quality", "meaning", "direction", "total_logit"} <= set(scores[kept]["breakdown"])
    assert isinstance(scores[0]["spans"], list)


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"[]", "must be a JSON object"),
        (b'{"candidates": []}', "non-empty list"),
        (b'{"task": "poem", "candidates": ["x"]}', "task"),
        (b'{"task": "rewrite", "candidates": ["x"]}', "needs the"),
        (b'{"candidates": ["x"], "style_samples": "nope"}', "style_samples"),
    ],
)
def test_score_bad_input_gets_a_sentence(stdin: bytes, message: str) -> None:
    result = run_cli("score", "--json", stdin=stdin)
    assert result.returncode == 1
    assert message in result.stderr.decode() and b"Traceback" not in result.stderr


def test_score_with_the_model_as_judge_and_fluency(tiny_model_path: Path) -> None:
    payload = {"task": "free", "candidates": ["the day is good", "the night is short"]}
    result = run_cli(
        "score",
        "--json",
        "--fluency",
        "--judge",
        "--model",
        str(tiny_model_path),
        stdin=json.dumps(payload).encode(),
    )
    assert result.returncode == 0, result.stderr.decode()
    breakdown = json.loads(result.stdout)["scores"][0]["breakdown"]
    assert "fluency" in breakdown and "judge" in breakdown


def test_rewrite_json_carries_scores(tiny_model_path: Path) -> None:
    result = run_cli(
        "rewrite", "-n", "2", "--json", "--model", str(tiny_model_path), stdin=b"the day is good"
    )
    candidates = json.loads(result.stdout)["candidates"]
    assert sorted(c["rank"] for c in candidates) == [1, 2]
    for c in candidates:  # the printed score is the breakdown's total, squashed onto 0–10
        assert c["score"] == pytest.approx(10 / (1 + math.exp(-c["breakdown"]["total_logit"])), abs=0.01)
    best = min(candidates, key=lambda c: c["rank"])
    if all(c["merged_into"] is None for c in candidates):
        assert best["score"] == max(c["score"] for c in candidates)


def test_the_window_starts_from_the_command_line(tmp_path: Path) -> None:
    document = tmp_path / "notes.md"
    document.write_text("# Notes\n\nHello.\n")
    env_home = tmp_path / "home"
    started = run_cli(str(document), "--exit-when-ready", home=env_home)
    assert started.returncode == 0, started.stderr.decode()
    assert b"Traceback" not in started.stderr
    missing = run_cli(str(tmp_path / "missing.md"), "--exit-when-ready", home=env_home)
    assert missing.returncode == 0 and b"Traceback" not in missing.stderr  # a message bar, not a crash


@pytest.mark.parametrize("form", ["open", "--"])
def test_a_file_named_like_a_command_can_be_opened(tmp_path: Path, form: str) -> None:
    document = tmp_path / "rewrite"
    document.write_text("A draft called rewrite.\n")
    home = tmp_path / "home"
    options = ["--home", str(home), "--exit-when-ready"]
    args = ["open", "rewrite", *options] if form == "open" else [*options, "--", "rewrite"]
    started = subprocess.run(
        [sys.executable, "-m", "writer_app", *args],
        cwd=tmp_path,
        capture_output=True,
        timeout=300,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert started.returncode == 0, started.stderr.decode()
    settings = "".join(f.read_text() for f in (home / "config").rglob("*") if f.is_file())
    assert str(document) in settings  # opened: it is the most recent file


def test_icon_and_desktop_entry_are_shipped() -> None:
    from writer_app.app import icon_path

    icon = icon_path()
    assert icon is not None and icon.read_text().startswith("<svg")
    desktop = (Path(__file__).resolve().parents[1] / "resources" / "writer-app.desktop").read_text()
    assert "Exec=writer-app %F" in desktop and "Icon=writer-app" in desktop


def test_complete_continues_standard_input_with_ranked_candidates(tiny_model_path: Path) -> None:
    result = run_cli(
        "complete",
        "-n",
        "2",
        "--max-words",
        "12",
        "--json",
        "--model",
        str(tiny_model_path),
        stdin=b"The keeper climbed the stairs and",
    )
    assert result.returncode == 0, result.stderr.decode()
    payload = json.loads(result.stdout)
    assert sorted(c["rank"] for c in payload["candidates"]) == [1, 2]
    assert all(c["text"] and c["explanation"] for c in payload["candidates"])
    assert set(payload["timings"]) == {"load_s", "first_token_s", "tokens_per_s"}


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"   ", b"no text to continue on standard input"),
        (b"\x00\x01\x02", b"binary"),
        (b"text", b"between 1 and 16"),
    ],
)
def test_complete_refuses_bad_input_with_one_sentence(
    tiny_model_path: Path, stdin: bytes, message: bytes
) -> None:
    extra = ["-n", "0"] if stdin == b"text" else []
    result = run_cli("complete", *extra, "--model", str(tiny_model_path), stdin=stdin)
    assert result.returncode == 1 and message in result.stderr and b"Traceback" not in result.stderr


def test_imitate_ranks_candidates_with_their_style_match(tiny_model_path: Path, tmp_path: Path) -> None:
    samples = tmp_path / "keeper.txt"
    samples.write_text(KEEPER * 10)
    model = ["--model", str(tiny_model_path), "--samples", str(samples)]
    result = run_cli("imitate", "--rewrite", "-n", "2", "--json", *model, stdin=b"The meeting is at noon.")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert sorted(c["rank"] for c in payload["candidates"] if c["merged_into"] is None)[0] == 1
    for candidate in payload["candidates"]:
        style = candidate["style"]
        assert 0 <= style["score"] <= 10 and 0 <= style["percentile"] <= 100 and style["explanation"]
        assert "style_match" in candidate["breakdown"]
    written = run_cli("imitate", "--write", "a note about the storm", "-n", "1", "--json", *model)
    assert written.returncode == 0, written.stderr
    assert json.loads(written.stdout)["candidates"]


def test_style_score_measures_a_text_as_a_card_is(tmp_path: Path, reader) -> None:
    """`style-score` joins in the scoring model's reading where the text is long enough to read, as
    imitate's candidates are measured; the voice's own kind of text scores above another kind."""
    from writer_app.reward.style_meter import build_profile, match
    from writer_app.reward.voice_reading import voice_match

    samples = tmp_path / "keeper.txt"
    samples.write_text(KEEPER * 20)  # four passages to read
    profile = build_profile([KEEPER * 20])
    scores = {}
    for name, text in (("keeper", KEEPER * 3), ("report", REPORT * 4)):
        result = run_cli("style-score", "--samples", str(samples), "--json", stdin=text.encode())
        assert result.returncode == 0, result.stderr
        scores[name] = json.loads(result.stdout)
        expected = voice_match(text, profile, [KEEPER * 20], reader.read)
        assert scores[name]["score"] == pytest.approx(expected.score, abs=0.05)
        assert scores[name]["score"] != match(text, profile).score  # the reading is in it
    assert scores["keeper"]["score"] > scores["report"]["score"]
    assert scores["keeper"]["percentile"] > scores["report"]["percentile"]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--rewrite", "--profile", "Nobody"], b"Some text.", b"no style profile called"),
        (["--continue"], b"Some text.", b"the arguments --samples --profile is required"),
        (["--rewrite", "--samples", "SHORT"], b"Some text.", b"at least 300"),
        (["--rewrite", "--samples", "LONG"], b"", b"no text to rewrite on standard input"),
    ],
)
def test_imitate_bad_input_gets_one_sentence(
    tiny_model_path: Path, tmp_path: Path, args: list[str], stdin: bytes, message: bytes
) -> None:
    (tmp_path / "short.txt").write_text("Only a few words here.")
    (tmp_path / "long.txt").write_text("The keeper climbed the stairs and lit the lamp. " * 40)
    args = [
        {"SHORT": str(tmp_path / "short.txt"), "LONG": str(tmp_path / "long.txt")}.get(a, a) for a in args
    ]
    result = run_cli("imitate", *args, "--model", str(tiny_model_path), stdin=stdin, home=tmp_path / "home")
    assert result.returncode == 1
    assert message in result.stderr and b"Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["rewrite", "complete", "imitate", "plan", "draft"])
def test_every_generating_command_takes_a_server(command: str) -> None:
    out = run_cli(command, "--help").stdout.decode()
    for option in ("--server", "--server-model", "--api-key-env"):
        assert option in out, (command, option)


def test_rewrite_and_complete_on_a_server(tiny_server, monkeypatch) -> None:
    monkeypatch.setenv("TEST_SERVER_KEY", "sk-test")  # this server has no key: it ignores the header
    for command in ("rewrite", "complete"):
        result = run_cli(
            command,
            "-n",
            "2",
            "--json",
            "--server",
            tiny_server.url,
            "--api-key-env",
            "TEST_SERVER_KEY",
            stdin=b"the day is good and the night is short",
        )
        assert result.returncode == 0, result.stderr.decode()
        payload = json.loads(result.stdout)
        assert payload["model"] == "tiny" and payload["candidates"]


def test_server_mistakes_on_the_command_line_are_sentences(tiny_server) -> None:
    cases = (
        (("--api-key-env", "NO_SUCH_VARIABLE_SET"), "The environment variable NO_SUCH_VARIABLE_SET"),
        (("--server-model", "gpt-9"), "no model named 'gpt-9'; it serves: tiny"),
    )
    for options, said in cases:
        result = run_cli("rewrite", "--server", tiny_server.url, *options, stdin=b"The day is good.")
        assert result.returncode == 1 and said in result.stderr.decode()
        assert "Traceback" not in result.stderr.decode()
    far = run_cli("rewrite", "--server", "http://gpu.invalid:8080", stdin=b"The day is good.")
    assert far.returncode == 1
    assert "sent to http://gpu.invalid:8080, a server on another machine" in far.stderr.decode()
    assert "Could not reach a server at http://gpu.invalid:8080" in far.stderr.decode()


def test_rewrite_runs_a_users_action(tiny_model_path: Path, tmp_path: Path) -> None:
    from writer_app.assist.user_actions import ActionStore, UserAction
    from writer_app.paths import AppPaths

    home = tmp_path / "home"
    ActionStore(AppPaths.default(home).data_dir / "actions").save(
        UserAction("Shout", "Rewrite it in capitals.")
    )
    args = (
        "rewrite",
        "--action",
        "shout",
        "-n",
        "1",
        "--json",
        "--model",
        str(tiny_model_path),
        "--home",
        str(home),
    )
    result = run_cli(*args, stdin=b"the day is good")
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["candidates"]
    missing = run_cli("rewrite", "--action", "Whisper", "--home", str(home), stdin=b"the day is good")
    assert missing.returncode == 1 and "no action called “Whisper” (yours: Shout)" in missing.stderr.decode()


def test_options_before_the_command_are_the_commands_own(tmp_path: Path, capsys) -> None:
    from writer_app.cli import _main_parser, command_first, main
    from writer_app.errors import UserError

    assert command_first(["--home", "h", "style", "list"]) == ["style", "--home", "h", "list"]
    assert command_first(["-v", "--threads", "2", "rewrite", "--mode", "concise"]) == [
        "rewrite", "-v", "--threads", "2", "--mode", "concise",
    ]  # fmt: skip
    assert command_first(["--home=h", "imitate", "--write", "x"]) == ["imitate", "--home=h", "--write", "x"]
    assert command_first(["--threads=2", "rewrite"]) == ["rewrite", "--threads=2"]
    for kept in (
        ["--home", "style", "notes.md"],  # a home called "style"
        ["--home", "h", "--", "rewrite"],  # a file called "rewrite"
        ["-v", "notes.md"],
        ["--screenshot", "out.png"],
    ):
        assert command_first(kept) == kept
    with pytest.raises(UserError, match="--screenshot is the window's, not `writer-app rewrite`'s"):
        command_first(["--screenshot", "out.png", "rewrite"])
    with pytest.raises(SystemExit):  # no abbreviation: "--mode" is not read as --model
        _main_parser().parse_args(["--mode", "grammar"])
    assert command_first(["-h", "rewrite"]) == ["rewrite", "-h"]  # the command's own help
    window = ["--exit-when-ready", "open", "notes.md"]
    assert command_first(window) == ["open", "--exit-when-ready", "notes.md"]  # open is the window
    samples = tmp_path / "me.txt"
    samples.write_text(" ".join(["The rain came on, and we went in."] * 50))
    assert main(["--home", str(tmp_path / "home"), "style", "create", "Me", str(samples)]) == 0
    assert main(["--home", str(tmp_path / "home"), "style", "list"]) == 0
    assert "Me: 1 sample(s)" in capsys.readouterr().out


def test_a_command_reading_a_terminal_says_how_to_end_the_text(monkeypatch, capsys) -> None:
    import io

    from writer_app import cli

    class Terminal(io.TextIOWrapper):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal(io.BytesIO(b"Typed here.\n")))
    assert cli.read_stdin() == "Typed here.\n"
    assert "Type or paste the text, then press Ctrl+" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Piped.")))  # a pipe: nothing said
    assert cli.read_stdin() == "Piped." and capsys.readouterr().err == ""
