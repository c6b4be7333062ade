"""Remembered settings (window geometry, recent files, font, zoom, candidates) in the config folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 9


class AppSettings:
    """A thin typed layer over an INI file; pass one instance to whoever needs it."""

    def __init__(self, config_dir: Path) -> None:
        config_dir.mkdir(parents=True, exist_ok=True)
        self._settings = QSettings(str(config_dir / "settings.ini"), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self._settings.sync()

    def _get(self, key: str, default: object, kind: type) -> object:
        value = self._settings.value(key, default)
        try:
            return kind(value) if value is not None else default
        except (TypeError, ValueError):
            return default

    @property
    def geometry(self) -> QByteArray | None:
        value = self._settings.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._settings.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        value = self._settings.value("window/state")
        return value if isinstance(value, QByteArray) else None

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._settings.setValue("window/state", value)

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

    @property
    def font_family(self) -> str:
        return str(self._get("editor/font_family", "", str))

    @font_family.setter
    def font_family(self, value: str) -> None:
        self._settings.setValue("editor/font_family", value)

    @property
    def font_size(self) -> int:
        return int(self._get("editor/font_size", 12, int))  # type: ignore[arg-type]

    @font_size.setter
    def font_size(self, value: int) -> None:
        self._settings.setValue("editor/font_size", int(value))

    @property
    def zoom(self) -> int:
        return int(self._get("editor/zoom", 0, int))  # type: ignore[arg-type]

    @zoom.setter
    def zoom(self, value: int) -> None:
        self._settings.setValue("editor/zoom", int(value))

    @property
    def candidate_count(self) -> int:
        return max(1, min(8, int(self._get("assist/candidates", 3, int))))  # type: ignore[arg-type]

    @candidate_count.setter
    def candidate_count(self, value: int) -> None:
        self._settings.setValue("assist/candidates", int(value))

    @property
    def candidate_order(self) -> str:
        return str(self._get("assist/order", "score", str))

    @candidate_order.setter
    def candidate_order(self, value: str) -> None:
        self._settings.setValue("assist/order", value)

    @property
    def last_instruction(self) -> str:
        return str(self._get("assist/last_instruction", "", str))

    @last_instruction.setter
    def last_instruction(self, value: str) -> None:
        self._settings.setValue("assist/last_instruction", value)
