"""Remembered settings (window geometry, recent files, font, zoom, candidates) in the config folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 9


def flag(value: object) -> bool:
    """A stored switch: QSettings' INI files give back "true"/"false" as text."""
    return value in (True, 1, "1", "true", "True")


class _Setting:
    """A typed value stored under `key`; reading falls back to `default` when missing or malformed."""

    def __init__(self, key: str, default: object, kind: type, clamp: tuple[int, int] | None = None) -> None:
        self.key, self.default, self.kind, self.clamp = key, default, kind, clamp

    def __get__(self, settings: AppSettings, owner: type) -> object:
        value = settings._settings.value(self.key, self.default)
        try:
            value = self.kind(value) if value is not None else self.default
        except (TypeError, ValueError):
            value = self.default
        if self.clamp is not None:
            value = max(self.clamp[0], min(self.clamp[1], value))  # type: ignore[type-var]
        return value

    def __set__(self, settings: AppSettings, value: object) -> None:
        settings._settings.setValue(self.key, self.kind(value))


class _Bytes:
    """A QByteArray value (window geometry and state), or None."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __get__(self, settings: AppSettings, owner: type) -> QByteArray | None:
        value = settings._settings.value(self.key)
        return value if isinstance(value, QByteArray) else None

    def __set__(self, settings: AppSettings, value: QByteArray) -> None:
        settings._settings.setValue(self.key, value)


class AppSettings:
    """A thin typed layer over an INI file; pass one instance to whoever needs it."""

    geometry = _Bytes("window/geometry")
    window_state = _Bytes("window/state")
    font_family = _Setting("editor/font_family", "", str)
    font_size = _Setting("editor/font_size", 12, int)
    zoom = _Setting("editor/zoom", 0, int)
    candidate_count = _Setting("assist/candidates", 3, int, clamp=(1, 8))
    candidate_order = _Setting("assist/order", "score", str)
    last_instruction = _Setting("assist/last_instruction", "", str)
    ghost_enabled = _Setting("assist/ghost_text", True, flag)  # suggestions while typing
    ghost_delay_ms = _Setting("assist/ghost_delay_ms", 600, int, clamp=(150, 5_000))
    spell_enabled = _Setting("editor/spell_check", True, flag)
    spell_language = _Setting("editor/spell_language", "auto", str)  # "auto": the document's language
    theme = _Setting("view/theme", "system", str)
    autosave_s = _Setting("files/autosave_seconds", 30, int, clamp=(5, 600))
    model_context = _Setting("model/context", 4096, int, clamp=(1024, 32_768))
    model_threads = _Setting("model/threads", 0, int, clamp=(0, 256))  # 0: the physical cores
    model_source = _Setting("model/source", "local", str)  # "local" or "server"
    server_url = _Setting("model/server_url", "", str)  # its API key is in the keyring, never here
    server_model = _Setting("model/server_model", "", str)  # "": the server's only model
    # Hosts of servers on other machines the user agreed to send text to (asked once per host).
    servers_allowed = _Setting("model/servers_allowed", "", str)
    welcome_shown = _Setting("app/welcome_shown", False, flag)
    draft_words = _Setting("draft/target_words", 1500, int, clamp=(200, 20_000))
    draft_destination = _Setting("draft/destination", "new", str)
    draft_best_of = _Setting("draft/best_of", 1, int, clamp=(1, 4))
    style_profile = _Setting("style/active_profile", "", str)  # "": write in the model's own voice
    anti_slop = _Setting("assist/anti_slop", True, flag)  # the slop lexicon kept out while generating
    banned_phrases = _Setting("assist/banned_phrases", "", str)  # the user's own, comma-separated

    def __init__(self, config_dir: Path) -> None:
        config_dir.mkdir(parents=True, exist_ok=True)
        self._settings = QSettings(str(config_dir / "settings.ini"), QSettings.Format.IniFormat)

    def restore_defaults(self, keys: tuple[str, ...]) -> None:
        """Forget the stored values of these settings (their defaults apply again)."""
        for name in keys:
            setting = type(self).__dict__.get(name)
            if isinstance(setting, _Setting):
                self._settings.remove(setting.key)

    def sync(self) -> None:
        self._settings.sync()

    @property
    def recent_files(self) -> list[str]:
        value = self._settings.value("files/recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(item) for item in (value or [])][:MAX_RECENT]

    def add_recent(self, path: Path) -> None:
        entry = str(Path(path).resolve())
        recent = [entry] + [item for item in self.recent_files if item != entry]
        self._settings.setValue("files/recent", recent[:MAX_RECENT])

    def clear_recent(self) -> None:
        self._settings.setValue("files/recent", [])
