"""The preset rewrite modes and transforms: a key, a menu label and the instruction the model receives."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RewriteMode:
    key: str
    label: str
    instruction: str
    length_factor: float  # expected output length relative to the input
    # Whether the document around the selection is sent. A grammar fix needs none, and small models
    # given it tend to copy it back instead of fixing the text.
    uses_context: bool = True
    transform: bool = False  # a new form (a summary, a list): Assist → Transform; not the text's shape


MODES: dict[str, RewriteMode] = {
    mode.key: mode
    for mode in (  # key, label, instruction, expected length factor
        RewriteMode(
            "grammar",
            "Fix grammar",
            "Fix spelling, grammar and punctuation. Change nothing else.",
            1.2,
            uses_context=False,
        ),
        RewriteMode(
            "clarity", "Improve clarity", "Rewrite the text so it is clearer and easier to read.", 1.3
        ),
        RewriteMode(
            "concise", "Make concise", "Rewrite the text to be shorter. Cut every unneeded word.", 1.0
        ),
        RewriteMode(
            "simplify", "Simplify", "Rewrite the text with simpler words and shorter sentences.", 1.3
        ),
        RewriteMode("formal", "More formal", "Rewrite the text in a more formal, professional tone.", 1.4),
        RewriteMode("friendly", "Friendlier", "Rewrite the text in a friendlier, warmer tone.", 1.4),
        RewriteMode("neutral", "More neutral", "Rewrite the text in a neutral, objective tone.", 1.3),
        RewriteMode(
            "paraphrase", "Paraphrase", "Paraphrase the text: say the same thing in other words.", 1.4
        ),
        RewriteMode("expand", "Expand", "Expand the text with more detail while keeping its meaning.", 2.5),
        RewriteMode(
            "summarize",
            "Summarize",
            "Summarize the text in a few sentences: its main points only, nothing added.",
            0.5,
            uses_context=False,
            transform=True,
        ),
        RewriteMode(
            "key_points",
            "Key points",
            'List the key points of the text, one short point per line, each line starting with "- ".',
            0.8,
            uses_context=False,
            transform=True,
        ),
        RewriteMode(
            "bullets",
            "Bulleted list",
            'Turn the text into a bulleted list, one item per line, each line starting with "- ". '
            "Keep all of its information.",
            1.3,
            uses_context=False,
            transform=True,
        ),
    )
}
DEFAULT_MODE = "clarity"
CUSTOM_LENGTH_FACTOR = 2.0


def mode_or_error(key: str) -> RewriteMode:
    """The mode called `key`; a ValueError lists the valid keys otherwise."""
    try:
        return MODES[key]
    except KeyError:
        raise ValueError(f"Unknown rewrite mode {key!r}: choose one of {', '.join(MODES)}.") from None
