"""Checks the text a user hands to the assistant: decodable, not binary, not empty."""

from __future__ import annotations

from writer_app.errors import UserError

MAX_INPUT_CHARS = 200_000


class InputTextError(UserError):
    """The text cannot be sent to the model as it is."""


def decode_input(data: bytes) -> str:
    """Decode UTF-8 input (a BOM is allowed); refuse binary data and other encodings."""
    if b"\x00" in data:
        raise InputTextError(
            "The input looks like binary data, not text: pass a plain-text or Markdown file."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputTextError(
            f"The input is not valid UTF-8 text (bad byte at position {error.start}): "
            "save it as UTF-8 and try again."
        ) from error


def check_text(text: str, *, what: str = "text to rewrite", empty: str = "") -> str:
    """Return `text` if it can be sent to the model, else raise InputTextError (`empty`: the sentence
    for no text, where "select or type some text first" is not the way to give it)."""
    if not text or not text.strip():
        raise InputTextError(empty or f"There is no {what}: select or type some text first.")
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f")
    if "\x00" in text or controls > max(8, len(text) // 100):
        raise InputTextError("The text contains binary control characters: paste plain text instead.")
    if len(text) > MAX_INPUT_CHARS:
        raise InputTextError(
            f"The {what} is {len(text):,} characters long; at most {MAX_INPUT_CHARS:,} can be sent "
            "at once: select a shorter passage."
        )
    return text
