"""Style profiles: a name, the user's own samples and the style meter's statistics (computed once, when
the samples change), one JSON file per profile in the app's data folder, written atomically."""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from writer_app.assist.text_input import check_text, decode_input
from writer_app.documents.file_io import atomic_write_bytes
from writer_app.documents.spelling import LANGUAGES, word_frequencies
from writer_app.errors import UserError
from writer_app.reward.language import identify
from writer_app.reward.style_meter import (
    MIN_SAMPLE_WORDS,
    StyleProfileStats,
    build_profile,
    default_background,
    is_function_word,
)
from writer_app.reward.text_units import words

_SLUG = re.compile(r"[^\w]+")
MAX_NAME_CHARS = 80
DISTINCTIVE_WORDS = 12


@dataclass(frozen=True)
class StyleProfile:
    name: str
    samples: tuple[str, ...]
    stats: StyleProfileStats
    updated: float = field(default_factory=time.time)
    distinctive: tuple[str, ...] = ()  # the words the samples use far more than the language does

    @property
    def words(self) -> int:
        return sum(len(words(sample)) for sample in self.samples)


def distinctive_words(samples: list[str] | tuple[str, ...], top: int = DISTINCTIVE_WORDS) -> tuple[str, ...]:
    """The samples' most distinctive words: used at least twice and far more often than in the
    language's reference list (names, mostly capitalised, left out); none for a language without one."""
    text = "\n\n".join(samples)
    language = identify(text).code
    if language not in LANGUAGES:  # not sure which language: no reference to compare with
        return ()
    reference, total = word_frequencies(language)
    tokens = [t.text for t in words(text)]
    counts = Counter(t.lower() for t in tokens)
    capitalised = Counter(t.lower() for t in tokens if t[:1].isupper())
    scored = []
    for word, count in counts.items():
        if count < 2 or len(word) < 3 or is_function_word(word) or capitalised[word] > 0.8 * count:
            continue
        ratio = (count / len(tokens)) / ((reference.get(word, 0) + 1) / total)
        if ratio > 2:
            scored.append((count * math.log(ratio), word))
    return tuple(word for _, word in sorted(scored, reverse=True)[:top])


def _made(name: str, samples: list[str] | tuple[str, ...], updated: float | None = None) -> StyleProfile:
    """A profile measured from its samples."""
    samples = tuple(samples)
    stats, distinctive = build_profile(list(samples)), distinctive_words(samples)
    return StyleProfile(name.strip(), samples, stats, updated or time.time(), distinctive)


def read_sample_files(files: list[Path]) -> list[str]:
    """The texts of sample files; one sentence for a file that cannot be read or is not text."""
    samples = []
    for path in files:
        try:
            data = Path(path).expanduser().read_bytes()
        except OSError as error:
            raise UserError(f"Could not read the sample {path}: {error.strerror or error}.") from error
        name = Path(path).name
        empty = f"The sample {name} is empty: use a file with your writing in it."
        samples.append(check_text(decode_input(data), what=f"sample {name}", empty=empty))
    return samples


def check_samples(samples: list[str]) -> None:
    """One sentence when the samples are too few words to describe a voice."""
    count = sum(len(words(sample)) for sample in samples)
    if count < MIN_SAMPLE_WORDS:
        raise UserError(
            f"These samples have {count} words; a style profile needs at least {MIN_SAMPLE_WORDS}: "
            f"add about {MIN_SAMPLE_WORDS - count} more words of your writing."
        )


class ProfileStore:
    """Profiles below `folder` (the data folder's `styles/`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _path(self, name: str) -> Path:
        """A file name from any name in any script: a readable part, capped, and a hash of the whole
        name so "Café" and "Caf" never share a file."""
        name = name.strip()
        if not name or len(name) > MAX_NAME_CHARS:
            raise UserError(f"Give the profile a name of 1 to {MAX_NAME_CHARS} characters.")
        slug = _SLUG.sub("-", name.lower()).strip("-")[:40] or "profile"
        digest = hashlib.sha256(name.lower().encode("utf-8")).hexdigest()[:8]
        return self.folder / f"{slug}-{digest}.json"

    def _write(self, profile: StyleProfile, path: Path | None = None) -> StyleProfile:
        data = {
            "name": profile.name,
            "samples": list(profile.samples),
            "stats": profile.stats.to_data(),
            "updated": profile.updated,
            "distinctive": list(profile.distinctive),
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        target = path or self._path(profile.name)
        atomic_write_bytes(target, json.dumps(data, ensure_ascii=False).encode("utf-8"))
        return profile

    def create(self, name: str, samples: list[str]) -> StyleProfile:
        samples = [s.strip() for s in samples if s.strip()]
        check_samples(samples)
        if self._path(name).exists():
            raise UserError(
                f"There is already a profile called “{name}”: choose another name or delete it first."
            )
        return self._write(_made(name, samples))

    def _read(self, path: Path) -> StyleProfile:
        """One profile file; a UserError naming it when it is not one."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            profile = StyleProfile(
                str(data["name"]),
                tuple(str(s) for s in data["samples"]),
                StyleProfileStats.from_data(data["stats"]),
                float(data["updated"]),
                tuple(str(w) for w in data.get("distinctive", ())),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise UserError(
                f"The style profile {path.name} cannot be read ({error}): create it again."
            ) from error
        return profile

    @staticmethod
    def is_current(profile: StyleProfile) -> bool:
        """Whether the profile was measured against the meter's present background."""
        return profile.stats.background == default_background().fingerprint

    def read(self, name: str) -> StyleProfile:
        """The profile as stored, measured or not against the present meter (quick: no measuring)."""
        path = self._path(name)
        if not path.is_file():
            names = ", ".join(p.name for p in self.list()) or "none yet"
            raise UserError(f"There is no style profile called “{name}” (profiles: {names}).")
        return self._read(path)

    def get(self, name: str) -> StyleProfile:
        """The profile, measured again (and kept so) when the meter changed since it was made."""
        profile = self.read(name)
        if not self.is_current(profile):
            profile = _made(profile.name, profile.samples, profile.updated)
            with contextlib.suppress(UserError):  # kept for next time; a read-only folder measures again
                self._write(profile, self._path(name))
        return profile

    def list(self) -> list[StyleProfile]:
        profiles = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                profiles.append(self._read(path))
            except UserError:
                continue  # a damaged file is skipped in the list; `show` on it says why
        return profiles

    def add_samples(self, name: str, samples: list[str]) -> StyleProfile:
        profile = self.get(name)
        merged = [*profile.samples, *(s.strip() for s in samples if s.strip())]
        return self._write(_made(profile.name, merged))

    def remove_sample(self, name: str, index: int) -> StyleProfile:
        profile = self.get(name)
        if not 0 <= index < len(profile.samples):
            raise UserError(f"“{name}” has samples 1 to {len(profile.samples)}, not {index + 1}.")
        kept = [s for i, s in enumerate(profile.samples) if i != index]
        check_samples(kept)
        return self._write(_made(profile.name, kept))

    def rename(self, name: str, new_name: str) -> StyleProfile:
        profile = self.get(name)
        if self._path(new_name).exists() and self._path(new_name) != self._path(name):
            raise UserError(f"There is already a profile called “{new_name}”.")
        renamed = self._write(replace(profile, name=new_name.strip()))
        if self._path(new_name) != self._path(name):
            self._path(name).unlink(missing_ok=True)
        return renamed

    def delete(self, name: str) -> None:
        path = self._path(name)
        if not path.exists():
            raise UserError(f"There is no style profile called “{name}”.")
        path.unlink()
