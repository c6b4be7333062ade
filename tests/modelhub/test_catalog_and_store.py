"""The catalog's schema, recommendations, the model store and the `models` command end to end."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.modelhub.mock_hub import MockHub
from tests.test_cli import run_cli
from writer_app.errors import UserError
from writer_app.modelhub.catalog import CATALOG_FILE, load_catalog, recommend, validate_entry
from writer_app.modelhub.store import DEFAULT_ID, ModelStore
from writer_app.paths import AppPaths


def test_every_catalog_entry_validates() -> None:
    entries = load_catalog()
    assert len(entries) >= 7
    ids = {e.id for e in entries}
    for wanted in (
        "qwen3-0.6b",
        "qwen3-1.7b",
        "qwen3-4b",
        "gemma-3-1b",
        "gemma-3-4b",
        "smollm3-3b",
        "llama-3.2-3b",
    ):
        assert any(i.startswith(wanted) for i in ids), wanted
    assert all(e.checked is None or e.sha256 is None or len(e.sha256) == 64 for e in entries)


def test_the_schema_names_what_is_wrong() -> None:
    good = json.loads(CATALOG_FILE.read_text())["models"][0]
    assert validate_entry(good) == []
    broken = {**good, "sha256": "xyz", "tier": "huge", "size_bytes": -1, "file": "model.bin", "extra": 1}
    problems = " ".join(validate_entry(broken))
    for word in ("sha256", "tier", "size_bytes", ".gguf", "unknown field extra"):
        assert word in problems
    assert "missing licence" in validate_entry({k: v for k, v in good.items() if k != "licence"})


def test_recommendation_follows_memory_and_cores() -> None:
    entries = load_catalog()
    assert recommend(entries, 4 * 2**30, 2).tier == "tiny"
    assert recommend(entries, 32 * 2**30, 8).tier == "medium"
    assert recommend(entries, 2**20, 8) is None


def test_store_import_use_remove(tmp_path: Path, tiny_model_path: Path) -> None:
    store = ModelStore(AppPaths.under(tmp_path))
    model = store.import_file(tiny_model_path)
    assert (store.folder / tiny_model_path.name).read_bytes() == tiny_model_path.read_bytes()
    store.set_active(model.id)
    assert store.active_path() == store.folder / tiny_model_path.name
    store.remove(model.id)
    assert store.active_id() == DEFAULT_ID
    with pytest.raises(UserError, match="cannot be removed"):
        store.remove(DEFAULT_ID)
    with pytest.raises(UserError, match="not installed"):
        store.set_active("nothing")


def test_models_command_downloads_uses_and_rewrites_with_it(tmp_path: Path, tiny_model_path: Path) -> None:
    entry = load_catalog()[0]
    hub = MockHub()
    hub.add(entry.repo_id, entry.file, tiny_model_path.read_bytes())
    hub.start()
    home = tmp_path / "home"
    try:
        refused = run_cli("models", "download", entry.id, "--endpoint", hub.url, home=home)
        assert refused.returncode == 1 and b"--yes" in refused.stderr
        done = run_cli("models", "download", entry.id, "--endpoint", hub.url, "--yes", "--use", home=home)
        assert done.returncode == 0, done.stderr.decode()
    finally:
        hub.stop()
    listing = run_cli("models", "list", home=home).stdout.decode()
    assert f"* {entry.id}" in listing
    result = run_cli("rewrite", "--json", "-n", "1", stdin=b"the day is good", home=home)
    assert json.loads(result.stdout)["model"] == "tiny-random-llama"  # the active model is used
    offline = run_cli(
        "models",
        "download",
        "qwen3-1.7b-q8_0",
        "--yes",
        "--endpoint",
        "http://127.0.0.1:9",
        home=home,
    )
    assert offline.returncode == 1 and b"Cannot reach" in offline.stderr
    assert run_cli("models", "remove", entry.id, home=home).returncode == 0
    assert "* default" in run_cli("models", "list", home=home).stdout.decode()


def test_importing_a_bad_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "notes.gguf"
    bad.write_text("hello")
    result = run_cli("models", "import", str(bad), home=tmp_path / "home")
    assert result.returncode == 1 and b"not a GGUF model file" in result.stderr


def test_a_manifest_with_unknown_fields_or_broken_entries_still_loads(
    tmp_path: Path, tiny_model_path: Path
) -> None:
    paths = AppPaths.under(tmp_path)
    store = ModelStore(paths)
    model = store.import_file(tiny_model_path)
    manifest = paths.models_dir / "manifest.json"
    raw = json.loads(manifest.read_text())
    raw["models"][0]["added_by_a_newer_version"] = {"quantisation": "Q4_K_M"}
    raw["models"].append({"id": "broken"})
    raw["models"].append("not even an object")
    manifest.write_text(json.dumps(raw))
    reopened = ModelStore(paths)
    assert model.id in [m.id for m in reopened.installed()]
    assert reopened.get(model.id) == model


def test_models_verify_reports_a_missing_file_and_a_wrong_size_and_fills_in(tmp_path: Path, capsys) -> None:
    from writer_app.modelhub.commands import run as run_models

    good, wrong, fresh = b"GGUF good model bytes", b"GGUF other bytes", b"GGUF new model bytes!"
    base = json.loads(CATALOG_FILE.read_text())["models"][0]

    def item(model_id: str, file: str, size: int, checked: str | None) -> dict:
        return {
            **base,
            "id": model_id,
            "repo_id": f"org/{model_id}",
            "file": file,
            "size_bytes": size,
            "sha256": None,
            "checked": checked,
        }

    catalog = tmp_path / "catalog.json"
    catalog.write_text(
        json.dumps(
            {
                "schema": 1,
                "models": [
                    item("good", "good.gguf", len(good), "2025-01-01"),
                    item("gone", "gone.gguf", 100, "2025-01-01"),
                    item("wrong-size", "wrong.gguf", len(wrong) + 5, "2025-01-01"),
                    item("approximate", "fresh.gguf", 10**6, None),
                ],
            }
        )
    )
    hub = MockHub()
    hub.add("org/good", "good.gguf", good)
    hub.add("org/wrong-size", "wrong.gguf", wrong)
    hub.add("org/approximate", "fresh.gguf", fresh)
    hub.start()
    try:
        status = run_models(["verify", "--endpoint", hub.url, "--catalog", str(catalog), "--write"])
    finally:
        hub.stop()
    out = capsys.readouterr().out
    assert status == 1
    assert "✗ gone: not found" in out
    assert (
        f"✗ wrong-size: size differs: the catalog has {len(wrong) + 5:,} bytes, the hub {len(wrong):,}" in out
    )
    assert "✓ good" in out and "+ approximate: found; exact size" in out
    written = {m["id"]: m for m in json.loads(catalog.read_text())["models"]}
    assert written["approximate"]["size_bytes"] == len(fresh) and written["approximate"]["checked"]
    assert written["approximate"]["sha256"] == hashlib.sha256(fresh).hexdigest()
    assert (
        written["gone"]["size_bytes"] == 100 and written["wrong-size"]["sha256"] is None
    )  # left as they were
