"""Reading and atomically writing text documents, keeping their line endings, detecting conflicts."""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from writer_app.errors import UserError

TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".text")
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


class SaveConflictError(UserError):
    """The file changed on disk since it was opened or last saved."""


@dataclass(frozen=True)
class DiskState:
    """What the file on disk looked like when we last read or wrote it."""

    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of_bytes(cls, data: bytes, stat: os.stat_result) -> DiskState:
        return cls(len(data), stat.st_mtime_ns, hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class LoadedDocument:
    text: str  # with "\n" line endings
    line_ending: str  # "\n", "\r\n" or "\r": how the file ends its lines
    has_bom: bool
    disk: DiskState


def detect_line_ending(text: str) -> str:
    """The file's dominant line ending; "\\n" when it has none."""
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    counts = {"\r\n": crlf, "\n": lf, "\r": cr}
    best = max(counts, key=lambda ending: counts[ending])
    return best if counts[best] > 0 else "\n"


def _os_error_sentence(action: str, path: Path, error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return f"Could not {action} {path.name}: the disk is full. Free some space and try again."
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        advice = "" if action == "open" else " Choose another folder with Save As."
        return f"Could not {action} {path.name}: permission denied.{advice}"
    if error.errno == errno.ENOENT and action == "open":
        return f"Could not open {path.name}: there is no such file in {path.parent}."
    if error.errno == errno.ENOENT:
        return f"Could not {action} {path.name}: the folder {path.parent} no longer exists. Use Save As."
    return f"Could not {action} {path.name}: {error.strerror or error}."


def read_document(path: Path) -> LoadedDocument:
    """Read a UTF-8 text file; refuse binary, other encodings and huge files with a sentence."""
    path = Path(path)
    try:
        stat = path.stat()
        if stat.st_size > MAX_DOCUMENT_BYTES:
            raise UserError(
                f"{path.name} is {stat.st_size / 2**20:.0f} MB; this editor opens text files up to "
                f"{MAX_DOCUMENT_BYTES // 2**20} MB."
            )
        data = path.read_bytes()
    except IsADirectoryError as error:
        raise UserError(f"{path} is a folder: choose a text file.") from error
    except OSError as error:
        raise UserError(_os_error_sentence("open", path, error)) from error
    if b"\x00" in data:
        raise UserError(f"{path.name} is not a text file (it contains binary data).")
    has_bom = data.startswith(b"\xef\xbb\xbf")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(
            f"{path.name} is not UTF-8 text (bad byte at position {error.start}): convert it to UTF-8 first."
        ) from error
    ending = detect_line_ending(raw)
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return LoadedDocument(text, ending, has_bom, DiskState.of_bytes(data, stat))


def encode_document(text: str, line_ending: str = "\n", has_bom: bool = False) -> bytes:
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    if line_ending != "\n":
        body = body.replace("\n", line_ending)
    return (b"\xef\xbb\xbf" if has_bom else b"") + body.encode("utf-8")


def disk_state(path: Path) -> DiskState | None:
    """The file's current state, or None when it does not exist."""
    try:
        data = Path(path).read_bytes()
        return DiskState.of_bytes(data, Path(path).stat())
    except FileNotFoundError:
        return None


def changed_on_disk(path: Path, expected: DiskState | None) -> bool:
    """True when the file's content differs from `expected` (a touch without change is not a change).

    Size and mtime are compared first: a different size is a change, the same size and mtime is
    none, and only otherwise is the whole file hashed.
    """
    if expected is None:
        return False
    try:
        stat = Path(path).stat()
    except FileNotFoundError:
        return False
    if stat.st_size != expected.size:
        return True
    if stat.st_mtime_ns == expected.mtime_ns:
        return False
    current = disk_state(path)
    return current is not None and current.sha256 != expected.sha256


@cache
def _umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere: read it by setting it, once, and put it back at once
    os.umask(mask)
    return mask


def write_target(path: Path) -> Path:
    """Where writing `path` must go: a symlink's target, so the link itself stays a link."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def atomic_write_bytes(path: Path, data: bytes, mode: int | None = None) -> os.stat_result:
    """Write to a temporary file beside `path`, fsync it, replace `path`, fsync the folder.

    `mode` fixes the permission bits (private files); otherwise an existing file keeps its own and a
    new one gets those the user's umask gives (not mkstemp's 0600). A symlink is written through:
    its target is replaced and the link kept.
    """
    path = write_target(path)
    folder = path.parent
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise UserError(_os_error_sentence("save", path, error)) from error
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None:
            mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
        os.chmod(temporary, mode)
        os.replace(temporary, path)
        try:
            folder_fd = os.open(folder, os.O_RDONLY)
        except OSError:
            folder_fd = None
        if folder_fd is not None:
            try:
                os.fsync(folder_fd)
            finally:
                os.close(folder_fd)
        return path.stat()
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise UserError(_os_error_sentence("save", path, error)) from error


def save_document(
    path: Path,
    text: str,
    *,
    line_ending: str = "\n",
    has_bom: bool = False,
    expected: DiskState | None = None,
    force: bool = False,
) -> DiskState:
    """Save atomically; unless `force`, refuse with SaveConflictError if the file changed on disk."""
    path = Path(path)
    if not force and changed_on_disk(path, expected):
        raise SaveConflictError(
            f"{path.name} was changed by another program since you opened it: overwrite it, or save "
            "your version under another name."
        )
    data = encode_document(text, line_ending, has_bom)
    stat = atomic_write_bytes(path, data)
    return DiskState.of_bytes(data, stat)
