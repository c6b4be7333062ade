"""The first-run welcome: the embedded model is only for trying the app; the catalog model recommended
for this machine (size, licence, download time) is one click away — or later, from Help → Welcome."""

from __future__ import annotations

import html

from writer_app.engine.hardware import physical_cores, total_memory_bytes
from writer_app.engine.server_api import is_local_server
from writer_app.modelhub.catalog import CatalogEntry, format_size, load_catalog, recommend
from writer_app.modelhub.store import DEFAULT_ID
from writer_app.ui.model_source import is_server_source

TYPICAL_BYTES_PER_S = 10 * 2**20  # a typical home connection, 80 Mbit/s


def recommended_model() -> CatalogEntry | None:
    return recommend(load_catalog(), total_memory_bytes(), physical_cores())


def download_time(size_bytes: int, bytes_per_s: float = TYPICAL_BYTES_PER_S) -> str:
    minutes = size_bytes / bytes_per_s / 60
    return (
        "under a minute"
        if minutes < 1
        else f"about {round(minutes)} minute{'s' if round(minutes) != 1 else ''}"
    )


def welcome_html(entry: CatalogEntry | None) -> str:
    """The welcome's text: what the embedded model is, and what to download instead."""
    lines = [
        "<h3>Welcome to Writer</h3>",
        "<p>Everything runs on this computer; your text never leaves it unless you choose a model "
        "server on another machine (Assist → Model Source).</p>",
        "<p>The model that comes with the app (SmolLM2 135M) is small: it is here so the app works at "
        "once, offline, and is only good for trying it out.</p>",
    ]
    if entry is None:
        lines.append("<p>This computer has too little memory for a larger model in the catalog.</p>")
        return "".join(lines)
    note = "" if entry.commercial_use else " (no commercial use)"
    lines.append(
        f"<p>Recommended for this computer: <b>{html.escape(entry.name)}</b> — "
        f"{format_size(entry.size_bytes)}, {html.escape(entry.licence)}{note}; "
        f"{download_time(entry.size_bytes)} to download at a typical 10 MB/s.</p>"
        "<p>Download it now, or later from <i>Assist → Models</i>. Until it is there, and if the "
        "download fails, the app keeps working with the small model.</p>"
    )
    return "".join(lines)


def show_welcome(window) -> str:
    """Show the welcome once (Help → Welcome shows it again); 'download' starts the recommended
    model's download in the model dialog, 'later' leaves everything as it is."""
    entry = recommended_model()
    answer = window.prompts.welcome(window, welcome_html(entry), entry is not None)
    window.settings.welcome_shown = True
    if answer == "download" and entry is not None:
        dialog = window.open_model_manager()
        if dialog is not None:
            dialog.select(entry.id)
            dialog.download_selected()
    return answer


def welcome_on_first_run(window) -> bool:
    """The welcome at the first start only; True when it was shown."""
    if window.settings.welcome_shown:
        return False
    store = getattr(window, "model_store", None)
    if store is not None and store.active_id() != DEFAULT_ID:  # a larger model is in use already
        window.settings.welcome_shown = True
        return False
    show_welcome(window)
    return True


def show_about(window) -> None:
    """Help → About Writer: what it is, the model loaded, and that the text stays here."""
    source = window.controller.model_source
    where = "Your text never leaves this computer."
    if is_server_source(source) and not is_local_server(source):
        where = f"Your text goes to the model server at {source}; nothing else leaves this computer."
    window.show_message(
        f"Writer — a local-first writing assistant. Model: {window.controller.model_name or 'none'}. {where}",
        "info",
    )
