"""Shared fixtures: offscreen Qt, an isolated home folder, the tiny random model, the default model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.tiny_model import write_tiny_model
from writer_app.modelhub.default_model import PROJECT_MODELS_DIR, DefaultModelRecord


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test writes to the real home folder: every app path points below tmp_path."""
    home = tmp_path / "home"
    monkeypatch.setenv("WRITER_APP_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    return home


@pytest.fixture(autouse=True)
def no_system_keyring():
    """No test reads or writes the real keyring: keyring's null backend (keys for the session only)."""
    import keyring
    from keyring.backends import null

    from writer_app.modelhub import server_keys

    previous = keyring.get_keyring()
    keyring.set_keyring(null.Keyring())
    server_keys._session_keys.clear()
    yield
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_model(tmp_path_factory.mktemp("models") / "tiny-random.gguf")


@pytest.fixture(scope="session")
def default_model_path() -> Path:
    """The embedded default model; missing is a failure in CI and a skip elsewhere."""
    record = DefaultModelRecord.load()
    path = PROJECT_MODELS_DIR / record.file
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"the default model {path} is missing: `make test` fetches it")
        pytest.skip("the default model is not fetched (run `make test`)")
    return path


@pytest.fixture(scope="session")
def tiny_server(tiny_model_path: Path):
    """llama-cpp-python's OpenAI-compatible server on the tiny model (127.0.0.1, for the session)."""
    from tests.server_process import llama_server

    with llama_server(tiny_model_path, n_ctx=1024, alias="tiny") as server:
        yield server


@pytest.fixture(scope="session")
def default_server(default_model_path: Path):
    """The same server on the embedded default model."""
    from tests.server_process import llama_server

    with llama_server(default_model_path, n_ctx=2048, alias="default") as server:
        yield server


@pytest.fixture
def controller(qtbot, tiny_model_path: Path):
    """The worker and its controller with the tiny model loaded (shut down after the test)."""
    from writer_app.engine.llama_engine import LlamaEngine
    from writer_app.engine.types import EngineConfig
    from writer_app.worker.controller import AssistController

    made = AssistController(LlamaEngine)
    with qtbot.waitSignal(made.modelLoaded, timeout=30_000):
        made.load_model(EngineConfig(tiny_model_path, n_ctx=2048, n_threads=2))
    yield made
    made.shutdown()


@pytest.fixture(scope="session")
def reading_model_path(default_model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the scoring model reads with in the app: the default model's Q8_0 reading copy."""
    from writer_app.engine.reading_copy import reading_copy

    return reading_copy(default_model_path, tmp_path_factory.mktemp("reading-copy"), n_threads=2)


@pytest.fixture(scope="session")
def reader(reading_model_path: Path):
    """The scoring model's reader as the app makes it (its reading copy), loaded once for the tests
    that read with it."""
    from writer_app.engine.embedding import TextEmbedder

    made = TextEmbedder(reading_model_path, n_threads=2)
    yield made
    made.close()
