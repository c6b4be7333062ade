"""Style profiles on disk: round trip, too-short samples refused with how much more is needed,
rename, samples added and removed, a damaged file named, and the style commands' sentences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from writer_app import cli
from writer_app.assist.style_profiles import ProfileStore
from writer_app.errors import UserError

SAMPLE = (
    "It was late in the evening when the keeper climbed the stairs again. He counted them, as he always "
    "did, and he thought of the letter. The wind had turned; the sea was loud below. "
) * 12  # about 480 words


def test_a_profile_round_trips_and_changes_with_its_samples(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "styles")
    created = store.create("My voice", [SAMPLE])
    loaded = store.get("My voice")
    assert loaded.samples == created.samples and loaded.stats == created.stats
    assert {"keeper", "stairs"} <= set(loaded.distinctive) and "the" not in loaded.distinctive
    grown = store.add_samples("My voice", ["A second sample, short but kept."])
    assert len(grown.samples) == 2 and grown.stats != created.stats
    assert len(store.remove_sample("My voice", 1).samples) == 1
    store.rename("My voice", "Keeper")
    assert [p.name for p in store.list()] == ["Keeper"]
    store.delete("Keeper")
    assert store.list() == []


def test_too_few_words_are_refused_with_how_many_more(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"have 10 words; .* at least 300: add about 290 more"):
        ProfileStore(tmp_path).create("Short", ["one two three four five six seven eight nine ten"])


def test_a_damaged_profile_is_named_and_the_list_skips_it(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.create("Good", [SAMPLE])
    (tmp_path / "broken.json").write_text("{not json")
    assert [p.name for p in store.list()] == ["Good"]
    good = next(p for p in tmp_path.glob("good-*.json"))
    copy = tmp_path / "copy.json"
    copy.write_bytes(good.read_bytes())  # a copy under another file name, then the original goes
    store.delete("Good")
    assert [p.name for p in store.list()] == ["Good"]  # listed from the copy, no endless lookup
    with pytest.raises(UserError, match="no style profile called “Other”"):
        store.get("Other")
    copy.write_text(json.dumps([]))
    assert store.list() == []
    store.create("Good", [SAMPLE])
    next(tmp_path.glob("good-*.json")).write_text(json.dumps({"name": "Good"}))
    with pytest.raises(UserError, match="cannot be read"):
        store.get("Good")


def test_names_in_any_script_and_lookalikes_get_files_of_their_own(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    for name in ("Мой голос", "Café", "Caf", "声音"):
        store.create(name, [SAMPLE])
    assert sorted(p.name for p in store.list()) == sorted(["Мой голос", "Café", "Caf", "声音"])
    with pytest.raises(UserError, match="1 to 80 characters"):
        store.create("x" * 300, [SAMPLE])


def test_the_style_commands(tmp_path: Path, capsys) -> None:
    sample = tmp_path / "me.txt"
    sample.write_text(SAMPLE)
    home = ["--home", str(tmp_path / "home")]
    assert cli.main(["style", "create", "Me", str(sample), *home]) == 0
    assert cli.main(["style", "list", *home]) == 0
    assert "Me: 1 sample(s)" in capsys.readouterr().out
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\x00\x00")
    assert cli.main(["style", "create", "Bad", str(binary), *home]) == 1
    assert "error: " in capsys.readouterr().err
    assert cli.main(["style", "delete", "Nobody", *home]) == 1
    assert "no style profile called “Nobody”" in capsys.readouterr().err
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    assert cli.main(["style", "create", "Empty", str(empty), *home]) == 1
    assert "The sample empty.txt is empty: use a file with your writing in it." in capsys.readouterr().err


def test_a_crash_mid_write_leaves_the_profile_as_it_was(tmp_path: Path, monkeypatch) -> None:
    store = ProfileStore(tmp_path / "styles")
    before = store.create("Keeper", [SAMPLE])

    def crash(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("writer_app.documents.file_io.os.replace", crash)
    with pytest.raises(UserError) as said:
        store.add_samples("Keeper", ["A second sample that never reaches the disk."])
    assert "the disk is full" in str(said.value)  # a sentence, not a traceback
    monkeypatch.undo()
    after = store.get("Keeper")
    assert after.samples == before.samples and after.stats == before.stats
    assert [p.name for p in store.list()] == ["Keeper"]  # no half-written file is read as a profile
    assert not list((tmp_path / "styles").glob("*.tmp"))
