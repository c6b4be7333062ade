"""Where the model runs — this computer (the default) or a model server — as Preferences sets it: the
engine settings that means, the status bar's words for where text goes, and the Preferences group."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from writer_app.engine.server_api import ServerClient, is_local_server, normalise_base_url
from writer_app.engine.server_probe import model_names
from writer_app.engine.types import EngineConfig, ServerConfig
from writer_app.errors import UserError
from writer_app.model_config import engine_config_for
from writer_app.modelhub.server_keys import keyring_backend, load_key, save_key
from writer_app.ui.settings import AppSettings

CHECK_TIMEOUT_S = 10.0


def server_config(settings: AppSettings) -> ServerConfig:
    """The server Preferences chose, its key from the keyring."""
    url = normalise_base_url(settings.server_url)
    return ServerConfig(url, settings.server_model, load_key(url), n_ctx=settings.model_context)


def chosen_config(settings: AppSettings, model: Path | None) -> EngineConfig | ServerConfig | None:
    """What to load: the server when Preferences say so, else `model` on this computer."""
    if settings.model_source == "server" and settings.server_url:
        return server_config(settings)
    if model is None:
        return None
    return engine_config_for(Path(model), settings.model_context, settings.model_threads or None)


def host_of(url: str) -> str:
    return urlsplit(url).hostname or url


def is_server_source(source: str) -> bool:
    """Whether a model source (a controller's `model_source`) is a server's address, not a file."""
    return "://" in source


def where_text(source: str) -> str:
    """Where text goes, for the status bar: this computer, or the machine of the server."""
    if not is_server_source(source):
        return "on this computer"
    if is_local_server(source):
        return "on a server on this computer"
    return f"on {host_of(source)} — text leaves this computer"


class ServerCheck(QObject):
    """Lists a server's models on a background thread (the window never waits on the network);
    `finished` carries the check's number and the model names, or the sentence of what went wrong.
    Only the latest check counts; one that ends after its dialog closed is dropped."""

    finished = Signal(int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.latest = 0

    def start(self, url: str, key: str) -> None:
        self.latest += 1
        threading.Thread(target=self._run, args=(self.latest, url, key), daemon=True).start()

    def _run(self, number: int, url: str, key: str) -> None:
        try:
            client = ServerClient(url, key, timeout_s=CHECK_TIMEOUT_S)
            try:
                answer: object = model_names(client.get("/v1/models"))
            finally:
                client.close()
        except UserError as error:
            answer = str(error)
        except Exception as error:  # a reply we cannot read is a sentence too
            answer = f"The server's answer could not be read ({error})."
        with contextlib.suppress(RuntimeError):  # the dialog (and this object) closed meanwhile
            self.finished.emit(number, answer)


class ModelSourceBox(QGroupBox):
    """Preferences' "Model source": this computer or a server (address, model, key), "Test
    Connection" and "Use This Server". `use_server`/`use_local` are the window's to act on."""

    use_server = Signal()
    use_local = Signal()

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__("Model source", parent)
        self.settings = settings
        self.source = QComboBox(self)
        self.source.addItem("This computer (private, offline)", "local")
        self.source.addItem("A model server (OpenAI-compatible)", "server")
        self.url = QLineEdit(self)
        self.url.setPlaceholderText("http://127.0.0.1:8080")
        self.model = QComboBox(self)
        self.model.setEditable(True)
        self.model.lineEdit().setPlaceholderText("the server's only model")
        self.key = QLineEdit(self)
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        backend = keyring_backend()
        self.key.setPlaceholderText("optional API key")
        self.key_note = QLabel(
            f"Kept in the system keyring ({backend})."
            if backend
            else "No system keyring here: the key is kept until the app closes.",
            self,
        )
        self.test = QPushButton("Test Connection", self)
        self.apply = QPushButton("Use This Server", self)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.check = ServerCheck(self)
        self.checking = False
        self.check.finished.connect(self._checked)
        self._layout()
        self.load()
        self.source.currentIndexChanged.connect(lambda _i: self._source_changed())
        self.test.clicked.connect(self.test_connection)
        self.apply.clicked.connect(self.use_server.emit)

    def _layout(self) -> None:
        form = QFormLayout(self)
        form.addRow("Runs on", self.source)
        form.addRow("Server address", self.url)
        form.addRow("Model", self.model)
        form.addRow("API key", self.key)
        form.addRow("", self.key_note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test)
        buttons.addWidget(self.apply)
        buttons.addStretch(1)
        form.addRow(buttons)
        form.addRow(self.status)

    def load(self) -> None:
        s = self.settings
        self.source.blockSignals(True)
        self.source.setCurrentIndex(max(0, self.source.findData(s.model_source)))
        self.source.blockSignals(False)
        self.url.setText(s.server_url)
        self.model.setEditText(s.server_model)
        self.key.setText(load_key(s.server_url) if s.server_url else "")
        self._enable()

    def _enable(self) -> None:
        on_server = self.source.currentData() == "server"
        for widget in (self.url, self.model, self.key, self.apply):
            widget.setEnabled(on_server)
        self.test.setEnabled(on_server and not self.checking)

    def _source_changed(self) -> None:
        self._enable()
        if self.source.currentData() == "local" and self.settings.model_source != "local":
            self.settings.model_source = "local"
            self.use_local.emit()

    def entered(self) -> tuple[str, str, str]:
        """The address (normalised), model and key as typed; a UserError for an unusable address."""
        return normalise_base_url(self.url.text()), self.model.currentText().strip(), self.key.text().strip()

    def test_connection(self) -> None:
        try:
            url, _model, key = self.entered()
        except UserError as error:
            self.status.setText(str(error))
            return
        self.status.setText(f"Connecting to {url}…")
        self.checking = True
        self.test.setEnabled(False)
        self.check.start(url, key)

    def _checked(self, number: int, answer: object) -> None:
        if number != self.check.latest:
            return  # an older check ended after a newer one began
        self.checking = False
        self.test.setEnabled(self.source.currentData() == "server")
        if isinstance(answer, str):
            self.status.setText(answer)
            return
        names = list(answer)  # type: ignore[call-overload]
        typed = self.model.currentText().strip()
        self.model.clear()
        self.model.addItems(names)
        self.model.setEditText(typed if typed in names or not names else names[0])
        served = ", ".join(names) if names else "no model"
        self.status.setText(f"Connected: the server serves {served}.")

    def model_ready(self, name: str, _seconds: float) -> None:
        if self.settings.model_source == "server":
            self.status.setText(f"Ready: {name} answers from {self.settings.server_url}.")

    def model_failed(self, message: str) -> None:
        if self.settings.model_source == "server":
            self.status.setText(message)

    def store(self) -> None:
        """Remember the entered server (the key in the keyring) as the model source."""
        url, model, key = self.entered()
        save_key(url, key)  # without a keyring, for this session (the note under the key says so)
        settings = self.settings
        settings.model_source, settings.server_url, settings.server_model = "server", url, model
