"""Where the application keeps its settings, data, state and caches; every path can be overridden."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "writer-app"
HOME_ENV = "WRITER_APP_HOME"


@dataclass(frozen=True)
class AppPaths:
    """The folders the app writes to; build with `AppPaths.default()` or `AppPaths.under(root)`."""

    config_dir: Path
    data_dir: Path
    state_dir: Path
    cache_dir: Path

    @classmethod
    def under(cls, root: Path) -> AppPaths:
        """All folders below one root: used by tests and by `--home`."""
        root = Path(root)
        return cls(root / "config", root / "data", root / "state", root / "cache")

    @classmethod
    def default(cls, home: Path | None = None) -> AppPaths:
        """`home` (or $WRITER_APP_HOME) if given, else the platform's user folders."""
        chosen = home or os.environ.get(HOME_ENV)
        if chosen:
            return cls.under(Path(chosen))
        return cls(
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_state_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        )

    @property
    def models_dir(self) -> Path:
        """Models the user downloads or imports."""
        return self.data_dir / "models"
