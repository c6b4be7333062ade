"""A server's API key goes to the keyring, never to a settings file; without a keyring, to the session."""

from __future__ import annotations

import keyring
from keyring.backend import KeyringBackend

from writer_app.modelhub.server_keys import SERVICE, keyring_backend, load_key, save_key

SERVER = "https://models.example.org"


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring for tests."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.kept.pop((service, username), None)


def test_with_a_keyring_the_key_is_kept_there() -> None:
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    assert keyring_backend() == "MemoryKeyring"
    assert save_key(SERVER, "sk-secret") is True
    assert memory.kept == {(SERVICE, SERVER): "sk-secret"}
    assert load_key(SERVER) == "sk-secret"
    assert save_key(SERVER, "") is True  # an empty key forgets it
    assert memory.kept == {} and load_key(SERVER) == ""


def test_without_a_keyring_the_key_lasts_for_the_session_only() -> None:
    assert keyring_backend() == ""  # the tests' null backend
    assert save_key(SERVER, "sk-secret") is False
    assert load_key(SERVER) == "sk-secret"
    assert load_key("http://other:1") == ""
