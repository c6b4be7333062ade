"""The user's own actions: kept as files, checked, exported and imported as the same files."""

from __future__ import annotations

from pathlib import Path

import pytest

from writer_app.assist.user_actions import ActionStore, UserAction
from writer_app.errors import UserError

TWEET = UserAction("Tweet it", "Rewrite this as a tweet of at most 280 characters.", "insert", "Ctrl+Alt+T")


def test_an_action_round_trips_through_export_and_import(tmp_path: Path) -> None:
    mine = ActionStore(tmp_path / "mine")
    mine.save(TWEET)
    exported = tmp_path / "tweet.json"
    mine.export("tweet IT", exported)  # names match whatever their case
    theirs = ActionStore(tmp_path / "theirs")
    assert theirs.import_file(exported) == TWEET
    assert theirs.all() == [TWEET] and theirs.get("Tweet it").prompt == TWEET.prompt


def test_renaming_replaces_the_file_and_deleting_removes_it(tmp_path: Path) -> None:
    store = ActionStore(tmp_path)
    store.save(TWEET)
    store.save(UserAction("Toot it", TWEET.prompt), replacing="Tweet it")
    assert [a.name for a in store.all()] == ["Toot it"]
    store.delete("Toot it")
    assert store.all() == []


@pytest.mark.parametrize(
    ("action", "said"),
    [
        (UserAction("", "x"), "needs a name"),
        (UserAction("A", "  "), "needs a prompt"),
        (UserAction("A", "x", "elsewhere"), "unknown output"),
    ],
)
def test_a_wrong_action_gets_a_sentence(tmp_path: Path, action: UserAction, said: str) -> None:
    with pytest.raises(UserError, match=said):
        ActionStore(tmp_path).save(action)


def test_a_file_that_is_not_an_action_is_a_sentence_and_skipped_in_the_list(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError, match="broken.json is not an action file"):
        ActionStore(tmp_path / "other").import_file(tmp_path / "broken.json")
    assert ActionStore(tmp_path).all() == []
    with pytest.raises(UserError, match="no action called “Nope” \\(yours: none yet\\)"):
        ActionStore(tmp_path).get("Nope")


def test_two_names_that_would_share_a_file_are_refused(tmp_path: Path) -> None:
    store = ActionStore(tmp_path)
    store.save(UserAction("Tweet!", "one"))
    with pytest.raises(UserError, match="named like “Tweet\\?” exists already"):
        store.save(UserAction("Tweet?", "two"))
    with pytest.raises(UserError, match="exists already"):
        store.save(UserAction("Tweet!", "a new one"))  # a new action may not take an existing name
    store.save(UserAction("Tweet!", "one, edited"), replacing="Tweet!")  # the same action, edited
    assert [a.prompt for a in store.all()] == ["one, edited"]
