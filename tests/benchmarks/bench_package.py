"""Benchmark: bundle size, start-up of the frozen app vs `python -m writer_app`, download vs curl.

Run with `make bench-package` after `make package`. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from writer_app.modelhub.download import RemoteFile, download


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def start_time(command: list[str], home: Path, runs: int = 3) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WRITER_APP_HOME": str(home)}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*command, "--exit-when-ready"], env=env, check=True, capture_output=True, timeout=120)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


SERVE = """
import os, sys, time
sys.path.insert(0, {root!r})
from tests.modelhub.mock_hub import MockHub
hub = MockHub()
hub.add("bench/model", "big.gguf", os.urandom({size}))
hub.start()
print(hub.url, flush=True)
time.sleep(600)
"""


def download_vs_curl(size: int = 400 * 2**20, runs: int = 3) -> tuple[float, float]:
    """Both clients fetch from a mock hub in another process, so neither shares its GIL; best of 3
    each, after one warm-up download (the app has huggingface_hub imported by then)."""
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE.format(root=str(ROOT), size=size)], stdout=subprocess.PIPE, text=True
    )
    try:
        url = server.stdout.readline().strip()  # type: ignore[union-attr]
        ours, curl = [], []
        with tempfile.TemporaryDirectory() as folder:
            for run in range(runs + 1):
                target = Path(folder) / str(run)
                started = time.perf_counter()
                download(RemoteFile("bench/model", "big.gguf"), target, endpoint=url)
                if run:
                    ours.append(size / (time.perf_counter() - started))
                shutil.rmtree(target)
                started = time.perf_counter()
                subprocess.run(
                    [
                        "curl",
                        "-s",
                        "-o",
                        str(Path(folder) / "curl.bin"),
                        f"{url}/bench/model/resolve/main/big.gguf",
                    ],
                    check=True,
                )
                if run:
                    curl.append(size / (time.perf_counter() - started))
        return max(ours), max(curl)
    finally:
        server.kill()
        server.wait()


def main() -> int:
    bundle = ROOT / "dist" / "writer-app"
    if not (bundle / "writer-app").is_file():
        print("Build the bundle first: make package")
        return 1
    size = folder_size(bundle)
    print(
        f"bundle size: {size / 2**20:.0f} MB (goal <= 300 MB, {'yes' if size <= 300 * 2**20 else 'NO'}), "
        f"of which the default model {folder_size(bundle / '_internal' / 'models') / 2**20:.0f} MB"
    )
    with tempfile.TemporaryDirectory() as home:
        frozen = start_time([str(bundle / "writer-app")], Path(home))
        python = start_time([sys.executable, "-m", "writer_app"], Path(home))
    print(
        f"start-up to an editable window (offscreen, median of 3): frozen {frozen:.2f} s, "
        f"python -m writer_app {python:.2f} s, ratio {frozen / python:.2f}"
    )
    if shutil.which("curl"):
        ours, curl = download_vs_curl()
        print(
            f"download from the local mock hub: {ours / 2**20:.0f} MB/s vs curl {curl / 2**20:.0f} MB/s, "
            f"ratio {ours / curl:.2f} (goal >= 0.9, {'yes' if ours / curl >= 0.9 else 'NO'})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
