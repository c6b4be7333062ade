"""The user's own actions: a name, a prompt, where the result goes (replace the selection, insert
after it, or a new document) and an optional shortcut — one small JSON file each in the data folder's
`actions/`, written atomically, importable and exportable as the same files."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from writer_app.documents.file_io import atomic_write_bytes
from writer_app.errors import UserError

OUTPUTS = {"replace": "Replace the selection", "insert": "Insert after it", "new": "A new document"}
MAX_NAME_CHARS = 60
MAX_PROMPT_CHARS = 2_000
_SLUG = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class UserAction:
    name: str
    prompt: str  # the instruction the model gets for the selected text
    output: str = "replace"  # a key of OUTPUTS
    shortcut: str = ""  # e.g. "Ctrl+Alt+1"… as Qt writes it; "" for none

    def checked(self) -> UserAction:
        """The action with its fields tidied, or a UserError that says what is wrong."""
        name, prompt = " ".join(self.name.split()), self.prompt.strip()
        if not name or len(name) > MAX_NAME_CHARS:
            raise UserError(f"An action needs a name of 1–{MAX_NAME_CHARS} characters.")
        if not prompt or len(prompt) > MAX_PROMPT_CHARS:
            raise UserError(f"The action “{name}” needs a prompt of 1–{MAX_PROMPT_CHARS:,} characters.")
        if self.output not in OUTPUTS:
            raise UserError(f"The action “{name}” has an unknown output: choose {', '.join(OUTPUTS)}.")
        return UserAction(name, prompt, self.output, self.shortcut.strip())


def _slug(name: str) -> str:
    return _SLUG.sub("-", name.lower()).strip("-") or "action"


def read_action(path: Path) -> UserAction:
    """An action from its file; a UserError names the file when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        fields = {key: str(data[key]) for key in ("name", "prompt") if key in data}
        fields |= {key: str(data[key]) for key in ("output", "shortcut") if key in data}
        return UserAction(**fields).checked()
    except (OSError, UnicodeDecodeError, ValueError, TypeError, AttributeError) as error:
        raise UserError(
            f"{path.name} is not an action file (a JSON object with a name and a prompt)."
        ) from error


class ActionStore:
    """The folder of the user's actions."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_of(self, name: str) -> Path:
        return self.folder / f"{_slug(name)}.json"

    def all(self) -> list[UserAction]:
        """Every readable action, by name (a damaged file is skipped, not fatal)."""
        found = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            try:
                found.append(read_action(path))
            except UserError:
                continue
        return sorted(found, key=lambda action: action.name.casefold())

    def get(self, name: str) -> UserAction:
        for action in self.all():
            if action.name.casefold() == name.strip().casefold():
                return action
        names = ", ".join(a.name for a in self.all()) or "none yet"
        raise UserError(f"There is no action called “{name}” (yours: {names}).")

    def save(self, action: UserAction, replacing: str = "", overwrite: bool = False) -> UserAction:
        """Keep `action` (in place of the one called `replacing`, when edited; `overwrite` lets an
        import replace an action of the same name)."""
        action = action.checked()
        if not overwrite and self._other_at(action.name, replacing):
            raise UserError(f"An action named like “{action.name}” exists already: choose another name.")
        if replacing and _slug(replacing) != _slug(action.name):
            self.path_of(replacing).unlink(missing_ok=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        data = json.dumps(asdict(action), ensure_ascii=False, indent=2).encode("utf-8")
        atomic_write_bytes(self.path_of(action.name), data)
        return action

    def _other_at(self, name: str, replacing: str) -> bool:
        """Whether `name`'s file holds another action than the one being edited ("Tweet!" and
        "Tweet?" share one; a new action may not take an existing one's name)."""
        path = self.path_of(name)
        return path.exists() and not (replacing and _slug(replacing) == _slug(name))

    def delete(self, name: str) -> None:
        self.path_of(name).unlink(missing_ok=True)

    def import_file(self, path: Path) -> UserAction:
        return self.save(read_action(path), overwrite=True)  # an imported action replaces its namesake

    def export(self, name: str, path: Path) -> None:
        data = json.dumps(asdict(self.get(name)), ensure_ascii=False, indent=2).encode("utf-8")
        atomic_write_bytes(path, data)
