"""Input text checks: empty, whitespace, binary, invalid UTF-8, oversize."""

from __future__ import annotations

import pytest

from writer_app.assist.text_input import MAX_INPUT_CHARS, InputTextError, check_text, decode_input


def test_utf8_and_bom_are_decoded() -> None:
    assert decode_input("café".encode()) == "café"
    assert decode_input(b"\xef\xbb\xbfhello") == "hello"


def test_invalid_utf8_names_the_position() -> None:
    with pytest.raises(InputTextError, match="not valid UTF-8.*position 3"):
        decode_input(b"abc\xff\xfe")


def test_binary_is_refused() -> None:
    with pytest.raises(InputTextError, match="binary"):
        decode_input(b"\x89PNG\r\n\x1a\n\x00\x00\x00")


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n"])
def test_empty_text_is_refused(text: str) -> None:
    with pytest.raises(InputTextError, match="no text to rewrite"):
        check_text(text)


def test_control_characters_are_refused() -> None:
    with pytest.raises(InputTextError, match="control characters"):
        check_text("abc" + "\x01\x02\x03" * 10)


def test_oversize_text_is_refused() -> None:
    with pytest.raises(InputTextError, match="at most"):
        check_text("a" * (MAX_INPUT_CHARS + 1))


def test_ordinary_text_passes() -> None:
    assert check_text("Hello,\tworld.\n") == "Hello,\tworld.\n"
