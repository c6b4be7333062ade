"""API keys of model servers, kept in the system keyring (never in a settings file); where no keyring
backend exists, for this session only."""

from __future__ import annotations

import contextlib
import logging

LOGGER = logging.getLogger(__name__)
SERVICE = "writer-app model server"
_session_keys: dict[str, str] = {}  # where the system has no keyring


def keyring_backend() -> str:
    """The system keyring's name, or "" where there is none usable."""
    try:
        import keyring
        from keyring.backends import fail, null

        backend = keyring.get_keyring()
    except Exception as error:  # a broken keyring installation is no keyring
        LOGGER.info("no keyring: %s", error)
        return ""
    if isinstance(backend, (fail.Keyring, null.Keyring)) or getattr(backend, "priority", 1) <= 0:
        return ""
    return type(backend).__name__


def save_key(server: str, key: str) -> bool:
    """Keep `key` for `server` (an empty key forgets it); False when it is kept for this session only."""
    _session_keys.pop(server, None)
    if keyring_backend():
        import keyring

        try:
            if key:
                keyring.set_password(SERVICE, server, key)
            else:
                _delete(server)
            return True
        except Exception as error:  # a locked or refusing keyring: the session keeps it
            LOGGER.warning("the keyring did not keep the key: %s", error)
    if key:
        _session_keys[server] = key
    return False


def load_key(server: str) -> str:
    """The key kept for `server`, or ""."""
    if server in _session_keys:
        return _session_keys[server]
    if not keyring_backend():
        return ""
    import keyring

    try:
        return keyring.get_password(SERVICE, server) or ""
    except Exception as error:
        LOGGER.warning("the keyring could not be read: %s", error)
        return ""


def _delete(server: str) -> None:
    import keyring
    from keyring.errors import PasswordDeleteError

    with contextlib.suppress(PasswordDeleteError):  # nothing was kept
        keyring.delete_password(SERVICE, server)
